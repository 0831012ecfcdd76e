// mco_crypto.cpp - see mco_crypto.h.
#include "plugin/mcollective/mco_crypto.h"

#include <dirent.h>
#include <gcrypt.h>
#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "dissector/common/arena.h"
#include "dissector/ruby/ruby_base64.h"

namespace mco_crypto {

namespace {

constexpr size_t kMaxKeyFile = 1 << 20;  // a key file larger than this is not read
constexpr size_t kMaxKeys = 4096;        // per folder

struct PubKey {
  std::string name;
  gnutls_pubkey_t key = nullptr;
};
struct PrivKey {
  std::string name;
  gnutls_privkey_t key = nullptr;
};
struct BadKey {
  std::string name;  // key name (file name without extension)
  std::string why;
};

void init_libraries() {
  static bool done = false;
  if (done) return;
  done = true;
  // Wireshark initialises libgcrypt at start-up; tests and fuzzers do not.
  if (!gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P)) {
    gcry_check_version(nullptr);
    gcry_control(GCRYCTL_DISABLE_SECMEM, 0);
    gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0);
  }
  gnutls_global_init();
}

// "admin-private.pem" -> "admin"; "ops.pem" -> "ops".
std::string key_name(const std::string& file) {
  std::string n = file;
  const size_t dot = n.rfind('.');
  if (dot != std::string::npos && dot > 0) n.resize(dot);
  static const char kPriv[] = "-private";
  const size_t pl = sizeof kPriv - 1;
  if (n.size() > pl && n.compare(n.size() - pl, pl, kPriv) == 0) n.resize(n.size() - pl);
  return n;
}

bool read_file(const std::string& path, std::vector<uint8_t>* out, std::string* why) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    *why = std::string("cannot open ") + path + ": " + std::strerror(errno);
    return false;
  }
  out->clear();
  uint8_t buf[8192];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    if (out->size() + n > kMaxKeyFile) {
      std::fclose(f);
      *why = path + ": larger than 1 MiB, not a key file";
      return false;
    }
    out->insert(out->end(), buf, buf + n);
  }
  const bool err = std::ferror(f) != 0;
  std::fclose(f);
  if (err) {
    *why = std::string("cannot read ") + path;
    return false;
  }
  return true;
}

bool is_rsa_pub(gnutls_pubkey_t k) {
  return gnutls_pubkey_get_pk_algorithm(k, nullptr) == GNUTLS_PK_RSA;
}

// A public key from PEM/DER bytes: certificate, SubjectPublicKeyInfo, or
// the public half of a private key.
gnutls_pubkey_t import_public(const uint8_t* data, size_t len, gnutls_privkey_t* priv_out) {
  if (!data || len == 0 || len > kMaxKeyFile) return nullptr;
  init_libraries();
  gnutls_datum_t d;
  d.data = const_cast<unsigned char*>(data);
  d.size = static_cast<unsigned>(len);
  const bool pem = std::string_view(reinterpret_cast<const char*>(data), len)
                       .find("-----BEGIN") != std::string_view::npos;
  const gnutls_x509_crt_fmt_t fmt = pem ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER;
  gnutls_pubkey_t pub = nullptr;
  if (gnutls_pubkey_init(&pub) < 0) return nullptr;
  if (gnutls_pubkey_import(pub, &d, fmt) >= 0 && is_rsa_pub(pub)) return pub;
  gnutls_pubkey_deinit(pub);
  pub = nullptr;

  gnutls_x509_crt_t crt = nullptr;
  if (gnutls_x509_crt_init(&crt) >= 0) {
    if (gnutls_x509_crt_import(crt, &d, fmt) >= 0 && gnutls_pubkey_init(&pub) >= 0) {
      if (gnutls_pubkey_import_x509(pub, crt, 0) < 0 || !is_rsa_pub(pub)) {
        gnutls_pubkey_deinit(pub);
        pub = nullptr;
      }
    }
    gnutls_x509_crt_deinit(crt);
    if (pub) return pub;
  }

  gnutls_privkey_t priv = nullptr;
  if (gnutls_privkey_init(&priv) < 0) return nullptr;
  if (gnutls_privkey_import_x509_raw(priv, &d, fmt, nullptr, GNUTLS_PKCS_PLAIN) >= 0 &&
      gnutls_privkey_get_pk_algorithm(priv, nullptr) == GNUTLS_PK_RSA &&
      gnutls_pubkey_init(&pub) >= 0) {
    if (gnutls_pubkey_import_privkey(pub, priv, 0, 0) >= 0) {
      if (priv_out) {
        *priv_out = priv;
        return pub;
      }
    } else {
      gnutls_pubkey_deinit(pub);
      pub = nullptr;
    }
  }
  gnutls_privkey_deinit(priv);
  return pub;
}

}  // namespace

