// pcap_streams.cpp - see pcap_streams.h.
#include "support/pcap_streams.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

namespace testsupport {

namespace {

struct Packet {
  uint32_t num;
  uint32_t linktype;
  std::string data;
};

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t be32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

uint32_t rd32(const std::string& s, size_t off, bool swap) {
  uint32_t v;
  std::memcpy(&v, s.data() + off, 4);
  return swap ? __builtin_bswap32(v) : v;
}
uint16_t rd16(const std::string& s, size_t off, bool swap) {
  uint16_t v;
  std::memcpy(&v, s.data() + off, 2);
  return swap ? __builtin_bswap16(v) : v;
}

bool read_pcap(const std::string& f, std::vector<Packet>* out, std::string* err) {
  uint32_t magic;
  std::memcpy(&magic, f.data(), 4);
  bool swap = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
  uint32_t link = rd32(f, 20, swap);
  size_t off = 24;
  uint32_t num = 0;
  while (off + 16 <= f.size()) {
    uint32_t incl = rd32(f, off + 8, swap);
    if (off + 16 + incl > f.size()) {
      *err = "truncated pcap record";
      return false;
    }
    out->push_back({++num, link, f.substr(off + 16, incl)});
    off += 16 + incl;
  }
  return true;
}

bool read_pcapng(const std::string& f, std::vector<Packet>* out, std::string* err) {
  size_t off = 0;
  bool swap = false;
  std::vector<uint32_t> iface_link;
  uint32_t num = 0;
  while (off + 12 <= f.size()) {
    uint32_t type = rd32(f, off, swap);
    if (type == 0x0a0d0d0a) {  // section header: byte-order magic decides
      uint32_t bom;
      std::memcpy(&bom, f.data() + off + 8, 4);
      swap = bom == 0x4d3c2b1a;
      iface_link.clear();
    }
    uint32_t len = rd32(f, off + 4, swap);
    if (len < 12 || off + len > f.size()) {
      *err = "bad pcapng block";
      return false;
    }
    if (type == 1) {  // interface description
      iface_link.push_back(rd16(f, off + 8, swap));
    } else if (type == 6) {  // enhanced packet
      uint32_t iface = rd32(f, off + 8, swap);
      uint32_t cap = rd32(f, off + 20, swap);
      if (iface >= iface_link.size() || 28 + cap > len) {
        *err = "bad enhanced packet block";
        return false;
      }
      out->push_back({++num, iface_link[iface], f.substr(off + 28, cap)});
    } else if (type == 3) {  // simple packet
      uint32_t orig = rd32(f, off + 8, swap);
      uint32_t cap = std::min<uint32_t>(orig, len - 16);
      out->push_back({++num, iface_link.empty() ? 1 : iface_link[0], f.substr(off + 12, cap)});
    }
    off += len;
  }
  return true;
}

// Offset of the IP header for a link type, or -1.
long ip_offset(const Packet& p) {
  const auto* d = reinterpret_cast<const uint8_t*>(p.data.data());
  size_t n = p.data.size();
  switch (p.linktype) {
    case 1: {  // Ethernet, maybe VLAN-tagged
      size_t o = 12;
      while (o + 2 <= n && (be16(d + o) == 0x8100 || be16(d + o) == 0x88a8)) o += 4;
      if (o + 2 > n) return -1;
      uint16_t et = be16(d + o);
      return (et == 0x0800 || et == 0x86dd) ? static_cast<long>(o + 2) : -1;
    }
    case 113:  // Linux cooked v1
      return n >= 16 ? 16 : -1;
    case 276:  // Linux cooked v2
      return n >= 20 ? 20 : -1;
    case 0:    // BSD loopback (null)
    case 108:
      return n >= 4 ? 4 : -1;
    case 101:  // raw IP
    case 228:
    case 229:
      return 0;
    default:
      return -1;
  }
}

struct Endpoint {
  std::string addr;
  uint16_t port;
  bool operator<(const Endpoint& o) const { return std::tie(addr, port) < std::tie(o.addr, o.port); }
  bool operator==(const Endpoint& o) const { return addr == o.addr && port == o.port; }
};

std::string print_addr(const uint8_t* a, size_t n) {
  std::ostringstream s;
  if (n == 4) {
    s << int(a[0]) << '.' << int(a[1]) << '.' << int(a[2]) << '.' << int(a[3]);
  } else {
    for (size_t i = 0; i < n; i += 2) {
      if (i) s << ':';
      s << std::hex << (a[i] << 8 | a[i + 1]);
    }
  }
  return s.str();
}

struct PendingSeg {
  uint32_t packet;
  uint32_t seq;
  std::string data;
};

struct DirState {
  bool have_isn = false;
  uint32_t isn = 0;  // sequence number of the first data byte
  std::vector<PendingSeg> segs;
};

struct Conn {
  Endpoint a, b;  // a = client (sent SYN, or sent first)
  uint32_t first_packet;
  DirState to_b, to_a;
  bool syn_seen = false;
};

void assemble(DirState& st, Direction* out) {
  if (!st.have_isn) return;
  // Order by stream offset (32-bit wrap handled relative to the ISN).
  std::stable_sort(st.segs.begin(), st.segs.end(), [&](const PendingSeg& x, const PendingSeg& y) {
    return uint32_t(x.seq - st.isn) < uint32_t(y.seq - st.isn);
  });
  for (const PendingSeg& s : st.segs) {
    uint64_t off = uint32_t(s.seq - st.isn);
    uint64_t end = off + s.data.size();
    if (end <= out->bytes.size()) continue;  // pure retransmission
    if (off > out->bytes.size()) break;      // a hole: stop here
    size_t skip = static_cast<size_t>(out->bytes.size() - off);
    out->segments.push_back({s.packet, out->bytes.size(), uint32_t(s.data.size() - skip)});
    out->bytes.append(s.data, skip, std::string::npos);
  }
}

}  // namespace

std::vector<TcpStream> read_tcp_streams(const std::string& path, std::string* error) {
  std::vector<TcpStream> result;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot open " + path;
    return result;
  }
  std::string f((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (f.size() < 24) {
    *error = "file too short";
    return result;
  }
  std::vector<Packet> packets;
  uint32_t magic;
  std::memcpy(&magic, f.data(), 4);
  bool ok = (magic == 0x0a0d0d0a) ? read_pcapng(f, &packets, error) : read_pcap(f, &packets, error);
  if (!ok) return result;

  std::map<std::pair<Endpoint, Endpoint>, size_t> index;  // (a,b) ordered key -> conn
  std::vector<Conn> conns;
  for (const Packet& p : packets) {
    long ipo = ip_offset(p);
    if (ipo < 0) continue;
    const auto* d = reinterpret_cast<const uint8_t*>(p.data.data()) + ipo;
    size_t n = p.data.size() - static_cast<size_t>(ipo);
    if (n < 20) continue;
    size_t l4;
    size_t l4_len;
    Endpoint src, dst;
    if ((d[0] >> 4) == 4) {
      size_t ihl = (d[0] & 0x0f) * 4u;
      if (d[9] != 6 || ihl < 20 || n < ihl) continue;
      size_t total = std::min<size_t>(be16(d + 2), n);
      if (total < ihl) continue;
      src.addr = print_addr(d + 12, 4);
      dst.addr = print_addr(d + 16, 4);
      l4 = ihl;
      l4_len = total - ihl;
    } else if ((d[0] >> 4) == 6) {
      if (n < 40 || d[6] != 6) continue;  // no extension headers in our captures
      src.addr = print_addr(d + 8, 16);
      dst.addr = print_addr(d + 24, 16);
      l4 = 40;
      l4_len = std::min<size_t>(be16(d + 4), n - 40);
    } else {
      continue;
    }
    const uint8_t* t = d + l4;
    if (l4_len < 20) continue;
    src.port = be16(t);
    dst.port = be16(t + 2);
    uint32_t seq = be32(t + 4);
    size_t doff = (t[12] >> 4) * 4u;
    uint8_t flags = t[13];
    if (doff < 20 || doff > l4_len) continue;
    bool syn = flags & 0x02;
    bool ack = flags & 0x10;

    auto key = src < dst ? std::make_pair(src, dst) : std::make_pair(dst, src);
    auto it = index.find(key);
    if (it == index.end() ||
        (syn && !ack && conns[it->second].to_b.have_isn && conns[it->second].to_b.isn != seq + 1)) {
      // new connection (or port reuse: a SYN with a new ISN)
      Conn c;
      c.a = src;
      c.b = dst;
      if (syn && ack) std::swap(c.a, c.b);  // capture began at the SYN-ACK
      c.first_packet = p.num;
      conns.push_back(c);
      index[key] = conns.size() - 1;
      it = index.find(key);
    }
    Conn& c = conns[it->second];
    DirState& st = (src == c.a) ? c.to_b : c.to_a;
    if (syn) {
      c.syn_seen = true;
      st.have_isn = true;
      st.isn = seq + 1;
      continue;
    }
    size_t plen = l4_len - doff;
    if (plen == 0) continue;
    if (!st.have_isn) {  // capture started mid-stream
      st.have_isn = true;
      st.isn = seq;
    }
    st.segs.push_back({p.num, seq, std::string(reinterpret_cast<const char*>(t + doff), plen)});
  }
  for (Conn& c : conns) {
    TcpStream s;
    s.client_addr = c.a.addr;
    s.client_port = c.a.port;
    s.server_addr = c.b.addr;
    s.server_port = c.b.port;
    s.first_packet = c.first_packet;
    assemble(c.to_b, &s.to_server);
    assemble(c.to_a, &s.to_client);
    result.push_back(std::move(s));
  }
  return result;
}

}  // namespace testsupport
