// stomp_frame_test.cpp - the frame scanner on hand-made frames whose
// correct split is known from the STOMP 1.2 specification's grammar.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "dissector/stomp/stomp_frame.h"

using stomp::Command;
using stomp::Scan;
using stomp::ScanStatus;
using stomp::Verdict;

namespace {

Scan scan(const std::string& s, bool at_end = false,
          const stomp::ScanLimits& lim = stomp::ScanLimits()) {
  return stomp::scan(reinterpret_cast<const uint8_t*>(s.data()), s.size(), at_end, lim);
}

std::string body_of(const std::string& s, const Scan& r) { return s.substr(r.body_off, r.body_len); }

Verdict verdict(const std::string& s) {
  return stomp::looks_like_stream_start(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

struct Header {
  std::string name, value;
  bool colon;
};
std::vector<Header> headers_of(const std::string& s, const Scan& r) {
  std::vector<Header> out;
  stomp::HeaderCursor c(reinterpret_cast<const uint8_t*>(s.data()), r);
  stomp::HeaderLine h;
  while (c.next(&h))
    out.push_back({s.substr(h.name_off, h.name_len), s.substr(h.value_off, h.value_len), h.has_colon});
  return out;
}

}  // namespace

TEST(StompScan, SimpleFrameWithoutContentLength) {
  std::string f = std::string("SEND\ndestination:/queue/a\n\nhello") + '\0';
  Scan r = scan(f);
  ASSERT_EQ(r.status, ScanStatus::kFrame);
  EXPECT_EQ(r.command, Command::kSend);
  EXPECT_EQ(r.length, f.size());
  EXPECT_EQ(r.header_count, 1u);
  EXPECT_EQ(body_of(f, r), "hello");
  EXPECT_TRUE(r.has_nul);
  EXPECT_EQ(r.flags, 0u);
  auto h = headers_of(f, r);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].name, "destination");
  EXPECT_EQ(h[0].value, "/queue/a");
}

TEST(StompScan, ContentLengthBodyMayHoldNuls) {
  std::string body("a\0b\0\0c", 6);
  std::string f = "MESSAGE\ncontent-length:6\ndestination:/q\n\n" + body + std::string(1, '\0');
  Scan r = scan(f);
  ASSERT_EQ(r.status, ScanStatus::kFrame);
  EXPECT_EQ(r.command, Command::kMessage);
  EXPECT_EQ(r.content_length, 6);
  EXPECT_EQ(body_of(f, r), body);
  EXPECT_EQ(r.length, f.size());
}

TEST(StompScan, CrlfLinesAndTrailingEols) {
  std::string f = std::string("MESSAGE\r\nid:1\r\n\r\nxy") + '\0' + "\r\n\n";
  Scan r = scan(f);
  ASSERT_EQ(r.status, ScanStatus::kFrame);
  EXPECT_TRUE(r.flags & stomp::kFlagCrlf);
  EXPECT_EQ(body_of(f, r), "xy");
  EXPECT_EQ(r.trailer_len, 3u);
  EXPECT_EQ(r.length, f.size());
  auto h = headers_of(f, r);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].value, "1");  // CR is not part of the value
}

TEST(StompScan, HeartBeats) {
  Scan r = scan("\n");
  EXPECT_EQ(r.status, ScanStatus::kHeartbeat);
  EXPECT_EQ(r.length, 1u);
  r = scan("\r\n\n\r\nCONNECTED\n\n");
  EXPECT_EQ(r.status, ScanStatus::kHeartbeat);
  EXPECT_EQ(r.length, 5u);
  EXPECT_EQ(r.eol_count, 3u);
  // a CR alone at the end: the LF may follow in the next segment
  EXPECT_EQ(scan("\r").status, ScanStatus::kNeedMore);
  // a CR followed by something else is not an EOL
  EXPECT_EQ(scan("\rX").status, ScanStatus::kJunk);
}

TEST(StompScan, ManyFramesInOneBuffer) {
  std::string one = std::string("SEND\ndestination:/q\ncontent-length:3\n\nabc") + '\0';
  std::string buf;
  for (int i = 0; i < 1000; i++) buf += one + (i % 7 == 0 ? "\n" : "");
  size_t off = 0;
  int frames = 0;
  while (off < buf.size()) {
    Scan r = stomp::scan(reinterpret_cast<const uint8_t*>(buf.data()) + off, buf.size() - off,
                         false, stomp::ScanLimits());
    ASSERT_NE(r.status, ScanStatus::kNeedMore) << "at " << off;
    ASSERT_EQ(r.status, ScanStatus::kFrame);
    frames++;
    off += r.length;
  }
  EXPECT_EQ(frames, 1000);
}

