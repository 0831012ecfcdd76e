// stomp_export.cpp - see stomp_export.h.
//
// The export_object API (epan/export_object.h) registers its own tap,
// "stomp_eo" (register_export_object() returns its id), and GUI/tshark listen
// on it with the packet function below. The frame tree queues the same
// stomp_tap record there (stomp_export_queue) that it queues on "stomp". The
// entry and every string in it are g_malloc'd: the GUI/tshark frees them with
// eo_free_entry() (g_free), so nothing here is in a wmem scope.
//
// The body bytes come from the tvb the frame was dissected in (the record
// carries the tvb and the body's offset; the tvb is alive during the tap
// callback), so nothing is parsed twice.
#include "plugin/stomp/stomp_export.h"

#include <string.h>

#include "plugin/common/ws_compat.h"
#include "plugin/stomp/stomp_tap.h"

extern "C" {
#include <epan/to_str.h>
#include <epan/export_object.h>
}

namespace {

int eo_tap = -1;

// Longest file name we make (tshark/GUI bound it at EXPORT_OBJECT_MAXFILELEN).
constexpr size_t kMaxName = 160;

// Appends `in` to `out`, keeping [A-Za-z0-9.-_] and turning every other byte
// (notably '/', '\\', ':' and controls) into '_'; runs of '_' collapse.
void append_sanitised(GString* out, const char* in, size_t room) {
  for (const char* p = in; *p && out->len < room; ++p) {
    const unsigned char c = static_cast<unsigned char>(*p);
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      (c >= '0' && c <= '9') || c == '.' || c == '-';
    if (keep) {
      g_string_append_c(out, static_cast<char>(c));
    } else if (out->len == 0 || out->str[out->len - 1] != '_') {
      g_string_append_c(out, '_');
    }
  }
}

// "<destination>_<message-id>" for MESSAGE, "<destination>_send-<frame>" for
// SEND; no '/', no leading '.', at most kMaxName bytes. Returns g_malloc'd text.
gchar* object_name(const stomp_tap_info* t, guint32 frame) {
  GString* s = g_string_sized_new(64);
  append_sanitised(s, t->destination ? t->destination : "no-destination", kMaxName / 2);
  while (s->len && s->str[0] == '_') g_string_erase(s, 0, 1);
  if (s->len == 0) g_string_append(s, "destination");
  g_string_append_c(s, '_');
  if (t->message_id && *t->message_id) {
    append_sanitised(s, t->message_id, kMaxName);
  } else {
    g_string_append_printf(s, "%s-%u", strcmp(t->command, "SEND") == 0 ? "send" : "message",
                           frame);
  }
  if (s->str[0] == '.') s->str[0] = '_';
  return g_string_free(s, FALSE);
}

// The broker's side of the connection: the destination of a client's frame,
// the source of a broker's. Unknown direction: the side on the lower port.
gchar* broker_name(packet_info* pinfo, int from_client) {
  bool dst_is_broker;
  if (from_client == 1) dst_is_broker = true;
  else if (from_client == 0) dst_is_broker = false;
  else dst_is_broker = pinfo->destport < pinfo->srcport;
  const address* a = dst_is_broker ? &pinfo->dst : &pinfo->src;
  const guint32 port = dst_is_broker ? pinfo->destport : pinfo->srcport;
  gchar* addr = address_to_str(NULL, a);
  gchar* out = port ? g_strdup_printf("%s:%u", addr, port) : g_strdup(addr);
  wmem_free(NULL, addr);
  return out;
}

tap_packet_status export_packet(void* tapdata, packet_info* pinfo, epan_dissect_t*,
                                const void* data, tap_flags_t) {
  const stomp_tap_info* t = static_cast<const stomp_tap_info*>(data);
  export_object_list_t* list = static_cast<export_object_list_t*>(tapdata);
  if (!t || !t->command || !t->tvb || t->body_bytes == 0) return TAP_PACKET_DONT_REDRAW;
  if (strcmp(t->command, "SEND") != 0 && strcmp(t->command, "MESSAGE") != 0)
    return TAP_PACKET_DONT_REDRAW;
  // A truncated capture may hold less than the frame says: export what is there.
  const guint avail = tvb_captured_length(t->tvb);
  if (t->body_off >= avail) return TAP_PACKET_DONT_REDRAW;
  guint64 len = t->body_bytes;
  if (len > avail - t->body_off) len = avail - t->body_off;

  export_object_entry_t* e = g_new0(export_object_entry_t, 1);
  e->pkt_num = pinfo->num;
  e->hostname = broker_name(pinfo, t->from_client);
  e->content_type = g_strdup(t->content_type && *t->content_type ? t->content_type
                                                                  : "application/octet-stream");
  e->filename = object_name(t, pinfo->num);
  e->payload_len = static_cast<size_t>(len);
  e->payload_data = static_cast<guint8*>(
      tvb_memdup(NULL, t->tvb, static_cast<gint>(t->body_off), static_cast<size_t>(len)));
  list->add_entry(list->gui_data, e);
  return TAP_PACKET_REDRAW;
}

}  // namespace

void stomp_export_register(int proto_stomp) {
  // Same signature in 4.0 .. 4.6 (the tap_packet_cb gained its flags in 4.0).
  eo_tap = register_export_object(proto_stomp, export_packet, NULL);
}

bool stomp_export_listening(void) { return eo_tap >= 0 && have_tap_listener(eo_tap); }

void stomp_export_queue(packet_info* pinfo, const stomp_tap_info* tap) {
  if (eo_tap < 0 || !have_tap_listener(eo_tap) || tap->body_bytes == 0) return;
  tap_queue_packet(eo_tap, pinfo, tap);
}
