#!/usr/bin/ruby
# Start Debian's stompserver 0.9.9 library (the "stompserver" package) with
# the same command-line options as /usr/bin/stompserver.  That script does not
# run on Ruby >= 3.0: it assigns the protocol handler's class variables
# (@@queue_manager, ...) inside an instance_eval block at top level, which
# Ruby 3 rejects ("class variable access from toplevel") at the first client
# connection.  Here they are set once with class_variable_set instead.
require 'etc'
require 'yaml'
require 'optparse'
require 'stomp_server'

EventMachine.run do
  config = StompServer::Configurator.new
  run = StompServer::Run.new(config.opts)
  run.start
  handler = StompServer::Protocols::Stomp
  handler.class_variable_set(:@@auth_required, run.auth_required)
  handler.class_variable_set(:@@queue_manager, run.queue_manager)
  handler.class_variable_set(:@@topic_manager, run.topic_manager)
  handler.class_variable_set(:@@stompauth, run.stompauth)
  puts "stompserver #{config.opts[:host]}:#{config.opts[:port]} auth=#{config.opts[:auth]}"
  $stdout.flush
  EventMachine.start_server(config.opts[:host], config.opts[:port], handler)
end
