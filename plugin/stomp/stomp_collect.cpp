// stomp_collect.cpp - see stomp_collect.h.
#include "plugin/stomp/stomp_collect.h"

#include <cstdio>
#include <cstring>
#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "plugin/common/glue_time.h"
#include "plugin/stomp/stomp_fields.h"
#include "dissector/stomp/stomp_format.h"
#include "plugin/stomp/stomp_state.h"

namespace {

// Shared by the packets one collected item spans (file scope).
struct Collection {
  guint32 start_num;
  guint32 end_num;  // 0 while (or if forever) incomplete
  gboolean not_stomp;  // never ended, in a connection with no STOMP frame
};

// A collection that never ended, in a connection only the heuristic took for
// STOMP and where no frame ever completed: what looked like a frame start
// was text that happens to begin with a command line. Its packets are left
// as TCP data. (Closed by a FIN: decided then; cut by the capture's end:
// decided on the second pass, from what the whole first pass saw.)
bool rejected(const Collection* col, uint64_t conn) {
  return col->not_stomp || (col->end_num == 0 && stomp_unproven_connection(conn));
}

// Shows the bytes from `offset` as data (the data dissector: as TCP would
// have shown them with no dissector for the port).
void show_as_data(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, guint offset) {
  if (tvb_captured_length(tvb) > offset)
    call_data_dissector(tvb_new_subset_remaining(tvb, static_cast<gint>(offset)), pinfo, tree);
}

// An item being collected for one sender (first pass only).
struct Collecting {
  bool active = false;
  guint32 next_seq = 0;      // TCP sequence number expected next
  std::string bytes;         // the item so far
  stomp::ScanResume resume;  // where its scan stopped
  Collection* collection = nullptr;
  uint64_t sender = 0;       // stomp_sender_id of its packets
};

enum Role : guint8 {
  kStart = 1,  // an item starts here (at `offset`) and continues later
  kMiddle,     // the whole packet continues an item
  kEnd,        // an item (maybe more) completes here; replay from `prev`
  kLost,       // TCP data before this packet is missing: the item is lost
  kRepeat,     // the packet only repeats bytes already collected
};

// One item the first pass dissected from a collected buffer, kept so that
// later passes show it without scanning again.
struct CollectedItem {
  stomp::Scan scan;
  size_t offset;  // into PacketRole::bytes
};

// What the first pass did with a packet (file scope).
struct PacketRole {
  guint8 role;
  guint32 skip;          // kEnd: retransmitted bytes at the start of the packet
  guint64 so_far;        // kStart/kMiddle: bytes collected so far
  // kEnd: the items that completed here, from a buffer holding the bytes of
  // earlier packets [0, prev_len) and then this packet's from `skip`; they
  // cover len bytes. Only what this packet does not hold is kept: bytes
  // [0, kept), kept = min(len, prev_len); the rest is this packet's own,
  // read again from its tvb whenever the items are shown.
  const guint8* bytes;
  guint32 prev_len;
  guint32 len;
  guint32 kept;
  const CollectedItem* items;
  guint32 item_count;
  Collection* collection;
};

// What a packet that closed its sender's side (FIN) inside an item ended
// (file scope): the bytes collected, shown as the unterminated item they are.
struct ClosedItem {
  Collection* collection;
  const guint8* bytes;
  guint32 len;
};

// p_add_proto_data keys: a packet can complete one item and start the next.
enum : guint32 { kKeyContinue = 20, kKeyStart = 21, kKeyClosed = 22 };

// Whether a later pass can ever read what this one keeps. tshark's single
// pass dissects every packet with one reused frame_data and drops its
// per-packet data after each packet, so nothing stored with
// p_add_proto_data is ever found again. Wireshark's window and sharkd
// dissect each packet with its own frame_data, kept for re-dissection;
// tshark -2 reuses one frame_data in its first pass too, but keeps a copy
// of it, and dissects that pass without columns. So: a single pass is two
// packets with one frame_data address, dissected with columns. Until the
// second packet, and whenever a packet is revisited, everything is kept.
// In a single pass the bytes of earlier packets are used only by the
// packet that completes their frame, so they live in its packet pool:
// keeping them in file scope doubled tshark's peak memory on MTU 1500
// traffic.
enum class Passes : guint8 { kUnknown, kLater, kOnly };
Passes g_passes = Passes::kUnknown;
const frame_data* g_first_fd = nullptr;
guint32 g_first_num = 0;

bool single_pass(const packet_info* pinfo) {
  if (g_passes == Passes::kUnknown) {
    if (PINFO_FD_VISITED(pinfo)) {
      g_passes = Passes::kLater;
    } else if (!g_first_fd) {
      g_first_fd = pinfo->fd;
      g_first_num = pinfo->num;
    } else if (pinfo->num != g_first_num) {
      g_passes = pinfo->fd == g_first_fd && pinfo->cinfo ? Passes::kOnly : Passes::kLater;
    }
  }
  return g_passes == Passes::kOnly;
}

// Where what a first-pass packet keeps for its replays goes.
wmem_allocator_t* keep_scope(packet_info* pinfo) {
  return single_pass(pinfo) ? wsc::packet_pool(pinfo) : wmem_file_scope();
}

std::unordered_map<uint64_t, Collecting>* g_collecting = nullptr;
guint g_active = 0;         // first pass: senders with an item being collected
// ... and their stomp_sender_id()s (one entry per active item): a packet from
// any other sender has nothing pending, found without its conversation
// (the FIN watch asks this of every packet)
std::vector<uint64_t>* g_active_senders = nullptr;
bool g_any_closed = false;  // some packet closed a side inside an item

void init(void) {
  delete g_collecting;
  g_collecting = new std::unordered_map<uint64_t, Collecting>();
  delete g_active_senders;
  g_active_senders = new std::vector<uint64_t>();
  g_active = 0;
  g_any_closed = false;
  g_passes = Passes::kUnknown;
  g_first_fd = nullptr;
  g_first_num = 0;
}

void cleanup(void) {
  delete g_collecting;
  g_collecting = nullptr;
  delete g_active_senders;
  g_active_senders = nullptr;
  g_active = 0;
  g_any_closed = false;
}

// A collection buffer up to this capacity is reused for the sender's next.
constexpr size_t kReuseMax = 64 * 1024;

// Ends a collection. Assigning a fresh Collecting would keep the string's
// storage (libstdc++ copies a short string into the existing buffer), so a
// sender that once sent a 2 MB frame would hold 2 MB for good: free it
// unless it is small enough to reuse.
void finish(Collecting& c) {
  if (c.bytes.capacity() > kReuseMax) std::string().swap(c.bytes);
  c.bytes.clear();
  if (c.active && g_active) g_active--;
  if (c.active && g_active_senders) {
    auto it = std::find(g_active_senders->begin(), g_active_senders->end(), c.sender);
    if (it != g_active_senders->end()) g_active_senders->erase(it);
  }
  c.active = false;
  c.next_seq = 0;
  c.resume = stomp::ScanResume();
  c.collection = nullptr;
}

uint64_t sender_key(packet_info* pinfo) {
  return stomp_connection_id(pinfo) * 0x9e3779b97f4a7c15ull ^ stomp_sender_id(pinfo);
}

PacketRole* new_role(packet_info* pinfo, guint32 k, Role role, Collection* col) {
  wmem_allocator_t* scope = keep_scope(pinfo);
  PacketRole* r = wmem_new0(scope, PacketRole);
  r->role = role;
  r->collection = col;
  if (scope == wmem_file_scope()) p_add_proto_data(scope, pinfo, proto_stomp, k, r);
  return r;
}

PacketRole* get_role(packet_info* pinfo, guint32 k) {
  return static_cast<PacketRole*>(p_get_proto_data(wmem_file_scope(), pinfo, proto_stomp, k));
}

// A packet (from `offset`) that only carries part of an item. Shown the way
// TCP shows a segment it keeps for a desegmenting dissector: no STOMP item
// (so `-Y stomp` lists frames, not pieces of them), TCP's own Info text, and
// where the item started and ends.
void show_part(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, guint offset,
               const PacketRole* r) {
  if (PINFO_FD_VISITED(pinfo) && rejected(r->collection, stomp_connection_id(pinfo))) {
    show_as_data(tvb, pinfo, tree, offset);
    return;
  }
  if (!stomp_col_used(pinfo))
    col_append_sep_str(pinfo->cinfo, COL_INFO, " ", "[TCP segment of a reassembled PDU]");
  if (!tree) return;
  proto_item* ti = proto_tree_add_uint_format_value(
      tree, hf_stomp_reassembly_start, tvb, static_cast<gint>(offset),
      tvb_captured_length_remaining(tvb, static_cast<gint>(offset)),
      r->collection->start_num, "%u (%" G_GUINT64_FORMAT " bytes of it so far)",
      r->collection->start_num, r->so_far);
  proto_item_set_generated(ti);
  if (r->collection->end_num) {
    proto_item* e = proto_tree_add_uint(tree, hf_stomp_reassembled_in, tvb, 0, 0,
                                        r->collection->end_num);
    proto_item_set_generated(e);
  }
}

// Scans the items of a collected buffer (first pass): bytes [0, prev_len)
// came from earlier packets, the rest from this packet. Scanning stops after
// the first item that ends in this packet's bytes: the rest of the packet is
// scanned the ordinary way. Returns how many bytes the items cover and puts
// them in *items / *count (file scope); *stopped_incomplete tells whether
// scanning stopped on an item that is still incomplete.
//
// Later passes only keep the bytes the items cover, and most items scan the
// same from those bytes alone: then *items is null and replays scan again.
// The items are kept only when a scan looked past them (a frame cut short by
// the next command line, junk before a command split across segments).
size_t scan_collected(wmem_allocator_t* scope, const guint8* buf, size_t len, size_t prev_len,
                      stomp::ScanResume* resume, const CollectedItem** items, guint32* count,
                      bool* stopped_incomplete) {
  static const stomp::ScanLimits limits;
  // Nearly always one item: the one that was incomplete. More only when a
  // rescan ends it sooner (a missing NUL).
  constexpr guint32 kLocal = 8;
  CollectedItem local[kLocal];
  CollectedItem* out = local;
  guint32 cap = kLocal;
  guint32 n = 0;
  size_t pos = 0;
  *stopped_incomplete = false;
  while (pos < len) {
    const stomp::Scan s =
        stomp::scan(buf + pos, len - pos, false, limits, pos == 0 ? resume : nullptr);
    if (s.status == stomp::ScanStatus::kNeedMore || s.length == 0) {
      *stopped_incomplete = true;
      break;
    }
    if (n == cap) {
      CollectedItem* bigger = wmem_alloc_array(scope, CollectedItem, cap * 2);
      std::memcpy(bigger, out, cap * sizeof(CollectedItem));
      out = bigger;
      cap *= 2;
    }
    out[n].scan = s;
    out[n].offset = pos;
    n++;
    pos += s.length;
    if (pos > prev_len) break;  // the rest of this packet: ordinary scanning
  }
  *count = n;
  *items = nullptr;
  for (guint32 i = 0; i < n; i++) {
    const size_t at = out[i].offset;
    if (!stomp::same_scan(stomp::scan(buf + at, pos - at, false, limits), out[i].scan)) {
      *items = static_cast<const CollectedItem*>(
          wmem_memdup(scope, out, n * sizeof(CollectedItem)));
      break;
    }
  }
  return pos;
}

// Shows one item of a collected buffer.
void show_item(tvbuff_t* ct, packet_info* pinfo, proto_tree* tree, const guint8* buf,
               const CollectedItem& it, const StompFrameOptions* opt) {
  const guint off = static_cast<guint>(it.offset);
  switch (it.scan.status) {
    case stomp::ScanStatus::kFrame:
      stomp_dissect_frame(ct, pinfo, tree, off, buf + it.offset, &it.scan, opt);
      break;
    case stomp::ScanStatus::kHeartbeat:
      stomp_dissect_heartbeat(ct, pinfo, tree, off, &it.scan, opt);
      break;
    default:
      stomp_dissect_junk(ct, pinfo, tree, off, &it.scan);
      break;
  }
}

// wmem callback: frees a collected buffer handed to a packet's pool.
bool free_collected(wmem_allocator_t*, wmem_cb_event_t, void* data) {
  delete static_cast<std::string*>(data);
  return false;  // once
}

// Shows the items the first pass found, from a data source of their own:
// `whole` (the first pass: the collected buffer, r->len bytes or more), or
// the kept bytes of earlier packets followed by this packet's share.
void show_collected(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const PacketRole* r,
                    const StompFrameOptions* opt, const guint8* whole = nullptr) {
  if (r->item_count == 0) return;
  const guint8* bytes = whole ? whole : r->bytes;
  if (!whole && r->kept < r->len) {
    guint8* b = static_cast<guint8*>(wmem_alloc(wsc::packet_pool(pinfo), r->len));
    if (r->kept) std::memcpy(b, r->bytes, r->kept);
    tvb_memcpy(tvb, b + r->kept, static_cast<gint>(r->skip), r->len - r->kept);
    bytes = b;
  }
  tvbuff_t* ct = tvb_new_child_real_data(tvb, bytes, r->len, static_cast<gint>(r->len));
  add_new_data_source(pinfo, ct, "Reassembled STOMP");
  if (tree) {
    proto_item* ti = proto_tree_add_uint_format_value(
        tree, hf_stomp_reassembly_start, ct, 0, static_cast<gint>(r->len),
        r->collection->start_num, "%u (%u bytes reassembled)", r->collection->start_num, r->len);
    proto_item_set_generated(ti);
  }
  static const stomp::ScanLimits limits;
  size_t pos = 0;
  for (guint32 i = 0; i < r->item_count; i++) {
    CollectedItem it;
    if (r->items) {
      it = r->items[i];
    } else {
      // scan_collected checked that this gives what the first pass found
      it.scan = stomp::scan(bytes + pos, r->len - pos, false, limits);
      it.offset = pos;
      if (it.scan.length == 0 || it.scan.status == stomp::ScanStatus::kNeedMore) return;
    }
    show_item(ct, pinfo, tree, bytes, it, opt);
    pos = it.offset + it.scan.length;
  }
}

// Shows bytes that will never be completed: every item in them, the last
// one unterminated, from a data source of their own.
void show_unterminated(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const guint8* b,
                       size_t len, const StompFrameOptions* opt) {
  tvbuff_t* ct = tvb_new_child_real_data(tvb, b, static_cast<guint>(len), static_cast<gint>(len));
  add_new_data_source(pinfo, ct, "Reassembled STOMP");
  static const stomp::ScanLimits limits;
  for (size_t pos = 0; pos < len;) {
    CollectedItem it;
    it.scan = stomp::scan(b + pos, len - pos, /*at_end=*/true, limits);
    it.offset = pos;
    if (it.scan.length == 0 || it.scan.status == stomp::ScanStatus::kNeedMore) break;
    show_item(ct, pinfo, tree, b, it, opt);
    pos += it.scan.length;
  }
}

// How many bytes of a segment continuing the item `c` (prev_len bytes so
// far) to copy first: up to where the item must end -- its content-length,
// or the segment's first NUL when there is none -- and some bytes more for
// the EOLs after it and the scanner's look-ahead. All of it when that is
// not known.
size_t segment_share(const Collecting& c, size_t prev_len, const guint8* seg, size_t seg_len) {
  constexpr size_t kSlack = 1024;
  size_t end = 0;  // in the segment
  const stomp::ScanResume& r = c.resume;
  if (r.stage == stomp::ScanResume::Stage::kBody && r.content_length >= 0) {
    const uint64_t item_end = static_cast<uint64_t>(r.line) + r.blank_len +
                              static_cast<uint64_t>(r.content_length) + 1;
    if (item_end > prev_len + seg_len) return seg_len;
    end = item_end > prev_len ? static_cast<size_t>(item_end - prev_len) : 0;
  } else {
    const void* nul = std::memchr(seg, 0, seg_len);
    if (!nul) return seg_len;
    end = static_cast<size_t>(static_cast<const guint8*>(nul) - seg) + 1;
  }
  return seg_len - end > kSlack ? end + kSlack : seg_len;
}

}  // namespace

