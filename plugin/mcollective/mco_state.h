// mco_state.h - capture-lifetime state of the MCollective glue: the request
// / reply Correlator, created when a capture is opened and destroyed when
// it is closed; and the "mcollective" tap.
#pragma once

#include "plugin/common/ws_compat.h"

#include "dissector/mcollective/mco_correlate.h"

mco::Correlator& mco_correlator(void);

extern int mco_tap;

// What the "mcollective" tap carries: one record per decoded message.
struct McoTapInfo {
  const mco::MessageNotes* notes;  // correlator notes (may be null)
  stomp::FrameRef ref;
};

void mco_state_register(void);
