// pcap_streams.h - test support: reads a pcap or pcapng file and rebuilds the
// TCP byte stream of each connection, per direction, so that cores can be
// fed real traffic without Wireshark. Handles Ethernet, Linux cooked (SLL),
// BSD loopback and raw IP link types; IPv4 and IPv6; retransmitted and
// overlapping segments (first copy wins). Not a general-purpose reader: it
// is for the well-formed captures under test-captures/.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace testsupport {

struct Segment {
  uint32_t packet;   // 1-based packet number in the file
  uint64_t offset;   // stream offset of its first byte
  uint32_t length;
};

struct Direction {
  std::string bytes;              // the reassembled stream
  std::vector<Segment> segments;  // where each packet's payload sits
};

struct TcpStream {
  std::string client_addr, server_addr;  // printable
  uint16_t client_port = 0, server_port = 0;
  uint32_t first_packet = 0;
  Direction to_server;  // sent by the side that sent the first SYN (or first payload)
  Direction to_client;
};

// Empty vector (and *error set) when the file can't be read.
std::vector<TcpStream> read_tcp_streams(const std::string& path, std::string* error);

}  // namespace testsupport
