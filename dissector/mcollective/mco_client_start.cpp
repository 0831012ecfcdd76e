// mco_client_start.cpp - see mco_client_start.h.
#include "dissector/mcollective/mco_client_start.h"

#include <cmath>

namespace mco {

namespace {
// How far back to look, in packets (packets without STOMP items have no
// notes and no time to stop at).
constexpr uint32_t kMaxPackets = 20000;
}  // namespace

ClientStart find_client_start(const stomp::Tracker& tracker, stomp::FrameRef send, uint64_t conn,
                              std::string_view reply_to) {
  const ClientStart none;
  const stomp::FrameNotes* sn = tracker.find(send);
  if (!sn || !(sn->peer_silence > 0)) return none;
  // When the broker last sent anything on this connection. peer_silence is a
  // float: allow for its rounding.
  const double silence = static_cast<double>(sn->peer_silence);
  const double target = sn->time - silence;
  const double tol = 2e-6 + silence * 2.5e-7;

  uint32_t packets = 0;
  for (uint32_t num = send.num; num >= 1 && packets < kMaxPackets; --num, ++packets) {
    // items of this packet before `send`, examined last first
    const uint32_t limit = num == send.num ? send.idx : UINT32_MAX;
    uint32_t count = 0;
    while (count < limit && tracker.find({num, count})) ++count;
    for (uint32_t i = count; i-- > 0;) {
      const stomp::FrameNotes* n = tracker.find({num, i});
      if (!n) continue;
      if (n->time < target - tol) return none;  // went past it: not a CONNECTED
      const stomp::Subscription* sub = n->subscription;
      if (sub && sub->conn == conn) {
        // the client's own subscription work on this connection: only the
        // SUBSCRIBE to the reply queue belongs to building this request
        if (n->command == stomp::Command::kSubscribe && !reply_to.empty() &&
            sub->destination == reply_to)
          continue;
        return none;
      }
      // (other items at that instant may belong to other connections)
      if (n->command == stomp::Command::kConnected && std::fabs(n->time - target) <= tol)
        return {n->self, n->time};
    }
  }
  return none;
}

}  // namespace mco
