// mco_secure.cpp - see mco_secure.h.
#include "dissector/mcollective/mco_secure.h"

namespace mco {

namespace {

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

std::string_view cert_name(std::string_view callerid) {
  constexpr std::string_view kPrefix = "cert=";
  if (callerid.substr(0, kPrefix.size()) != kPrefix) return {};
  std::string_view name = callerid.substr(kPrefix.size());
  if (name.empty() || name.size() > 255) return {};
  bool only_dots = true;
  for (char c : name) {
    if (!word_char(c) && c != '.' && c != '-') return {};
    if (c != '.') only_dots = false;
  }
  if (only_dots) return {};
  return name;
}

bool pkcs1_type1_payload(const uint8_t* em, size_t len, const uint8_t** out, size_t* out_len) {
  if (!em || len < 11 || em[0] != 0x00 || em[1] != 0x01) return false;
  size_t i = 2;
  while (i < len && em[i] == 0xff) i++;
  if (i == len || em[i] != 0x00 || i - 2 < 8) return false;
  *out = em + i + 1;
  *out_len = len - i - 1;
  return true;
}

bool pkcs7_unpadded_len(const uint8_t* buf, size_t len, size_t block, size_t* out_len) {
  if (!buf || block == 0 || block > 255 || len == 0 || len % block != 0) return false;
  const uint8_t n = buf[len - 1];
  if (n == 0 || n > block) return false;
  for (size_t i = len - n; i < len; i++)
    if (buf[i] != n) return false;
  *out_len = len - n;
  return true;
}

}  // namespace mco
