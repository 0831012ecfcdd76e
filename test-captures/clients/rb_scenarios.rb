#!/usr/bin/ruby
# ruby-stomp 1.4.10 scenarios for the STOMP test captures.
#   ruby rb_scenarios.rb <scenario> --broker amq|rmq|ss --port N --log out.json
#                        [--user U --passcode P --topic T]
# Each scenario records its connections with rbrec.rb and writes a log that
# lib/stompcap.py's load_ruby_log() turns into manifest entries.  Any surprise
# raises (non-zero exit).
require_relative 'rbrec'
require 'optparse'

CLIENT = "ruby-stomp #{Stomp::Version::STRING}"

opts = { user: 'capuser', passcode: 'cappass' }
scenario = ARGV.shift
OptionParser.new do |o|
  o.on('--broker B') { |v| opts[:broker] = v }
  o.on('--port N', Integer) { |v| opts[:port] = v }
  o.on('--log F') { |v| opts[:log] = v }
  o.on('--user U') { |v| opts[:user] = v }
  o.on('--passcode P') { |v| opts[:passcode] = v }
  o.on('--topic T') { |v| opts[:topic] = v }
end.parse!(ARGV)

BROKER = opts[:broker]
PORT = opts[:port]
VHOST = BROKER == 'rmq' ? '/' : 'localhost'
BIN_512 = ((0..255).map(&:chr).join * 2).b

def open_conn(opts, label, connect_headers)
  log = RbRec::ConnLog.new(label, PORT)
  conn = RbRec.connect(log, RbRec.params(PORT, opts[:user], opts[:passcode], connect_headers))
  cf = conn.connection_frame
  raise "#{label}: not connected: #{cf.inspect}" unless cf && cf.command == 'CONNECTED'
  [conn, log]
end

def wait_receipt(conn, log, rid, seen)
  RbRec.receive_until(conn, log, "RECEIPT #{rid}") do |m|
    seen << m if m.command == 'MESSAGE'
    raise "#{log.label}: ERROR #{m.headers.inspect}" if m.command == 'ERROR'
    m.command == 'RECEIPT' && m.headers['receipt-id'] == rid
  end
end

def wait_messages(conn, log, n, seen)
  RbRec.receive_until(conn, log, "#{n} MESSAGEs") do |m|
    raise "#{log.label}: unexpected #{m.command} #{m.headers.inspect}" unless m.command == 'MESSAGE'
    seen << m
    seen.size >= n
  end unless seen.size >= n
end

def disconnect(conn, log, rid)
  conn.disconnect(receipt: rid)
  dr = conn.disconnect_receipt
  raise "#{log.label}: no disconnect RECEIPT: #{dr.inspect}" unless dr && dr.command == 'RECEIPT' && dr.headers['receipt-id'] == rid
end

# Header values with characters that need escaping in 1.1/1.2.  ruby-stomp
# 1.4.10 decodes received headers with sequential gsubs (\\ first), which
# mis-decodes a backslash followed by 'c', 'n' or 'r' - so none of these values
# contains one (the python scenarios cover those).
RB_ESC = {
  'x-colon' => 'a:b:c',
  'x-backslash' => 'C:\\Temp\\dir',
  'x-newline' => "line1\nline2",
  'x-utf8' => 'Grüße ☃',
  'x-grüße' => '☃',
}.freeze

scenarios = {}

