# Client-side recording for ruby-stomp 1.4.10 (Debian ruby-stomp).
#
# Prepends a module to Stomp::Connection that wraps
#   * _transmit  - the gem's wire-write of one frame: while it runs, every
#                  write() on the socket *from that thread* is appended to a
#                  buffer, so we get the exact bytes of the frame (the gem writes
#                  the command, each header line, the blank line, the body and
#                  the NUL with separate write() calls);
#   * _receive   - the gem's wire-read of one frame: we record the Stomp::Message
#                  it returns (command, headers as the gem decoded them, body).
# Heart-beats: the gem's own counters hbsend_count / hbrecv_count.
#
# Usage:
#   log = RbRec::ConnLog.new("label", port)
#   conn = RbRec.connect(log, params)   # Stomp::Connection.new(params)
#   ...
#   RbRec.write_log(path, [log, ...], meta_hash)
require 'stomp'
require 'json'
require 'base64'
require 'digest/sha1'

module RbRec
  class ConnLog
    attr_accessor :label, :client_port, :server_port, :sent, :received,
                  :heartbeats_sent, :heartbeats_received, :notes
    def initialize(label, server_port)
      @label = label
      @server_port = server_port
      @client_port = nil
      @sent = []
      @received = []
      @heartbeats_sent = 0
      @heartbeats_received = 0
      @notes = []
    end

    def to_h
      { "label" => @label, "client_port" => @client_port, "server_port" => @server_port,
        "sent" => @sent, "received" => @received,
        "heartbeats_sent" => @heartbeats_sent, "heartbeats_received" => @heartbeats_received,
        "notes" => @notes }
    end

    def commands_received
      @received.map { |f| f["command"] }
    end
  end

  @next_log = nil
  class << self
    attr_accessor :next_log
  end

  def self.utf8(s)
    s = s.to_s.dup.force_encoding(Encoding::UTF_8)
    raise "header is not valid UTF-8: #{s.inspect}" unless s.valid_encoding?
    s
  end

  module Hooks
    private

    def open_socket
      @rbrec_log ||= RbRec.next_log
      s = super
      if @rbrec_log
        @rbrec_log.client_port = s.local_address.ip_port
        s.define_singleton_method(:write) do |*args|
          buf = Thread.current[:rbrec_buf]
          if buf && Thread.current[:rbrec_sock].equal?(self)
            args.each { |a| buf << a.to_s.b }
          end
          super(*args)
        end
      end
      s
    end

    def _transmit(used_socket, command, headers = {}, body = '')
      log = @rbrec_log
      return super unless log
      # The gem escapes header names and values iff this holds (see
      # connection/netio.rb); recorded so the manifest builder can decode.
      escaped = (@protocol >= Stomp::SPL_11 && command != Stomp::CMD_CONNECT)
      buf = ''.b
      Thread.current[:rbrec_buf] = buf
      Thread.current[:rbrec_sock] = used_socket
      begin
        super
      ensure
        Thread.current[:rbrec_buf] = nil
        Thread.current[:rbrec_sock] = nil
      end
      log.sent << { "command" => command, "escaped" => escaped,
                    "raw_b64" => Base64.strict_encode64(buf) }
    end

    def _receive(read_socket, connread = false, noiosel = false)
      msg = super
      log = @rbrec_log
      if log && msg
        hdrs = {}
        msg.headers.each do |k, v|
          v = v.first if v.is_a?(Array) # repeated header: first occurrence
          hdrs[RbRec.utf8(k)] = RbRec.utf8(v)
        end
        body = msg.body.to_s.b
        # the header lines as received (before the gem's decoding), from the
        # raw frame text the gem keeps in Message#original
        head = msg.original.to_s.b.split("\n\n", 2)[0].to_s
        raw_pairs = head.split("\n").drop(1).map do |line|
          k, v = line.split(':', 2)
          v.nil? ? nil : [RbRec.utf8(k), RbRec.utf8(v)]
        end.compact
        log.received << { "command" => msg.command.to_s, "headers" => hdrs,
                          "body_len" => body.bytesize,
                          "body_sha1" => Digest::SHA1.hexdigest(body),
                          "raw_headers" => raw_pairs, "protocol" => @protocol.to_s }
      end
      msg
    end
  end

  # Open a Stomp::Connection recorded into log.
  def self.connect(log, params)
    RbRec.next_log = log
    begin
      conn = Stomp::Connection.new(params)
    ensure
      RbRec.next_log = nil
    end
    conn
  end

  # Record the gem's heart-beat counters (call before disconnect).
  def self.snapshot_heartbeats(log, conn)
    log.heartbeats_sent = conn.hbsend_count
    log.heartbeats_received = conn.hbrecv_count
  end

  # Receive frames until block returns true for one; returns that frame.
  def self.receive_until(conn, log, what)
    loop do
      m = conn.receive
      raise "#{log.label}: EOF while waiting for #{what}; got #{log.commands_received}" if m.nil?
      return m if yield(m)
    end
  end

  def self.params(port, login, passcode, connect_headers)
    { hosts: [{ login: login, passcode: passcode, host: '127.0.0.1', port: port, ssl: false }],
      reliable: false, connect_headers: connect_headers, connect_timeout: 10,
      parse_timeout: 20, connread_timeout: 10 }
  end

  def self.write_log(path, logs, meta)
    doc = { "format" => "ruby", "meta" => meta, "connections" => logs.map(&:to_h) }
    File.write(path + ".tmp", JSON.pretty_generate(doc))
    File.rename(path + ".tmp", path)
  end
end

Stomp::Connection.prepend(RbRec::Hooks)
