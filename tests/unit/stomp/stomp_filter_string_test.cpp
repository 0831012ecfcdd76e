// Conversation Filter > STOMP destination: the filter text. The values are
// destinations the clients of test-captures/ sent (MANIFEST.json) plus the
// characters a display-filter string must escape; the expected literals
// follow Wireshark's display-filter string syntax (\" \\ \xHH).
#include <gtest/gtest.h>

#include <cstring>

#include "dissector/stomp/stomp_filter_string.h"

namespace {
std::string f(const char* s) { return stomp::destination_filter(s, std::strlen(s)); }
}  // namespace

TEST(DestinationFilter, PlainDestination) {
  EXPECT_EQ(f("/queue/amq-transit-a-3572e9"), "stomp.destination == \"/queue/amq-transit-a-3572e9\"");
  EXPECT_EQ(f("/topic/amq-transit"), "stomp.destination == \"/topic/amq-transit\"");
}

TEST(DestinationFilter, QuotesBackslashesAndControlBytesEscaped) {
  EXPECT_EQ(f("/queue/a\"b"), "stomp.destination == \"/queue/a\\\"b\"");
  EXPECT_EQ(f("/queue/a\\b"), "stomp.destination == \"/queue/a\\\\b\"");
  EXPECT_EQ(f("/queue/a\nb\x7f"), "stomp.destination == \"/queue/a\\x0ab\\x7f\"");
  // a ':' (STOMP escapes it as \c on the wire; the decoded value has ':')
  EXPECT_EQ(f("/queue/a:b"), "stomp.destination == \"/queue/a:b\"");
}

TEST(DestinationFilter, EmbeddedNulAndUtf8) {
  const char v[] = {'/', 'q', 0, 'x'};
  EXPECT_EQ(stomp::destination_filter(v, 4), "stomp.destination == \"/q\\x00x\"");
  EXPECT_EQ(f("/queue/\xc3\xa9t\xc3\xa9"), "stomp.destination == \"/queue/\xc3\xa9t\xc3\xa9\"");
}