# STOMP 1.0 session, no escaping, SENDs with bodies, ack:client, transaction.
scenarios['basic10'] = lambda do
  conn, log = open_conn(opts, 'basic10', {})
  q = "/queue/#{BROKER}-rb10"
  seen = []
  conn.subscribe(q, { ack: 'client', receipt: 'r-sub' })
  wait_receipt(conn, log, 'r-sub', seen)
  conn.publish(q, 'first message, STOMP 1.0', { 'x-note' => 'colons: are: not escaped in 1.0' })
  conn.publish(q, 'second message', {})
  conn.publish(q, 'third message, with receipt', { receipt: 'r-send-3' })
  wait_receipt(conn, log, 'r-send-3', seen)
  wait_messages(conn, log, 3, seen)
  conn.ack(seen[2].headers['message-id'], { receipt: 'r-ack' })   # ack:client is cumulative
  wait_receipt(conn, log, 'r-ack', seen)
  conn.begin('tx-rb10')
  conn.publish(q, 'sent inside a transaction', { transaction: 'tx-rb10' })
  conn.commit('tx-rb10', { receipt: 'r-commit' })
  wait_receipt(conn, log, 'r-commit', seen)
  wait_messages(conn, log, 4, seen)
  conn.ack(seen[3].headers['message-id'], { receipt: 'r-ack-2' })
  wait_receipt(conn, log, 'r-ack-2', seen)
  conn.unsubscribe(q, { receipt: 'r-unsub' })
  wait_receipt(conn, log, 'r-unsub', seen)
  raise "got #{seen.size} messages" unless seen.size == 4
  disconnect(conn, log, 'r-disc')
  [[log], { 'stomp_version' => '1.0',
            'description' => 'One STOMP 1.0 session (CONNECT without accept-version/host; ruby-stomp adds '\
                             'content-length and content-type:text/plain; charset=UTF-8 to every frame it sends, '\
                             'and writes every line of a frame with its own write(), TCP_NODELAY on, so most '\
                             'client frames span several TCP segments): SUBSCRIBE ack:client with receipt; three '\
                             'SENDs with text bodies (the last with receipt; one with a header value containing '\
                             'colons, not escaped in 1.0); 3 MESSAGEs; cumulative ACK (message-id) with receipt; '\
                             'BEGIN, SEND in the transaction, COMMIT with receipt; its MESSAGE; ACK with receipt; '\
                             'UNSUBSCRIBE (by destination) with receipt; DISCONNECT with receipt.' +
                             (BROKER == 'rmq' ? ' Note: RabbitMQ escapes header values in this 1.0 session too '\
                              '(x-note goes out as "colons\\c are\\c not escaped in 1.0"), and ruby-stomp '\
                              'decodes 1.0 headers as well, so the recorded value has the colons; see '\
                              '"undecoded" for the wire text.' : '') }]
end

# STOMP 1.2: escaped + UTF-8 headers, CR in a value, binary body, ACK/NACK.
scenarios['escapes12'] = lambda do
  conn, log = open_conn(opts, 'escapes12', { 'accept-version' => '1.2', 'host' => VHOST })
  q = "/queue/#{BROKER}-rb12-escapes"
  seen = []
  conn.subscribe(q, { id: 'sub-rb12', ack: 'client-individual', receipt: 'r-sub' })
  wait_receipt(conn, log, 'r-sub', seen)
  hdrs = RB_ESC.merge('x-cr' => "carriage\rreturn", receipt: 'r-esc')
  conn.publish(q, 'body with UTF-8: Grüße ☃', hdrs)
  wait_receipt(conn, log, 'r-esc', seen)
  conn.publish(q, BIN_512, { 'content-type' => 'application/octet-stream', receipt: 'r-bin' })
  wait_receipt(conn, log, 'r-bin', seen)
  wait_messages(conn, log, 2, seen)
  conn.ack(seen[0].headers['ack'], { receipt: 'r-ack' })
  wait_receipt(conn, log, 'r-ack', seen)
  nack_hdrs = { receipt: 'r-nack' }
  nack_hdrs['requeue'] = 'false' if BROKER == 'rmq'
  conn.nack(seen[1].headers['ack'], nack_hdrs)
  wait_receipt(conn, log, 'r-nack', seen)
  conn.unsubscribe(q, { id: 'sub-rb12', receipt: 'r-unsub' })
  wait_receipt(conn, log, 'r-unsub', seen)
  raise "got #{seen.size} messages" unless seen.size == 2
  disconnect(conn, log, 'r-disc')
  [[log], { 'stomp_version' => '1.2',
            'description' => 'One STOMP 1.2 session (CONNECT accept-version:1.2 + host); ruby-stomp writes '\
                             'each header line with its own write() (TCP_NODELAY) and adds content-length and '\
                             'content-type to every frame: SUBSCRIBE ack:client-individual with receipt; SEND with '\
                             'a UTF-8 text body and custom headers x-colon "a:b:c", x-backslash "C:\\Temp\\dir", '\
                             'x-newline "line1<LF>line2", x-utf8 "Grüße ☃", a non-ASCII name x-grüße, and '\
                             'x-cr "carriage<CR>return" (ruby-stomp escapes names and values, CR as \\r); SEND '\
                             'with a 512-byte binary body (bytes 0..255 x2, NULs); both come back as MESSAGEs '\
                             'with the headers escaped by the broker; ACK (id) with receipt; NACK (id'\
                             "#{BROKER == 'rmq' ? ', requeue:false' : ''}) with receipt; UNSUBSCRIBE with "\
                             'receipt; DISCONNECT with receipt. Header values are recorded decoded.' }]
