// stomp_frame_tree.cpp - one STOMP frame, heart-beat or junk run into tree
// items, Info column text, expert info, and the hand-off of the body.
//
// Data flows one way: the scanner's Scan (offsets) -> decoded headers in
// packet-pool memory -> Tracker notes -> items. No function here owns a C++
// object with a destructor, because proto_tree_add_* and sub-dissectors may
// longjmp out of it.
#include "plugin/stomp/stomp_frame_tree.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <new>
#include <string_view>

extern "C" {
#include <epan/exceptions.h>
#include <epan/show_exception.h>
}

#include "plugin/common/glue_time.h"
#include "plugin/stomp/stomp_body_info.h"
#include "dissector/stomp/stomp_escape.h"
#include "plugin/stomp/stomp_fields.h"
#include "dissector/stomp/stomp_format.h"
#include "plugin/stomp/stomp_state.h"
#include "plugin/stomp/stomp_flow.h"
#include "plugin/stomp/stomp_tap.h"
#include "plugin/stomp/stomp_export.h"
#include "plugin/stomp/stomp_follow.h"

namespace {

// A header line after decoding: where its parts are on the wire (relative
// to the frame start) and what they say.
struct DecodedHeader {
  stomp::HeaderLine line;
  guint32 invalid_escapes;
  gboolean ignored;
  gboolean bad_utf8;
  gboolean has_nul;
};

// Bodies up to this size are also shown as text when they are printable.
constexpr guint kMaxBodyText = 64 * 1024;
// Beyond this many headers the repeated-name check switches to a hash map.
constexpr guint kLinearRepeatCheck = 32;

// Copies p[0, n) into the pool as a NUL-terminated string, decoding escapes
// per mode. Lenient mode (session version unknown) keeps the raw text when it
// holds an undefined escape, since it may be a 1.0 session, and reports none.
const char* decode_text(wmem_allocator_t* pool, const guint8* p, size_t n,
                        stomp::EscapeMode mode, bool lenient, guint32* out_len,
                        guint32* invalid) {
  char* out = static_cast<char*>(wmem_alloc(pool, n + 1));
  size_t len = n;
  *invalid = 0;
  if (mode != stomp::EscapeMode::kNone && stomp::has_backslash(p, n)) {
    stomp::UnescapeResult r =
        stomp::unescape(p, n, reinterpret_cast<uint8_t*>(out), mode);
    if (r.invalid && lenient) {
      std::memcpy(out, p, n);
    } else {
      len = r.out_len;
      *invalid = r.invalid;
    }
  } else if (n) {
    std::memcpy(out, p, n);
  }
  out[len] = 0;
  *out_len = static_cast<guint32>(len);
  return out;
}

// STOMP 1.0 writers (Ruby stomp gem 1.1) put a blank after the colon; 1.0
// brokers trim it, so we show the value trimmed in 1.0 sessions.
void trim_leading_blanks(const guint8* frame, stomp::HeaderLine* h) {
  while (h->value_len && (frame[h->value_off] == ' ' || frame[h->value_off] == '\t')) {
    h->value_off++;
    h->value_len--;
  }
}

// The value of the first header whose name, read as a C string, is `name`
// (what strcmp would say: a decoded name holding a NUL matches on what
// precedes it), by length before bytes: several calls per frame.
const char* first_value(const stomp_header_kv* kv, guint32 n, std::string_view name) {
  const size_t len = name.size();
  for (guint32 i = 0; i < n; i++) {
    if (kv[i].ignored || kv[i].name_len < len || kv[i].name[len] != 0) continue;
    if (std::memcmp(kv[i].name, name.data(), len) == 0) return kv[i].value;
  }
  return nullptr;
}

// Info column text for a frame, e.g. "SEND /queue/orders (1.2 kB)".
// Decoded 1.1/1.2 header values may hold LF, CR or other control bytes: a
// one-line column shows them escaped, the way the tree labels do.
void escape_controls(const char* in, char* out, size_t cap) {
  size_t plain = 0;  // the usual case: nothing to escape, one copy
  while (in[plain] && static_cast<unsigned char>(in[plain]) >= 0x20 && in[plain] != 0x7f) plain++;
  if (!in[plain] && plain < cap) {
    std::memcpy(out, in, plain + 1);
    return;
  }
  size_t o = 0;
  for (const unsigned char* p = reinterpret_cast<const unsigned char*>(in); *p && o + 1 < cap;
       p++) {
    const unsigned char c = *p;
    if (c >= 0x20 && c != 0x7f) {
      out[o++] = static_cast<char>(c);
      continue;
    }
    char esc[8];
    const char* e = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : nullptr;
    if (!e) {
      std::snprintf(esc, sizeof esc, "\\x%02x", c);
      e = esc;
    }
    const size_t n = std::strlen(e);
    if (o + n + 1 > cap) break;
    std::memcpy(out + o, e, n);
    o += n;
  }
  out[o] = '\0';
}

// Appends text to a fixed buffer, cut at its end (printf per frame was a
// tenth of a frame's cost).
struct InfoText {
  char* out;
  size_t cap, len = 0;
  InfoText(char* o, size_t c) : out(o), cap(c) { out[0] = 0; }
  void put(const char* t, size_t max = SIZE_MAX) {
    if (!t) return;
    size_t n = strnlen(t, max);
    if (len + 1 >= cap) return;
    if (n > cap - 1 - len) n = cap - 1 - len;
    std::memcpy(out + len, t, n);
    len += n;
    out[len] = 0;
  }
  // " key=value" when the value is there
  void opt(const char* key, const char* v, size_t max) {
    if (!v) return;
    put(key);
    put(v, max);
  }
};

void build_info(char* out, size_t cap, stomp::Command cmd, const char* cmd_text,
                const stomp_header_kv* kv, guint32 n, guint64 body_len) {
  const size_t kMax = 160;  // keep one frame's entry readable
  auto val = [&](std::string_view name) -> const char* { return first_value(kv, n, name); };
  InfoText t(out, cap);
  switch (cmd) {
    case stomp::Command::kSend:
    case stomp::Command::kMessage: {
      const char* dest = val("destination");
      char size[32];
      stomp::format_size(body_len, size, sizeof size);
      t.put(cmd_text);
      t.put(" ");
      t.put(dest ? dest : "(no destination)", kMax);
      t.put(" (");
      t.put(size);
      t.put(")");
      return;
    }
    case stomp::Command::kSubscribe: {
      const char* dest = val("destination");
      t.put("SUBSCRIBE ");
      t.put(dest ? dest : "(no destination)", kMax);
      t.opt(" id=", val("id"), kMax);
      return;
    }
    case stomp::Command::kUnsubscribe: {
      const char* id = val("id");
      t.put("UNSUBSCRIBE");
      if (id) {
        t.opt(" id=", id, kMax);
      } else {
        t.put(" ");
        t.put(val("destination"), kMax);
      }
      return;
    }
    case stomp::Command::kConnect:
    case stomp::Command::kStomp:
      t.put(cmd_text);
      t.opt(" accept-version=", val("accept-version"), kMax);
      t.opt(" host=", val("host"), kMax);
      return;
    case stomp::Command::kConnected:
      t.put("CONNECTED");
      t.opt(" version=", val("version"), kMax);
      return;
    case stomp::Command::kError:
      t.put("ERROR");
      t.opt(": ", val("message"), kMax);
      return;
    case stomp::Command::kReceipt:
      t.put("RECEIPT");
      t.opt(" receipt-id=", val("receipt-id"), kMax);
      return;
    case stomp::Command::kAck:
    case stomp::Command::kNack: {
      t.put(cmd_text);
      const char* id = val("id");
      if (id)
        t.opt(" id=", id, kMax);
      else
        t.opt(" message-id=", val("message-id"), kMax);
      return;
    }
    case stomp::Command::kBegin:
    case stomp::Command::kCommit:
    case stomp::Command::kAbort:
      t.put(cmd_text);
      t.opt(" transaction=", val("transaction"), kMax);
      return;
    case stomp::Command::kDisconnect:
      t.put("DISCONNECT");
      t.opt(" receipt=", val("receipt"), kMax);
      return;
    case stomp::Command::kUnknown:
      t.put(cmd_text, 32);
      t.put(" (unknown command)");
      return;
  }
}

// True for content types that say nothing about the body (the Ruby stomp gem
// labels every body text/plain): the heuristic table gets the first look.
bool generic_media_type(const char* mt) {
  return !mt || !*mt || std::strcmp(mt, "text/plain") == 0 ||
         std::strcmp(mt, "application/octet-stream") == 0;
}

struct ContentType {
  const char* type;    // lower-case media type, e.g. "text/plain"
  const char* params;  // what follows the ';', e.g. "charset=UTF-8"
};

// "Text/Plain; charset=UTF-8" -> {"text/plain", "charset=UTF-8"} (packet pool).
ContentType split_content_type(wmem_allocator_t* pool, const char* ct) {
  ContentType r = {nullptr, nullptr};
  if (!ct) return r;
  const char* semi = std::strchr(ct, ';');
  size_t n = semi ? static_cast<size_t>(semi - ct) : std::strlen(ct);
  while (n && (ct[n - 1] == ' ' || ct[n - 1] == '\t')) n--;
  size_t s = 0;
  while (s < n && (ct[s] == ' ' || ct[s] == '\t')) s++;
  char* t = static_cast<char*>(wmem_alloc(pool, n - s + 1));
  for (size_t i = s; i < n; i++) t[i - s] = g_ascii_tolower(ct[i]);
  t[n - s] = 0;
  r.type = t;
  if (semi) {
    semi++;
    while (*semi == ' ' || *semi == '\t') semi++;
    r.params = semi;
  }
  return r;
}

void dissect_body(tvbuff_t* body_tvb, packet_info* pinfo, proto_tree* tree,
                  stomp_body_info* info, const StompFrameOptions* opt, bool heuristics) {
  // Nothing assigned below TRY may change after it (setjmp).
  const ContentType ct = split_content_type(wsc::packet_pool(pinfo), info->content_type);
  const char* const media_type = ct.type;
  const bool generic = generic_media_type(media_type);
  // A text/* label on a body that is not printable UTF-8 is false (the Ruby
  // stomp gem labels Marshal bodies text/plain): don't hand it to a text
  // dissector.
  const guint blen = tvb_captured_length(body_tvb);
  const bool false_text =
      media_type && std::strncmp(media_type, "text/", 5) == 0 &&
      !stomp::is_printable_utf8(tvb_get_ptr(body_tvb, 0, static_cast<gint>(blen)), blen);
  const gboolean writable = col_get_writable(pinfo->cinfo, -1);

  wsc::media_info_t message_info;
  message_info.type = wsc::media_other_http;
  message_info.media_str = ct.params;
  message_info.content_id = NULL;
  message_info.data = NULL;

  TRY {
    heur_dtbl_entry_t* hdtbl_entry = NULL;
    gboolean done = FALSE;
    if (generic && heuristics)
      done = dissector_try_heuristic(opt->body_heuristics, body_tvb, pinfo, tree, &hdtbl_entry,
                                     info);
    if (!done && media_type && *media_type && opt->media_types && !false_text) {
      // Media dissectors (text, JSON, XML) would rewrite Protocol/Info of a
      // packet that may list many frames: they get the tree only.
      col_set_writable(pinfo->cinfo, -1, FALSE);
      done = wsc::try_string(opt->media_types, media_type, body_tvb, pinfo, tree,
                             &message_info) != 0;
      col_set_writable(pinfo->cinfo, -1, writable);
    }
    if (!done && !generic && heuristics)
      dissector_try_heuristic(opt->body_heuristics, body_tvb, pinfo, tree, &hdtbl_entry, info);
  }
  CATCH_NONFATAL_ERRORS { show_exception(body_tvb, pinfo, tree, EXCEPT_CODE, GET_MESSAGE); }
  ENDTRY;
  col_set_writable(pinfo->cinfo, -1, writable);
}

// "name: value" for the stomp.header item (printf was a fifth of the cost
// of a frame's tree).
const char* join_header(wmem_allocator_t* pool, const stomp_header_kv* h) {
  char* s = static_cast<char*>(wmem_alloc(pool, h->name_len + 2 + h->value_len + 1));
  std::memcpy(s, h->name, h->name_len);
  s[h->name_len] = ':';
  s[h->name_len + 1] = ' ';
  std::memcpy(s + h->name_len + 2, h->value, h->value_len);
  s[h->name_len + 2 + h->value_len] = 0;
  return s;
}

// Is header i a repeat of an earlier one? Linear for ordinary frames, a hash
// set for frames with very many headers (keeps 100,000 headers linear).
gboolean seen_before(wmem_map_t** names, wmem_allocator_t* pool, const stomp_header_kv* kv,
                     guint32 i) {
  if (i < kLinearRepeatCheck) {
    for (guint32 j = 0; j < i; j++) {
      if (kv[j].name_len == kv[i].name_len &&
          std::memcmp(kv[j].name, kv[i].name, kv[i].name_len) == 0)
        return TRUE;
    }
    return FALSE;
  }
  if (!*names) {
    *names = wmem_map_new(pool, g_str_hash, g_str_equal);
    for (guint32 j = 0; j < i; j++)
      wmem_map_insert(*names, const_cast<char*>(kv[j].name), GUINT_TO_POINTER(1));
  }
  if (wmem_map_lookup(*names, kv[i].name)) return TRUE;
  wmem_map_insert(*names, const_cast<char*>(kv[i].name), GUINT_TO_POINTER(1));
  return FALSE;
}

// The named field (stomp.destination, ...) duplicates the Value item, so it
// is hidden: filterable and exported, not repeated in the tree.
void add_named_field(proto_tree* tree, proto_item* header_item, packet_info* pinfo, tvbuff_t* tvb,
                     guint base, const NamedHeader* named, const DecodedHeader* h,
                     const stomp_header_kv* kv) {
  const gint off = static_cast<gint>(base + h->line.value_off);
  const gint len = static_cast<gint>(h->line.value_len);
  switch (named->kind) {
    case NamedKind::kString:
      proto_item_set_hidden(proto_tree_add_string(tree, *named->hf, tvb, off, len, kv->value));
      return;
    case NamedKind::kUint32:
    case NamedKind::kUint64: {
      uint64_t v = 0;
      if (!stomp::parse_decimal(reinterpret_cast<const uint8_t*>(kv->value), kv->value_len,
                                &v) ||
          (named->kind == NamedKind::kUint32 && v > G_MAXUINT32)) {
        // the header itself is shown already: say what is wrong with it
        proto_item_append_text(header_item, " (not a number)");
        expert_add_info(pinfo, header_item, &ei_stomp_bad_number);
        return;
      }
      proto_item* it =
          named->kind == NamedKind::kUint32
              ? proto_tree_add_uint(tree, *named->hf, tvb, off, len, static_cast<guint32>(v))
              : proto_tree_add_uint64(tree, *named->hf, tvb, off, len, v);
      proto_item_set_hidden(it);
      return;
    }
  }
}

void queue_tap(tvbuff_t* tvb, guint offset, packet_info* pinfo, const stomp::Scan* s,
               const stomp_header_kv* kv, guint32 n, const stomp::FrameNotes* notes,
               const char* cmd_text) {
  // Nobody listening (plain tshark -r): no record to build.
  if (!have_tap_listener(stomp_tap) && !stomp_export_listening() && !stomp_follow_listening())
    return;
  stomp_tap_info* tap = wmem_new0(wsc::packet_pool(pinfo), stomp_tap_info);
  tap->command = cmd_text;
  tap->tvb = tvb;
  tap->frame_off = offset;
  tap->body_off = offset + static_cast<guint>(s->body_off);
  tap->message_id = first_value(kv, n, "message-id");
  tap->content_type = first_value(kv, n, "content-type");
  tap->receipt = first_value(kv, n, "receipt");
  tap->subscription = first_value(kv, n, "subscription");
  tap->receipt_id = first_value(kv, n, "receipt-id");
  tap->destination = first_value(kv, n, "destination");
  if (s->command == stomp::Command::kError) tap->error_message = first_value(kv, n, "message");
  tap->from_client = (notes && notes->direction_known()) ? (notes->from_client() ? 1 : 0) : -1;
  tap->frame_bytes = s->length;
  tap->body_bytes = s->body_len;
  tap->receipt_time = tap->connect_time = tap->ack_time = tap->transit_time = -1;
  if (notes) {
    if (notes->response_to().ref.valid()) {
      const stomp::FrameNotes* req = stomp_tracker().find(notes->response_to().ref);
      const bool connect = req && (req->command == stomp::Command::kConnect ||
                                   req->command == stomp::Command::kStomp);
      (connect ? tap->connect_time : tap->receipt_time) = notes->response_to().time;
    }
    if (notes->acks().ref.valid()) tap->ack_time = notes->acks().time;
    if (notes->sent_in().ref.valid()) tap->transit_time = notes->sent_in().time;
  }
  tap_queue_packet(stomp_tap, pinfo, tap);
  stomp_export_queue(pinfo, tap);
  stomp_follow_queue(pinfo, tap);
}

}  // namespace

