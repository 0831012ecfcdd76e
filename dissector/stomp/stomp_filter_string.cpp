// stomp_filter_string.cpp - see stomp_filter_string.h.
#include "dissector/stomp/stomp_filter_string.h"

namespace stomp {

std::string destination_filter(const char* value, size_t len) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "stomp.destination == \"";
  out.reserve(out.size() + len + 1);
  for (size_t i = 0; i < len; ++i) {
    const unsigned char c = static_cast<unsigned char>(value[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

}  // namespace stomp