class KeyRing {
 public:
  std::vector<PubKey> pubs;    // ssl folder, aes folder, public halves of private keys
  std::vector<PrivKey> privs;  // aes folder
  std::vector<BadKey> bad;
  PubKey server;
  std::string server_why;  // why there is no server key, when a file was named
  std::vector<std::string> problems;

  ~KeyRing() {
    for (auto& k : pubs) gnutls_pubkey_deinit(k.key);
    for (auto& k : privs) gnutls_privkey_deinit(k.key);
    if (server.key) gnutls_pubkey_deinit(server.key);
  }

  void load_file(const std::string& dir, const std::string& file) {
    const std::string name = key_name(file);
    std::vector<uint8_t> bytes;
    std::string why;
    if (!read_file(dir + "/" + file, &bytes, &why)) {
      bad.push_back({name, why});
      problems.push_back(why);
      return;
    }
    gnutls_privkey_t priv = nullptr;
    gnutls_pubkey_t pub = import_public(bytes.data(), bytes.size(), &priv);
    if (!pub) {
      why = dir + "/" + file + ": not an RSA key or certificate GnuTLS can read";
      bad.push_back({name, why});
      problems.push_back(why);
      return;
    }
    pubs.push_back({name, pub});
    if (priv) privs.push_back({name, priv});
  }

  void load_dir(const char* dir) {
    if (!dir || !dir[0]) return;
    DIR* d = opendir(dir);
    if (!d) {
      problems.push_back(std::string("key folder ") + dir + ": " + std::strerror(errno));
      return;
    }
    std::vector<std::string> files;
    while (struct dirent* e = readdir(d)) {
      const std::string f = e->d_name;
      const size_t n = f.size();
      if (n > 4 && (f.compare(n - 4, 4, ".pem") == 0 || f.compare(n - 4, 4, ".der") == 0))
        files.push_back(f);
      if (files.size() >= kMaxKeys) break;
    }
    closedir(d);
    for (const auto& f : files) load_file(dir, f);
  }

  void load_server(const char* file) {
    if (!file || !file[0]) return;
    std::string path = file, why;
    const size_t slash = path.rfind('/');
    server.name = key_name(slash == std::string::npos ? path : path.substr(slash + 1));
    std::vector<uint8_t> bytes;
    if (!read_file(path, &bytes, &why)) {
      server_why = why;
    } else if (!(server.key = import_public(bytes.data(), bytes.size(), nullptr))) {
      server_why = path + ": not an RSA key or certificate GnuTLS can read";
    }
    if (!server_why.empty()) problems.push_back(server_why);
  }

  const PubKey* find_pub(std::string_view name) const {
    for (const auto& k : pubs)
      if (k.name == name) return &k;
    return nullptr;
  }
  const BadKey* find_bad(std::string_view name) const {
    for (const auto& k : bad)
      if (k.name == name) return &k;
    return nullptr;
  }
};

KeyRing* keyring_load(const char* ssl_dir, const char* server_pub_file, const char* aes_dir) {
  init_libraries();
  KeyRing* r = new KeyRing();
  r->load_dir(ssl_dir);
  if (aes_dir && (!ssl_dir || std::strcmp(ssl_dir, aes_dir) != 0)) r->load_dir(aes_dir);
  r->load_server(server_pub_file);
  return r;
}

void keyring_free(KeyRing* ring) { delete ring; }
size_t keyring_public_count(const KeyRing* r) { return r ? r->pubs.size() + (r->server.key ? 1 : 0) : 0; }
size_t keyring_private_count(const KeyRing* r) { return r ? r->privs.size() : 0; }
size_t keyring_problem_count(const KeyRing* r) { return r ? r->problems.size() : 0; }
const char* keyring_problem(const KeyRing* r, size_t i) {
  return r && i < r->problems.size() ? r->problems[i].c_str() : "";
}

