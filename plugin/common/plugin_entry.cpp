// plugin_entry.cpp - the symbols Wireshark's plugin loader looks for.
//
// The loader dlsym()s plugin_version, plugin_want_major/minor and
// plugin_register. They must have C linkage and default visibility; the
// declarations sit inside extern "C" and the definitions outside it, because a
// const defined inside the braces without `extern` would get internal linkage
// and silently not be exported.
#include "plugin/common/ws_compat.h"

#include "plugin/common/plugin_protocols.h"

#ifndef STOMP_PLUGIN_VERSION
#define STOMP_PLUGIN_VERSION "0.0.0"
#endif

extern "C" {
WS_DLL_PUBLIC_DEF extern const char plugin_version[];
WS_DLL_PUBLIC_DEF extern const int plugin_want_major;
WS_DLL_PUBLIC_DEF extern const int plugin_want_minor;
WS_DLL_PUBLIC void plugin_register(void);
#if STOMP_WS_VERSION >= 404
WS_DLL_PUBLIC uint32_t plugin_describe(void);
#endif
}

const char plugin_version[] = STOMP_PLUGIN_VERSION;
const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

void plugin_register(void) {
  static proto_plugin stomp_plugin;
  stomp_plugin.register_protoinfo = proto_register_stomp;
  stomp_plugin.register_handoff = proto_reg_handoff_stomp;
  proto_register_plugin(&stomp_plugin);

  static proto_plugin mco_plugin;
  mco_plugin.register_protoinfo = proto_register_mcollective;
  mco_plugin.register_handoff = proto_reg_handoff_mcollective;
  proto_register_plugin(&mco_plugin);

  static proto_plugin sockjs_plugin;
  sockjs_plugin.register_protoinfo = proto_register_sockjs;
  sockjs_plugin.register_handoff = proto_reg_handoff_sockjs;
  proto_register_plugin(&sockjs_plugin);
}

#if STOMP_WS_VERSION >= 404
#include <wsutil/plugins.h>
uint32_t plugin_describe(void) { return WS_PLUGIN_DESC_DISSECTOR; }
#endif