TEST(StompScan, EveryPrefixNeedsMoreAndContentLengthGivesExactNeed) {
  std::string f = std::string("SEND\ndestination:/q\ncontent-length:5\n\n12345") + '\0';
  const size_t header_end = f.find("\n\n") + 2;
  for (size_t k = 0; k < f.size(); k++) {
    Scan r = scan(f.substr(0, k));
    ASSERT_EQ(r.status, ScanStatus::kNeedMore) << "prefix " << k;
    if (k >= header_end) {
      EXPECT_EQ(r.need, f.size()) << "prefix " << k;
    }
  }
  EXPECT_EQ(scan(f).status, ScanStatus::kFrame);
}

TEST(StompScan, InvalidContentLengthFallsBackToNul) {
  for (const char* cl : {"abc", "-1", "1.5", "", "99999999999999999999999"}) {
    std::string f = std::string("SEND\ncontent-length:") + cl + "\n\nbody" + '\0';
    Scan r = scan(f);
    ASSERT_EQ(r.status, ScanStatus::kFrame) << cl;
    EXPECT_TRUE(r.flags & stomp::kFlagContentLengthInvalid) << cl;
    EXPECT_EQ(r.content_length, -1);
    EXPECT_EQ(body_of(f, r), "body");
  }
}

TEST(StompScan, HugeContentLengthIsNotTrusted) {
  std::string f = std::string("SEND\ncontent-length:4294967295\n\nbody") + '\0';
  Scan r = scan(f);
  ASSERT_EQ(r.status, ScanStatus::kFrame);
  EXPECT_TRUE(r.flags & stomp::kFlagContentLengthTooLarge);
  EXPECT_EQ(body_of(f, r), "body");
}

TEST(StompScan, SpacesAroundContentLengthAreAccepted) {
  // STOMP 1.0 writers (Ruby stomp gem 1.1) put a blank after the colon.
  std::string f = std::string("SEND\ncontent-length: 2 \n\nab") + '\0';
  Scan r = scan(f);
  ASSERT_EQ(r.status, ScanStatus::kFrame);
  EXPECT_EQ(r.content_length, 2);
  EXPECT_EQ(r.flags & stomp::kFlagContentLengthInvalid, 0u);
}

TEST(StompScan, FirstContentLengthWins) {
  std::string f = std::string("SEND\ncontent-length:2\ncontent-length:9\n\nab") + '\0';
  Scan r = scan(f);
  ASSERT_EQ(r.status, ScanStatus::kFrame);
  EXPECT_EQ(r.content_length, 2);
  EXPECT_EQ(body_of(f, r), "ab");
}

TEST(StompScan, ContentLengthTooSmallIsAMismatch) {
  std::string f = std::string("SEND\ncontent-length:2\n\nabcdef") + '\0';
  Scan r = scan(f);
  ASSERT_EQ(r.status, ScanStatus::kFrame);
  EXPECT_TRUE(r.flags & stomp::kFlagContentLengthMismatch);
  EXPECT_EQ(body_of(f, r), "abcdef");  // fell back to the NUL
  EXPECT_EQ(r.length, f.size());
}

TEST(StompScan, ContentLengthTooSmallFollowedByFrame) {
  // the next frame begins where the body should have ended: NUL missing
  std::string f = std::string("SEND\ncontent-length:2\n\nabSEND\n\n") + '\0';
  Scan r = scan(f);
  ASSERT_EQ(r.status, ScanStatus::kFrame);
  EXPECT_TRUE(r.flags & stomp::kFlagMissingNul);
  EXPECT_EQ(body_of(f, r), "ab");
  Scan next = scan(f.substr(r.length));
  EXPECT_EQ(next.status, ScanStatus::kFrame);
  EXPECT_EQ(next.command, Command::kSend);
}

