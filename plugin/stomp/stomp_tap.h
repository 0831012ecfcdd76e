// stomp_tap.h - what the "stomp" tap hands to listeners (stats trees, and
// anyone with a Lua or C tap): one record per frame or heart-beat.
#pragma once

#include <stdint.h>

typedef struct stomp_tap_info {
  const char* command;      /* "SEND", ...; "heart-beat" for heart-beats */
  const char* destination;  /* NULL if none */
  const char* error_message;/* ERROR frames: the message header, or NULL */
  int from_client;          /* 1 client->broker, 0 broker->client, -1 unknown */
  uint64_t frame_bytes;     /* the whole frame (or heart-beat) on the wire */
  uint64_t body_bytes;
  /* response times in seconds, < 0 when not applicable to this frame */
  double receipt_time;      /* RECEIPT/ERROR answering a receipt request */
  double connect_time;      /* CONNECTED/ERROR answering CONNECT/STOMP */
  double ack_time;          /* ACK/NACK: since the MESSAGE it names */
  double transit_time;      /* MESSAGE: since the SEND it delivers */
  /* The body where the dissector found it, for Export Objects and Follow:
     valid only during the tap callback (the tvb is the frame's, or the
     reassembled one). body_off is an offset into tvb; the length is body_bytes. */
  struct tvbuff* tvb;
  unsigned frame_off;       /* the frame's first byte in tvb */
  unsigned body_off;        /* the body's first byte in tvb */
  const char* message_id;   /* message-id header (MESSAGE), or NULL */
  const char* content_type; /* content-type header, or NULL */
  const char* receipt;      /* receipt header, or NULL */
  const char* subscription; /* subscription header (MESSAGE), or NULL */
  const char* receipt_id;   /* receipt-id header (RECEIPT), or NULL */
} stomp_tap_info;

extern int stomp_tap;
