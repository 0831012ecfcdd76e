// stomp_fields.cpp - definitions and registration arrays of STOMP's fields,
// subtrees and expert infos, and the header-name -> field table.
#include "plugin/stomp/stomp_fields.h"

#include <cstring>
#include <string>

int proto_stomp = -1;

int hf_stomp_command = -1;
int hf_stomp_header = -1;
int hf_stomp_header_name = -1;
int hf_stomp_header_value = -1;
int hf_stomp_header_ignored = -1;
int hf_stomp_header_count = -1;
int hf_stomp_body = -1;
int hf_stomp_body_text = -1;
int hf_stomp_body_length = -1;
int hf_stomp_frame_length = -1;
int hf_stomp_heartbeat = -1;
int hf_stomp_junk = -1;
int hf_stomp_midstream = -1;
int hf_stomp_session_version = -1;
int hf_stomp_reassembly_start = -1;
int hf_stomp_reassembled_in = -1;

int hf_stomp_destination = -1;
int hf_stomp_id = -1;
int hf_stomp_subscription = -1;
int hf_stomp_message_id = -1;
int hf_stomp_ack = -1;
int hf_stomp_receipt = -1;
int hf_stomp_receipt_id = -1;
int hf_stomp_transaction = -1;
int hf_stomp_content_type = -1;
int hf_stomp_content_length = -1;
int hf_stomp_accept_version = -1;
int hf_stomp_version = -1;
int hf_stomp_host = -1;
int hf_stomp_login = -1;
int hf_stomp_passcode = -1;
int hf_stomp_heart_beat = -1;
int hf_stomp_session = -1;
int hf_stomp_server = -1;
int hf_stomp_message = -1;
int hf_stomp_reply_to = -1;
int hf_stomp_expires = -1;
int hf_stomp_priority = -1;
int hf_stomp_persistent = -1;
int hf_stomp_selector = -1;
int hf_stomp_timestamp = -1;

int hf_stomp_session_hb_client = -1;
int hf_stomp_session_hb_server = -1;
int hf_stomp_silence = -1;
int hf_stomp_response_in = -1;
int hf_stomp_response_to = -1;
int hf_stomp_time = -1;
int hf_stomp_ack_in = -1;
int hf_stomp_ack_time = -1;
int hf_stomp_ack_command = -1;
int hf_stomp_acks = -1;
int hf_stomp_acked_count = -1;
int hf_stomp_sub_id = -1;
int hf_stomp_sub_destination = -1;
int hf_stomp_sub_ack_mode = -1;
int hf_stomp_sub_selector = -1;
int hf_stomp_subscribe_in = -1;
int hf_stomp_unsubscribe_in = -1;
int hf_stomp_sub_messages = -1;
int hf_stomp_tx_begin_in = -1;
int hf_stomp_tx_end_in = -1;
int hf_stomp_tx_outcome = -1;
int hf_stomp_tx_members = -1;
int hf_stomp_tx_duration = -1;
int hf_stomp_delivered_in = -1;
int hf_stomp_sent_in = -1;
int hf_stomp_transit_time = -1;

gint ett_stomp = -1;
gint ett_stomp_headers = -1;
gint ett_stomp_header = -1;
gint ett_stomp_body = -1;
gint ett_stomp_session = -1;

expert_field ei_stomp_header_no_colon = EI_INIT;
expert_field ei_stomp_content_length_invalid = EI_INIT;
expert_field ei_stomp_content_length_too_large = EI_INIT;
expert_field ei_stomp_content_length_mismatch = EI_INIT;
expert_field ei_stomp_content_length_overrun = EI_INIT;
expert_field ei_stomp_missing_nul = EI_INIT;
expert_field ei_stomp_unknown_command = EI_INIT;
expert_field ei_stomp_invalid_escape = EI_INIT;
expert_field ei_stomp_truncated = EI_INIT;
expert_field ei_stomp_error_frame = EI_INIT;
expert_field ei_stomp_repeated_header = EI_INIT;
expert_field ei_stomp_junk = EI_INIT;
expert_field ei_stomp_midstream = EI_INIT;
expert_field ei_stomp_header_section_too_large = EI_INIT;
expert_field ei_stomp_nul_in_header = EI_INIT;
expert_field ei_stomp_invalid_utf8 = EI_INIT;
expert_field ei_stomp_too_many_headers = EI_INIT;
expert_field ei_stomp_bad_number = EI_INIT;
expert_field ei_stomp_body_too_large = EI_INIT;
expert_field ei_stomp_silent = EI_INIT;
expert_field ei_stomp_never_acked = EI_INIT;
expert_field ei_stomp_no_receipt = EI_INIT;
expert_field ei_stomp_ack_unknown = EI_INIT;
expert_field ei_stomp_tx_already_open = EI_INIT;
expert_field ei_stomp_tx_unknown = EI_INIT;
expert_field ei_stomp_unsubscribe_unknown = EI_INIT;
expert_field ei_stomp_subscription_id_reused = EI_INIT;
expert_field ei_stomp_receipt_unknown = EI_INIT;

