// stomp_filter_string.h - display filter text for Conversation Filter >
// STOMP destination: a STOMP header value as a display-filter string literal.
#pragma once

#include <string>

namespace stomp {

// `stomp.destination == "<value>"` with '"' and '\\' escaped and control
// bytes written as \xHH, so any decoded value gives a filter that parses and
// matches exactly that value.
std::string destination_filter(const char* value, size_t len);

}  // namespace stomp