TEST(StompScan, ContentLengthTooLargeWaitsThenEndsTruncated) {
  std::string f = std::string("SEND\ncontent-length:100\n\nabc") + '\0' + "xyz";
  Scan r = scan(f);
  EXPECT_EQ(r.status, ScanStatus::kNeedMore);
  EXPECT_EQ(r.need, f.find("\n\n") + 2 + 101);
  r = scan(f, /*at_end=*/true);
  ASSERT_EQ(r.status, ScanStatus::kFrame);
  EXPECT_TRUE(r.flags & stomp::kFlagTruncated);
}

TEST(StompScan, ContentLengthTooLargeFollowedByFramesEndsAtTheNul) {
  // The writer claimed 100000 bytes, wrote 5 and went on with other frames.
  const std::string first = std::string("SEND\ndestination:/q/liar\ncontent-length:100000\n\nhello") + '\0' + "\n";
  const std::string second = std::string("SEND\ndestination:/q/b\n\nworld") + '\0';
  const std::string f = first + second;
  for (bool at_end : {false, true}) {
    Scan r = scan(f, at_end);
    ASSERT_EQ(r.status, ScanStatus::kFrame);
    EXPECT_TRUE(r.flags & stomp::kFlagContentLengthOverrun);
    EXPECT_FALSE(r.flags & stomp::kFlagTruncated);
    EXPECT_EQ(body_of(f, r), "hello");
    EXPECT_EQ(r.length, first.size());
    Scan next = scan(f.substr(r.length), true);
    ASSERT_EQ(next.status, ScanStatus::kFrame);
    EXPECT_EQ(body_of(f.substr(r.length), next), "world");
    EXPECT_EQ(next.flags, 0u);
  }
  // Arriving a byte at a time, with the scan resumed each time, it ends at
  // the same place as soon as the next frame's first header line is there.
  stomp::ScanResume resume;
  const size_t decided = first.size() + std::string("SEND\ndestination:/q/b\n").size();
  for (size_t n = 1; n <= f.size(); n++) {
    Scan r = stomp::scan(reinterpret_cast<const uint8_t*>(f.data()), n, false,
                         stomp::ScanLimits(), &resume);
    if (n < decided) {
      ASSERT_EQ(r.status, ScanStatus::kNeedMore) << n;
    } else {
      ASSERT_EQ(r.status, ScanStatus::kFrame) << n;
      EXPECT_EQ(r.length, first.size());
      break;
    }
  }
}

TEST(StompResume, ContentLengthMismatchAfterResumedScansFindsTheFirstNul) {
  // Found by fuzz_stomp_scan: while short of its content-length, a frame's
  // resumed scans looked for a lying content-length (a NUL followed by a
  // frame) and then let the NUL-delimited fallback skip the NULs seen, so
  // the body ended at a later NUL than a fresh scan of the same bytes says.
  const std::string f = std::string("SEND\ncontent-length:10\n\nab") + '\0' + "cdefghijkl" + '\0';
  const Scan fresh = scan(f);
  ASSERT_EQ(fresh.status, ScanStatus::kFrame);
  EXPECT_TRUE(fresh.flags & stomp::kFlagContentLengthMismatch);
  EXPECT_EQ(body_of(f, fresh), "ab");
  stomp::ScanResume resume;
  Scan r;
  for (size_t n = 1; n <= f.size(); n++) {
    r = stomp::scan(reinterpret_cast<const uint8_t*>(f.data()), n, false, stomp::ScanLimits(),
                    &resume);
    if (r.status != ScanStatus::kNeedMore) break;
  }
  ASSERT_EQ(r.status, ScanStatus::kFrame);
  EXPECT_EQ(r.length, fresh.length);
  EXPECT_EQ(body_of(f, r), "ab");
}