void stomp_dissect_frame(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, guint offset,
                         const guint8* buf, const stomp::Scan* s,
                         const StompFrameOptions* opt) {
  wmem_allocator_t* pool = wsc::packet_pool(pinfo);
  StompPacketState* const pst = opt->packet ? opt->packet : stomp_packet_state(pinfo);
  const stomp::FrameRef ref = stomp_next_frame_ref_in(pst, pinfo);
  const uint64_t conn = opt->have_ids ? opt->conn : stomp_connection_id(pinfo);
  stomp::Tracker& tracker = stomp_tracker();
  const stomp::FrameNotes* notes = PINFO_FD_VISITED(pinfo) ? tracker.find(ref) : nullptr;
  const stomp::Version version = notes ? notes->sent_under : tracker.version_of(conn);
  const stomp::EscapeMode mode = stomp::escape_mode_for(version, s->command);
  const bool lenient = version == stomp::Version::kUnknown;

  // --- decode headers (packet pool) ---------------------------------------
  // Without a tree (tshark -r with no filter) nothing shows the header items;
  // expert infos are still raised when the expert tap listens.
  const bool items = tree != nullptr;
  const bool experts = items || stomp_expert_tap_listening();
  const guint32 total_headers = s->header_count;
  const guint32 n = MIN(total_headers, opt->max_headers_shown);
  // (one allocation for both arrays)
  stomp_header_kv* kv =
      n ? static_cast<stomp_header_kv*>(
              wmem_alloc0(pool, n * (sizeof(stomp_header_kv) + sizeof(DecodedHeader))))
        : nullptr;
  DecodedHeader* dh = n ? reinterpret_cast<DecodedHeader*>(kv + n) : nullptr;
  static_assert(sizeof(stomp_header_kv) % alignof(DecodedHeader) == 0, "dh follows kv");
  wmem_map_t* names = nullptr;
  if (n) {
    // One look at the whole header block: plain ASCII without NUL (nearly
    // every frame) needs no per-header UTF-8 or NUL pass, and its names and
    // values are NUL-terminated in place in one copy of the block (the
    // separators ':' and EOL become the NULs).
    const size_t hb_off = s->headers_off;
    const size_t hb_len = s->headers_end > hb_off ? s->headers_end - hb_off : 0;
    const unsigned classes = stomp::byte_classes(buf + hb_off, hb_len);
    // Backslashes are common (ActiveMQ writes the colons of its message ids
    // as \c): only the headers that hold one are decoded apart.
    const bool plain = (classes & ~unsigned{stomp::kHasBackslash}) == 0;
    const bool escapes = (classes & stomp::kHasBackslash) != 0;
    char* block = nullptr;
    if (plain) {
      block = static_cast<char*>(wmem_alloc(pool, hb_len + 1));
      std::memcpy(block, buf + hb_off, hb_len);
      block[hb_len] = 0;
    }
    // the byte at end (a separator) becomes the string's NUL, if it is one
    auto in_block = [&](size_t off, size_t len, char sep1, char sep2, guint32* out_len) -> const char* {
      const size_t end_at = off + len;
      if (!block || off < hb_off || end_at > hb_off + hb_len) return nullptr;
      char* e = block + (end_at - hb_off);
      if (end_at < hb_off + hb_len && *e != sep1 && *e != sep2) return nullptr;
      *e = 0;
      *out_len = static_cast<guint32>(len);
      return block + (off - hb_off);
    };
    stomp::HeaderCursor cur(buf, *s);
    stomp::HeaderLine line;
    guint32 i = 0;
    while (i < n && cur.next(&line)) {
      if (version == stomp::Version::k10) trim_leading_blanks(buf, &line);
      DecodedHeader* d = &dh[i];
      d->line = line;
      guint32 inv_name = 0, inv_value = 0;
      const char* name = nullptr;
      const char* value = nullptr;
      if (plain && !(escapes && std::memchr(buf + line.line_off, '\\', line.line_len))) {
        // the value first: its end (EOL) lies after the name's (':')
        value = line.has_colon ? in_block(line.value_off, line.value_len, '\r', '\n', &kv[i].value_len)
                               : "";
        name = value ? in_block(line.name_off, line.name_len, ':', line.has_colon ? ':' : '\n',
                                &kv[i].name_len)
                     : nullptr;
        if (!line.has_colon) kv[i].value_len = 0;
      }
      if (!name || !value) {
        kv[i].name = decode_text(pool, buf + line.name_off, line.name_len, mode, lenient,
                                 &kv[i].name_len, &inv_name);
        kv[i].value = line.has_colon || !plain
                          ? decode_text(pool, buf + line.value_off, line.value_len, mode,
                                        lenient, &kv[i].value_len, &inv_value)
                          : "";
      } else {
        kv[i].name = name;
        kv[i].value = value;
      }
      d->invalid_escapes = inv_name + inv_value;
      if (!plain) {
        d->has_nul = (classes & stomp::kHasNul) &&
                     std::memchr(buf + line.line_off, 0, line.line_len) != nullptr;
        d->bad_utf8 = (classes & (stomp::kHasHigh | stomp::kHasNul)) &&
                      (!stomp::is_valid_utf8(reinterpret_cast<const uint8_t*>(kv[i].name),
                                             kv[i].name_len) ||
                       !stomp::is_valid_utf8(reinterpret_cast<const uint8_t*>(kv[i].value),
                                             kv[i].value_len));
      }
      d->ignored = line.has_colon && seen_before(&names, pool, kv, i);
      kv[i].ignored = d->ignored ? 1 : 0;
      i++;
    }
  }

  // --- session bookkeeping (first pass only) ------------------------------
  if (!PINFO_FD_VISITED(pinfo)) {
    // (plain data: safe on the stack of a function that may longjmp)
    // (raw storage: nothing to construct before the views are placed)
    constexpr guint32 kLocalViews = 32;
    alignas(stomp::HeaderView) unsigned char local_views[kLocalViews * sizeof(stomp::HeaderView)];
    void* hv_mem = n > kLocalViews ? wmem_alloc(pool, n * sizeof(stomp::HeaderView))
                                   : static_cast<void*>(local_views);
    stomp::HeaderView* hv = static_cast<stomp::HeaderView*>(hv_mem);
    for (guint32 i = 0; i < n; i++)
      new (&hv[i]) stomp::HeaderView{std::string_view(kv[i].name, kv[i].name_len),
                                     std::string_view(kv[i].value, kv[i].value_len)};
    stomp::ObservedFrame f;
    f.conn = conn;
    f.sender = opt->have_ids ? opt->sender : stomp_sender_id(pinfo);
    f.ref = ref;
    f.time = packet_time(pinfo);
    f.command = s->command;
    f.headers = hv;
    f.header_count = n;
    if (s->command == stomp::Command::kSend || s->command == stomp::Command::kMessage) {
      f.body_hash = stomp::body_digest(buf + s->body_off, s->body_len);
      f.body_len = s->body_len;
    }
    notes = tracker.observe(f);
    if (!(s->flags & stomp::kFlagTruncated)) stomp_note_complete_frame(conn);
  }

  // --- columns --------------------------------------------------------------
  // a known command is its own name (command_from() matched it exactly)
  const char* cmd_text =
      s->command != stomp::Command::kUnknown
          ? stomp::command_name(s->command)
          : reinterpret_cast<const char*>(tvb_get_string_enc(
                pool, tvb, static_cast<gint>(offset), static_cast<gint>(s->command_len),
                ENC_ASCII));
  char raw_info[512], info[512];
  build_info(raw_info, sizeof raw_info, s->command, cmd_text, kv, n, s->body_len);
  escape_controls(raw_info, info, sizeof info);
  if (s->flags & stomp::kFlagTruncated) g_strlcat(info, " [unterminated]", sizeof info);
  stomp_col_append_in(pst, pinfo, info, std::strlen(info));

  // --- tree -------------------------------------------------------------------
  proto_item* ti = nullptr;
  proto_tree* st = nullptr;
  if (items) {
    ti = proto_tree_add_item(tree, proto_stomp, tvb, static_cast<gint>(offset),
                             static_cast<gint>(s->length), ENC_NA);
    proto_item_append_text(ti, ", %s", info);
    st = proto_item_add_subtree(ti, ett_stomp);
    proto_item* cmd_item = proto_tree_add_item(st, hf_stomp_command, tvb,
                                               static_cast<gint>(offset),
                                               static_cast<gint>(s->command_len), ENC_ASCII);
    if (s->flags & stomp::kFlagUnknownCommand)
      expert_add_info_format(pinfo, cmd_item, &ei_stomp_unknown_command,
                             "Unknown STOMP command \"%s\"", cmd_text);
    proto_item* vi = proto_tree_add_string(st, hf_stomp_session_version, tvb, 0, 0,
                                           stomp::version_name(notes ? notes->version : version));
    proto_item_set_generated(vi);
  } else if (experts && (s->flags & stomp::kFlagUnknownCommand)) {
    expert_add_info_format(pinfo, nullptr, &ei_stomp_unknown_command,
                           "Unknown STOMP command \"%s\"", cmd_text);
  }

  if (total_headers && experts) {
    proto_item* hs_item = nullptr;
    proto_tree* hs = nullptr;
    if (items) {
      hs = proto_tree_add_subtree_format(
          st, tvb, static_cast<gint>(offset + s->headers_off),
          static_cast<gint>(s->headers_end - s->headers_off), ett_stomp_headers, &hs_item,
          "Headers (%u)", total_headers);
      proto_item* cnt = proto_tree_add_uint(hs, hf_stomp_header_count, tvb, 0, 0, total_headers);
      proto_item_set_generated(cnt);
    }
    for (guint32 i = 0; i < n; i++) {
      const DecodedHeader* d = &dh[i];
      proto_item* hi = nullptr;
      proto_tree* ht = nullptr;
      if (items) {
        hi = proto_tree_add_string(hs, hf_stomp_header, tvb,
                                   static_cast<gint>(offset + d->line.line_off),
                                   static_cast<gint>(d->line.line_len), join_header(pool, &kv[i]));
        ht = proto_item_add_subtree(hi, ett_stomp_header);
        proto_tree_add_string(ht, hf_stomp_header_name, tvb,
                              static_cast<gint>(offset + d->line.name_off),
                              static_cast<gint>(d->line.name_len), kv[i].name);
        if (d->line.has_colon)
          proto_tree_add_string(ht, hf_stomp_header_value, tvb,
                                static_cast<gint>(offset + d->line.value_off),
                                static_cast<gint>(d->line.value_len), kv[i].value);
      }
      if (!d->line.has_colon) expert_add_info(pinfo, hi, &ei_stomp_header_no_colon);
      if (d->invalid_escapes)
        expert_add_info_format(pinfo, hi, &ei_stomp_invalid_escape,
                               "Undefined escape sequence in header \"%s\" (%u)", kv[i].name,
                               d->invalid_escapes);
      if (d->has_nul) expert_add_info(pinfo, hi, &ei_stomp_nul_in_header);
      if (d->bad_utf8) expert_add_info(pinfo, hi, &ei_stomp_invalid_utf8);
      if (d->ignored) {
        if (items) {
          proto_item_append_text(hi, " [ignored: repeated header]");
          proto_item* ig = proto_tree_add_boolean(ht, hf_stomp_header_ignored, tvb, 0, 0, TRUE);
          proto_item_set_generated(ig);
        }
        expert_add_info(pinfo, hi, &ei_stomp_repeated_header);
        continue;
      }
      if (!d->line.has_colon) continue;
      const NamedHeader* named = named_header(kv[i].name, kv[i].name_len);
      if (named) add_named_field(ht, hi, pinfo, tvb, offset, named, d, &kv[i]);
    }
    if (n < total_headers)
      expert_add_info_format(pinfo, hs_item, &ei_stomp_too_many_headers,
                             "%u headers; only the first %u are shown", total_headers, n);
  }

  // content-length problems are about the frame as a whole
  if (s->flags & stomp::kFlagContentLengthInvalid)
    expert_add_info(pinfo, ti, &ei_stomp_content_length_invalid);
  if (s->flags & stomp::kFlagContentLengthTooLarge)
    expert_add_info(pinfo, ti, &ei_stomp_content_length_too_large);
  if (s->flags & stomp::kFlagContentLengthMismatch)
    expert_add_info(pinfo, ti, &ei_stomp_content_length_mismatch);
  if (s->flags & stomp::kFlagContentLengthOverrun)
    expert_add_info(pinfo, ti, &ei_stomp_content_length_overrun);
  if ((s->flags & stomp::kFlagMissingNul) && !(s->flags & stomp::kFlagBodyTooLarge))
    expert_add_info(pinfo, ti, &ei_stomp_missing_nul);
  if (s->flags & stomp::kFlagBodyTooLarge) expert_add_info(pinfo, ti, &ei_stomp_body_too_large);
  if (s->flags & stomp::kFlagTruncated) expert_add_info(pinfo, ti, &ei_stomp_truncated);
  if (s->command == stomp::Command::kError) {
    const char* m = first_value(kv, n, "message");
    expert_add_info_format(pinfo, ti, &ei_stomp_error_frame, "ERROR frame: %s",
                           m ? m : "(no message header)");
  }

  stomp_add_session_items(tvb, pinfo, st, ti, notes, &opt->session);
  queue_tap(tvb, offset, pinfo, s, kv, n, notes, cmd_text);
  // The destination conversation filter is offered for the packet shown in
  // the details pane, which is always dissected with a tree.
  if (tree) stomp_flow_note_destination(pinfo, first_value(kv, n, "destination"));

  // --- body -------------------------------------------------------------------
  if (items && s->body_off <= s->length) {
    proto_item* bl = proto_tree_add_uint64(st, hf_stomp_body_length, tvb,
                                           static_cast<gint>(offset + s->body_off),
                                           static_cast<gint>(s->body_len), s->body_len);
    proto_item_set_generated(bl);
  }
  if (s->body_len) {
    const gint boff = static_cast<gint>(offset + s->body_off);
    const gint blen = static_cast<gint>(s->body_len);
    proto_item* bi = items ? proto_tree_add_item(st, hf_stomp_body, tvb, boff, blen, ENC_NA)
                           : nullptr;
    if (items && s->body_len <= kMaxBodyText &&
        stomp::is_printable_utf8(buf + s->body_off, s->body_len)) {
      proto_tree* bt = proto_item_add_subtree(bi, ett_stomp_body);
      proto_tree_add_item(bt, hf_stomp_body_text, tvb, boff, blen, ENC_UTF_8);
    }
    if (opt->dissect_body && (s->command == stomp::Command::kSend ||
                              s->command == stomp::Command::kMessage ||
                              s->command == stomp::Command::kError)) {
      stomp_body_info* bi_data = wmem_new0(pool, stomp_body_info);
      bi_data->magic = STOMP_BODY_INFO_MAGIC;
      bi_data->command = stomp::command_name(s->command);
      bi_data->destination = first_value(kv, n, "destination");
      bi_data->content_type = first_value(kv, n, "content-type");
      bi_data->headers = kv;
      bi_data->header_count = n;
      bi_data->frame_index = ref.idx;
      bi_data->conversation = conn;
      bi_data->from_client = (notes && notes->direction_known()) ? (notes->from_client() ? 1 : 0) : -1;
      // The table is skipped when its only enabled heuristic's own pre-check
      // turns the body down (MCollective's reads a few bytes).
      const stomp_body_precheck_t pre = stomp_body_precheck();
      const bool heuristics =
          opt->body_heuristics && (!pre || pre(bi_data, buf + s->body_off, s->body_len));
      if (heuristics || (bi_data->content_type && opt->media_types)) {
        tvbuff_t* body_tvb = tvb_new_subset_length(tvb, boff, blen);
        dissect_body(body_tvb, pinfo, st, bi_data, opt, heuristics);
      }
    }
  }
  if (items) {
    proto_item* fl = proto_tree_add_uint64(st, hf_stomp_frame_length, tvb,
                                           static_cast<gint>(offset),
                                           static_cast<gint>(s->length), s->length);
    proto_item_set_generated(fl);
  }
}

