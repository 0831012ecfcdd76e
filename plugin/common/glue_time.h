// glue_time.h - the two conversions between Wireshark's time and the cores'
// seconds-as-double that every glue file needs.
#pragma once

#include <cmath>

#include "plugin/common/ws_compat.h"

// The packet's absolute time in seconds, as the Tracker and Correlator want it.
inline double packet_time(const packet_info* pinfo) {
  return static_cast<double>(pinfo->abs_ts.secs) + pinfo->abs_ts.nsecs / 1e9;
}

// A duration in seconds as an nstime_t for FT_RELATIVE_TIME fields.
inline nstime_t nstime_from_seconds(double seconds) {
  nstime_t t;
  const double whole = std::floor(seconds);
  t.secs = static_cast<time_t>(whole);
  t.nsecs = static_cast<int>((seconds - whole) * 1e9 + 0.5);
  if (t.nsecs >= 1000000000) {
    t.secs++;
    t.nsecs -= 1000000000;
  }
  return t;
}