TEST(StompResume, FuzzRegressionsScanTheSameResumedAndFresh) {
  // Inputs fuzz_stomp_scan found (tests/fuzz/regressions/fuzz_stomp_scan/),
  // replayed with its invariant: the item at the start, arriving in chunks
  // whose sizes the input picks and scanned with ScanResume, is decided
  // exactly as a fresh scan of the same bytes decides it.
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(STOMP_SOURCE_DIR) / "tests/fuzz/regressions/fuzz_stomp_scan";
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::ifstream in(e.path(), std::ios::binary);
    const std::string d((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto* data = reinterpret_cast<const uint8_t*>(d.data());
    for (int small = 0; small < 2; small++) {
      stomp::ScanLimits lim;
      if (small) {
        lim.max_header_bytes = 4096;
        lim.max_body_bytes = 8192;
      }
      stomp::ScanResume r;
      size_t n = 0, step = 1;
      while (n < d.size()) {
        n = std::min(d.size(), n + step);
        step = 1 + (data[n - 1] % 97);
        const Scan a = stomp::scan(data, n, false, lim, &r);
        if (a.status == ScanStatus::kNeedMore) continue;
        const Scan b = stomp::scan(data, n, false, lim);
        EXPECT_EQ(a.status, b.status) << e.path();
        EXPECT_EQ(a.length, b.length) << e.path();
        EXPECT_EQ(a.body_len, b.body_len) << e.path();
        EXPECT_EQ(a.flags, b.flags) << e.path();
        break;
      }
    }
    files++;
  }
  EXPECT_GE(files, 1u);
}

TEST(StompScan, ContentLengthTooLargeWithBinaryNulsStaysTruncated) {
  // NULs in a binary body that are not followed by a frame are body bytes
  const std::string f = std::string("SEND\ncontent-length:50\n\nab") + '\0' + "xy" + '\0' + '\0' + "SENDER";
  Scan r = scan(f, /*at_end=*/true);
  ASSERT_EQ(r.status, ScanStatus::kFrame);
  EXPECT_TRUE(r.flags & stomp::kFlagTruncated);
  EXPECT_FALSE(r.flags & stomp::kFlagContentLengthOverrun);
  EXPECT_EQ(r.length, f.size());
}

TEST(StompScan, MissingNulResynchronisesOnNextCommand) {
  std::string f = std::string("SEND\ndestination:/a\n\nhello\nSEND\ndestination:/b\n\nworld") + '\0';
  Scan r = scan(f);
  ASSERT_EQ(r.status, ScanStatus::kFrame);
  EXPECT_TRUE(r.flags & stomp::kFlagMissingNul);
  EXPECT_EQ(body_of(f, r), "hello\n");
  Scan next = scan(f.substr(r.length));
  ASSERT_EQ(next.status, ScanStatus::kFrame);
  EXPECT_EQ(body_of(f.substr(r.length), next), "world");
}

TEST(StompScan, TextBodyMentioningACommandIsNotCut) {
  // "SEND" on a line of its own but not followed by a header line
  std::string f = std::string("SEND\n\nplease\nSEND\nmore money\n") + '\0';
  Scan r = scan(f);
  ASSERT_EQ(r.status, ScanStatus::kFrame);
  EXPECT_EQ(r.flags & stomp::kFlagMissingNul, 0u);
  EXPECT_EQ(r.length, f.size());
}

TEST(StompScan, HeaderWithoutColon) {
  std::string f = std::string("SEND\ndestination:/q\nnocolon\n\n") + '\0';
  Scan r = scan(f);
  ASSERT_EQ(r.status, ScanStatus::kFrame);
  EXPECT_TRUE(r.flags & stomp::kFlagHeaderNoColon);
  auto h = headers_of(f, r);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_FALSE(h[1].colon);
  EXPECT_EQ(h[1].name, "nocolon");
}

TEST(StompScan, ColonsInValueBelongToTheValue) {
  std::string f = std::string("MESSAGE\nmessage-id:ID:host-1:2:3\n\n") + '\0';
  Scan r = scan(f);
  auto h = headers_of(f, r);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].name, "message-id");
  EXPECT_EQ(h[0].value, "ID:host-1:2:3");
}

TEST(StompScan, UnknownCommandWithHeadersIsAFlaggedFrame) {
  std::string f = std::string("FOOBAR\nheader:x\n\n") + '\0';
  Scan r = scan(f);
  ASSERT_EQ(r.status, ScanStatus::kFrame);
  EXPECT_EQ(r.command, Command::kUnknown);
  EXPECT_TRUE(r.flags & stomp::kFlagUnknownCommand);
  EXPECT_EQ(r.length, f.size());
  // lower case is not STOMP either (commands are case-sensitive)
  r = scan(std::string("message\ndestination:/q\n\nx") + '\0');
  ASSERT_EQ(r.status, ScanStatus::kFrame);
  EXPECT_EQ(r.command, Command::kUnknown);
}