bool stomp_collect_start(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                         const struct tcpinfo* tcp, guint offset, const guint8* buf, guint len,
                         const stomp::ScanResume* scanned) {
  if (PINFO_FD_VISITED(pinfo)) {
    const PacketRole* r = get_role(pinfo, kKeyStart);
    if (!r) return false;
    show_part(tvb, pinfo, tree, offset, r);
    return true;
  }
  if (!tcp || !g_collecting) return false;
  Collecting& c = (*g_collecting)[sender_key(pinfo)];
  Collection* col = wmem_new0(wmem_file_scope(), Collection);
  col->start_num = pinfo->num;
  if (!c.active) {
    g_active++;
    c.sender = stomp_sender_id(pinfo);
    if (g_active_senders) g_active_senders->push_back(c.sender);
  }
  c.active = true;
  c.next_seq = tcp->nxtseq;  // the bytes we were handed end with this segment
  c.bytes.assign(reinterpret_cast<const char*>(buf), len);
  c.resume = scanned ? *scanned : stomp::ScanResume();
  c.collection = col;
  PacketRole* r = new_role(pinfo, kKeyStart, kStart, col);
  r->so_far = len;
  stomp_tracker().incomplete(stomp_connection_id(pinfo), stomp_sender_id(pinfo), pinfo->num);
  show_part(tvb, pinfo, tree, offset, r);
  return true;
}

