// mco_fields.cpp - definitions and registration arrays of MCollective's
// fields, subtrees and expert infos.
#include "plugin/mcollective/mco_fields.h"

int proto_mcollective = -1;

int hf_mco_kind = -1;
int hf_mco_security = -1;
int hf_mco_serializer = -1;
int hf_mco_base64 = -1;
int hf_mco_senderid = -1;
int hf_mco_requestid = -1;
int hf_mco_senderagent = -1;
int hf_mco_agent = -1;
int hf_mco_collective = -1;
int hf_mco_callerid = -1;
int hf_mco_ttl = -1;
int hf_mco_msgtime = -1;
int hf_mco_msgtarget = -1;
int hf_mco_hash = -1;
int hf_mco_hash_status = -1;
int hf_mco_sig_status = -1;
int hf_mco_sig_key = -1;
int hf_mco_decrypted = -1;
int hf_mco_signature = -1;
int hf_mco_sslkey = -1;
int hf_mco_sslpubkey = -1;
int hf_mco_filter_fact = -1;
int hf_mco_filter_fact_name = -1;
int hf_mco_filter_fact_operator = -1;
int hf_mco_filter_fact_value = -1;
int hf_mco_filter_class = -1;
int hf_mco_filter_agent = -1;
int hf_mco_filter_identity = -1;
int hf_mco_filter_compound = -1;
int hf_mco_filter_collective = -1;
int hf_mco_body_kind = -1;
int hf_mco_discovery = -1;
int hf_mco_rpc_agent = -1;
int hf_mco_rpc_action = -1;
int hf_mco_rpc_caller = -1;
int hf_mco_rpc_statuscode = -1;
int hf_mco_rpc_statusmsg = -1;
int hf_mco_rpc_data = -1;
int hf_mco_rpc_data_key = -1;
int hf_mco_rpc_data_value = -1;
int hf_mco_rpc_process_results = -1;
int hf_mco_registration_agent = -1;
int hf_mco_encrypted = -1;
int hf_mco_ciphertext_len = -1;
int hf_mco_wrapper_ttl = -1;
int hf_mco_wrapper_msgtime = -1;
int hf_mco_value = -1;
int hf_mco_request_in = -1;
int hf_mco_reply_in = -1;
int hf_mco_reply_node = -1;
int hf_mco_replies = -1;
int hf_mco_time = -1;
int hf_mco_time_broker_out = -1;
int hf_mco_time_node = -1;
int hf_mco_time_broker_back = -1;
int hf_mco_time_client = -1;
int hf_mco_time_client_send = -1;
int hf_mco_time_from = -1;
int hf_mco_client_start_in = -1;
int hf_mco_delivery_in = -1;
int hf_mco_delivery_age = -1;

gint ett_mco = -1;
gint ett_mco_envelope = -1;
gint ett_mco_filter = -1;
gint ett_mco_fact = -1;
gint ett_mco_body = -1;
gint ett_mco_rpc_data = -1;
gint ett_mco_value = -1;
gint ett_mco_pairing = -1;
gint ett_mco_reply = -1;

expert_field ei_mco_decode_error = EI_INIT;
expert_field ei_mco_not_decodable = EI_INIT;
expert_field ei_mco_decode_warning = EI_INIT;
expert_field ei_mco_unknown_request = EI_INIT;
expert_field ei_mco_ttl_expired = EI_INIT;
expert_field ei_mco_expired_on_delivery = EI_INIT;
expert_field ei_mco_hash_bad = EI_INIT;
expert_field ei_mco_hash_good = EI_INIT;
expert_field ei_mco_sig_bad = EI_INIT;
expert_field ei_mco_sig_good = EI_INIT;
expert_field ei_mco_sig_nokey = EI_INIT;
expert_field ei_mco_key_unreadable = EI_INIT;
expert_field ei_mco_decrypt_failed = EI_INIT;
expert_field ei_mco_statuscode = EI_INIT;
expert_field ei_mco_encrypted = EI_INIT;
expert_field ei_mco_tree_truncated = EI_INIT;

namespace {
// SimpleRPC reply status codes (MCollective::RPC::Reply / rpc/reply.rb).
const value_string statuscode_vals[] = {
    {0, "OK"},
    {1, "Aborted (RPCAborted)"},
    {2, "Unknown action"},
    {3, "Missing data"},
    {4, "Invalid data"},
    {5, "Unknown error"},
    {0, NULL},
};
}  // namespace

