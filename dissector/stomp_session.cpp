// stomp_session.cpp - see stomp_session.h.
#include "stomp_session.h"

namespace stomp {

const HeaderView* first_header(const HeaderView* h, size_t n, std::string_view name) {
  for (size_t i = 0; i < n; i++) {
    if (h[i].name == name) return &h[i];
  }
  return nullptr;
}

namespace {
Version version_from(std::string_view v) {
  return parse_version_list(reinterpret_cast<const uint8_t*>(v.data()), v.size());
}
}  // namespace

Version Tracker::version_of(uint64_t conn) const {
  auto it = conns_.find(conn);
  return it == conns_.end() ? Version::kUnknown : it->second.version;
}

const FrameNotes* Tracker::observe(const ObservedFrame& f) {
  Connection& c = conns_[f.conn];
  FrameNotes n;
  n.sent_under = c.version;

  // The client is whoever sends client frames, the server whoever sends
  // server frames; one of the two is enough to orient the connection.
  if (f.command != Command::kUnknown) {
    if (is_client_command(f.command)) {
      if (!c.client_known) c.client = f.sender, c.client_known = true;
    } else if (!c.server_known) {
      c.server = f.sender, c.server_known = true;
    }
  }
  if (c.client_known || c.server_known) {
    n.direction_known = true;
    n.from_client = c.client_known ? f.sender == c.client : f.sender != c.server;
  }

  switch (f.command) {
    case Command::kConnect:
    case Command::kStomp: {
      c.saw_connect = true;
      const HeaderView* av = first_header(f.headers, f.header_count, "accept-version");
      // No accept-version: a 1.0 client; the session is 1.0 from here on.
      c.offered = av ? version_from(av->value) : Version::k10;
      if (!av) c.version = Version::k10;
      break;
    }
    case Command::kConnected: {
      const HeaderView* v = first_header(f.headers, f.header_count, "version");
      Version got = v ? version_from(v->value) : Version::k10;
      c.version = got == Version::kUnknown ? Version::k10 : got;
      break;
    }
    default:
      break;
  }

  n.version = c.version;
  notes_.push_back(n);
  FrameNotes* stored = &notes_.back();
  index_[f.ref] = stored;
  if (f.command == Command::kConnect || f.command == Command::kStomp) {
    c.pending_connect = stored;
  } else if (f.command == Command::kConnected && c.pending_connect) {
    c.pending_connect->version = c.version;
    c.pending_connect = nullptr;
  }
  return stored;
}

const FrameNotes* Tracker::find(FrameRef ref) const {
  auto it = index_.find(ref);
  return it == index_.end() ? nullptr : it->second;
}

}  // namespace stomp
