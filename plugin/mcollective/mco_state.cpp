// mco_state.cpp - see mco_state.h.
#include "plugin/mcollective/mco_state.h"

int mco_tap = -1;

namespace {
mco::Correlator* g_correlator = nullptr;

void state_init(void) {
  delete g_correlator;
  g_correlator = new mco::Correlator();
}

void state_cleanup(void) {
  delete g_correlator;
  g_correlator = nullptr;
}
}  // namespace

mco::Correlator& mco_correlator(void) {
  if (!g_correlator) g_correlator = new mco::Correlator();
  return *g_correlator;
}

void mco_state_register(void) {
  register_init_routine(state_init);
  register_cleanup_routine(state_cleanup);
  mco_tap = register_tap("mcollective");
}
