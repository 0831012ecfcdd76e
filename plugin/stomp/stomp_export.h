// stomp_export.h - File > Export Objects > STOMP (and tshark --export-objects
// stomp,DIR): every SEND/MESSAGE body, fed by the "stomp" tap.
#pragma once

// Called from proto_register_stomp() after the tap is registered.
void stomp_export_register(int proto_stomp);

// Hands a frame's tap record to Export Objects (if anyone listens).
struct _packet_info;
struct stomp_tap_info;
void stomp_export_queue(struct _packet_info* pinfo, const struct stomp_tap_info* tap);
// Whether File > Export Objects (or tshark --export-objects) listens now.
bool stomp_export_listening(void);
