// stomp_big_frame.cpp - see stomp_big_frame.h.
#include "stomp_big_frame.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <unordered_map>

#include "stomp_fields.h"
#include "stomp_format.h"
#include "stomp_state.h"

namespace {

// One frame being collected (first pass only).
struct Collecting {
  bool active = false;
  guint32 next_seq = 0;  // TCP sequence number expected next
  std::string bytes;     // the frame so far
  struct Collection* collection = nullptr;
};

// Shared by every packet of one collected frame (file scope).
struct Collection {
  guint32 start_num;
  guint32 end_num;  // 0 while (or if forever) incomplete
};

enum Role : guint8 { kStart = 1, kMiddle, kEnd, kLost };

// What the first pass did with a packet (file scope, per packet).
struct PacketRole {
  guint8 role;
  guint32 consumed;       // kEnd: bytes of the packet that end the frame
  guint64 so_far;         // bytes collected up to and including this packet
  const guint8* frame;    // kEnd: the whole frame
  guint32 frame_len;
  Collection* collection;
};

// p_add_proto_data keys (file scope). A packet can end one collected frame
// and start the next.
enum : guint32 { kKeyEnd = 20, kKeyStart = 21 };

std::unordered_map<uint64_t, Collecting>* g_collecting = nullptr;

void init(void) {
  delete g_collecting;
  g_collecting = new std::unordered_map<uint64_t, Collecting>();
}

void cleanup(void) {
  delete g_collecting;
  g_collecting = nullptr;
}

uint64_t key(packet_info* pinfo) {
  return stomp_connection_id(pinfo) * 0x9e3779b97f4a7c15ull ^ stomp_sender_id(pinfo);
}

PacketRole* new_role(packet_info* pinfo, guint32 k, Role role, Collection* col) {
  PacketRole* r = wmem_new0(wmem_file_scope(), PacketRole);
  r->role = role;
  r->collection = col;
  p_add_proto_data(wmem_file_scope(), pinfo, proto_stomp, k, r);
  return r;
}

PacketRole* get_role(packet_info* pinfo, guint32 k) {
  return static_cast<PacketRole*>(p_get_proto_data(wmem_file_scope(), pinfo, proto_stomp, k));
}

// A packet that only carries part of a collected frame.
void show_middle(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, guint offset,
                 const PacketRole* r) {
  char size[32];
  stomp::format_size(r->so_far, size, sizeof size);
  char text[96];
  std::snprintf(text, sizeof text, "[Frame continues, %s so far]", size);
  stomp_col_append(pinfo, text);
  proto_item* ti = proto_tree_add_item(tree, proto_stomp, tvb, static_cast<gint>(offset), -1,
                                       ENC_NA);
  proto_item_append_text(ti, ", %s", text);
  proto_tree* st = proto_item_add_subtree(ti, ett_stomp);
  proto_item* s = proto_tree_add_uint(st, hf_stomp_reassembly_start, tvb, 0, 0,
                                      r->collection->start_num);
  proto_item_set_generated(s);
  if (r->collection->end_num) {
    proto_item* e = proto_tree_add_uint(st, hf_stomp_reassembled_in, tvb, 0, 0,
                                        r->collection->end_num);
    proto_item_set_generated(e);
  }
}

// The collected frame, shown from its own data source.
void show_frame(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree, const guint8* frame,
                guint32 len, const PacketRole* r, const StompFrameOptions* opt) {
  tvbuff_t* ft = tvb_new_child_real_data(tvb, frame, len, static_cast<gint>(len));
  add_new_data_source(pinfo, ft, "Reassembled STOMP frame");
  static const stomp::ScanLimits limits;
  const stomp::Scan s = stomp::scan(frame, len, /*at_end=*/true, limits);
  if (s.status != stomp::ScanStatus::kFrame) return;
  stomp_dissect_frame(ft, pinfo, tree, 0, frame, &s, opt);
  if (tree && r) {
    proto_item* st = proto_tree_add_uint(tree, hf_stomp_reassembly_start, ft, 0, 0,
                                         r->collection->start_num);
    proto_item_set_generated(st);
  }
}

}  // namespace

bool stomp_big_frame_start(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                           const struct tcpinfo* tcp, guint offset, const guint8* buf,
                           guint len) {
  if (PINFO_FD_VISITED(pinfo)) {
    // Replay: the first pass collected from here.
    const PacketRole* r = get_role(pinfo, kKeyStart);
    if (!r) return false;
    show_middle(tvb, pinfo, tree, offset, r);
    return true;
  }
  if (!tcp || !g_collecting) return false;
  Collecting& c = (*g_collecting)[key(pinfo)];
  Collection* col = wmem_new0(wmem_file_scope(), Collection);
  col->start_num = pinfo->num;
  c.active = true;
  c.next_seq = tcp->nxtseq;  // the buffer TCP handed over ends with this segment
  c.bytes.assign(reinterpret_cast<const char*>(buf), len);
  c.collection = col;
  PacketRole* r = new_role(pinfo, kKeyStart, kStart, col);
  r->so_far = len;
  stomp_tracker().incomplete(stomp_connection_id(pinfo), stomp_sender_id(pinfo), pinfo->num);
  show_middle(tvb, pinfo, tree, offset, r);
  return true;
}

