// sockjs_http_glue.h - SockJS over HTTP (xhr_streaming, xhr polling,
// xhr_send): registration hooks called from packet-sockjs.cpp.
#pragma once

void sockjs_http_register(void);
void sockjs_http_handoff(void);