void stomp_dissect_heartbeat(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, guint offset,
                             const stomp::Scan* s, const StompFrameOptions* opt) {
  const stomp::FrameRef ref = stomp_next_frame_ref(pinfo);
  stomp::Tracker& tracker = stomp_tracker();
  const stomp::FrameNotes* notes =
      PINFO_FD_VISITED(pinfo)
          ? tracker.find(ref)
          : tracker.observe_heartbeat(stomp_connection_id(pinfo), stomp_sender_id(pinfo), ref,
                                      packet_time(pinfo));
  stomp_col_append(pinfo, "Heart-beat");
  proto_item* ti = proto_tree_add_item(tree, proto_stomp, tvb, static_cast<gint>(offset),
                                       static_cast<gint>(s->length), ENC_NA);
  proto_item_append_text(ti, ", Heart-beat");
  proto_tree* st = proto_item_add_subtree(ti, ett_stomp);
  proto_tree_add_uint(st, hf_stomp_heartbeat, tvb, static_cast<gint>(offset),
                      static_cast<gint>(s->length), s->eol_count);
  stomp_add_session_items(tvb, pinfo, st, ti, notes, &opt->session);

  stomp_tap_info* tap = wmem_new0(wsc::packet_pool(pinfo), stomp_tap_info);
  tap->command = "heart-beat";
  tap->tvb = tvb;
  tap->frame_off = offset;
  tap->body_off = offset + static_cast<guint>(s->length);
  tap->from_client = (notes && notes->direction_known()) ? (notes->from_client() ? 1 : 0) : -1;
  tap->frame_bytes = s->length;
  tap->receipt_time = tap->connect_time = tap->ack_time = tap->transit_time = -1;
  tap_queue_packet(stomp_tap, pinfo, tap);
  stomp_follow_queue(pinfo, tap);
}

