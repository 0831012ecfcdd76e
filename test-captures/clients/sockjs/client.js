'use strict';
// STOMP inside SockJS capture client: @stomp/stompjs with webSocketFactory
// returning a sockjs-client SockJS (its node drivers: faye-websocket for the
// websocket transport, node http for xhr_streaming / xhr_send).
//
//   node client.js --url http://127.0.0.1:15680/stomp --transport websocket
//                  --queue /queue/x --log out.json [--user U --passcode P]
//
// Recording: every string stompjs hands to SockJS.send() (one STOMP frame,
// or "\n" for a heart-beat) and every message SockJS delivers (the decoded
// string of the server's a[...] frames) are written to the log as they are,
// with what stompjs itself made of the received frames. Nothing on the wire
// is read here; capture.py turns the sent strings into the manifest entry.
const fs = require('fs');
const path = require('path');
const SockJS = require('sockjs-client');
const StompJs = require('@stomp/stompjs');

function argv(name, dflt) {
  const i = process.argv.indexOf('--' + name);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  if (dflt === undefined) throw new Error('missing --' + name);
  return dflt;
}
const URL = argv('url');
const TRANSPORT = argv('transport', 'websocket');
const QUEUE = argv('queue');
const LOG = argv('log');
const USER = argv('user', 'capuser');
const PASSCODE = argv('passcode', 'cappass');

function version(pkg) {
  let d = path.dirname(require.resolve(pkg));
  for (;;) {
    const f = path.join(d, 'package.json');
    if (fs.existsSync(f)) {
      const j = JSON.parse(fs.readFileSync(f, 'utf8'));
      if (j.name === pkg) return j.version;
    }
    d = path.dirname(d);
  }
}

const record = {
  client: 'node ' + process.version + ' + @stomp/stompjs ' + version('@stomp/stompjs') +
          ' + sockjs-client ' + version('sockjs-client'),
  url: URL,
  transport_wanted: TRANSPORT,
  transport_used: null,
  sent: [],          // strings given to SockJS.send(), in order
  received: [],      // strings SockJS delivered (onmessage event.data)
  stompjs_frames: [],
  closed: null,
};
const save = () => fs.writeFileSync(LOG, JSON.stringify(record, null, 1));

let sock = null;
function factory() {
  sock = new SockJS(URL, null, { transports: [TRANSPORT] });
  const send = sock.send.bind(sock);
  sock.send = (data) => { record.sent.push(String(data)); send(data); };
  sock.addEventListener('open', () => { record.transport_used = sock.transport; });
  sock.addEventListener('message', (e) => record.received.push(String(e.data)));
  sock.addEventListener('close', (e) => { record.closed = { code: e.code, reason: e.reason }; });
  return sock;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const client = new StompJs.Client({
  webSocketFactory: factory,
  connectHeaders: { login: USER, passcode: PASSCODE, host: 'localhost' },
  heartbeatIncoming: 1000,
  heartbeatOutgoing: 1000,
  reconnectDelay: 0,
  debug: () => {},
});

async function waitFor(cond, ms) {
  const t = Date.now();
  while (!cond()) {
    if (Date.now() - t > ms) throw new Error('timeout');
    await sleep(20);
  }
}

const got = [];
const receipts = new Set();
client.watchForReceipt = client.watchForReceipt.bind(client);
client.onConnect = async () => {
  try {
    const sub = client.subscribe(QUEUE, (m) => {
      record.stompjs_frames.push({ command: m.command, headers: m.headers, body: m.body });
      got.push(m);
      m.ack();
    }, { id: 'sub-sockjs-1', ack: 'client-individual' });
    client.watchForReceipt('r-send-1', () => receipts.add('r-send-1'));
    // text with characters SockJS writes as \u escapes (U+2028, an emoji
    // as a surrogate pair) and a header value with an escaped colon
    client.publish({ destination: QUEUE, body: 'hello sockjs \u00e9\u20ac \u2028 \ud83d\ude00',
                     headers: { 'content-type': 'text/plain', 'x-note': 'colon:inside',
                                receipt: 'r-send-1' } });
    client.publish({ destination: QUEUE, body: JSON.stringify({ n: 2, quote: 'a "b" \\ c' }),
                     headers: { 'content-type': 'application/json' } });
    client.publish({ destination: QUEUE, body: 'line1\nline2\ttab' });
    await waitFor(() => got.length >= 3 && receipts.has('r-send-1'), 10000);
    await sleep(2500);  // heart-beats both ways
    sub.unsubscribe();
    await client.deactivate();
  } catch (e) {
    record.error = String(e);
  }
  await sleep(500);
  save();
  process.exit(record.error ? 1 : 0);
};
client.onStompError = (f) => { record.error = 'ERROR ' + f.body; };
client.activate();
setTimeout(() => { record.error = 'overall timeout'; save(); process.exit(2); }, 30000);