const char* sig_status_name(SigStatus s) {
  switch (s) {
    case SigStatus::Good: return "good";
    case SigStatus::Bad: return "bad";
    case SigStatus::NoKey: return "no key";
    case SigStatus::KeyUnreadable: return "key unreadable";
    case SigStatus::Malformed: return "malformed";
  }
  return "?";
}

bool parse_key_bytes(const uint8_t* data, size_t len, bool* is_private) {
  gnutls_privkey_t priv = nullptr;
  gnutls_pubkey_t pub = import_public(data, len, &priv);
  if (is_private) *is_private = priv != nullptr;
  if (priv) gnutls_privkey_deinit(priv);
  if (!pub) return false;
  gnutls_pubkey_deinit(pub);
  return true;
}

SigResult verify_ssl(const KeyRing* ring, const mco::Envelope& env) {
  SigResult r;
  const char* server_name = ring && !ring->server.name.empty() ? ring->server.name.c_str() : "server";
  gnutls_pubkey_t key = nullptr;
  if (env.direction == mco::Direction::Reply) {
    r.key = server_name;
    if (ring) key = ring->server.key;
    if (!key) {
      r.status = ring && !ring->server_why.empty() ? SigStatus::KeyUnreadable : SigStatus::NoKey;
      std::snprintf(r.detail, sizeof r.detail, "%s",
                    r.status == SigStatus::KeyUnreadable ? ring->server_why.c_str()
                                                         : "no server public key configured");
      return r;
    }
  } else {
    std::string_view name = mco::cert_name(env.callerid.is_text ? env.callerid.text : "");
    if (name.empty()) {
      r.status = SigStatus::NoKey;
      std::snprintf(r.detail, sizeof r.detail, "callerid is not cert=<name>: no key to look up");
      return r;
    }
    const PubKey* k = ring ? ring->find_pub(name) : nullptr;
    if (k) {
      r.key = k->name.c_str();
      key = k->key;
    } else if (ring && ring->server.key && name == ring->server.name) {
      r.key = server_name;  // a server-originated request (registration)
      key = ring->server.key;
    } else {
      const BadKey* b = ring ? ring->find_bad(name) : nullptr;
      r.status = b ? SigStatus::KeyUnreadable : SigStatus::NoKey;
      if (b)
        std::snprintf(r.detail, sizeof r.detail, "key for cert=%.*s: %s",
                      static_cast<int>(name.size()), name.data(), b->why.c_str());
      else
        std::snprintf(r.detail, sizeof r.detail, "no public key %.*s.pem for cert=%.*s",
                      static_cast<int>(name.size()), name.data(), static_cast<int>(name.size()),
                      name.data());
      return r;
    }
  }
  // The signature: Base64 with line breaks; a 2048-bit key gives 256 bytes.
  if (!env.hash.is_text || !env.body.is_text ||
      !ruby::is_base64_text(reinterpret_cast<const uint8_t*>(env.hash.text.data()),
                            env.hash.text.size()) ||
      env.hash.text.size() > 8192) {
    r.status = SigStatus::Malformed;
    std::snprintf(r.detail, sizeof r.detail, ":hash is not a Base64 signature");
    return r;
  }
  uint8_t sig[8192 / 4 * 3 + 3];
  const size_t sig_len = ruby::base64_decode(
      reinterpret_cast<const uint8_t*>(env.hash.text.data()), env.hash.text.size(), sig);
  gnutls_datum_t data, sd;
  data.data = reinterpret_cast<unsigned char*>(const_cast<char*>(env.body.text.data()));
  data.size = static_cast<unsigned>(env.body.text.size());
  sd.data = sig;
  sd.size = static_cast<unsigned>(sig_len);
  const int rc = gnutls_pubkey_verify_data2(key, GNUTLS_SIGN_RSA_SHA1,
                                            GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1, &data, &sd);
  if (rc >= 0) {
    r.status = SigStatus::Good;
    std::snprintf(r.detail, sizeof r.detail, "RSA-SHA1 signature verified with %s", r.key);
  } else {
    r.status = SigStatus::Bad;
    std::snprintf(r.detail, sizeof r.detail,
                  "RSA-SHA1 signature does not match :body with key %s (%s)", r.key,
                  gnutls_strerror(rc));
  }
  return r;
}