end

# STOMP 1.1: transactions, ACK in a transaction, NACK, escaped headers, an ERROR.
scenarios['txn11'] = lambda do
  conn, log = open_conn(opts, 'txn11', { 'accept-version' => '1.1', 'host' => VHOST })
  q = "/queue/#{BROKER}-rb11-txn"
  seen = []
  conn.subscribe(q, { id: 'sub-rb11', ack: 'client', receipt: 'r-sub' })
  wait_receipt(conn, log, 'r-sub', seen)
  conn.begin('tx-1')
  conn.publish(q, 'txn message 1 (committed)', { transaction: 'tx-1' })
  conn.publish(q, 'txn message 2 (committed)', { transaction: 'tx-1' })
  conn.commit('tx-1', { receipt: 'r-commit-1' })
  wait_receipt(conn, log, 'r-commit-1', seen)
  conn.begin('tx-2')
  conn.publish(q, 'txn message 3 (aborted, never delivered)', { transaction: 'tx-2' })
  conn.abort('tx-2', { receipt: 'r-abort-2' })
  wait_receipt(conn, log, 'r-abort-2', seen)
  wait_messages(conn, log, 2, seen)
  conn.begin('tx-3')
  conn.ack(seen[1].headers['message-id'], { subscription: 'sub-rb11', transaction: 'tx-3' })
  conn.commit('tx-3', { receipt: 'r-commit-3' })
  wait_receipt(conn, log, 'r-commit-3', seen)
  conn.publish(q, 'escaped headers, STOMP 1.1', RB_ESC.merge(receipt: 'r-esc'))
  wait_receipt(conn, log, 'r-esc', seen)
  wait_messages(conn, log, 3, seen)
  nack_hdrs = { subscription: 'sub-rb11', receipt: 'r-nack' }
  nack_hdrs['requeue'] = 'false' if BROKER == 'rmq'
  conn.nack(seen[2].headers['message-id'], nack_hdrs)
  wait_receipt(conn, log, 'r-nack', seen)
  # an ERROR from the broker: SEND to an invalid destination
  conn.publish('/foo/bar', 'to an invalid destination', { receipt: 'r-bad' })
  err = RbRec.receive_until(conn, log, 'ERROR') { |m| m.command == 'ERROR' }
  raise "expected ERROR, got #{err.inspect}" unless err.command == 'ERROR'
  sleep 0.3
  raise "got #{seen.size} messages" unless seen.size == 3
  disconnect(conn, log, 'r-disc')
  [[log], { 'stomp_version' => '1.1',
            'description' => 'One STOMP 1.1 session (CONNECT accept-version:1.1, host:/) on a non-default port; '\
                             'ruby-stomp writes each header line with its own write(): SUBSCRIBE ack:client with '\
                             'receipt; BEGIN tx-1, two SENDs in tx-1, COMMIT with receipt; BEGIN tx-2, SEND in '\
                             'tx-2, ABORT with receipt (never delivered); 2 MESSAGEs; BEGIN tx-3, ACK (1.1: '\
                             'message-id + subscription) in tx-3, COMMIT with receipt; SEND with escaped/UTF-8 '\
                             'custom headers (x-colon, x-backslash, x-newline, x-utf8, name x-grüße) with receipt; '\
                             'its MESSAGE; NACK with requeue:false and receipt; SEND to /foo/bar with receipt -> '\
                             'ERROR "Unknown destination" (no receipt-id, RabbitMQ keeps the connection open); '\
                             'DISCONNECT with receipt.' }]
end

