// stomp_body_info.h - what the STOMP dissector passes (as `data`) to the
// dissectors it hands a frame body to through the "stomp.body" heuristic
// table. C-compatible plain data, valid for the current packet only.
#pragma once

#include <stddef.h>
#include <stdint.h>

#define STOMP_BODY_INFO_MAGIC 0x53544f4du /* "STOM" */

typedef struct stomp_header_kv {
  const char* name;  /* decoded, NUL-terminated */
  const char* value; /* decoded, NUL-terminated (may hold NULs before it) */
  uint32_t name_len;
  uint32_t value_len;
  uint8_t ignored; /* repeated header: the first occurrence wins */
} stomp_header_kv;

typedef struct stomp_body_info {
  uint32_t magic;              /* STOMP_BODY_INFO_MAGIC */
  const char* command;         /* "SEND", "MESSAGE", ... */
  const char* destination;     /* NULL if absent */
  const char* content_type;    /* NULL if absent */
  const stomp_header_kv* headers;
  uint32_t header_count;
  uint32_t frame_index;        /* n-th STOMP frame in this packet */
  uint64_t conversation;       /* connection id (TCP conversation index) */
  int from_client;             /* 1 client->broker, 0 broker->client, -1 unknown */
} stomp_body_info;

#ifdef __cplusplus
/* First, not-ignored value of header `name`, or NULL. */
inline const char* stomp_body_header(const stomp_body_info* info, const char* name) {
  for (uint32_t i = 0; i < info->header_count; i++) {
    const stomp_header_kv* h = &info->headers[i];
    if (h->ignored) continue;
    const char* a = h->name;
    const char* b = name;
    while (*a && *a == *b) a++, b++;
    if (*a == 0 && *b == 0) return h->value;
  }
  return NULL;
}
#endif
