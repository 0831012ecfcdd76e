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

/* A cheap pre-check that a heuristic of the "stomp.body" table may register
 * (from its handoff) under its short name. While it is the only enabled
 * heuristic in the table and it returns 0 for a body, the table is not
 * called for that body: the dispatch costs more than most such checks, on
 * every frame of a load capture. The check must answer as the heuristic's
 * own first tests do (no false 0). */
typedef int (*stomp_body_precheck_t)(const stomp_body_info* info, const uint8_t* body,
                                     size_t len);
#ifdef __cplusplus
extern "C" {
#endif
void stomp_body_set_precheck(const char* heur_short_name, stomp_body_precheck_t check);
#ifdef __cplusplus
}
#endif

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