bool evp_bytes_to_key(const uint8_t* pw, size_t pw_len, uint8_t key[32], uint8_t iv[16]) {
  init_libraries();
  // D_i = MD5^2048(D_{i-1} || pw), concatenated until 48 bytes.
  uint8_t out[48];
  size_t have = 0;
  uint8_t prev[16];
  bool first = true;
  std::vector<uint8_t> buf;
  while (have < sizeof out) {
    buf.clear();
    if (!first) buf.insert(buf.end(), prev, prev + 16);
    buf.insert(buf.end(), pw, pw + pw_len);
    gcry_md_hash_buffer(GCRY_MD_MD5, prev, buf.data(), buf.size());
    for (int i = 1; i < 2048; i++) gcry_md_hash_buffer(GCRY_MD_MD5, prev, prev, 16);
    const size_t n = sizeof out - have < 16 ? sizeof out - have : 16;
    std::memcpy(out + have, prev, n);
    have += n;
    first = false;
  }
  std::memcpy(key, out, 32);
  std::memcpy(iv, out + 32, 16);
  return true;
}

bool aes256cbc_decrypt(const uint8_t key[32], const uint8_t iv[16], const uint8_t* ct,
                       size_t ct_len, uint8_t* out, size_t* out_len) {
  init_libraries();
  if (!ct || ct_len == 0 || ct_len % 16 != 0) return false;
  gcry_cipher_hd_t h;
  if (gcry_cipher_open(&h, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_CBC, 0)) return false;
  bool ok = !gcry_cipher_setkey(h, key, 32) && !gcry_cipher_setiv(h, iv, 16) &&
            !gcry_cipher_decrypt(h, out, ct_len, ct, ct_len);
  gcry_cipher_close(h);
  return ok && mco::pkcs7_unpadded_len(out, ct_len, 16, out_len);
}

