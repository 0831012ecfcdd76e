// mco_client_start.h - the wire frame that marks when an MCollective client
// started the clock it reports request times against.
//
// `mco ping` (MCollective 2.x, lib/mcollective/application/ping.rb) does
//
//     client = MCollective::Client.new(options)   # connects: CONNECT, waits for CONNECTED
//     start = Time.now.to_f
//     client.req("ping", "discovery") { ... (Time.now.to_f - start) * 1000 ... }
//
// and Client#req -> Client#createreq builds the Message, calls
// request.encode! (serialize; with the ssl plugin also an RSA-SHA1
// signature: several ms) and only then subscribe(agent, :reply); publish then
// SENDs it. So on the wire the clock starts after the CONNECTED delivered to
// the client and before the first frame the client writes after it (the
// SUBSCRIBE to its reply queue with ActiveMQ; the SEND itself with RabbitMQ's
// /temp-queue replies, which need no SUBSCRIBE). The SUBSCRIBE comes after
// the encoding and only ~0.4 ms before the SEND, so it cannot stand for the
// start; the CONNECTED can: nothing the client does between it and the clock
// start is visible or long, while the encoding after the start is.
//
// find_client_start() returns that CONNECTED for a request SEND when
//   - the broker's last data on the SEND's connection before the SEND is a
//     CONNECTED (the SEND's peer silence reaches back exactly to it: nothing
//     else came from the broker in between), and
//   - the only frames of that connection between the two that the Tracker can
//     attribute to it are SUBSCRIBEs to the request's reply-to destination.
// The caller also requires the request to be the first MCollective message of
// the connection. Pure C++ over the STOMP Tracker's notes, no epan.
#pragma once

#include <cstdint>
#include <string_view>

#include "dissector/stomp/stomp_session.h"

namespace mco {

struct ClientStart {
  stomp::FrameRef ref;  // the CONNECTED
  double time = 0;
  bool found() const { return ref.valid(); }
};

ClientStart find_client_start(const stomp::Tracker& tracker, stomp::FrameRef send, uint64_t conn,
                              std::string_view reply_to);

}  // namespace mco
