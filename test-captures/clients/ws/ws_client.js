'use strict';
// STOMP over WebSocket capture client: @stomp/stompjs on the `ws` WebSocket
// implementation (node).  Run by clients/ws_scenarios.py, which turns the raw
// log written here into the common log format (lib/stompcap.py).
//
//   node ws_client.js --url ws://127.0.0.1:15674/ws --queue /queue/x --raw-log out.json
//                     [--user U --passcode P --vhost / --deflate yes|no]
//
// --deflate no: the WebSocket is opened with perMessageDeflate: false (no
// compression extension offered); yes (ws's default): permessage-deflate is
// offered, and the payloads on the wire are compressed if the server accepts.
//
// Recording: the WebSocket handed to stompjs (webSocketFactory) is a subclass
// of ws.WebSocket whose send() records every outgoing WebSocket message
// (exact bytes, text or binary) before passing it on, and which has its own
// 'message' listener - registered in the constructor, i.e. before stompjs sets
// onmessage - recording every incoming WebSocket message.  Nothing is parsed
// here: ws_scenarios.py parses the recorded bytes.  What stompjs itself made
// of the received frames (command, headers, body length) is recorded too, so
// that ws_scenarios.py can cross-check its parse against the library's.

const fs = require('fs');
const WebSocket = require('ws');
const StompJs = require('@stomp/stompjs');

function argv(name, dflt) {
  const i = process.argv.indexOf('--' + name);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  if (dflt === undefined) throw new Error('missing --' + name);
  return dflt;
}

const URL = argv('url');
const QUEUE = argv('queue');
const RAW_LOG = argv('raw-log');
const USER = argv('user', 'capuser');
const PASSCODE = argv('passcode', 'cappass');
const VHOST = argv('vhost', '/');
const DEFLATE = argv('deflate', 'no') === 'yes';

const T0 = process.hrtime.bigint();
const now = () => Number(process.hrtime.bigint() - T0) / 1e9;

const record = {
  client: 'node ' + process.version + ' + @stomp/stompjs ' + stompjsVersion() + ' + ws ' + wsVersion(),
  url: URL,
  offered_subprotocols: null,
  response_subprotocol: null,    // Sec-WebSocket-Protocol of the 101 response
  response_extensions: null,     // Sec-WebSocket-Extensions of the 101 response
  deflate_offered: DEFLATE,
  negotiated_subprotocol: null,  // ws.protocol after 'open'
  client_port: null,
  messages: [],                  // {dir: "out"|"in", t, binary, b64}
  stompjs_frames: [],            // frames as stompjs delivered them to us
  close: null,
  debug: [],
};

function pkgVersion(dir) {
  // the packages' "exports" do not expose package.json: read it from disk
  return JSON.parse(fs.readFileSync(dir + '/package.json', 'utf8')).version;
}
function stompjsVersion() {
  const path = require('path');
  let d = path.dirname(require.resolve('@stomp/stompjs'));
  while (!fs.existsSync(d + '/package.json') || JSON.parse(fs.readFileSync(d + '/package.json', 'utf8')).name !== '@stomp/stompjs') d = path.dirname(d);
  return pkgVersion(d);
}
function wsVersion() {
  const path = require('path');
  return pkgVersion(path.dirname(require.resolve('ws/package.json')));
}

class RecordingWebSocket extends WebSocket {
  constructor(url, protocols) {
    super(url, protocols, { perMessageDeflate: DEFLATE });
    record.offered_subprotocols = protocols;
    this.on('upgrade', (res) => {
      record.response_subprotocol = res.headers['sec-websocket-protocol'] || null;
      record.response_extensions = res.headers['sec-websocket-extensions'] || null;
    });
    this.on('open', () => {
      record.client_port = this._socket.localPort;
      record.negotiated_subprotocol = this.protocol;
    });
    this.on('message', (data, isBinary) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      record.messages.push({ dir: 'in', t: now(), binary: isBinary, b64: buf.toString('base64') });
    });
    this.on('close', (code, reason) => {
      record.close = { t: now(), code, reason: reason.toString() };
    });
  }

  send(data, ...rest) {
    const binary = typeof data !== 'string';
    const buf = binary ? Buffer.from(data) : Buffer.from(data, 'utf8');
    record.messages.push({ dir: 'out', t: now(), binary, b64: buf.toString('base64') });
    return super.send(data, ...rest);
  }
}

function seen(frame) {
  const body = frame.binaryBody || new Uint8Array(0);
  record.stompjs_frames.push({ command: frame.command, headers: Object.assign({}, frame.headers),
                               body_len: body.length });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function withTimeout(p, ms, what) {
  return Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error('timeout: ' + what)), ms))]);
}