namespace {
struct NamedEntry {
  const char* name;
  NamedHeader field;
  size_t len = std::char_traits<char>::length(name);
};
// Every header of the STOMP 1.2 specification plus the broker extensions
// users filter on. Looked up once per header line; 26 short strings.
const NamedEntry kNamed[] = {
    {"destination", {&hf_stomp_destination, NamedKind::kString}},
    {"id", {&hf_stomp_id, NamedKind::kString}},
    {"subscription", {&hf_stomp_subscription, NamedKind::kString}},
    {"message-id", {&hf_stomp_message_id, NamedKind::kString}},
    {"ack", {&hf_stomp_ack, NamedKind::kString}},
    {"receipt", {&hf_stomp_receipt, NamedKind::kString}},
    {"receipt-id", {&hf_stomp_receipt_id, NamedKind::kString}},
    {"transaction", {&hf_stomp_transaction, NamedKind::kString}},
    {"content-type", {&hf_stomp_content_type, NamedKind::kString}},
    {"content-length", {&hf_stomp_content_length, NamedKind::kUint64}},
    {"accept-version", {&hf_stomp_accept_version, NamedKind::kString}},
    {"version", {&hf_stomp_version, NamedKind::kString}},
    {"host", {&hf_stomp_host, NamedKind::kString}},
    {"login", {&hf_stomp_login, NamedKind::kString}},
    {"passcode", {&hf_stomp_passcode, NamedKind::kString}},
    {"heart-beat", {&hf_stomp_heart_beat, NamedKind::kString}},
    {"session", {&hf_stomp_session, NamedKind::kString}},
    {"server", {&hf_stomp_server, NamedKind::kString}},
    {"message", {&hf_stomp_message, NamedKind::kString}},
    {"reply-to", {&hf_stomp_reply_to, NamedKind::kString}},
    {"expires", {&hf_stomp_expires, NamedKind::kUint64}},
    {"priority", {&hf_stomp_priority, NamedKind::kUint32}},
    {"persistent", {&hf_stomp_persistent, NamedKind::kString}},
    {"selector", {&hf_stomp_selector, NamedKind::kString}},
    {"timestamp", {&hf_stomp_timestamp, NamedKind::kUint64}},
};
}  // namespace

const NamedHeader* named_header(const char* name, size_t len) {
  if (len < 2 || len > 14) return nullptr;
  for (const NamedEntry& e : kNamed) {
    if (e.len == len && e.name[0] == name[0] && std::memcmp(e.name, name, len) == 0)
      return &e.field;
  }
  return nullptr;
}

