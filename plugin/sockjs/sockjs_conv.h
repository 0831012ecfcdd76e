// sockjs_conv.h - what the SockJS glue keeps per TCP conversation (file
// scope, first pass): one struct for every transport, since one keep-alive
// connection may carry several (xhr_send requests, then an Upgrade).
#pragma once

#include "plugin/common/ws_compat.h"

extern "C" {
#include <epan/dissectors/packet-http.h>
}

struct SockjsConv {
  // WebSocket: the connection is known to carry SockJS
  bool known;
  bool url_checked;
  const char* url;      // the Upgrade's path when it has SockJS's shape
  // xhr_streaming: the plugin reads this connection's response itself
  bool stream;
  address client;       // the side that sent the request
  guint32 client_port;
  const char* stream_url;      // the request's path
  const char* stream_session;  // "<server>/<session>"
};

// The conversation's struct, made on first use; null without a conversation.
SockjsConv* sockjs_conv(packet_info* pinfo);

// HTTP's data of this packet's conversation, or null.
const http_conv_t* sockjs_http_conv(packet_info* pinfo);
