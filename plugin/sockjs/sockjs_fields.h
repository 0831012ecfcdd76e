// sockjs_fields.h - the SockJS protocol's hf_/ett_/ei_ handles, shared by
// the glue files. Defined and registered in sockjs_fields.cpp.
#pragma once

#include "plugin/common/ws_compat.h"

extern int proto_sockjs;

// one SockJS frame
extern int hf_sockjs_type;
extern int hf_sockjs_count;
extern int hf_sockjs_message;
extern int hf_sockjs_close_code;
extern int hf_sockjs_close_reason;
// the session
extern int hf_sockjs_url;
extern int hf_sockjs_transport;
extern int hf_sockjs_session;
// a streaming HTTP response, item by item
extern int hf_sockjs_http_status_line;
extern int hf_sockjs_http_status;
extern int hf_sockjs_http_header;
extern int hf_sockjs_http_chunk_size;
extern int hf_sockjs_http_chunk_data;
extern int hf_sockjs_http_last_chunk;

extern gint ett_sockjs;
extern gint ett_sockjs_http;

extern expert_field ei_sockjs_bad;
extern expert_field ei_sockjs_truncated;
extern expert_field ei_sockjs_surrogate;
extern expert_field ei_sockjs_http_bad;

void sockjs_register_fields(void);
