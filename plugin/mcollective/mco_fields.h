// mco_fields.h - the MCollective protocol's hf_/ett_/ei_ handles, shared by
// the MCollective glue files. Defined and registered in mco_fields.cpp.
#pragma once

#include "plugin/common/ws_compat.h"

extern int proto_mcollective;

// message
extern int hf_mco_kind;
extern int hf_mco_security;
extern int hf_mco_serializer;
extern int hf_mco_base64;
// envelope
extern int hf_mco_senderid;
extern int hf_mco_requestid;
extern int hf_mco_senderagent;
extern int hf_mco_agent;
extern int hf_mco_collective;
extern int hf_mco_callerid;
extern int hf_mco_ttl;
extern int hf_mco_msgtime;
extern int hf_mco_msgtarget;
extern int hf_mco_hash;
extern int hf_mco_hash_status;
extern int hf_mco_sig_status;
extern int hf_mco_sig_key;
extern int hf_mco_decrypted;
extern int hf_mco_signature;
extern int hf_mco_sslkey;
extern int hf_mco_sslpubkey;
// filter
extern int hf_mco_filter_fact;
extern int hf_mco_filter_fact_name;
extern int hf_mco_filter_fact_operator;
extern int hf_mco_filter_fact_value;
extern int hf_mco_filter_class;
extern int hf_mco_filter_agent;
extern int hf_mco_filter_identity;
extern int hf_mco_filter_compound;
extern int hf_mco_filter_collective;
// inner body
extern int hf_mco_body_kind;
extern int hf_mco_discovery;
extern int hf_mco_rpc_agent;
extern int hf_mco_rpc_action;
extern int hf_mco_rpc_caller;
extern int hf_mco_rpc_statuscode;
extern int hf_mco_rpc_statusmsg;
extern int hf_mco_rpc_data;
extern int hf_mco_rpc_data_key;
extern int hf_mco_rpc_data_value;
extern int hf_mco_rpc_process_results;
extern int hf_mco_registration_agent;
extern int hf_mco_encrypted;
extern int hf_mco_ciphertext_len;
extern int hf_mco_wrapper_ttl;
extern int hf_mco_wrapper_msgtime;
extern int hf_mco_value;
// pairing and time
extern int hf_mco_request_in;
extern int hf_mco_reply_in;
extern int hf_mco_reply_node;
extern int hf_mco_replies;
extern int hf_mco_time;
extern int hf_mco_time_broker_out;
extern int hf_mco_time_node;
extern int hf_mco_time_broker_back;
extern int hf_mco_time_client;
extern int hf_mco_time_client_send;
extern int hf_mco_time_from;
extern int hf_mco_client_start_in;
extern int hf_mco_delivery_in;
extern int hf_mco_delivery_age;

extern gint ett_mco;
extern gint ett_mco_envelope;
extern gint ett_mco_filter;
extern gint ett_mco_fact;
extern gint ett_mco_body;
extern gint ett_mco_rpc_data;
extern gint ett_mco_value;
extern gint ett_mco_pairing;
extern gint ett_mco_reply;

extern expert_field ei_mco_decode_error;
extern expert_field ei_mco_not_decodable;
extern expert_field ei_mco_decode_warning;
extern expert_field ei_mco_unknown_request;
extern expert_field ei_mco_ttl_expired;
extern expert_field ei_mco_expired_on_delivery;
extern expert_field ei_mco_hash_bad;
extern expert_field ei_mco_hash_good;
extern expert_field ei_mco_sig_bad;
extern expert_field ei_mco_sig_good;
extern expert_field ei_mco_sig_nokey;
extern expert_field ei_mco_key_unreadable;
extern expert_field ei_mco_decrypt_failed;
extern expert_field ei_mco_statuscode;
extern expert_field ei_mco_encrypted;
extern expert_field ei_mco_tree_truncated;

void mco_register_fields(void);
