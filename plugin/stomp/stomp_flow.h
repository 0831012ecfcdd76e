// stomp_flow.h - Statistics > Flow Graph with the "STOMP Flows" type (and
// tshark -z flow,stomp,standard|network): one arrow per STOMP frame, labelled
// with its command and destination, its comment carrying the message-id,
// subscription and receipt that link a SEND, the broker's MESSAGE on another
// connection and the replies. Plus Conversation Filter > STOMP connection
// and > STOMP destination.
#pragma once

struct _packet_info;

// Called from proto_register_stomp().
void stomp_flow_register(int proto_stomp);

// Remembers the packet's first destination header (decoded) for the
// destination conversation filter; called when the packet gets a tree.
void stomp_flow_note_destination(struct _packet_info* pinfo, const char* destination);