guint stomp_collect_continue(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                             const struct tcpinfo* tcp, const StompFrameOptions* opt) {
  const guint avail = tvb_captured_length(tvb);
  wmem_allocator_t* pool = wsc::packet_pool(pinfo);
  const uint64_t conn = stomp_connection_id(pinfo);
  const uint64_t sender = stomp_sender_id(pinfo);

  if (PINFO_FD_VISITED(pinfo)) {
    const PacketRole* r = get_role(pinfo, kKeyContinue);
    if (!r) return 0;
    if (r->role == kMiddle) {
      // Never completed: on its last packet, show what there was.
      Collecting* c = nullptr;
      if (g_collecting) {
        auto it = g_collecting->find(sender_key(pinfo));
        if (it != g_collecting->end() && it->second.active &&
            it->second.collection == r->collection)
          c = &it->second;
      }
      if (c && stomp_tracker().unterminated_at(conn, sender, pinfo->num) &&
          !rejected(r->collection, conn)) {
        // Nothing more came: show what there was.
        const guint8* b =
            static_cast<const guint8*>(wmem_memdup(pool, c->bytes.data(), c->bytes.size()));
        show_unterminated(tvb, pinfo, tree, b, c->bytes.size(), opt);
        return avail;
      }
      show_part(tvb, pinfo, tree, 0, r);
      return avail;
    }
    if (r->role == kRepeat) return avail;
    if (r->role != kEnd) return 0;
    // Replay: the items the first pass found.
    show_collected(tvb, pinfo, tree, r, opt);
    if (r->len <= r->prev_len) return avail;  // the rest went into the next item
    return static_cast<guint>(r->skip + (r->len - r->prev_len));
  }

  if (!tcp || !g_collecting) return 0;
  auto it = g_collecting->find(sender_key(pinfo));
  if (it == g_collecting->end() || !it->second.active) return 0;
  Collecting& c = it->second;

  // Place this segment by its sequence number.
  const gint32 behind = static_cast<gint32>(c.next_seq - tcp->seq);
  if (behind < 0) {
    // Bytes are missing: the item cannot be completed. Give up on it; the
    // ordinary scan resynchronises on the next command line.
    new_role(pinfo, kKeyContinue, kLost, c.collection);
    finish(c);
    stomp_tracker().consumed(conn, sender);
    return 0;
  }
  if (static_cast<guint>(behind) >= avail) {
    // All retransmitted: nothing new for the item, and nothing to scan.
    new_role(pinfo, kKeyContinue, kRepeat, c.collection);
    return avail;
  }
  const guint skip = static_cast<guint>(behind);
  const size_t prev_len = c.bytes.size();
  const size_t seg_len = avail - skip;
  const guint8* seg = tvb_get_ptr(tvb, static_cast<gint>(skip), static_cast<gint>(seg_len));
  // Only the part of the segment the item can reach is copied: a 64 KiB
  // segment that ends a frame and carries twenty more would otherwise be
  // copied whole for every frame that straddles segments. The rest follows
  // if the item turns out to need it.
  size_t taken = segment_share(c, prev_len, seg, seg_len);
  c.bytes.append(reinterpret_cast<const char*>(seg), taken);
  c.next_seq = tcp->nxtseq;

  // Still incomplete? Scan where the last scan stopped, without copying.
  static const stomp::ScanLimits limits;
  stomp::ScanResume probe = c.resume;
  stomp::Scan first = stomp::scan(reinterpret_cast<const guint8*>(c.bytes.data()),
                                  c.bytes.size(), false, limits, &probe);
  if (first.status == stomp::ScanStatus::kNeedMore && taken < seg_len) {
    c.bytes.append(reinterpret_cast<const char*>(seg + taken), seg_len - taken);
    taken = seg_len;
    first = stomp::scan(reinterpret_cast<const guint8*>(c.bytes.data()), c.bytes.size(), false,
                        limits, &probe);
  }
  if (first.status == stomp::ScanStatus::kNeedMore) {
    c.resume = probe;
    // Once the header section tells the length, allocate it once (the
    // scanner caps what it believes).
    if (first.need > c.bytes.size()) c.bytes.reserve(first.need);
    PacketRole* r = new_role(pinfo, kKeyContinue, kMiddle, c.collection);
    r->so_far = c.bytes.size();
    stomp_tracker().incomplete(conn, sender, pinfo->num);
    show_part(tvb, pinfo, tree, 0, r);
    return avail;
  }

  // Something completes here: scan it, keep what replays need, dissect.
  wmem_allocator_t* scope = keep_scope(pinfo);
  PacketRole* r = new_role(pinfo, kKeyContinue, kEnd, c.collection);
  r->skip = skip;
  r->prev_len = static_cast<guint32>(prev_len);
  const stomp::ScanResume resume_before = c.resume;
  const guint8* work = reinterpret_cast<const guint8*>(c.bytes.data());
  const CollectedItem* items = nullptr;
  guint32 count = 0;
  bool incomplete = false;
  size_t used =
      scan_collected(scope, work, c.bytes.size(), prev_len, &c.resume, &items, &count, &incomplete);
  if (incomplete && taken < seg_len) {
    // (rare) the items go on past the share copied: scan again with all of it
    c.bytes.append(reinterpret_cast<const char*>(seg + taken), seg_len - taken);
    taken = seg_len;
    c.resume = resume_before;
    work = reinterpret_cast<const guint8*>(c.bytes.data());
    used = scan_collected(scope, work, c.bytes.size(), prev_len, &c.resume, &items, &count, &incomplete);
  }
  r->items = items;
  r->item_count = count;
  r->len = static_cast<guint32>(used);
  r->kept = static_cast<guint32>(used < prev_len ? used : prev_len);
  // A single pass needs no copy: the packet shows the collected buffer itself.
  r->bytes = r->kept && scope == wmem_file_scope()
                 ? static_cast<const guint8*>(wmem_memdup(scope, work, r->kept))
                 : nullptr;
  c.collection->end_num = pinfo->num;
  if (incomplete) {
    // (rare) a rescan ended the earlier item sooner: the rest of the buffer
    // is the next item, still being collected
    const guint8* shown = static_cast<const guint8*>(wmem_memdup(pool, work, used));
    c.bytes.erase(0, used);
    c.resume = stomp::ScanResume();
    Collection* col = wmem_new0(wmem_file_scope(), Collection);
    col->start_num = pinfo->num;
    c.collection = col;
    stomp_tracker().incomplete(conn, sender, pinfo->num);
    show_collected(tvb, pinfo, tree, r, opt, shown);
    return avail;
  }
  // What this packet shows, made before finish() lets the buffer go: a big
  // one goes with the packet's pool as it is (freed with the pool, also when
  // dissection throws), a small one is copied and its storage reused.
  const guint8* shown;
  if (c.bytes.capacity() > kReuseMax) {
    std::string* whole = new std::string();
    whole->swap(c.bytes);
    wsc::register_pool_callback<free_collected>(pool, whole);
    shown = reinterpret_cast<const guint8*>(whole->data());
  } else {
    shown = static_cast<const guint8*>(wmem_memdup(pool, work, used));
  }
  finish(c);
  stomp_tracker().consumed(conn, sender);
  // Dissection may throw (longjmp): nothing with a destructor is live here.
  show_collected(tvb, pinfo, tree, r, opt, shown);
  return static_cast<guint>(skip + (used - prev_len));
}