# STOMP 1.2 heart-beats 1000,1000 and 4 s idle.
scenarios['heartbeat12'] = lambda do
  conn, log = open_conn(opts, 'heartbeat12', { 'accept-version' => '1.2', 'host' => VHOST,
                                               'heart-beat' => '1000,1000' })
  sleep 4.2
  RbRec.snapshot_heartbeats(log, conn)
  raise "too few heart-beats #{log.heartbeats_sent}/#{log.heartbeats_received}" if log.heartbeats_sent < 3 || log.heartbeats_received < 2
  disconnect(conn, log, 'r-disc')
  [[log], { 'stomp_version' => '1.2',
            'description' => 'One STOMP 1.2 session with heart-beat:1000,1000 in CONNECT, idle for 4.2 s so that '\
                             'heart-beat EOLs cross the wire both ways, then DISCONNECT with receipt. '\
                             'heartbeats_sent_min / heartbeats_received_min are ruby-stomp\'s own counters '\
                             '(hbsend_count: every EOL it wrote; hbrecv_count: EOLs its receive ticker read, a '\
                             'lower bound).' }]
end

# STOMP 1.0 producer for the multi-connection topic scenario (driven by py_scenarios.py multi).
scenarios['producer10'] = lambda do
  conn, log = open_conn(opts, 'producer', {})
  seen = []
  5.times do |i|
    conn.publish(opts[:topic], "topic message #{i}", { receipt: "r-pub-#{i}", 'x-seq' => i.to_s })
    wait_receipt(conn, log, "r-pub-#{i}", seen)
  end
  disconnect(conn, log, 'r-disc')
  [[log], { 'stomp_version' => '1.0', 'description' => 'producer' }]
end

# STOMP 1.0 against stompserver (no RECEIPT for DISCONNECT, queue messages
# for an ack:client subscriber one at a time): queue + topic, transaction.
scenarios['ss10'] = lambda do
  conn, log = open_conn(opts, 'ss10', {})
  q = '/queue/ss-rb10'
  t = '/topic/ss-rb10'
  seen = []
  conn.subscribe(q, { ack: 'client', receipt: 'r-sub-q' })
  wait_receipt(conn, log, 'r-sub-q', seen)
  conn.subscribe(t, { receipt: 'r-sub-t' })
  wait_receipt(conn, log, 'r-sub-t', seen)
  # one message at a time (an ACK while another one is queued crashes stompserver, see py_scenarios.py)
  conn.publish(q, 'first message, STOMP 1.0', { 'x-note' => 'colons: are: not escaped in 1.0' })
  wait_messages(conn, log, 1, seen)
  conn.ack(seen[0].headers['message-id'], { receipt: 'r-ack-1' })
  wait_receipt(conn, log, 'r-ack-1', seen)
  conn.publish(q, 'second message, with receipt', { receipt: 'r-send-2' })
  wait_receipt(conn, log, 'r-send-2', seen)
  wait_messages(conn, log, 2, seen)
  conn.ack(seen[1].headers['message-id'], { receipt: 'r-ack-2' })
  wait_receipt(conn, log, 'r-ack-2', seen)
  conn.begin('tx-ss')
  conn.publish(t, 'sent to the topic inside a transaction', { transaction: 'tx-ss' })
  conn.commit('tx-ss', { receipt: 'r-commit' })
  wait_receipt(conn, log, 'r-commit', seen)
  wait_messages(conn, log, 3, seen)
  conn.unsubscribe(q, { receipt: 'r-unsub' })
  wait_receipt(conn, log, 'r-unsub', seen)
  raise "got #{seen.size} messages" unless seen.size == 3
  conn.disconnect
  [[log], { 'stomp_version' => '1.0',
            'description' => 'One STOMP 1.0 session against stompserver (its CONNECTED has only session:wow; '\
                             'ruby-stomp adds content-length and content-type to every frame and writes each line '\
                             'with its own write()): SUBSCRIBE a queue ack:client and a topic, with receipts; two '\
                             'SENDs to the queue, one at a time (the first with a header value with colons, the second '\
                             'with receipt), each MESSAGE ACKed (message-id) with receipt; BEGIN, SEND to the topic in the transaction, COMMIT with receipt and the '\
                             'MESSAGE (message-id msg-#stompcma-N); UNSUBSCRIBE (destination) with receipt; '\
                             'DISCONNECT without receipt (stompserver would not answer one), then the client closes.' }]
end

fn = scenarios[scenario] or abort("unknown scenario #{scenario}; known: #{scenarios.keys.join(', ')}")
logs, meta = fn.call
meta['client'] = CLIENT
RbRec.write_log(opts[:log], logs, meta)
