// sha1.h - test support: SHA-1 hex digest, to compare frame bodies with the
// digests the capture clients recorded in MANIFEST.json.
#pragma once

#include <string>

namespace testsupport {
std::string sha1_hex(const std::string& data);
}