void stomp_dissect_junk(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, guint offset,
                        const stomp::Scan* s) {
  const stomp::FrameRef ref = stomp_next_frame_ref(pinfo);
  stomp::Tracker& tracker = stomp_tracker();
  const stomp::FrameNotes* notes =
      PINFO_FD_VISITED(pinfo)
          ? tracker.find(ref)
          : tracker.observe_junk(stomp_connection_id(pinfo), stomp_sender_id(pinfo), ref,
                                 packet_time(pinfo));
  char text[64];
  char size[32];
  stomp::format_size(s->length, size, sizeof size);
  std::snprintf(text, sizeof text, "[Unparsed data, %s]", size);
  stomp_col_append(pinfo, text);
  proto_item* ti = proto_tree_add_item(tree, proto_stomp, tvb, static_cast<gint>(offset),
                                       static_cast<gint>(s->length), ENC_NA);
  proto_item_append_text(ti, ", %s", text);
  proto_tree* st = proto_item_add_subtree(ti, ett_stomp);
  proto_item* ji = proto_tree_add_item(st, hf_stomp_junk, tvb, static_cast<gint>(offset),
                                       static_cast<gint>(s->length), ENC_NA);
  // One error per run of junk, where it starts (a 64 MB header line is one
  // problem, not one per segment).
  if (s->junk_reason == stomp::JunkReason::kHeaderSectionTooLarge)
    expert_add_info(pinfo, ji, &ei_stomp_header_section_too_large);
  else if (!notes || !notes->junk_continued())
    expert_add_info(pinfo, ji, &ei_stomp_junk);
}