namespace {

// The raw RSA public operation c^e mod n (libgcrypt, "flags raw"), the
// result left-padded to the modulus length, then the type-1 block's payload.
bool rsa_public_recover(gnutls_pubkey_t pub, const uint8_t* c, size_t c_len,
                        std::vector<uint8_t>* payload) {
  gnutls_datum_t m{nullptr, 0}, e{nullptr, 0};
  if (gnutls_pubkey_export_rsa_raw2(pub, &m, &e, GNUTLS_EXPORT_FLAG_NO_LZ) < 0) return false;
  bool ok = false;
  gcry_mpi_t n = nullptr, ex = nullptr, cm = nullptr;
  gcry_sexp_t pk = nullptr, data = nullptr, res = nullptr;
  const size_t k = m.size;
  if (c_len <= k && !gcry_mpi_scan(&n, GCRYMPI_FMT_USG, m.data, m.size, nullptr) &&
      !gcry_mpi_scan(&ex, GCRYMPI_FMT_USG, e.data, e.size, nullptr) &&
      !gcry_mpi_scan(&cm, GCRYMPI_FMT_USG, c, c_len, nullptr) && gcry_mpi_cmp(cm, n) < 0 &&
      !gcry_sexp_build(&pk, nullptr, "(public-key (rsa (n %m) (e %m)))", n, ex) &&
      !gcry_sexp_build(&data, nullptr, "(data (flags raw) (value %m))", cm) &&
      !gcry_pk_encrypt(&res, data, pk)) {
    gcry_sexp_t a = gcry_sexp_find_token(res, "a", 0);
    gcry_mpi_t rm = a ? gcry_sexp_nth_mpi(a, 1, GCRYMPI_FMT_USG) : nullptr;
    std::vector<uint8_t> em(k, 0);
    size_t written = 0;
    if (rm && gcry_mpi_print(GCRYMPI_FMT_USG, nullptr, 0, &written, rm) == 0 && written <= k &&
        gcry_mpi_print(GCRYMPI_FMT_USG, em.data() + (k - written), written, &written, rm) == 0) {
      const uint8_t* p = nullptr;
      size_t plen = 0;
      if (mco::pkcs1_type1_payload(em.data(), em.size(), &p, &plen)) {
        payload->assign(p, p + plen);
        ok = true;
      }
    }
    gcry_mpi_release(rm);
    gcry_sexp_release(a);
  }
  gcry_sexp_release(res);
  gcry_sexp_release(data);
  gcry_sexp_release(pk);
  gcry_mpi_release(cm);
  gcry_mpi_release(ex);
  gcry_mpi_release(n);
  gnutls_free(m.data);
  gnutls_free(e.data);
  return ok;
}

const uint8_t* finish(const std::vector<uint8_t>& pw, const uint8_t* ct, size_t ct_len,
                      core::Arena& arena, size_t* plain_len) {
  uint8_t key[32], iv[16];
  if (pw.empty() || !evp_bytes_to_key(pw.data(), pw.size(), key, iv)) return nullptr;
  uint8_t* out = static_cast<uint8_t*>(arena.alloc(ct_len ? ct_len : 1));
  if (!out) return nullptr;
  if (!aes256cbc_decrypt(key, iv, ct, ct_len, out, plain_len)) return nullptr;
  return out;
}

char* arena_text(core::Arena& arena, const char* fmt, std::string_view a, const char* b) {
  char buf[300];
  std::snprintf(buf, sizeof buf, fmt, static_cast<int>(a.size()), a.data(), b);
  const size_t n = std::strlen(buf) + 1;
  char* out = static_cast<char*>(arena.alloc(n));
  if (out) std::memcpy(out, buf, n);
  return out;
}

const uint8_t* aes_decrypt(void* ctx, const mco::Envelope& env, const uint8_t* sslkey,
                           size_t sslkey_len, const uint8_t* ct, size_t ct_len,
                           core::Arena& arena, size_t* plain_len, const char** why) {
  const KeyRing* ring = static_cast<const KeyRing*>(ctx);
  std::vector<uint8_t> pw;
  if (env.direction == mco::Direction::Reply) {
    // Encrypted to the calling client's public key: try each private key.
    if (!ring || ring->privs.empty()) {
      *why = "no private key configured (aes_security replies need the client's private key)";
      return nullptr;
    }
    bool any_rsa = false;
    for (const auto& k : ring->privs) {
      gnutls_datum_t in{const_cast<unsigned char*>(sslkey), static_cast<unsigned>(sslkey_len)};
      gnutls_datum_t out{nullptr, 0};
      if (gnutls_privkey_decrypt_data(k.key, 0, &in, &out) >= 0) {
        any_rsa = true;
        pw.assign(out.data, out.data + out.size);
        gnutls_free(out.data);
        if (const uint8_t* p = finish(pw, ct, ct_len, arena, plain_len)) return p;
      }
    }
    *why = any_rsa ? "AES decryption failed (bad padding) with the RSA-decrypted :sslkey"
                   : "no configured private key decrypts :sslkey";
    return nullptr;
  }
  // Requests: the sender's private-key operation; its public key from the
  // folders (by callerid), from :sslpubkey, or the server key (registration).
  std::string_view name = mco::cert_name(env.callerid.is_text ? env.callerid.text : "");
  std::vector<gnutls_pubkey_t> tried;
  gnutls_pubkey_t from_msg = nullptr;
  if (ring && !name.empty()) {
    if (const PubKey* k = ring->find_pub(name)) tried.push_back(k->key);
  }
  if (env.sslpubkey.is_text && !env.sslpubkey.text.empty()) {
    from_msg = import_public(reinterpret_cast<const uint8_t*>(env.sslpubkey.text.data()),
                             env.sslpubkey.text.size(), nullptr);
    if (from_msg) tried.push_back(from_msg);
  }
  if (ring && ring->server.key) tried.push_back(ring->server.key);
  const uint8_t* result = nullptr;
  bool recovered = false;
  for (gnutls_pubkey_t k : tried) {
    if (!rsa_public_recover(k, sslkey, sslkey_len, &pw)) continue;
    recovered = true;
    if ((result = finish(pw, ct, ct_len, arena, plain_len))) break;
  }
  if (from_msg) gnutls_pubkey_deinit(from_msg);
  if (result) return result;
  if (tried.empty()) {
    const BadKey* b = ring && !name.empty() ? ring->find_bad(name) : nullptr;
    *why = b ? arena_text(arena, "key for cert=%.*s: %s", name, b->why.c_str())
             : arena_text(arena, "no public key for cert=%.*s%s", name,
                          " (and no :sslpubkey, no server key)");
  } else {
    *why = recovered ? "AES decryption failed (bad padding) with the RSA-recovered :sslkey"
                     : "no configured public key recovers :sslkey (wrong key?)";
  }
  return nullptr;
}

}  // namespace

mco::BodyDecryptor aes_decryptor(const KeyRing* ring) {
  mco::BodyDecryptor d;
  d.decrypt = aes_decrypt;
  d.ctx = const_cast<KeyRing*>(ring);
  return d;
}

}  // namespace mco_crypto
