// plugin_protocols.h - registration entry points of the protocols this plugin
// adds; plugin_entry.cpp hands them to Wireshark.
#pragma once

void proto_register_stomp(void);
void proto_reg_handoff_stomp(void);
void proto_register_mcollective(void);
void proto_reg_handoff_mcollective(void);
void proto_register_sockjs(void);
void proto_reg_handoff_sockjs(void);