TEST(StompScan, JunkResynchronisesOnNextCommandLine) {
  std::string f = std::string("garbage bytes\x01\x02 here\nSEND\ndestination:/q\n\nx") + '\0';
  Scan r = scan(f);
  ASSERT_EQ(r.status, ScanStatus::kJunk);
  EXPECT_EQ(f.substr(r.length, 5), "SEND\n");
  // text lines that are not headers after an unknown token: junk too
  r = scan("hello\nworld\nthis is text\n\n");
  EXPECT_EQ(r.status, ScanStatus::kJunk);
}

TEST(StompScan, JunkKeepsAPossibleCommandPrefixAtTheEnd) {
  std::string f("binary\x00\x01\nSEN", 12);
  Scan r = scan(f);
  ASSERT_EQ(r.status, ScanStatus::kJunk);
  EXPECT_EQ(f.substr(r.length), "SEN");
  EXPECT_EQ(scan("SEN").status, ScanStatus::kNeedMore);
}

TEST(StompScan, HeaderSectionOverTheLimitIsJunk) {
  stomp::ScanLimits lim;
  lim.max_header_bytes = 1024;
  std::string f = "SEND\nx-long:" + std::string(5000, 'a');
  Scan r = scan(f, false, lim);
  ASSERT_EQ(r.status, ScanStatus::kJunk);
  EXPECT_EQ(r.junk_reason, stomp::JunkReason::kHeaderSectionTooLarge);
  EXPECT_EQ(r.length, f.size());
  // under the limit it waits for more
  EXPECT_EQ(scan(f.substr(0, 1000), false, lim).status, ScanStatus::kNeedMore);
}

TEST(StompScan, NulInHeaderIsFlagged) {
  std::string f = std::string("SEND\nna") + '\0' + "me:v\n\n" + '\0';
  Scan r = scan(f);
  ASSERT_EQ(r.status, ScanStatus::kFrame);
  EXPECT_TRUE(r.flags & stomp::kFlagNulInHeader);
}

TEST(StompScan, AtEndInsideHeadersIsTruncated) {
  Scan r = scan("SEND\ndestination:/q\n", /*at_end=*/true);
  ASSERT_EQ(r.status, ScanStatus::kFrame);
  EXPECT_TRUE(r.flags & stomp::kFlagTruncated);
  EXPECT_EQ(r.header_count, 1u);
}

TEST(StompScan, BodyWithoutNulIsCutAtTheLimit) {
  stomp::ScanLimits lim;
  lim.max_body_bytes = 100;
  std::string f = "SEND\n\n" + std::string(500, 'x');
  Scan r = scan(f, false, lim);
  ASSERT_EQ(r.status, ScanStatus::kFrame);
  EXPECT_TRUE(r.flags & stomp::kFlagBodyTooLarge);
  EXPECT_EQ(r.body_len, 100u);
}

TEST(StompScan, EmptyFrameAndEmptyBody) {
  std::string f = std::string("DISCONNECT\n\n") + '\0';
  Scan r = scan(f);
  ASSERT_EQ(r.status, ScanStatus::kFrame);
  EXPECT_EQ(r.command, Command::kDisconnect);
  EXPECT_EQ(r.header_count, 0u);
  EXPECT_EQ(r.body_len, 0u);
  std::string g = std::string("SEND\ncontent-length:0\n\n") + '\0';
  r = scan(g);
  ASSERT_EQ(r.status, ScanStatus::kFrame);
  EXPECT_EQ(r.body_len, 0u);
  EXPECT_EQ(r.length, g.size());
}

TEST(StompScan, AllCommandsAreRecognised) {
  const std::pair<const char*, Command> all[] = {
      {"CONNECT", Command::kConnect},     {"STOMP", Command::kStomp},
      {"CONNECTED", Command::kConnected}, {"SEND", Command::kSend},
      {"SUBSCRIBE", Command::kSubscribe}, {"UNSUBSCRIBE", Command::kUnsubscribe},
      {"BEGIN", Command::kBegin},         {"COMMIT", Command::kCommit},
      {"ABORT", Command::kAbort},         {"ACK", Command::kAck},
      {"NACK", Command::kNack},           {"DISCONNECT", Command::kDisconnect},
      {"MESSAGE", Command::kMessage},     {"RECEIPT", Command::kReceipt},
      {"ERROR", Command::kError}};
  for (const auto& c : all) {
    std::string f = std::string(c.first) + "\n\n" + '\0';
    Scan r = scan(f);
    ASSERT_EQ(r.status, ScanStatus::kFrame) << c.first;
    EXPECT_EQ(r.command, c.second) << c.first;
    EXPECT_STREQ(stomp::command_name(c.second), c.first);
    EXPECT_EQ(verdict(f), Verdict::kYes) << c.first;
  }
}

