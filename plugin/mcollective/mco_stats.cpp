// mco_stats.cpp - see mco_stats.h. The text view reads the Correlator when
// tshark draws (after the last packet); the stats tree is fed by the
// "mcollective" tap.
#include "plugin/mcollective/mco_stats.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <vector>

#include "plugin/common/ws_compat.h"

extern "C" {
#include <epan/stat_tap_ui.h>
}

#include "plugin/mcollective/mco_state.h"

namespace {

void utc_text(double t, char* out, size_t cap) {
  out[0] = 0;
  const time_t secs = static_cast<time_t>(t);
  struct tm tmv;
  if (!gmtime_r(&secs, &tmv)) return;
  char day[32];
  strftime(day, sizeof day, "%Y-%m-%d %H:%M:%S", &tmv);
  std::snprintf(out, cap, "%s.%03d UTC", day,
                static_cast<int>((t - static_cast<double>(secs)) * 1000));
}

// "  (client 3.70 ms, broker out 1.28 ms, ...)" for the legs the capture holds.
void print_legs(const mco::Legs& l, bool several_sends) {
  const struct {
    bool has;
    const char* name;
    double v;
  } legs[] = {{l.has_client, "client", l.client},
              // always 0 with one SEND for all nodes: shown with direct addressing
              {l.has_client_send && several_sends, "client send", l.client_send},
              {l.has_broker_out, "broker out", l.broker_out},
              {l.has_node, "node", l.node},
              {l.has_broker_back, "broker back", l.broker_back}};
  const char* sep = "  (";
  for (const auto& g : legs) {
    if (!g.has) continue;
    std::printf("%s%s %.2f ms", sep, g.name, g.v * 1000.0);
    sep = ", ";
  }
  if (sep[0] == ',') std::printf(")");
}

void print_request(const mco::Request& r) {
  const mco::Origin origin = r.origin();
  char when[64];
  utc_text(r.request_frame_time(), when, sizeof when);
  std::printf("\nRequest %s: %s %s from %s, collective %s", r.requestid.c_str(), r.agent.c_str(),
              r.action.c_str(), r.senderid.c_str(), r.collective.c_str());
  if (r.first_send.valid())
    std::printf(", sent %s (epoch %.6f) in frame %u\n", when, r.first_send_time, r.first_send.num);
  else
    std::printf(", first delivered %s (epoch %.6f) in frame %u\n"
                "(its SEND is not in the capture: times are from this delivery)\n",
                when, r.request_frame_time(), r.request_frame().num);
  if (origin == mco::Origin::ClientStart)
    std::printf("Client start: CONNECTED in frame %u, %.2f ms before the SEND (mco ping starts its "
                "clock after connecting, before encoding the request): times are from there\n",
                r.client_start.num, (r.first_send_time - r.client_start_time) * 1000.0);

  // in order of arrival, as mco ping prints them
  std::vector<const mco::Reply*> replies(r.replies.begin(), r.replies.end());
  std::stable_sort(replies.begin(), replies.end(), [](const mco::Reply* a, const mco::Reply* b) {
    return a->final_time() < b->final_time();
  });
  std::vector<double> ms;
  for (const mco::Reply* p : replies) {
    const double t = p->total() * 1000.0;
    ms.push_back(t);
    std::printf("%-40s time=%.2f ms", p->node.c_str(), t);
    print_legs(p->legs(), r.sends > 1);
    std::printf("\n");
  }
  std::printf("\n\n---- ping statistics ----\n");
  if (ms.empty()) {
    std::printf("No responses received\n");
    return;
  }
  const double mx = *std::max_element(ms.begin(), ms.end());
  const double mn = *std::min_element(ms.begin(), ms.end());
  double sum = 0;
  for (double v : ms) sum += v;
  std::printf("%u replies max: %.2f min: %.2f avg: %.2f \n", static_cast<unsigned>(ms.size()), mx,
              mn, sum / static_cast<double>(ms.size()));
}

// The view lists requests someone waits replies for: not registration
// messages, not SimpleRPC requests sent with :process_results => false.
bool in_ping_view(const mco::Request& r) {
  return r.expects_replies && r.origin() != mco::Origin::None;
}

tap_packet_status ping_packet(void*, packet_info*, epan_dissect_t*, const void*, tap_flags_t) {
  return TAP_PACKET_DONT_REDRAW;
}

void ping_draw(void*) {
  const auto& requests = mco_correlator().requests();
  unsigned shown = 0;
  for (const mco::Request& r : requests) shown += in_ping_view(r) ? 1 : 0;
  std::printf("\n==================================================================\n");
  std::printf("MCollective requests and replies (mco ping view): %u requests\n", shown);
  std::printf("==================================================================\n");
  for (const mco::Request& r : requests)
    if (in_ping_view(r)) print_request(r);
  std::printf("==================================================================\n");
}

wsc::tap_init_ret_t ping_init(const char*, void*) {
  static int listener_data;
  GString* err = register_tap_listener("mcollective", &listener_data, NULL, TL_REQUIRES_NOTHING,
                                       NULL, ping_packet, ping_draw, NULL);
  const bool ok = err == NULL;
  if (err) {
    std::fprintf(stderr, "mcollective,ping: %s\n", err->str);
    g_string_free(err, TRUE);
  }
  return wsc::tap_init_result(ok);
}

stat_tap_ui ping_ui = {REGISTER_STAT_GROUP_GENERIC, "MCollective mco ping", "mcollective,ping",
                       ping_init, 0, NULL};

// ---- stats tree: Statistics > MCollective > mco ping ----------------------

const char* const kRoot = "Replies by request (ms)";
int root_node;

void tree_init(stats_tree* st) {
  root_node = stats_tree_create_node(st, kRoot, 0, STAT_DT_FLOAT, TRUE);
}

tap_packet_status tree_packet(stats_tree* st, packet_info* pinfo, epan_dissect_t*, const void* p,
                              tap_flags_t) {
  const McoTapInfo* t = static_cast<const McoTapInfo*>(p);
  const mco::MessageNotes* n = t->notes;
  if (!n || n->is_request || !n->reply || !n->request || !in_ping_view(*n->request))
    return TAP_PACKET_DONT_REDRAW;
  const mco::Reply* r = n->reply;
  // Count each reply once, at the frame that ends its journey: the client's
  // MESSAGE, or the node's SEND when the client side is not in the capture
  // (known only once every packet was seen).
  const bool final = t->ref == r->client_message ||
                     (PINFO_FD_VISITED(pinfo) && !r->client_message.valid() && t->ref == r->node_send);
  if (!final) return TAP_PACKET_DONT_REDRAW;
  const mco::Request* q = n->request;
  char label[160];
  std::snprintf(label, sizeof label, "%s %s %.8s (frame %u)", q->agent.c_str(), q->action.c_str(),
                q->requestid.c_str(), q->request_frame().num);
  const gfloat ms = static_cast<gfloat>(r->total() * 1000.0);
  avg_stat_node_add_value_float(st, kRoot, 0, TRUE, ms);
  int req_node = stats_tree_manip_node_float(MN_AVERAGE, st, label, root_node, TRUE, ms);
  avg_stat_node_add_value_float(st, r->node.c_str(), req_node, FALSE, ms);
  return TAP_PACKET_REDRAW;
}

}  // namespace

void mco_stats_register(void) {
  register_stat_tap_ui(&ping_ui, NULL);
  stats_tree_register_plugin("mcollective", "mcollective_ping", "MCollective/mco ping", 0,
                             tree_packet, tree_init, NULL);
}
