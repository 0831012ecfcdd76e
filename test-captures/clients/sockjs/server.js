'use strict';
// SockJS server (the `sockjs` npm package, node http) relaying every SockJS
// session to a STOMP broker over plain TCP: what a SockJS client sends is
// written to the broker as is, and what the broker sends is written back to
// the session (conn.write, one SockJS message per TCP read).
//
//   node server.js --listen 15680 --prefix /stomp --broker-port 61613 [--heartbeat-ms 1000]
const http = require('http');
const net = require('net');
const { StringDecoder } = require('string_decoder');
const sockjs = require('sockjs');

function argv(name, dflt) {
  const i = process.argv.indexOf('--' + name);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  if (dflt === undefined) throw new Error('missing --' + name);
  return dflt;
}
const LISTEN = Number(argv('listen'));
const PREFIX = argv('prefix', '/stomp');
const BROKER_PORT = Number(argv('broker-port'));
const HEARTBEAT_MS = Number(argv('heartbeat-ms', '25000'));

const server = sockjs.createServer({
  prefix: PREFIX,
  heartbeat_delay: HEARTBEAT_MS,
  log: (severity, line) => { if (severity !== 'debug') console.error(severity, line); },
});
server.on('connection', (conn) => {
  const tcp = net.connect(BROKER_PORT, '127.0.0.1');
  const dec = new StringDecoder('utf8');
  const early = [];
  let up = false;
  tcp.on('connect', () => { up = true; for (const m of early) tcp.write(m, 'utf8'); });
  tcp.on('data', (b) => { const s = dec.write(b); if (s.length) conn.write(s); });
  tcp.on('end', () => conn.close(1000, 'broker closed'));
  tcp.on('error', (e) => { console.error('broker', e.message); conn.close(1011, 'broker error'); });
  conn.on('data', (m) => { if (up) tcp.write(m, 'utf8'); else early.push(m); });
  conn.on('close', () => tcp.end());
});
const hs = http.createServer();
server.installHandlers(hs);
hs.listen(LISTEN, '127.0.0.1', () => console.error('listening', LISTEN));