bool stomp_collect_watching(packet_info* pinfo) {
  return PINFO_FD_VISITED(pinfo) ? g_any_closed : g_active != 0;
}

bool stomp_collect_pending(packet_info* pinfo, guint32* next_seq) {
  if (PINFO_FD_VISITED(pinfo) || !g_collecting || !g_active) return false;
  if (g_active_senders && std::find(g_active_senders->begin(), g_active_senders->end(),
                                    stomp_sender_id(pinfo)) == g_active_senders->end())
    return false;
  auto it = g_collecting->find(sender_key(pinfo));
  if (it == g_collecting->end() || !it->second.active) return false;
  *next_seq = it->second.next_seq;
  return true;
}

void stomp_collect_closed(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                          const StompFrameOptions* opt) {
  const ClosedItem* done = nullptr;
  if (PINFO_FD_VISITED(pinfo)) {
    done = static_cast<const ClosedItem*>(
        p_get_proto_data(wmem_file_scope(), pinfo, proto_stomp, kKeyClosed));
  } else if (g_collecting) {
    auto it = g_collecting->find(sender_key(pinfo));
    if (it == g_collecting->end() || !it->second.active) return;
    Collecting& c = it->second;
    if (stomp_unproven_connection(stomp_connection_id(pinfo))) {
      // Not STOMP after all (see rejected()): nothing to show at the FIN.
      c.collection->not_stomp = TRUE;
      finish(c);
      stomp_tracker().consumed(stomp_connection_id(pinfo), stomp_sender_id(pinfo));
      return;
    }
    ClosedItem* ci = wmem_new0(wmem_file_scope(), ClosedItem);
    ci->collection = c.collection;
    ci->len = static_cast<guint32>(c.bytes.size());
    ci->bytes = static_cast<const guint8*>(wmem_memdup(wmem_file_scope(), c.bytes.data(), ci->len));
    c.collection->end_num = pinfo->num;
    p_add_proto_data(wmem_file_scope(), pinfo, proto_stomp, kKeyClosed, ci);
    g_any_closed = true;
    finish(c);
    // Ended here, not at its last data packet (where a second pass would
    // otherwise show it).
    stomp_tracker().consumed(stomp_connection_id(pinfo), stomp_sender_id(pinfo));
    done = ci;
  }
  if (!done) return;
  if (tree) {
    proto_item* ti = proto_tree_add_uint_format_value(
        tree, hf_stomp_reassembly_start, tvb, 0, 0, done->collection->start_num,
        "%u (%u bytes until the sender closed the connection)", done->collection->start_num,
        done->len);
    proto_item_set_generated(ti);
  }
  // Dissection may throw (longjmp): nothing with a destructor is live here.
  show_unterminated(tvb, pinfo, tree, done->bytes, done->len, opt);
}

void stomp_collect_register(void) {
  register_init_routine(init);
  register_cleanup_routine(cleanup);
}
