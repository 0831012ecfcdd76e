// stomp_command.h - the STOMP 1.0/1.1/1.2 command set.
#pragma once

#include <cstddef>
#include <cstdint>

namespace stomp {

enum class Command : uint8_t {
  kUnknown = 0,
  // client frames
  kConnect,
  kStomp,
  kSend,
  kSubscribe,
  kUnsubscribe,
  kBegin,
  kCommit,
  kAbort,
  kAck,
  kNack,
  kDisconnect,
  // server frames
  kConnected,
  kMessage,
  kReceipt,
  kError,
};

constexpr int kCommandCount = 16;  // including kUnknown

// Exact, case-sensitive match of a command token (no EOL). kUnknown if none.
Command command_from(const uint8_t* p, size_t n);

// True when p[0, n) is the beginning of some command (n may be 0).
bool is_command_prefix(const uint8_t* p, size_t n);

// "SEND" etc.; "UNKNOWN" for kUnknown.
const char* command_name(Command c);

// True for frames a client sends (CONNECT ... DISCONNECT).
bool is_client_command(Command c);

// The longest command token ("UNSUBSCRIBE").
constexpr size_t kMaxCommandLength = 11;

}  // namespace stomp