TEST(StompHeuristic, AcceptsOnlyACommandLineFollowedByHeaderOrBlank) {
  EXPECT_EQ(verdict("CONNECT\naccept-version:1.2\nhost:/\n\n"), Verdict::kYes);
  EXPECT_EQ(verdict("\n\nSEND\r\ndestination:/q\r\n"), Verdict::kYes);
  EXPECT_EQ(verdict("MESSAGE\n\n"), Verdict::kYes);
  // ruby-stomp writes the command line on its own: undecided
  EXPECT_EQ(verdict("SEND\n"), Verdict::kMaybe);
  EXPECT_EQ(verdict("SEN"), Verdict::kMaybe);
  EXPECT_EQ(verdict("CONNECT\r"), Verdict::kMaybe);
  EXPECT_EQ(verdict("SEND\ndestin"), Verdict::kMaybe);
  // not STOMP
  EXPECT_EQ(verdict("CONNECT example.com:443 HTTP/1.1\r\nHost: x\r\n\r\n"), Verdict::kNo);
  EXPECT_EQ(verdict("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), Verdict::kNo);
  EXPECT_EQ(verdict("SEND\nhello world\n"), Verdict::kNo);
  EXPECT_EQ(verdict("SENDER\n\n"), Verdict::kNo);
  EXPECT_EQ(verdict("send\n\n"), Verdict::kNo);
  EXPECT_EQ(verdict("*1\r\n$4\r\nPING\r\n"), Verdict::kNo);
  EXPECT_EQ(verdict("EHLO example.org\r\n"), Verdict::kNo);
  EXPECT_EQ(verdict("\n"), Verdict::kNo);
  EXPECT_EQ(verdict(""), Verdict::kNo);
  EXPECT_EQ(verdict(std::string("SEND\nkey:\x01value\n")), Verdict::kNo);
}

TEST(StompHeuristic, StreamResumesAfterTheNulOfAFrameBeganBeforeTheCapture) {
  auto resume = [](const std::string& s) {
    return stomp::find_stream_resume(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  const std::string tail = "the end of a body";
  const std::string next = "MESSAGE\ndestination:/topic/x\n\nhi";
  EXPECT_EQ(resume(tail + '\0' + "\n" + next), tail.size() + 2);
  EXPECT_EQ(resume(tail + '\0' + "\r\n\n" + next), tail.size() + 4);
  // a binary body's NULs are not frame ends unless a frame follows
  EXPECT_EQ(resume(std::string("ab") + '\0' + '\0' + "xyz" + '\0' + next), 8u);
  // cut inside the next command line: maybe, so it is where to resume
  EXPECT_EQ(resume(tail + '\0' + "MESS"), tail.size() + 1);
  // nothing to resume on
  EXPECT_EQ(resume(tail), SIZE_MAX);
  EXPECT_EQ(resume(tail + '\0'), SIZE_MAX);
  EXPECT_EQ(resume(tail + '\0' + "GET / HTTP/1.1\r\n"), SIZE_MAX);
  EXPECT_EQ(resume(tail + '\0' + "SEND\nnot a header\n"), SIZE_MAX);
  // bounded: past 64 NULs without a frame, it stops looking
  std::string zeros;
  for (int i = 0; i < 100; i++) zeros += std::string("x") + '\0';
  EXPECT_EQ(resume(zeros + next), SIZE_MAX);
}

TEST(StompParse, Decimal) {
  uint64_t v = 0;
  auto p = [&](const char* s) {
    return stomp::parse_decimal(reinterpret_cast<const uint8_t*>(s), strlen(s), &v);
  };
  EXPECT_TRUE(p("0"));
  EXPECT_EQ(v, 0u);
  EXPECT_TRUE(p(" 42\t"));
  EXPECT_EQ(v, 42u);
  EXPECT_TRUE(p("18446744073709551615"));
  EXPECT_EQ(v, UINT64_MAX);
  EXPECT_FALSE(p("18446744073709551616"));
  EXPECT_FALSE(p("-1"));
  EXPECT_FALSE(p("+1"));
  EXPECT_FALSE(p("1 2"));
  EXPECT_FALSE(p(""));
  EXPECT_FALSE(p("  "));
}

// ---- resumable scanning ------------------------------------------------------

namespace {
// Feeds s in `step`-byte increments with a ScanResume, as the glue does
// while TCP reassembles; returns the final scan and checks that every
// intermediate stop records where the next scan starts.
Scan feed_resumed(const std::string& s, size_t step, size_t* stops) {
  stomp::ScanResume r;
  *stops = 0;
  for (size_t len = step;; len += step) {
    if (len > s.size()) len = s.size();
    Scan got = stomp::scan(reinterpret_cast<const uint8_t*>(s.data()), len, false,
                           stomp::ScanLimits(), &r);
    if (got.status != ScanStatus::kNeedMore || len == s.size()) return got;
    (*stops)++;
    if (r.stage != stomp::ScanResume::Stage::kNone) {
      EXPECT_EQ(r.scanned, len);
    }
    if (r.stage == stomp::ScanResume::Stage::kBody) {
      EXPECT_EQ(r.nul_from, len);  // the next NUL search starts at the old end
      EXPECT_EQ(r.lf_from, len);
    }
    if (r.stage == stomp::ScanResume::Stage::kHeaders) {
      // the incomplete line is the only part that will be looked at again
      EXPECT_TRUE(r.line == len || s.substr(r.line, len - r.line).find('\n') == std::string::npos);
    }
  }
}
}  // namespace

TEST(StompResume, BodyWithoutContentLengthInSegments) {
  std::string body;
  for (int i = 0; i < 4000; i++) body += "line " + std::to_string(i) + " of a text body\n";
  std::string f = "SEND\ndestination:/q\n\n" + body + std::string(1, '\0') + "SEND\n\n" + '\0';
  size_t stops = 0;
  Scan r = feed_resumed(f, 1448, &stops);
  ASSERT_EQ(r.status, ScanStatus::kFrame);
  EXPECT_EQ(r.body_len, body.size());
  EXPECT_GT(stops, 50u);
  Scan whole = scan(f);
  EXPECT_EQ(whole.length, r.length);
}

TEST(StompResume, MissingNulFoundAcrossSegmentBoundaries) {
  // the next frame's command line and header arrive split across segments
  std::string f = "SEND\ndestination:/a\n\n" + std::string(5000, 'x') +
                  "\nSEND\ndestination:/b\n\nworld" + std::string(1, '\0');
  for (size_t step : {1u, 7u, 1448u}) {
    size_t stops = 0;
    Scan r = feed_resumed(f, step, &stops);
    ASSERT_EQ(r.status, ScanStatus::kFrame) << step;
    EXPECT_TRUE(r.flags & stomp::kFlagMissingNul) << step;
    EXPECT_EQ(r.length, scan(f).length) << step;
  }
}

TEST(StompResume, HugeHeaderSectionInSegments) {
  std::string f = "SEND\n";
  for (int i = 0; i < 100000; i++) f += "h" + std::to_string(i) + ":v\n";
  f += "content-length:3\n\nabc";
  f += '\0';
  size_t stops = 0;
  Scan r = feed_resumed(f, 1448, &stops);
  ASSERT_EQ(r.status, ScanStatus::kFrame);
  EXPECT_EQ(r.header_count, 100001u);
  EXPECT_EQ(r.content_length, 3);
  EXPECT_EQ(r.body_len, 3u);
  EXPECT_GT(stops, 500u);
}

TEST(StompResume, StateForADifferentBufferIsNotUsed) {
  // a resume state is only valid for a longer buffer with the same start;
  // a shorter one starts over
  stomp::ScanResume r;
  std::string a = "SEND\ndestination:/q\n\nhello";
  scan(a.substr(0, 10));  // (no state)
  Scan s1 = stomp::scan(reinterpret_cast<const uint8_t*>(a.data()), a.size(), false,
                        stomp::ScanLimits(), &r);
  EXPECT_EQ(s1.status, ScanStatus::kNeedMore);
  std::string b = "SEND\n\nx";
  b += '\0';
  Scan s2 = stomp::scan(reinterpret_cast<const uint8_t*>(b.data()), b.size(), false,
                        stomp::ScanLimits(), &r);
  ASSERT_EQ(s2.status, ScanStatus::kFrame);
  EXPECT_EQ(s2.body_len, 1u);
}
