// sockjs_http_test.cpp - SockJS session URLs and the items of a streaming
// response (dissector/sockjs/sockjs_http.*). The byte strings are shaped as
// the sockjs npm server writes them (test-captures/amq-stompjs12-sockjs-
// xhr-streaming-15680.pcap), or as RFC 9112 allows.
#include <gtest/gtest.h>

#include <string>

#include "dissector/sockjs/sockjs_http.h"

namespace {

sockjs::SessionUrl url(const std::string& u) { return sockjs::parse_session_url(u.data(), u.size()); }

sockjs::StreamItem item(const std::string& s) {
  sockjs::StreamLimits lim;
  return sockjs::scan_stream_item(reinterpret_cast<const uint8_t*>(s.data()), s.size(), lim);
}

TEST(SockjsSessionUrl, TransportsAndSession) {
  const std::string u = "/stomp/965/t5hw4j1j/xhr_streaming";
  const sockjs::SessionUrl s = url(u);
  EXPECT_EQ(s.transport, sockjs::Transport::kXhrStreaming);
  EXPECT_EQ(u.substr(s.session_off, s.session_len), "965/t5hw4j1j");
  EXPECT_EQ(url("/stomp/965/t5hw4j1j/xhr_send").transport, sockjs::Transport::kXhrSend);
  EXPECT_EQ(url("/stomp/965/t5hw4j1j/xhr").transport, sockjs::Transport::kXhr);
  EXPECT_EQ(url("/1/s/xhr?t=5").transport, sockjs::Transport::kXhr);  // empty prefix, query
  EXPECT_EQ(url("/1/s/xhr?t=5").path_len, 8u);
  EXPECT_EQ(url("/ws/000/abc/websocket").transport, sockjs::Transport::kWebsocket);
  EXPECT_EQ(url("/x/000/abc/eventsource").transport, sockjs::Transport::kEventsource);
  EXPECT_STREQ(sockjs::transport_name(sockjs::Transport::kXhrSend), "xhr_send");
}

TEST(SockjsSessionUrl, NotSessionUrls) {
  EXPECT_EQ(url("/stomp/info").transport, sockjs::Transport::kNone);  // the info request
  EXPECT_EQ(url("/stomp/info?t=1").transport, sockjs::Transport::kNone);
  EXPECT_EQ(url("/s/xhr").transport, sockjs::Transport::kNone);       // no server segment
  EXPECT_EQ(url("/a//s/xhr").transport, sockjs::Transport::kNone);
  EXPECT_EQ(url("/a/1/s/xhr/").transport, sockjs::Transport::kNone);
  EXPECT_EQ(url("/a/1/s/xhr_sendx").transport, sockjs::Transport::kNone);
  EXPECT_EQ(url("1/s/xhr").transport, sockjs::Transport::kNone);      // not absolute
  EXPECT_EQ(url("/a/1/s/x?/xhr").transport, sockjs::Transport::kNone);  // only the path counts
  EXPECT_EQ(url("").transport, sockjs::Transport::kNone);
}

TEST(SockjsStream, HeaderBlock) {
  const std::string h =
      "HTTP/1.1 200 OK\r\nContent-Type: application/javascript; charset=UTF-8\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  sockjs::StreamItem it = item(h + "800\r\n");
  EXPECT_EQ(it.kind, sockjs::ItemKind::kHeaders);
  EXPECT_EQ(it.length, h.size());
  EXPECT_EQ(it.status, 200u);
  EXPECT_TRUE(it.chunked);
  EXPECT_EQ(item(h.substr(0, h.size() - 2)).kind, sockjs::ItemKind::kNeedMore);
  EXPECT_EQ(item("HTTP/").kind, sockjs::ItemKind::kNeedMore);
  it = item("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n");
  EXPECT_FALSE(it.chunked);
}

TEST(SockjsStream, Chunks) {
  sockjs::StreamItem it = item("2\r\no\n\r\n");
  EXPECT_EQ(it.kind, sockjs::ItemKind::kChunk);
  EXPECT_EQ(it.data_off, 3u);
  EXPECT_EQ(it.data_len, 2u);
  EXPECT_EQ(it.length, 7u);
  it = item("1C;ext=1\r\na[\"CONNECTED\\nversion:1.2\"]\n\r\nrest");
  EXPECT_EQ(it.kind, sockjs::ItemKind::kChunk);
  EXPECT_EQ(it.data_len, 0x1Cu);
  EXPECT_EQ(it.length, 10u + 0x1C + 2);
  // a chunk cut short: the exact total is known
  it = item("10\r\nabc");
  EXPECT_EQ(it.kind, sockjs::ItemKind::kNeedMore);
  EXPECT_EQ(it.need, 4u + 16 + 2);
  EXPECT_EQ(item("10").kind, sockjs::ItemKind::kNeedMore);  // size line not ended
  it = item("0\r\n\r\n");
  EXPECT_EQ(it.kind, sockjs::ItemKind::kLastChunk);
  EXPECT_EQ(it.length, 5u);
  it = item("0\r\nX-Trailer: 1\r\n\r\n");
  EXPECT_EQ(it.kind, sockjs::ItemKind::kLastChunk);
  EXPECT_EQ(item("0\r\nX-Trailer: 1\r\n").kind, sockjs::ItemKind::kNeedMore);
  EXPECT_EQ(item("fffffffffffffffff\r\n").kind, sockjs::ItemKind::kBad);  // > 16 hex digits
}

TEST(SockjsStream, IdentityBodyLines) {
  // "a[" and "c[" begin with hex digits but are not size lines
  sockjs::StreamItem it = item("a[\"x\"]\nc[3000,\"Go");
  EXPECT_EQ(it.kind, sockjs::ItemKind::kLines);
  EXPECT_EQ(it.length, 7u);
  EXPECT_EQ(item("hhhh").kind, sockjs::ItemKind::kNeedMore);
  it = item("o\nh\n");
  EXPECT_EQ(it.kind, sockjs::ItemKind::kLines);
  EXPECT_EQ(it.length, 4u);
}

}  // namespace
