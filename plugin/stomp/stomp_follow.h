// stomp_follow.h - Analyze > Follow > STOMP Stream (and tshark -z
// follow,stomp,ascii,N): the STOMP frames of one TCP connection, both ways.
#pragma once

struct _packet_info;
struct stomp_tap_info;

// Called from proto_register_stomp().
void stomp_follow_register(int proto_stomp);

// Hands a frame's (or heart-beat's) bytes to the follow tap, if anyone listens.
void stomp_follow_queue(struct _packet_info* pinfo, const struct stomp_tap_info* tap);
// Whether Follow > STOMP Stream (or tshark -z follow,stomp) listens now.
bool stomp_follow_listening(void);
