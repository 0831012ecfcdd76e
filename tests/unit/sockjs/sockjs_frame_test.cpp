// sockjs_frame_test.cpp - SockJS frames (sockjs-protocol 0.3.3: "o", "h",
// a[...], c[code,"reason"], the xhr_streaming prelude, client arrays) and
// JSON string unescaping (RFC 8259: simple escapes, \uXXXX, surrogate pairs).
// The byte vectors are written from those specifications by hand.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dissector/sockjs/sockjs_frame.h"

using sockjs::FrameType;
using sockjs::Status;

namespace {

struct Parsed {
  sockjs::Frame f;
  std::vector<std::string> strings;
};

Parsed parse(const std::string& in, const sockjs::Limits& limits = sockjs::Limits()) {
  std::vector<uint8_t> out(in.size() + 1);
  std::vector<sockjs::StringSpan> spans(limits.max_strings + 1);
  Parsed p;
  p.f = sockjs::parse(reinterpret_cast<const uint8_t*>(in.data()), in.size(), out.data(),
                      out.size(), spans.data(), limits);
  for (size_t i = 0; i < p.f.strings; i++)
    p.strings.emplace_back(reinterpret_cast<const char*>(out.data()) + spans[i].out_offset,
                           spans[i].out_length);
  return p;
}

}  // namespace

TEST(SockjsFrame, OpenAndHeartbeat) {
  Parsed o = parse("o");
  EXPECT_EQ(o.f.type, FrameType::kOpen);
  EXPECT_EQ(o.f.status, Status::kOk);
  EXPECT_EQ(o.f.length, 1u);
  EXPECT_FALSE(o.f.newline);
  EXPECT_EQ(o.f.strings, 0u);

  Parsed h = parse("h");
  EXPECT_EQ(h.f.type, FrameType::kHeartbeat);
  EXPECT_EQ(h.f.status, Status::kOk);

  // xhr transports end every frame with "\n"
  Parsed hn = parse("h\n");
  EXPECT_EQ(hn.f.type, FrameType::kHeartbeat);
  EXPECT_EQ(hn.f.length, 2u);
  EXPECT_TRUE(hn.f.newline);

  // "ok" is not one frame: only the "o" is taken, the caller sees length 1 < 2
  Parsed ok = parse("ok");
  EXPECT_EQ(ok.f.type, FrameType::kOpen);
  EXPECT_EQ(ok.f.length, 1u);
}

TEST(SockjsFrame, XhrStreamingPrelude) {
  const std::string prelude = std::string(2048, 'h') + "\n";
  Parsed p = parse(prelude + "o\n");
  EXPECT_EQ(p.f.type, FrameType::kPrelude);
  EXPECT_EQ(p.f.status, Status::kOk);
  EXPECT_EQ(p.f.length, 2049u);
  Parsed cut = parse(std::string(1000, 'h'));
  EXPECT_EQ(cut.f.type, FrameType::kPrelude);
  EXPECT_EQ(cut.f.status, Status::kTruncated);
}

TEST(SockjsFrame, ArrayOfStompFrames) {
  // sockjs-node writes NUL as \u0000 and LF as \n
  Parsed p = parse(R"(a["CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\u0000"])");
  EXPECT_EQ(p.f.type, FrameType::kArray);
  EXPECT_EQ(p.f.status, Status::kOk);
  ASSERT_EQ(p.strings.size(), 1u);
  EXPECT_EQ(p.strings[0], std::string("CONNECTED\nversion:1.2\nheart-beat:0,0\n\n\0", 39));

  Parsed two = parse("a[\"MESSAGE\\ndestination:/queue/a\\n\\nx\\u0000\",\"\\n\"]");
  ASSERT_EQ(two.strings.size(), 2u);
  EXPECT_EQ(two.strings[0], std::string("MESSAGE\ndestination:/queue/a\n\nx\0", 32));
  EXPECT_EQ(two.strings[1], "\n");

  Parsed empty = parse("a[]");
  EXPECT_EQ(empty.f.status, Status::kOk);
  EXPECT_EQ(empty.f.strings, 0u);

  Parsed spaced = parse("a[ \"x\" , \"y\" ]\n");
  EXPECT_EQ(spaced.f.status, Status::kOk);
  EXPECT_TRUE(spaced.f.newline);
  ASSERT_EQ(spaced.strings.size(), 2u);
  EXPECT_EQ(spaced.strings[1], "y");
}