#define STR(var, name, abbrev, blurb) \
  {&var, {name, abbrev, FT_STRING, BASE_NONE, NULL, 0x0, blurb, HFILL}}
#define FRAME(var, name, abbrev, type, blurb) \
  {&var, {name, abbrev, FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(type), 0x0, blurb, HFILL}}
#define RELTIME(var, name, abbrev, blurb) \
  {&var, {name, abbrev, FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0, blurb, HFILL}}

void mco_register_fields(void) {
  static hf_register_info hf[] = {
      STR(hf_mco_kind, "Kind", "mcollective.kind", "request, reply or registration"),
      STR(hf_mco_security, "Security plugin", "mcollective.security", "psk, ssl or aes_security (inferred)"),
      STR(hf_mco_serializer, "Serializer", "mcollective.serializer", "marshal or yaml"),
      {&hf_mco_base64, {"Base64 layer", "mcollective.base64", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
                        "The STOMP body was Base64 (plugin.<connector>.base64)", HFILL}},
      STR(hf_mco_senderid, "Sender id", "mcollective.senderid", ":senderid: identity of the publisher"),
      STR(hf_mco_requestid, "Request id", "mcollective.requestid", ":requestid"),
      STR(hf_mco_senderagent, "Sender agent", "mcollective.senderagent", ":senderagent (replies)"),
      STR(hf_mco_agent, "Agent", "mcollective.agent", ":agent (requests)"),
      STR(hf_mco_collective, "Collective", "mcollective.collective", ":collective"),
      STR(hf_mco_callerid, "Caller id", "mcollective.callerid", ":callerid"),
      {&hf_mco_ttl, {"TTL", "mcollective.ttl", FT_INT64, BASE_DEC | BASE_UNIT_STRING,
                     &units_seconds, 0x0, ":ttl", HFILL}},
      {&hf_mco_msgtime, {"Message time", "mcollective.msgtime", FT_ABSOLUTE_TIME,
                         ABSOLUTE_TIME_UTC, NULL, 0x0, ":msgtime", HFILL}},
      STR(hf_mco_msgtarget, "Message target", "mcollective.msgtarget", ":msgtarget (MCollective 1.x)"),
      STR(hf_mco_hash, "Hash", "mcollective.hash", ":hash: psk MD5 or ssl signature"),
      STR(hf_mco_hash_status, "Hash status", "mcollective.hash.status",
          "good/bad: MD5(:body + pre-shared key) compared with :hash"),
      STR(hf_mco_signature, "Signature", "mcollective.signature",
          ":hash of the ssl plugin: Base64 RSA-SHA1 signature of :body"),
      STR(hf_mco_sig_status, "Signature status", "mcollective.signature.status",
          "good / bad / no key: RSA-SHA1 of :body checked with the configured public key"),
      STR(hf_mco_sig_key, "Signature key", "mcollective.signature.key",
          "Name of the public key the signature was (to be) checked with"),
      {&hf_mco_decrypted, {"Decrypted body", "mcollective.decrypted", FT_BOOLEAN, BASE_NONE,
                           NULL, 0x0, "aes_security :body decrypted with the configured keys",
                           HFILL}},
      STR(hf_mco_sslkey, "SSL key", "mcollective.sslkey", ":sslkey (aes_security)"),
      STR(hf_mco_sslpubkey, "SSL public key", "mcollective.sslpubkey", ":sslpubkey (aes_security)"),
      STR(hf_mco_filter_fact, "Fact filter", "mcollective.filter.fact", "fact operator value"),
      STR(hf_mco_filter_fact_name, "Fact", "mcollective.filter.fact.name", NULL),
      STR(hf_mco_filter_fact_operator, "Operator", "mcollective.filter.fact.operator", NULL),
      STR(hf_mco_filter_fact_value, "Value", "mcollective.filter.fact.value", NULL),
      STR(hf_mco_filter_class, "Class filter", "mcollective.filter.class", "cf_class entry"),
      STR(hf_mco_filter_agent, "Agent filter", "mcollective.filter.agent", NULL),
      STR(hf_mco_filter_identity, "Identity filter", "mcollective.filter.identity", NULL),
      STR(hf_mco_filter_compound, "Compound filter", "mcollective.filter.compound", NULL),
      STR(hf_mco_filter_collective, "Collective filter", "mcollective.filter.collective", NULL),
      STR(hf_mco_body_kind, "Body", "mcollective.body.kind",
          "discovery ping/pong, rpc request/reply, registration, encrypted"),
      STR(hf_mco_discovery, "Discovery", "mcollective.discovery", "ping or pong"),
      STR(hf_mco_rpc_agent, "RPC agent", "mcollective.rpc.agent", NULL),
      STR(hf_mco_rpc_action, "RPC action", "mcollective.rpc.action", NULL),
      STR(hf_mco_rpc_caller, "RPC caller", "mcollective.rpc.caller", NULL),
      {&hf_mco_rpc_statuscode, {"RPC status code", "mcollective.rpc.statuscode", FT_INT32,
                                BASE_DEC, VALS(statuscode_vals), 0x0, NULL, HFILL}},
      STR(hf_mco_rpc_statusmsg, "RPC status message", "mcollective.rpc.statusmsg", NULL),
      STR(hf_mco_rpc_data, "RPC data item", "mcollective.rpc.data", "key => value"),
      STR(hf_mco_rpc_data_key, "Key", "mcollective.rpc.data.key", NULL),
      STR(hf_mco_rpc_data_value, "Value", "mcollective.rpc.data.value", NULL),
      {&hf_mco_rpc_process_results, {"Process results", "mcollective.rpc.process_results",
                                     FT_BOOLEAN, BASE_NONE, NULL, 0x0,
                                     "false: fire and forget, no replies", HFILL}},
      STR(hf_mco_registration_agent, "Registered agent", "mcollective.registration.agent", NULL),
      {&hf_mco_encrypted, {"Encrypted body", "mcollective.encrypted", FT_BOOLEAN, BASE_NONE,
                           NULL, 0x0, "aes_security: :body is AES-256-CBC", HFILL}},
      {&hf_mco_ciphertext_len, {"Ciphertext length", "mcollective.ciphertext_length", FT_UINT32,
                                BASE_DEC, NULL, 0x0, NULL, HFILL}},
      {&hf_mco_wrapper_ttl, {"Signed TTL", "mcollective.wrapper.ttl", FT_INT64, BASE_DEC, NULL,
                             0x0, ":ssl_ttl / :aes_ttl inside the request wrapper", HFILL}},
      {&hf_mco_wrapper_msgtime, {"Signed message time", "mcollective.wrapper.msgtime",
                                 FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0,
                                 ":ssl_msgtime / :aes_msgtime", HFILL}},
      STR(hf_mco_value, "Value", "mcollective.value", "A decoded Ruby value (inspect form)"),
      FRAME(hf_mco_request_in, "Request in", "mcollective.request_in", FT_FRAMENUM_REQUEST,
            "The client's SEND of the request this replies to (its first delivery when the "
            "SEND is not in the capture)"),
      FRAME(hf_mco_delivery_in, "Delivered to the node in", "mcollective.delivery_in",
            FT_FRAMENUM_REQUEST, "The MESSAGE that delivered the request to the replying node"),
      FRAME(hf_mco_client_start_in, "Client start in", "mcollective.client_start_in",
            FT_FRAMENUM_NONE,
            "The CONNECTED the client received right before it built this request: mco ping "
            "starts its clock there (after connecting, before encoding and signing)"),
      FRAME(hf_mco_reply_in, "Reply in", "mcollective.reply_in", FT_FRAMENUM_RESPONSE,
            "A reply to this request (one per replying node)"),
      STR(hf_mco_reply_node, "Replying node", "mcollective.reply_node", NULL),
      {&hf_mco_replies, {"Replies", "mcollective.replies", FT_UINT32, BASE_DEC, NULL, 0x0,
                         "Nodes that replied in this capture", HFILL}},
      RELTIME(hf_mco_time, "Time", "mcollective.time",
              "Reply minus the request's origin (client start, else the request's SEND, else "
              "its first delivery): the client's view, as mco ping measures it"),
      STR(hf_mco_time_from, "Time measured from", "mcollective.time.from",
          "client start, request SEND or request delivery"),
      RELTIME(hf_mco_time_client, "Client", "mcollective.time.client",
              "Client start (its CONNECTED) -> the request's first SEND: building, serializing "
              "and signing the request"),
      RELTIME(hf_mco_time_client_send, "Client send", "mcollective.time.client_send",
              "The request's first SEND -> the SEND of the copy that reached this node "
              "(direct addressing sends one copy per node)"),
      RELTIME(hf_mco_time_broker_out, "Broker out", "mcollective.time.broker_out",
              "SEND of the request copy into the broker -> its delivery to the node"),
      RELTIME(hf_mco_time_node, "Node", "mcollective.time.node",
              "Delivery of the request to the node -> the node's reply SEND"),
      RELTIME(hf_mco_time_broker_back, "Broker back", "mcollective.time.broker_back",
              "The node's reply SEND -> its delivery to the client"),
      RELTIME(hf_mco_delivery_age, "Age", "mcollective.age",
              "Frame time minus :msgtime (clock skew included)"),
  };

  static gint* ett[] = {&ett_mco,      &ett_mco_envelope, &ett_mco_filter,
                        &ett_mco_fact, &ett_mco_body,     &ett_mco_rpc_data,
                        &ett_mco_value, &ett_mco_pairing, &ett_mco_reply};

  static ei_register_info ei[] = {
      {&ei_mco_decode_error, {"mcollective.expert.decode_error", PI_MALFORMED, PI_ERROR,
                              "MCollective message does not decode", EXPFILL}},
      {&ei_mco_not_decodable, {"mcollective.expert.not_decodable", PI_MALFORMED, PI_ERROR,
                               "Not a decodable MCollective message", EXPFILL}},
      {&ei_mco_decode_warning, {"mcollective.expert.decode_warning", PI_PROTOCOL, PI_NOTE,
                                "Decoder warning", EXPFILL}},
      {&ei_mco_unknown_request, {"mcollective.expert.unknown_request", PI_SEQUENCE, PI_WARN,
                                 "Reply to a request not in this capture", EXPFILL}},
      {&ei_mco_ttl_expired, {"mcollective.expert.ttl_expired", PI_SEQUENCE, PI_WARN,
                             "Request TTL expired before a reply", EXPFILL}},
      {&ei_mco_expired_on_delivery, {"mcollective.expert.expired_on_delivery", PI_SEQUENCE,
                                     PI_WARN, "Request delivered after its TTL: the node will "
                                     "drop it", EXPFILL}},
      {&ei_mco_hash_bad, {"mcollective.expert.hash_bad", PI_CHECKSUM, PI_ERROR,
                          "PSK hash does not match :body + key", EXPFILL}},
      {&ei_mco_hash_good, {"mcollective.expert.hash_good", PI_CHECKSUM, PI_CHAT,
                           "PSK hash verified (covers :body only)", EXPFILL}},
      {&ei_mco_sig_bad, {"mcollective.expert.signature_bad", PI_CHECKSUM, PI_ERROR,
                         "ssl signature does not match :body", EXPFILL}},
      {&ei_mco_sig_good, {"mcollective.expert.signature_good", PI_CHECKSUM, PI_CHAT,
                          "ssl signature verified (covers :body only)", EXPFILL}},
      {&ei_mco_sig_nokey, {"mcollective.expert.no_key", PI_UNDECODED, PI_NOTE,
                           "No configured key for this message", EXPFILL}},
      {&ei_mco_key_unreadable, {"mcollective.expert.key_unreadable", PI_UNDECODED, PI_WARN,
                                "The key this message needs could not be read", EXPFILL}},
      {&ei_mco_decrypt_failed, {"mcollective.expert.decrypt_failed", PI_UNDECODED, PI_WARN,
                                "aes_security: body could not be decrypted", EXPFILL}},
      {&ei_mco_statuscode, {"mcollective.expert.statuscode", PI_RESPONSE_CODE, PI_NOTE,
                            "SimpleRPC reply status is not OK", EXPFILL}},
      {&ei_mco_encrypted, {"mcollective.expert.encrypted", PI_UNDECODED, PI_NOTE,
                           "aes_security: body encrypted, not decoded", EXPFILL}},
      {&ei_mco_tree_truncated, {"mcollective.expert.tree_truncated", PI_UNDECODED, PI_NOTE,
                                "Value tree cut at the display limit", EXPFILL}},
  };

  proto_register_field_array(proto_mcollective, hf, array_length(hf));
  proto_register_subtree_array(ett, array_length(ett));
  expert_module_t* expert = expert_register_protocol(proto_mcollective);
  expert_register_field_array(expert, ei, array_length(ei));
}
