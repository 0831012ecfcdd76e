#!/usr/bin/env ruby
# make_bodies.rb - the MCollective bodies of the synthetic captures that the
# shared samples do not have: a SimpleRPC request sent with
# :process_results => false (fire and forget: MCollective's
# RPC::Client#call_agent with process_results false), shaped like sample 04
# of /work/shared/docs/mcollective-samples/generate_samples.rb (same helper
# code: psk, Marshal, Symbol keys), and a Marshal Hash with String keys
# that only looks like an envelope. Run with Ruby (3.1.2 made the committed
# files); the tests only read the output:
#
#     ruby make_bodies.rb
require 'digest/md5'
require 'digest/sha1'

DIR = File.expand_path(File.dirname(__FILE__))
PSK = "changeme"
T0 = 1700000000

def request_id(name)
  ns = ["6ba7b8109dad11d180b400c04fd430c8"].pack("H*")
  d = Digest::SHA1.digest(ns + name).bytes[0, 16]
  d[6] = (d[6] & 0x0f) | 0x50
  d[8] = (d[8] & 0x3f) | 0x80
  d.pack("C*").unpack1("H*")
end

def psk_request(inner, agent:, collective:, filter:, callerid:, sender:, reqid:, msgtime:, ttl: 60)
  body = Marshal.dump(inner)
  env = {:body => body, :senderid => sender, :requestid => reqid, :filter => filter,
         :collective => collective, :agent => agent, :callerid => callerid,
         :ttl => ttl, :msgtime => msgtime}
  env[:hash] = Digest::MD5.hexdigest(body + PSK)
  Marshal.dump(env)
end

filter = {"fact" => [], "cf_class" => [], "agent" => ["rpcutil"], "identity" => [], "compound" => []}
inner = {:agent => "rpcutil", :action => "ping", :caller => "uid=1000",
         :data => {:process_results => false}}
File.binwrite(File.join(DIR, "rpc_process_results_false.psk.marshal"),
              psk_request(inner, agent: "rpcutil", collective: "mcollective", filter: filter,
                          callerid: "uid=1000", sender: "admin.example.net",
                          reqid: request_id("synthetic-process-results-false"), msgtime: T0 + 10))
# String keys: not how any security plugin builds an envelope
File.binwrite(File.join(DIR, "string_keys.marshal"),
              Marshal.dump({"body" => Marshal.dump("ping"), "senderid" => "y",
                            "requestid" => request_id("synthetic-string-keys"), "msgtime" => T0}))
puts request_id("synthetic-process-results-false")