void stomp_register_fields(void) {
  static hf_register_info hf[] = {
      {&hf_stomp_command, {"Command", "stomp.command", FT_STRING, BASE_NONE, NULL, 0x0,
                           "STOMP frame command", HFILL}},
      {&hf_stomp_header, {"Header", "stomp.header", FT_STRING, BASE_NONE, NULL, 0x0,
                          "One header line, decoded, as \"name: value\"", HFILL}},
      {&hf_stomp_header_name, {"Name", "stomp.header.name", FT_STRING, BASE_NONE, NULL, 0x0,
                               "Header name (escapes decoded)", HFILL}},
      {&hf_stomp_header_value, {"Value", "stomp.header.value", FT_STRING, BASE_NONE, NULL, 0x0,
                                "Header value (escapes decoded)", HFILL}},
      {&hf_stomp_header_ignored, {"Ignored (repeated header)", "stomp.header.ignored", FT_BOOLEAN,
                                  BASE_NONE, NULL, 0x0,
                                  "A repeated header: the first occurrence wins", HFILL}},
      {&hf_stomp_header_count, {"Header count", "stomp.header.count", FT_UINT32, BASE_DEC, NULL,
                                0x0, NULL, HFILL}},
      {&hf_stomp_body, {"Body", "stomp.body", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_stomp_body_text, {"Body text", "stomp.body.text", FT_STRING, BASE_NONE, NULL, 0x0,
                             "The body, when it is printable UTF-8", HFILL}},
      {&hf_stomp_body_length, {"Body length", "stomp.body.length", FT_UINT64, BASE_DEC, NULL,
                               0x0, NULL, HFILL}},
      {&hf_stomp_frame_length, {"Frame length", "stomp.frame_length", FT_UINT64, BASE_DEC, NULL,
                                0x0, "Bytes from the command to the NUL and trailing EOLs",
                                HFILL}},
      {&hf_stomp_heartbeat, {"Heart-beat", "stomp.heartbeat", FT_UINT32, BASE_DEC, NULL, 0x0,
                             "Heart-beat: number of EOLs", HFILL}},
      {&hf_stomp_midstream, {"End of an earlier frame", "stomp.midstream", FT_BYTES, BASE_NONE,
                             NULL, 0x0,
                             "The capture began inside this frame: its start was not captured",
                             HFILL}},
      {&hf_stomp_junk, {"Unparsed data", "stomp.junk", FT_BYTES, BASE_NONE, NULL, 0x0,
                        "Bytes that are not part of a STOMP frame", HFILL}},
      {&hf_stomp_reassembly_start, {"STOMP frame starts in", "stomp.reassembly_start",
                                    FT_FRAMENUM, BASE_NONE, NULL, 0x0,
                                    "The packet where a frame of unknown length, collected "
                                    "by the dissector across TCP segments, starts", HFILL}},
      {&hf_stomp_reassembled_in, {"STOMP frame ends in", "stomp.reassembled_in",
                                  FT_FRAMENUM, BASE_NONE, NULL, 0x0,
                                  "The packet where the frame this segment is part of ends",
                                  HFILL}},
      {&hf_stomp_session_version, {"Session version", "stomp.session.version", FT_STRING,
                                   BASE_NONE, NULL, 0x0,
                                   "STOMP version negotiated for this connection", HFILL}},

      {&hf_stomp_destination, {"destination", "stomp.destination", FT_STRING, BASE_NONE, NULL,
                               0x0, NULL, HFILL}},
      {&hf_stomp_id, {"id", "stomp.id", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_stomp_subscription, {"subscription", "stomp.subscription", FT_STRING, BASE_NONE, NULL,
                                0x0, NULL, HFILL}},
      {&hf_stomp_message_id, {"message-id", "stomp.message_id", FT_STRING, BASE_NONE, NULL, 0x0,
                              NULL, HFILL}},
      {&hf_stomp_ack, {"ack", "stomp.ack", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_stomp_receipt, {"receipt", "stomp.receipt", FT_STRING, BASE_NONE, NULL, 0x0, NULL,
                           HFILL}},
      {&hf_stomp_receipt_id, {"receipt-id", "stomp.receipt_id", FT_STRING, BASE_NONE, NULL, 0x0,
                              NULL, HFILL}},
      {&hf_stomp_transaction, {"transaction", "stomp.transaction", FT_STRING, BASE_NONE, NULL,
                               0x0, NULL, HFILL}},
      {&hf_stomp_content_type, {"content-type", "stomp.content_type", FT_STRING, BASE_NONE, NULL,
                                0x0, NULL, HFILL}},
      {&hf_stomp_content_length, {"content-length", "stomp.content_length", FT_UINT64, BASE_DEC,
                                  NULL, 0x0, NULL, HFILL}},
      {&hf_stomp_accept_version, {"accept-version", "stomp.accept_version", FT_STRING,
                                  BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_stomp_version, {"version", "stomp.version", FT_STRING, BASE_NONE, NULL, 0x0, NULL,
                           HFILL}},
      {&hf_stomp_host, {"host", "stomp.host", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_stomp_login, {"login", "stomp.login", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_stomp_passcode, {"passcode", "stomp.passcode", FT_STRING, BASE_NONE, NULL, 0x0, NULL,
                            HFILL}},
      {&hf_stomp_heart_beat, {"heart-beat", "stomp.heart_beat", FT_STRING, BASE_NONE, NULL, 0x0,
                              NULL, HFILL}},
      {&hf_stomp_session, {"session", "stomp.session", FT_STRING, BASE_NONE, NULL, 0x0, NULL,
                           HFILL}},
      {&hf_stomp_server, {"server", "stomp.server", FT_STRING, BASE_NONE, NULL, 0x0, NULL,
                          HFILL}},
      {&hf_stomp_message, {"message", "stomp.message", FT_STRING, BASE_NONE, NULL, 0x0, NULL,
                           HFILL}},
      {&hf_stomp_reply_to, {"reply-to", "stomp.reply_to", FT_STRING, BASE_NONE, NULL, 0x0, NULL,
                            HFILL}},
      {&hf_stomp_expires, {"expires", "stomp.expires", FT_UINT64, BASE_DEC, NULL, 0x0,
                           "Expiry (ActiveMQ: absolute Unix ms; 0 = never)", HFILL}},
      {&hf_stomp_priority, {"priority", "stomp.priority", FT_UINT32, BASE_DEC, NULL, 0x0, NULL,
                            HFILL}},
      {&hf_stomp_persistent, {"persistent", "stomp.persistent", FT_STRING, BASE_NONE, NULL, 0x0,
                              NULL, HFILL}},
      {&hf_stomp_selector, {"selector", "stomp.selector", FT_STRING, BASE_NONE, NULL, 0x0, NULL,
                            HFILL}},
      {&hf_stomp_timestamp, {"timestamp", "stomp.timestamp", FT_UINT64, BASE_DEC, NULL, 0x0,
                             "Broker timestamp (Unix ms)", HFILL}},

      // session state, all generated
      {&hf_stomp_session_hb_client, {"Client heart-beat interval", "stomp.session.heartbeat.client",
                                     FT_UINT32, BASE_DEC | BASE_UNIT_STRING, &units_milliseconds,
                                     0x0, "Negotiated: the client sends something at least this "
                                     "often (0 = no heart-beats)", HFILL}},
      {&hf_stomp_session_hb_server, {"Server heart-beat interval", "stomp.session.heartbeat.server",
                                     FT_UINT32, BASE_DEC | BASE_UNIT_STRING, &units_milliseconds,
                                     0x0, "Negotiated: the server sends something at least this "
                                     "often (0 = no heart-beats)", HFILL}},
      {&hf_stomp_silence, {"Silence before", "stomp.silence", FT_RELATIVE_TIME, BASE_NONE, NULL,
                           0x0, "How long this side had sent nothing before this item", HFILL}},
      {&hf_stomp_response_in, {"Response in", "stomp.response_in", FT_FRAMENUM, BASE_NONE,
                               FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
                               "The RECEIPT, CONNECTED or ERROR answering this frame", HFILL}},
      {&hf_stomp_response_to, {"Response to", "stomp.response_to", FT_FRAMENUM, BASE_NONE,
                               FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
                               "The frame (receipt request, CONNECT) this answers", HFILL}},
      {&hf_stomp_time, {"Time", "stomp.time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
                        "Seconds between request and response", HFILL}},
      {&hf_stomp_ack_in, {"Acknowledged in", "stomp.ack_in", FT_FRAMENUM, BASE_NONE,
                          FRAMENUM_TYPE(FT_FRAMENUM_ACK), 0x0,
                          "The ACK or NACK for this MESSAGE", HFILL}},
      {&hf_stomp_ack_time, {"Acknowledgement time", "stomp.ack_time", FT_RELATIVE_TIME, BASE_NONE,
                            NULL, 0x0, "Seconds between MESSAGE and its ACK/NACK", HFILL}},
      {&hf_stomp_ack_command, {"Acknowledged with", "stomp.ack_command", FT_STRING, BASE_NONE,
                               NULL, 0x0, "ACK or NACK", HFILL}},
      {&hf_stomp_acks, {"Acknowledges", "stomp.acks", FT_FRAMENUM, BASE_NONE,
                        FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
                        "The MESSAGE this ACK/NACK names", HFILL}},
      {&hf_stomp_acked_count, {"Messages acknowledged", "stomp.acked_count", FT_UINT32, BASE_DEC,
                               NULL, 0x0, "Including earlier ones (cumulative ACK, client mode)",
                               HFILL}},
      {&hf_stomp_sub_id, {"Subscription id", "stomp.subscription.id", FT_STRING, BASE_NONE, NULL,
                          0x0, NULL, HFILL}},
      {&hf_stomp_sub_destination, {"Subscribed destination", "stomp.subscription.destination",
                                   FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_stomp_sub_ack_mode, {"Subscription ack mode", "stomp.subscription.ack_mode", FT_STRING,
                                BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_stomp_sub_selector, {"Subscription selector", "stomp.subscription.selector", FT_STRING,
                                BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_stomp_subscribe_in, {"Subscribed in", "stomp.subscribe_in", FT_FRAMENUM, BASE_NONE,
                                FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, "The SUBSCRIBE frame", HFILL}},
      {&hf_stomp_unsubscribe_in, {"Unsubscribed in", "stomp.unsubscribe_in", FT_FRAMENUM,
                                  BASE_NONE, NULL, 0x0, "The UNSUBSCRIBE frame", HFILL}},
      {&hf_stomp_sub_messages, {"Messages delivered", "stomp.subscription.messages", FT_UINT32,
                                BASE_DEC, NULL, 0x0, "MESSAGEs for this subscription in the capture",
                                HFILL}},
      {&hf_stomp_tx_begin_in, {"Transaction begun in", "stomp.transaction.begin_in", FT_FRAMENUM,
                               BASE_NONE, NULL, 0x0, "The BEGIN frame", HFILL}},
      {&hf_stomp_tx_end_in, {"Transaction ended in", "stomp.transaction.end_in", FT_FRAMENUM,
                             BASE_NONE, NULL, 0x0, "The COMMIT or ABORT frame", HFILL}},
      {&hf_stomp_tx_outcome, {"Transaction outcome", "stomp.transaction.outcome", FT_STRING,
                              BASE_NONE, NULL, 0x0, "committed, aborted, or open", HFILL}},
      {&hf_stomp_tx_members, {"Frames in transaction", "stomp.transaction.frames", FT_UINT32,
                              BASE_DEC, NULL, 0x0, "SEND/ACK/NACK frames inside", HFILL}},
      {&hf_stomp_tx_duration, {"Transaction duration", "stomp.transaction.duration",
                               FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0, NULL, HFILL}},
      {&hf_stomp_delivered_in, {"Delivered in", "stomp.delivered_in", FT_FRAMENUM, BASE_NONE,
                                FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, "A MESSAGE the broker delivered for this SEND", HFILL}},
      {&hf_stomp_sent_in, {"Sent in", "stomp.sent_in", FT_FRAMENUM, BASE_NONE,
                           FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
                           "The SEND this MESSAGE delivers", HFILL}},
      {&hf_stomp_transit_time, {"Broker transit time", "stomp.transit_time", FT_RELATIVE_TIME,
                                BASE_NONE, NULL, 0x0,
                                "Seconds from the SEND into the broker to this delivery", HFILL}},
  };

  static gint* ett[] = {&ett_stomp, &ett_stomp_headers, &ett_stomp_header, &ett_stomp_body,
                        &ett_stomp_session};

  static ei_register_info ei[] = {
      {&ei_stomp_header_no_colon, {"stomp.expert.header_no_colon", PI_MALFORMED, PI_WARN,
                                   "Header line without ':'", EXPFILL}},
      {&ei_stomp_content_length_invalid, {"stomp.expert.content_length_invalid", PI_MALFORMED,
                                          PI_ERROR, "content-length is not a decimal number; "
                                          "body delimited by the first NUL", EXPFILL}},
      {&ei_stomp_content_length_too_large, {"stomp.expert.content_length_too_large",
                                            PI_MALFORMED, PI_ERROR,
                                            "content-length larger than the dissector trusts; "
                                            "body delimited by the first NUL", EXPFILL}},
      {&ei_stomp_content_length_mismatch, {"stomp.expert.content_length_mismatch", PI_MALFORMED,
                                           PI_ERROR, "No NUL after content-length bytes: "
                                           "content-length is wrong", EXPFILL}},
      {&ei_stomp_content_length_overrun, {"stomp.expert.content_length_overrun", PI_MALFORMED,
                                          PI_ERROR, "content-length larger than the body: the "
                                          "NUL and the next frame came first (the body ends at "
                                          "the NUL)", EXPFILL}},
      {&ei_stomp_missing_nul, {"stomp.expert.missing_nul", PI_MALFORMED, PI_ERROR,
                               "Frame not terminated by NUL: the next frame starts here",
                               EXPFILL}},
      {&ei_stomp_unknown_command, {"stomp.expert.unknown_command", PI_MALFORMED, PI_WARN,
                                   "Unknown STOMP command", EXPFILL}},
      {&ei_stomp_invalid_escape, {"stomp.expert.invalid_escape", PI_PROTOCOL, PI_WARN,
                                  "Undefined escape sequence in header (a protocol error "
                                  "in STOMP 1.1/1.2)", EXPFILL}},
      {&ei_stomp_truncated, {"stomp.expert.unterminated", PI_MALFORMED, PI_ERROR,
                             "Frame unterminated: the data ends inside it", EXPFILL}},
      {&ei_stomp_error_frame, {"stomp.expert.error_frame", PI_RESPONSE_CODE, PI_WARN,
                               "ERROR frame", EXPFILL}},
      {&ei_stomp_repeated_header, {"stomp.expert.repeated_header", PI_PROTOCOL, PI_NOTE,
                                   "Repeated header ignored (the first occurrence wins)",
                                   EXPFILL}},
      {&ei_stomp_midstream, {"stomp.expert.midstream", PI_SEQUENCE, PI_NOTE,
                             "The capture starts inside a frame; decoding starts with the next "
                             "one", EXPFILL}},
      {&ei_stomp_junk, {"stomp.expert.junk", PI_MALFORMED, PI_ERROR,
                        "Data that is not a STOMP frame; resynchronised on the next "
                        "command line", EXPFILL}},
      {&ei_stomp_header_section_too_large, {"stomp.expert.header_section_too_large",
                                            PI_MALFORMED, PI_ERROR,
                                            "Header section larger than the limit; skipped",
                                            EXPFILL}},
      {&ei_stomp_nul_in_header, {"stomp.expert.nul_in_header", PI_MALFORMED, PI_WARN,
                                 "NUL byte inside a header line", EXPFILL}},
      {&ei_stomp_invalid_utf8, {"stomp.expert.invalid_utf8", PI_PROTOCOL, PI_WARN,
                                "Header is not valid UTF-8", EXPFILL}},
      {&ei_stomp_too_many_headers, {"stomp.expert.too_many_headers", PI_PROTOCOL, PI_WARN,
                                    "More headers than shown", EXPFILL}},
      {&ei_stomp_bad_number, {"stomp.expert.bad_number", PI_PROTOCOL, PI_WARN,
                              "Header value is not a number", EXPFILL}},
      {&ei_stomp_body_too_large, {"stomp.expert.body_too_large", PI_MALFORMED, PI_ERROR,
                                  "No NUL within the body size limit; body cut", EXPFILL}},
      {&ei_stomp_silent, {"stomp.expert.silent", PI_SEQUENCE, PI_WARN,
                          "Silent longer than the negotiated heart-beat interval", EXPFILL}},
      {&ei_stomp_never_acked, {"stomp.expert.never_acked", PI_SEQUENCE, PI_NOTE,
                               "MESSAGE in a client-ack subscription never acknowledged in this "
                               "capture", EXPFILL}},
      {&ei_stomp_no_receipt, {"stomp.expert.no_receipt", PI_SEQUENCE, PI_NOTE,
                              "Receipt requested but no RECEIPT in this capture", EXPFILL}},
      // protocol misuse, judged only in sessions whose CONNECT/CONNECTED was captured
      {&ei_stomp_ack_unknown, {"stomp.expert.ack_unknown", PI_SEQUENCE, PI_WARN,
                               "ACK/NACK of no MESSAGE awaiting acknowledgement (unknown, already "
                               "acknowledged, or of an auto-ack subscription)", EXPFILL}},
      {&ei_stomp_tx_already_open, {"stomp.expert.transaction_already_open", PI_SEQUENCE, PI_WARN,
                                   "BEGIN of a transaction that is already open", EXPFILL}},
      {&ei_stomp_tx_unknown, {"stomp.expert.transaction_unknown", PI_SEQUENCE, PI_WARN,
                              "COMMIT/ABORT of a transaction that was never begun (or already "
                              "ended)", EXPFILL}},
      {&ei_stomp_unsubscribe_unknown, {"stomp.expert.unsubscribe_unknown", PI_SEQUENCE, PI_WARN,
                                       "UNSUBSCRIBE of no active subscription", EXPFILL}},
      {&ei_stomp_subscription_id_reused, {"stomp.expert.subscription_id_reused", PI_SEQUENCE,
                                          PI_WARN, "SUBSCRIBE with the id of an active "
                                          "subscription", EXPFILL}},
      {&ei_stomp_receipt_unknown, {"stomp.expert.receipt_unknown", PI_SEQUENCE, PI_WARN,
                                   "RECEIPT for no receipt this session asked for", EXPFILL}},
  };

  proto_register_field_array(proto_stomp, hf, array_length(hf));
  proto_register_subtree_array(ett, array_length(ett));
  expert_module_t* expert = expert_register_protocol(proto_stomp);
  expert_register_field_array(expert, ei, array_length(ei));
}
