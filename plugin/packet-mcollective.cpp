#include "ws_compat.h"
#include "plugin_protocols.h"
static int proto_mco = -1;
void proto_register_mcollective(void) { proto_mco = proto_register_protocol("MCollective", "MCollective", "mcollective"); }
void proto_reg_handoff_mcollective(void) {}