TEST(SockjsFrame, SpanOffsetsPointAtTheJson) {
  const std::string in = R"(a["ab","c\"d"])";
  std::vector<uint8_t> out(in.size());
  std::vector<sockjs::StringSpan> spans(8);
  sockjs::Limits l;
  l.max_strings = 8;
  sockjs::Frame f = sockjs::parse(reinterpret_cast<const uint8_t*>(in.data()), in.size(),
                                  out.data(), out.size(), spans.data(), l);
  ASSERT_EQ(f.strings, 2u);
  EXPECT_EQ(spans[0].src_offset, 2u);
  EXPECT_EQ(spans[0].src_length, 4u);  // "ab" with quotes
  EXPECT_EQ(spans[1].src_offset, 7u);
  EXPECT_EQ(spans[1].src_length, 6u);  // "c\"d"
  EXPECT_EQ(spans[1].out_offset, 2u);
  EXPECT_EQ(spans[1].out_length, 3u);
  EXPECT_EQ(f.out_length, 5u);
}

TEST(SockjsFrame, Close) {
  Parsed c = parse(R"(c[3000,"Go away!"])");
  EXPECT_EQ(c.f.type, FrameType::kClose);
  EXPECT_EQ(c.f.status, Status::kOk);
  EXPECT_EQ(c.f.close_code, 3000u);
  ASSERT_EQ(c.strings.size(), 1u);
  EXPECT_EQ(c.strings[0], "Go away!");

  Parsed c2 = parse("c[2010,\"Another connection still open\"]\n");
  EXPECT_EQ(c2.f.close_code, 2010u);
  EXPECT_TRUE(c2.f.newline);

  EXPECT_EQ(parse("c[,\"x\"]").f.status, Status::kBad);
  EXPECT_EQ(parse("c[3000]").f.status, Status::kBad);
  EXPECT_EQ(parse("c[3000,\"x\",1]").f.status, Status::kBad);
  EXPECT_EQ(parse("c[1234567890,\"x\"]").f.status, Status::kBad);  // > 9 digits
  EXPECT_EQ(parse("c[3000,\"Go").f.status, Status::kTruncated);
}

TEST(SockjsFrame, ClientDirection) {
  Parsed p = parse("[\"SEND\\ndestination:/queue/a\\ncontent-length:2\\n\\nhi\\u0000\"]");
  EXPECT_EQ(p.f.type, FrameType::kClientArray);
  EXPECT_EQ(p.f.status, Status::kOk);
  ASSERT_EQ(p.strings.size(), 1u);
  EXPECT_EQ(p.strings[0], std::string("SEND\ndestination:/queue/a\ncontent-length:2\n\nhi\0", 47));

  Parsed s = parse("\"CONNECT\\n\\n\\u0000\"");
  EXPECT_EQ(s.f.type, FrameType::kClientString);
  EXPECT_EQ(s.f.status, Status::kOk);
  ASSERT_EQ(s.strings.size(), 1u);
  EXPECT_EQ(s.strings[0], std::string("CONNECT\n\n\0", 10));
}

TEST(SockjsFrame, JsonEscapes) {
  Parsed p = parse(R"(["\" \\ \/ \b \f \n \r \t"])");
  ASSERT_EQ(p.strings.size(), 1u);
  EXPECT_EQ(p.strings[0], "\" \\ / \b \f \n \r \t");

  // U+00E9, U+20AC, U+0041 in upper- and lower-case hex
  Parsed u = parse(R"(["\u00e9\u20AC\u0041"])");
  ASSERT_EQ(u.strings.size(), 1u);
  EXPECT_EQ(u.strings[0], "\xC3\xA9\xE2\x82\xAC" "A");

  // U+1F600 as the surrogate pair D83D DE00 -> F0 9F 98 80
  Parsed pair = parse(R"(["x\ud83d\ude00y"])");
  ASSERT_EQ(pair.strings.size(), 1u);
  EXPECT_EQ(pair.strings[0], "x\xF0\x9F\x98\x80y");
  EXPECT_EQ(pair.f.lone_surrogates, 0u);

  // UTF-8 on the wire passes through unchanged
  Parsed raw = parse("[\"\xC3\xA9\"]");
  ASSERT_EQ(raw.strings.size(), 1u);
  EXPECT_EQ(raw.strings[0], "\xC3\xA9");
}

