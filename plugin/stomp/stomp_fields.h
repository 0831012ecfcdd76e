// stomp_fields.h - the STOMP protocol's hf_/ett_/ei_ handles, shared by the
// glue files. Defined and registered in stomp_fields.cpp.
#pragma once

#include "plugin/common/ws_compat.h"

extern int proto_stomp;

// frame
extern int hf_stomp_command;
extern int hf_stomp_header;
extern int hf_stomp_header_name;
extern int hf_stomp_header_value;
extern int hf_stomp_header_ignored;
extern int hf_stomp_header_count;
extern int hf_stomp_body;
extern int hf_stomp_body_text;
extern int hf_stomp_body_length;
extern int hf_stomp_frame_length;
extern int hf_stomp_heartbeat;
extern int hf_stomp_junk;
extern int hf_stomp_midstream;
extern int hf_stomp_session_version;
extern int hf_stomp_reassembly_start;
extern int hf_stomp_reassembled_in;

// headers the STOMP 1.2 specification defines
extern int hf_stomp_destination;
extern int hf_stomp_id;
extern int hf_stomp_subscription;
extern int hf_stomp_message_id;
extern int hf_stomp_ack;
extern int hf_stomp_receipt;
extern int hf_stomp_receipt_id;
extern int hf_stomp_transaction;
extern int hf_stomp_content_type;
extern int hf_stomp_content_length;
extern int hf_stomp_accept_version;
extern int hf_stomp_version;
extern int hf_stomp_host;
extern int hf_stomp_login;
extern int hf_stomp_passcode;
extern int hf_stomp_heart_beat;
extern int hf_stomp_session;
extern int hf_stomp_server;
extern int hf_stomp_message;
// common broker extensions
extern int hf_stomp_reply_to;
extern int hf_stomp_expires;
extern int hf_stomp_priority;
extern int hf_stomp_persistent;
extern int hf_stomp_selector;
extern int hf_stomp_timestamp;

// session (generated)
extern int hf_stomp_session_hb_client;
extern int hf_stomp_session_hb_server;
extern int hf_stomp_silence;
extern int hf_stomp_response_in;
extern int hf_stomp_response_to;
extern int hf_stomp_time;
extern int hf_stomp_ack_in;
extern int hf_stomp_ack_time;
extern int hf_stomp_ack_command;
extern int hf_stomp_acks;
extern int hf_stomp_acked_count;
extern int hf_stomp_sub_id;
extern int hf_stomp_sub_destination;
extern int hf_stomp_sub_ack_mode;
extern int hf_stomp_sub_selector;
extern int hf_stomp_subscribe_in;
extern int hf_stomp_unsubscribe_in;
extern int hf_stomp_sub_messages;
extern int hf_stomp_tx_begin_in;
extern int hf_stomp_tx_end_in;
extern int hf_stomp_tx_outcome;
extern int hf_stomp_tx_members;
extern int hf_stomp_tx_duration;
extern int hf_stomp_delivered_in;
extern int hf_stomp_sent_in;
extern int hf_stomp_transit_time;

extern gint ett_stomp;
extern gint ett_stomp_headers;
extern gint ett_stomp_header;
extern gint ett_stomp_body;
extern gint ett_stomp_session;

extern expert_field ei_stomp_header_no_colon;
extern expert_field ei_stomp_content_length_invalid;
extern expert_field ei_stomp_content_length_too_large;
extern expert_field ei_stomp_content_length_mismatch;
extern expert_field ei_stomp_content_length_overrun;
extern expert_field ei_stomp_missing_nul;
extern expert_field ei_stomp_unknown_command;
extern expert_field ei_stomp_invalid_escape;
extern expert_field ei_stomp_truncated;
extern expert_field ei_stomp_error_frame;
extern expert_field ei_stomp_repeated_header;
extern expert_field ei_stomp_junk;
extern expert_field ei_stomp_midstream;
extern expert_field ei_stomp_header_section_too_large;
extern expert_field ei_stomp_nul_in_header;
extern expert_field ei_stomp_invalid_utf8;
extern expert_field ei_stomp_too_many_headers;
extern expert_field ei_stomp_bad_number;
extern expert_field ei_stomp_body_too_large;
extern expert_field ei_stomp_silent;
extern expert_field ei_stomp_never_acked;
extern expert_field ei_stomp_no_receipt;
extern expert_field ei_stomp_ack_unknown;
extern expert_field ei_stomp_tx_already_open;
extern expert_field ei_stomp_tx_unknown;
extern expert_field ei_stomp_unsubscribe_unknown;
extern expert_field ei_stomp_subscription_id_reused;
extern expert_field ei_stomp_receipt_unknown;

// How a named header's value is shown.
enum class NamedKind : uint8_t { kString, kUint32, kUint64 };
struct NamedHeader {
  int* hf;
  NamedKind kind;
};
// The named field for a header name, or nullptr (case-sensitive, as STOMP).
const NamedHeader* named_header(const char* name, size_t len);

// Registers every field, subtree and expert info of proto_stomp.
void stomp_register_fields(void);