guint stomp_big_frame_continue(tvbuff_t* tvb, packet_info* pinfo, proto_tree* tree,
                               const struct tcpinfo* tcp, const StompFrameOptions* opt) {
  const guint avail = tvb_captured_length(tvb);
  if (PINFO_FD_VISITED(pinfo)) {
    const PacketRole* r = get_role(pinfo, kKeyEnd);
    if (!r) return 0;
    switch (r->role) {
      case kMiddle: {
        // Never completed: on the last packet show what there was.
        Collecting* c = nullptr;
        if (g_collecting) {
          auto it = g_collecting->find(key(pinfo));
          if (it != g_collecting->end() && it->second.active && it->second.collection == r->collection)
            c = &it->second;
        }
        if (c && stomp_tracker().unterminated_at(stomp_connection_id(pinfo),
                                                 stomp_sender_id(pinfo), pinfo->num)) {
          show_frame(tvb, pinfo, tree, reinterpret_cast<const guint8*>(c->bytes.data()),
                     static_cast<guint32>(c->bytes.size()), r, opt);
          return avail;
        }
        show_middle(tvb, pinfo, tree, 0, r);
        return avail;
      }
      case kEnd:
        show_frame(tvb, pinfo, tree, r->frame, r->frame_len, r, opt);
        return r->consumed;
      default:
        return 0;
    }
  }

  if (!tcp || !g_collecting) return 0;
  auto it = g_collecting->find(key(pinfo));
  if (it == g_collecting->end() || !it->second.active) return 0;
  Collecting& c = it->second;
  const uint64_t conn = stomp_connection_id(pinfo);
  const uint64_t sender = stomp_sender_id(pinfo);

  // Place this segment by its sequence number.
  guint skip = 0;
  const gint32 behind = static_cast<gint32>(c.next_seq - tcp->seq);
  if (behind < 0) {
    // Bytes are missing: the frame cannot be completed. Give up on it; the
    // ordinary scan resynchronises on the next command line.
    new_role(pinfo, kKeyEnd, kLost, c.collection);
    c = Collecting();
    return 0;
  }
  if (static_cast<guint>(behind) >= avail) return avail;  // all retransmitted
  skip = static_cast<guint>(behind);

  const guint8* p = tvb_get_ptr(tvb, static_cast<gint>(skip), static_cast<gint>(avail - skip));
  const guint8* nul = static_cast<const guint8*>(std::memchr(p, 0, avail - skip));
  static const stomp::ScanLimits limits;
  const bool too_big = c.bytes.size() + (avail - skip) > limits.max_body_bytes;
  if (!nul && !too_big) {
    c.bytes.append(reinterpret_cast<const char*>(p), avail - skip);
    c.next_seq = tcp->nxtseq;
    PacketRole* r = new_role(pinfo, kKeyEnd, kMiddle, c.collection);
    r->so_far = c.bytes.size();
    stomp_tracker().incomplete(conn, sender, pinfo->num);
    show_middle(tvb, pinfo, tree, 0, r);
    return avail;
  }
  guint end = nul ? skip + static_cast<guint>(nul - p) + 1 : avail;
  // EOLs right after the NUL belong to the frame
  while (end < avail) {
    const guint8 b = wsc::tvb_u8(tvb, static_cast<gint>(end));
    if (b == '\n') {
      end++;
    } else if (b == '\r' && end + 1 < avail && wsc::tvb_u8(tvb, static_cast<gint>(end + 1)) == '\n') {
      end += 2;
    } else {
      break;
    }
  }
  c.bytes.append(reinterpret_cast<const char*>(p), end - skip);
  PacketRole* r = new_role(pinfo, kKeyEnd, kEnd, c.collection);
  r->consumed = end;
  r->so_far = c.bytes.size();
  r->frame_len = static_cast<guint32>(c.bytes.size());
  r->frame = static_cast<const guint8*>(wmem_memdup(wmem_file_scope(), c.bytes.data(), c.bytes.size()));
  c.collection->end_num = pinfo->num;
  c = Collecting();  // frees the buffer
  stomp_tracker().consumed(conn, sender);
  show_frame(tvb, pinfo, tree, r->frame, r->frame_len, r, opt);
  return end;
}

void stomp_big_frame_register(void) {
  register_init_routine(init);
  register_cleanup_routine(cleanup);
}