TEST(SockjsFrame, LoneSurrogatesBecomeReplacementChar) {
  Parsed hi = parse(R"(["\ud83dx"])");
  ASSERT_EQ(hi.strings.size(), 1u);
  EXPECT_EQ(hi.strings[0], "\xEF\xBF\xBDx");
  EXPECT_EQ(hi.f.lone_surrogates, 1u);

  Parsed lo = parse(R"(["\ude00"])");
  ASSERT_EQ(lo.strings.size(), 1u);
  EXPECT_EQ(lo.strings[0], "\xEF\xBF\xBD");
  EXPECT_EQ(lo.f.lone_surrogates, 1u);

  // high surrogate followed by another high one: two replacements
  Parsed hh = parse(R"(["\ud83d\ud83d"])");
  ASSERT_EQ(hh.strings.size(), 1u);
  EXPECT_EQ(hh.strings[0], "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(hh.f.lone_surrogates, 2u);
}

TEST(SockjsFrame, Truncated) {
  EXPECT_EQ(parse("").f.status, Status::kTruncated);
  EXPECT_EQ(parse("a").f.status, Status::kTruncated);
  EXPECT_EQ(parse("a[").f.status, Status::kTruncated);
  EXPECT_EQ(parse("a[\"abc").f.status, Status::kTruncated);
  EXPECT_EQ(parse("a[\"abc\\").f.status, Status::kTruncated);
  EXPECT_EQ(parse("a[\"abc\\u00").f.status, Status::kTruncated);
  EXPECT_EQ(parse("a[\"abc\"").f.status, Status::kTruncated);
  EXPECT_EQ(parse("a[\"abc\",").f.status, Status::kTruncated);
  // cut inside a surrogate pair: truncated, not a lone surrogate
  Parsed pair = parse(R"(a["\ud83d\ude)");
  EXPECT_EQ(pair.f.status, Status::kTruncated);
  EXPECT_EQ(pair.f.lone_surrogates, 0u);
  // the part of a cut string decoded so far is kept
  Parsed part = parse("a[\"ok\",\"MESS");
  EXPECT_EQ(part.f.status, Status::kTruncated);
  ASSERT_EQ(part.strings.size(), 2u);
  EXPECT_EQ(part.strings[1], "MESS");
}

TEST(SockjsFrame, NotSockjs) {
  EXPECT_EQ(parse("CONNECT\n\n").f.type, FrameType::kInvalid);
  EXPECT_EQ(parse("x").f.status, Status::kBad);
  EXPECT_EQ(parse("a{}").f.status, Status::kBad);
  EXPECT_EQ(parse("a[[\"x\"]]").f.status, Status::kBad);  // no nesting
  EXPECT_EQ(parse("a[1]").f.status, Status::kBad);
  EXPECT_EQ(parse("[\"x\" \"y\"]").f.status, Status::kBad);
  EXPECT_EQ(parse("[\"x\",]").f.status, Status::kBad);
  Parsed esc = parse(R"(["ab\x"])");
  EXPECT_EQ(esc.f.status, Status::kBad);
  EXPECT_EQ(esc.f.error_offset, 4u);
  EXPECT_EQ(parse(R"(["\u12G4"])").f.status, Status::kBad);
  EXPECT_EQ(parse("hh").f.status, Status::kTruncated);  // a prelude without its end
  EXPECT_EQ(parse("hhx").f.status, Status::kBad);
}

TEST(SockjsFrame, RawControlBytesAreCounted) {
  Parsed p = parse("[\"a\nb\"]");
  EXPECT_EQ(p.f.status, Status::kOk);
  EXPECT_EQ(p.f.raw_controls, 1u);
  ASSERT_EQ(p.strings.size(), 1u);
  EXPECT_EQ(p.strings[0], "a\nb");
}

TEST(SockjsFrame, Limits) {
  sockjs::Limits l;
  l.max_strings = 3;
  EXPECT_EQ(parse(R"(a["1","2","3"])", l).f.status, Status::kOk);
  Parsed four = parse(R"(a["1","2","3","4"])", l);
  EXPECT_EQ(four.f.status, Status::kLimit);
  EXPECT_EQ(four.f.strings, 3u);

  sockjs::Limits b;
  b.max_input = 8;
  Parsed big = parse(R"(a["0123456789"])", b);
  EXPECT_EQ(big.f.status, Status::kLimit);

  // an output buffer shorter than the input is refused, never overrun
  const std::string in = R"(a["abc"])";
  uint8_t out[4];
  sockjs::StringSpan spans[4];
  sockjs::Limits l4;
  l4.max_strings = 4;
  EXPECT_EQ(sockjs::parse(reinterpret_cast<const uint8_t*>(in.data()), in.size(), out,
                          sizeof out, spans, l4)
                .status,
            Status::kLimit);
}

TEST(SockjsFrame, ManyStringsNoRecursion) {
  // 100,000 strings in one array: a loop, not a recursion
  std::string in = "a[";
  for (int i = 0; i < 100000; i++) in += i ? ",\"\\n\"" : "\"\\n\"";
  in += "]";
  sockjs::Limits l;
  l.max_strings = 100000;
  Parsed p = parse(in, l);
  EXPECT_EQ(p.f.status, Status::kOk);
  EXPECT_EQ(p.f.strings, 100000u);
  EXPECT_EQ(p.f.out_length, 100000u);
}

TEST(SockjsFrame, DecodedNeverLongerThanInput) {
  // worst cases per input byte: \u0800 (6 -> 3), a pair (12 -> 4), raw UTF-8 (1 -> 1)
  const std::string in = R"(["\u0800\ud800\udc00\uffff"])";
  Parsed p = parse(in);
  EXPECT_EQ(p.f.status, Status::kOk);
  EXPECT_LE(p.f.out_length, in.size());
  ASSERT_EQ(p.strings.size(), 1u);
  EXPECT_EQ(p.strings[0], "\xE0\xA0\x80\xF0\x90\x80\x80\xEF\xBF\xBF");
}

TEST(SockjsUrl, WebsocketTransportPaths) {
  auto ok = [](const std::string& u) {
    size_t len = 0;
    return sockjs::is_websocket_url(u.data(), u.size(), &len);
  };
  EXPECT_TRUE(ok("/stomp/865/b1jftuok/websocket"));
  EXPECT_TRUE(ok("/ws/000/abcdefgh/websocket"));          // Spring's default prefix
  EXPECT_TRUE(ok("/a/b/ws/1/s/websocket"));               // a prefix of several segments
  EXPECT_TRUE(ok("/1/s/websocket"));                      // empty prefix
  EXPECT_FALSE(ok("/websocket"));
  EXPECT_FALSE(ok("/stomp/websocket"));                   // no session segment
  EXPECT_FALSE(ok("/stomp//s/websocket"));                // empty server segment
  EXPECT_FALSE(ok("/stomp/1//websocket"));
  EXPECT_FALSE(ok("/stomp/1/s/websocket/"));
  EXPECT_FALSE(ok("/stomp/1/s/websockets"));
  EXPECT_FALSE(ok("/ws"));                                // RabbitMQ web_stomp, no SockJS
  EXPECT_FALSE(ok("1/s/websocket"));                      // not absolute
  size_t len = 0;
  const std::string q = "/stomp/1/s/websocket?t=1";
  EXPECT_TRUE(sockjs::is_websocket_url(q.data(), q.size(), &len));
  EXPECT_EQ(len, q.size() - 4);
  EXPECT_FALSE(ok("/stomp/1/s/xhr_send?x=/websocket"));   // only the path counts
}