async function main() {
  const client = new StompJs.Client({
    // the sub-protocols stompjs itself offers when given a brokerURL
    webSocketFactory: () => new RecordingWebSocket(URL, StompJs.Versions.default.protocolVersions()),
    connectHeaders: { login: USER, passcode: PASSCODE, host: VHOST },
    heartbeatIncoming: 1000,
    heartbeatOutgoing: 1000,
    reconnectDelay: 0,
    debug: (s) => record.debug.push([now(), s]),
  });
  const failures = [];
  client.onStompError = (f) => { seen(f); failures.push('ERROR ' + JSON.stringify(f.headers)); };
  client.onUnhandledMessage = (f) => { seen(f); failures.push('unhandled MESSAGE'); };
  client.onUnhandledReceipt = (f) => { seen(f); };
  client.onUnhandledFrame = (f) => { seen(f); failures.push('unhandled ' + f.command); };
  client.onWebSocketError = (e) => failures.push('websocket error ' + e.message);

  const connected = new Promise((res) => { client.onConnect = (f) => { seen(f); res(f); }; });
  const receipt = (id) => new Promise((res) => client.watchForReceipt(id, (f) => { seen(f); res(f); }));

  client.activate();
  const connFrame = await withTimeout(connected, 15000, 'CONNECTED');
  if (connFrame.headers.version !== '1.2') throw new Error('negotiated ' + connFrame.headers.version);

  const msgs = [];
  let gotMsg = null;
  const rSub = receipt('r-sub');
  const sub = client.subscribe(QUEUE, (m) => { seen(m); msgs.push(m); if (gotMsg) gotMsg(); },
                               { id: 'sub-ws-1', ack: 'client-individual', receipt: 'r-sub' });
  await withTimeout(rSub, 10000, 'r-sub');

  // 1: text body, a header value that needs escaping in 1.2 (':' -> \c)
  client.publish({ destination: QUEUE, body: 'Hello over WebSocket!',
                   headers: { 'content-type': 'text/plain', 'x-note': 'colon:inside' } });
  // 2: JSON body with a receipt
  const rJson = receipt('r-json');
  client.publish({ destination: QUEUE,
                   body: JSON.stringify({ greeting: 'hello', n: 2, tags: ['stomp', 'websocket'], ok: true }),
                   headers: { 'content-type': 'application/json', receipt: 'r-json' } });
  await withTimeout(rJson, 10000, 'r-json');
  // 3: binary body (bytes 0..127: a NUL first, control characters; still valid
  // UTF-8): stompjs sends a binary WebSocket message.  RabbitMQ relays MESSAGEs
  // in text WebSocket messages (web_stomp.ws_frame = text, the default), and
  // `ws` closes the connection (1007) on a text message that is not UTF-8, so
  // bytes 128..255 cannot be used here.
  const rBin = receipt('r-bin');
  client.publish({ destination: QUEUE, binaryBody: Uint8Array.from({ length: 128 }, (_, i) => i),
                   headers: { 'content-type': 'application/octet-stream', receipt: 'r-bin' } });
  await withTimeout(rBin, 10000, 'r-bin');

  await withTimeout(new Promise((res) => {
    gotMsg = () => { if (msgs.length >= 3) res(); };
    gotMsg();
  }), 10000, '3 MESSAGEs');
  msgs[0].ack();
  msgs[1].ack();
  const rAck = receipt('r-ack');
  msgs[2].ack({ receipt: 'r-ack' });
  await withTimeout(rAck, 10000, 'r-ack');

  // idle: heart-beats both ways (1000 ms negotiated)
  await sleep(3200);

  const rUnsub = receipt('r-unsub');
  sub.unsubscribe({ receipt: 'r-unsub' });
  await withTimeout(rUnsub, 10000, 'r-unsub');

  // DISCONNECT with a receipt; stompjs closes the WebSocket when the RECEIPT
  // arrives (or when the broker closes first: RabbitMQ's web_stomp does, see
  // README).  Whether the RECEIPT came is visible in the recorded messages.
  client.disconnectHeaders = { receipt: 'r-disc' };
  receipt('r-disc');
  await withTimeout(client.deactivate(), 15000, 'deactivate');
  // let the TCP connection finish closing
  await sleep(500);
  if (msgs.length !== 3) failures.push('got ' + msgs.length + ' MESSAGEs');
  if (failures.length) throw new Error(failures.join('; '));
}

main().then(() => {
  fs.writeFileSync(RAW_LOG, JSON.stringify(record, null, 1));
  process.exit(0);
}, (e) => {
  record.error = String(e && e.stack || e);
  fs.writeFileSync(RAW_LOG, JSON.stringify(record, null, 1));
  console.error(e);
  process.exit(1);
});
