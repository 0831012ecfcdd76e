// stomp_command.cpp - see stomp_command.h.
#include "dissector/stomp/stomp_command.h"

#include <cstring>

namespace stomp {

namespace {
struct Entry {
  const char* name;
  uint8_t len;
  Command cmd;
};

// Grouped by length so a lookup compares at most three strings.
constexpr Entry kTable[] = {
    {"ACK", 3, Command::kAck},
    {"SEND", 4, Command::kSend},
    {"NACK", 4, Command::kNack},
    {"STOMP", 5, Command::kStomp},
    {"BEGIN", 5, Command::kBegin},
    {"ABORT", 5, Command::kAbort},
    {"ERROR", 5, Command::kError},
    {"COMMIT", 6, Command::kCommit},
    {"CONNECT", 7, Command::kConnect},
    {"MESSAGE", 7, Command::kMessage},
    {"RECEIPT", 7, Command::kReceipt},
    {"CONNECTED", 9, Command::kConnected},
    {"SUBSCRIBE", 9, Command::kSubscribe},
    {"DISCONNECT", 10, Command::kDisconnect},
    {"UNSUBSCRIBE", 11, Command::kUnsubscribe},
};
}  // namespace

Command command_from(const uint8_t* p, size_t n) {
  if (n < 3 || n > kMaxCommandLength) return Command::kUnknown;
  for (const Entry& e : kTable) {
    if (e.len == n && std::memcmp(e.name, p, n) == 0) return e.cmd;
  }
  return Command::kUnknown;
}

bool is_command_prefix(const uint8_t* p, size_t n) {
  for (const Entry& e : kTable) {
    if (n <= e.len && std::memcmp(e.name, p, n) == 0) return true;
  }
  return false;
}

const char* command_name(Command c) {
  for (const Entry& e : kTable) {
    if (e.cmd == c) return e.name;
  }
  return "UNKNOWN";
}

bool is_client_command(Command c) {
  return c >= Command::kConnect && c <= Command::kDisconnect;
}

}  // namespace stomp
