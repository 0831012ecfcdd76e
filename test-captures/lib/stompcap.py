"""Client-side recording for the STOMP test captures.

Everything in MANIFEST.json comes from here: what the clients themselves
wrote and read.  Three kinds of clients use it:

* python3-stomp 8.0.0 connections (`instrument_pystomp`): every frame the
  library writes goes through `Transport.send()` (one call per frame, or
  b"\\n" for a heart-beat); we wrap it and record the exact bytes, and check
  them against the `on_send` listener hook.  Received frames are recorded from
  the listener hooks (`on_connected`, `on_message`, `on_receipt`, `on_error`,
  `on_heartbeat`), and cross-checked against our own parse of the raw bytes
  the library read from the socket (we wrap `Transport.receive()`), so that a
  frame the library would silently drop cannot go unnoticed.
* raw-socket clients (`RawConn`): we record the bytes we send and parse what
  we receive ourselves (`StreamParser`).
* ruby-stomp (clients/*.rb) writes its own JSON log in the same format (with
  the raw bytes of every frame written); `load_ruby_log()` converts it.

Header values are recorded decoded (STOMP 1.1/1.2 escapes undone); see
README.md for the exact rules per client.
"""

import base64
import hashlib
import json
import os
import re
import socket
import threading
import time

# ---------------------------------------------------------------------------
# STOMP header escaping (1.1: \\ \n \c ; 1.2 adds \r)
# ---------------------------------------------------------------------------

_UNESCAPES = {"\\\\": "\\", "\\n": "\n", "\\c": ":", "\\r": "\r"}


def unescape(value):
    """Single-pass STOMP 1.1/1.2 header unescape.  Unknown escapes are kept."""
    return re.sub(r"\\.", lambda m: _UNESCAPES.get(m.group(0), m.group(0)), value, flags=re.S)


def escape(value, version):
    v = value.replace("\\", "\\\\").replace("\n", "\\n").replace(":", "\\c")
    if version >= "1.2":
        v = v.replace("\r", "\\r")
    return v


def sha1(data):
    return hashlib.sha1(data).hexdigest()


# ---------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------

def split_frame(raw):
    """Split the bytes of ONE complete frame (command .. NUL, no leading EOLs)
    into (command, [(name, value)...], body) with undecoded (raw) strings.
    Accepts LF and CRLF line ends."""
    assert raw.endswith(b"\x00"), raw[-20:]
    m = re.search(b"\r?\n\r?\n", raw)
    if m is None:
        # command line only, e.g. b"DISCONNECT\n\n\0" always has the blank line;
        # tolerate b"CMD\n\0"
        head, body = raw[:-1], b""
    else:
        head, body = raw[:m.start()], raw[m.end():-1]
    lines = re.split(b"\r?\n", head)
    cmd = lines[0].decode("utf-8")
    hdrs = []
    for ln in lines[1:]:
        if not ln:
            continue
        text = ln.decode("utf-8")
        name, sep, value = text.partition(":")
        assert sep, "header line without colon: %r" % ln
        hdrs.append((name, value))
    return cmd, hdrs, body


def header_dict(pairs, decode):
    """name -> value, first occurrence wins, optionally unescaped."""
    out = {}
    for name, value in pairs:
        if decode:
            name, value = unescape(name), unescape(value)
        if name not in out:
            out[name] = value
    return out


def undecoded_diff(pairs, headers, decode, strip=False):
    """For the headers whose text on the wire differs from the recorded
    (decoded) value: decoded name -> value exactly as on the wire.
    pairs: raw (name, value) in wire order; decode: whether names were
    unescaped to get the recorded names; strip: ruby-stomp 1.0 strips."""
    out = {}
    seen = set()
    for name, value in pairs:
        key = unescape(name) if decode else name
        if strip:
            key = key.strip()
        if key in seen:
            continue
        seen.add(key)
        if key in headers and headers[key] != value:
            out[key] = value
    return out


def frame_record(cmd, headers, body, raw_pairs=None, decode=False, strip=False):
    """One frame as recorded in the manifest.  With raw_pairs, adds
    "undecoded": the wire text of every header whose value was changed by
    decoding (escapes), so both forms are known."""
    rec = {"command": cmd, "headers": headers, "body_len": len(body), "body_sha1": sha1(body)}
    if raw_pairs is not None:
        diff = undecoded_diff(raw_pairs, headers, decode, strip)
        if diff:
            rec["undecoded"] = diff
    return rec


class StreamParser:
    """Incremental parser of a byte stream from a STOMP peer.

    feed() returns ("eol", n_bytes) for every EOL (LF or CRLF) seen between
    frames (heart-beats, or the optional EOLs after a frame's NUL) and
    ("frame", raw_bytes) for complete frames.  Uses content-length when the
    header block has one, otherwise the first NUL after the header block ends
    the frame."""

    _cl_re = re.compile(rb"(?:^|\n)content-length:([0-9]+)\r?(?:\n|$)")
    _hdr_end = re.compile(rb"\r?\n\r?\n")

    def __init__(self):
        self.buf = bytearray()
        self.need = None        # >0: total frame length incl. NUL; <0: -(body start), NUL-terminated
        self.scan_from = 0

    def feed(self, data):
        self.buf += data
        events = []
        while True:
            if self.need is None:
                if self.buf[:1] == b"\n":
                    events.append(("eol", 1)); del self.buf[:1]; continue
                if self.buf[:2] == b"\r\n":
                    events.append(("eol", 2)); del self.buf[:2]; continue
                if len(self.buf) == 0 or self.buf == b"\r":
                    break
                m = self._hdr_end.search(self.buf)
                if m is None:
                    break
                cl = self._cl_re.search(bytes(self.buf[:m.start()]))
                self.need = (m.end() + int(cl.group(1)) + 1) if cl else -m.end()
                self.scan_from = 0
            if self.need > 0:
                if len(self.buf) < self.need:
                    break
                frame = bytes(self.buf[:self.need])
                if not frame.endswith(b"\x00"):
                    raise ValueError("frame not NUL-terminated after content-length: %r" % frame[:200])
            else:
                pos = self.buf.find(b"\x00", max(-self.need, self.scan_from))
                if pos < 0:
                    self.scan_from = len(self.buf)
                    break
                frame = bytes(self.buf[:pos + 1])
            del self.buf[:len(frame)]
            self.need = None
            events.append(("frame", frame))
        return events


# ---------------------------------------------------------------------------
# Per-connection record
# ---------------------------------------------------------------------------

class ConnRecord:
    def __init__(self, label, server_port, version):
        self.label = label
        self.version = version          # version the client asked for / uses for escaping
        self.client_port = None
        self.server_port = server_port
        self.sent = []
        self.received = []
        self.hb_sent = 0                # EOLs the client wrote outside frames
        self.hb_received_idle = 0       # EOLs received while idle (see idle())
        self.eol_received_total = 0
        self.notes = []
        self.extra = {}                 # scenario-specific fields copied into the MANIFEST connection
        self.cond = threading.Condition()
        self._idle = False

    # --- waiting helpers -------------------------------------------------
    def count(self, cmd):
        return sum(1 for f in self.received if f["command"] == cmd)

    def wait_for(self, pred, timeout=30.0, what="condition"):
        deadline = time.monotonic() + timeout
        with self.cond:
            while not pred():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("%s: timed out waiting for %s; received so far: %s"
                                       % (self.label, what, [f["command"] for f in self.received]))
                self.cond.wait(left)

    def wait_receipt(self, rid, timeout=30.0):
        self.wait_for(lambda: any(f["command"] == "RECEIPT" and f["headers"].get("receipt-id") == rid
                                  for f in self.received), timeout, "RECEIPT " + rid)

    def wait_count(self, cmd, n, timeout=60.0):
        self.wait_for(lambda: self.count(cmd) >= n, timeout, "%d x %s" % (n, cmd))

    def add_received(self, rec):
        with self.cond:
            self.received.append(rec)
            self.cond.notify_all()

    def idle(self, seconds):
        """Stay idle; heart-beat EOLs received meanwhile are counted as such."""
        with self.cond:
            self._idle = True
        time.sleep(seconds)
        with self.cond:
            self._idle = False

    def note_eol_received(self):
        with self.cond:
            self.eol_received_total += 1
            if self._idle:
                self.hb_received_idle += 1

    def to_json(self):
        d = {"label": self.label, "client_port": self.client_port, "server_port": self.server_port,
             "sent": self.sent, "received": self.received,
             "heartbeats_sent_min": self.hb_sent,
             "heartbeats_received_min": self.hb_received_idle}
        if self.notes:
            d["notes"] = self.notes
        if self.extra:
            d["extra"] = self.extra
        return d


# ---------------------------------------------------------------------------
# python3-stomp instrumentation
# ---------------------------------------------------------------------------

def instrument_pystomp(conn, rec):
    """Hook a stomp.Connection10/11/12 (created with auto_decode=False)."""
    import stomp  # noqa: F401  (Debian's python3-stomp)

    transport = conn.transport
    lock = threading.Lock()
    on_send_cmds = []          # commands seen by the on_send hook
    raw_in = StreamParser()
    raw_frames_in = []         # our own parse of what the library read
    version = rec.version
    escapes = version >= "1.1"

    orig_send = transport.send

    def send(encoded):
        with lock:
            if rec.client_port is None and transport.socket is not None:
                rec.client_port = transport.socket.getsockname()[1]
            orig_send(encoded)
            if encoded == b"\n":
                rec.hb_sent += 1
                return
            cmd, pairs, body = split_frame(encoded)
            # stomp.py escapes header values for 1.1/1.2 except in CONNECT/STOMP
            decode = escapes and cmd not in ("CONNECT", "STOMP")
            rec.sent.append(frame_record(cmd, header_dict(pairs, decode), body, pairs, decode))

    transport.send = send

    orig_receive = transport.receive

    def receive():
        data = orig_receive()
        if data:
            for kind, val in raw_in.feed(data):
                if kind == "frame":
                    raw_frames_in.append(val)
        return data

    transport.receive = receive

    class Rec(stomp.ConnectionListener):
        def on_send(self, frame):
            if frame.cmd:
                on_send_cmds.append(frame.cmd)

        def _rx(self, frame):
            body = frame.body if frame.body is not None else b""
            if isinstance(body, str):
                raise RuntimeError("connection must use auto_decode=False")
            rec.add_received(frame_record(frame.cmd, dict(frame.headers), body))

        on_connected = on_message = on_receipt = on_error = _rx

        def on_heartbeat(self):
            rec.note_eol_received()

    # listeners are notified in sorted(name) order; "~" sorts after
    # "protocol-listener", so the library has updated its state first
    conn.set_listener("~recorder", Rec())

    def check():
        """Cross-check hooks against the raw bytes. Call after the connection ended."""
        sent_cmds = [f["command"] for f in rec.sent]
        if sent_cmds != on_send_cmds:
            raise RuntimeError("%s: on_send %s != written %s" % (rec.label, on_send_cmds, sent_cmds))
        raw_cmds = []
        for raw in raw_frames_in:
            cmd, pairs, body = split_frame(raw)
            raw_cmds.append(cmd)
        hook_cmds = [f["command"] for f in rec.received]
        if raw_cmds != hook_cmds:
            raise RuntimeError("%s: frames on the socket %s != frames seen by hooks %s"
                               % (rec.label, raw_cmds, hook_cmds))
        for raw, f in zip(raw_frames_in, rec.received):
            cmd, pairs, body = split_frame(raw)
            if sha1(body) != f["body_sha1"]:
                raise RuntimeError("%s: body mismatch in %s" % (rec.label, cmd))
            # python3-stomp unescapes every received frame, whatever the version
            mine = header_dict(pairs, True)
            if mine != f["headers"]:
                raise RuntimeError("%s: header mismatch in %s: raw %r hook %r"
                                   % (rec.label, cmd, mine, f["headers"]))
            diff = undecoded_diff(pairs, f["headers"], True)
            if diff:
                f["undecoded"] = diff
        if bytes(raw_in.buf).strip(b"\r\n"):
            raise RuntimeError("%s: %d unparsed bytes left" % (rec.label, len(raw_in.buf)))

    return check


def pystomp_tls_keylog(keylog_path):
    """Make python3-stomp 8.0.0 write a TLS key log (NSS format) for its TLS
    connections.  stomp.transport builds its own ssl.SSLContext(PROTOCOL_TLS)
    (so SSLKEYLOGFILE, which only create_default_context() honours, does not
    apply): hand stomp.transport a copy of the ssl module whose SSLContext sets
    keylog_filename on every context it makes.  Also disable stomp's
    check_ssl_certificate(): with pyOpenSSL installed it opens an extra TLS
    connection (ssl.get_server_certificate) before the real one."""
    import ssl
    import types
    import stomp.transport

    real = ssl.SSLContext

    def context(protocol=ssl.PROTOCOL_TLS_CLIENT, *a, **kw):
        ctx = real(protocol, *a, **kw)
        ctx.keylog_filename = keylog_path
        return ctx

    shim = types.ModuleType("ssl")
    shim.__dict__.update(ssl.__dict__)
    shim.SSLContext = context
    stomp.transport.ssl = shim
    stomp.transport.OpenSSL = None


def pystomp_connection(version, port, label, heartbeats=(0, 0), vhost=None, tls_ca=None):
    """Create an instrumented python3-stomp connection. Returns (conn, rec, check).
    tls_ca: CA file -> STOMP over TLS (conn.set_ssl), the server certificate is
    verified against it (no host name check)."""
    import stomp
    cls = {"1.0": stomp.Connection10, "1.1": stomp.Connection11, "1.2": stomp.Connection12}[version]
    kw = dict(auto_decode=False)
    if version != "1.0":
        kw["heartbeats"] = heartbeats
        if vhost:
            kw["vhost"] = vhost
    conn = cls([("127.0.0.1", port)], **kw)
    if tls_ca:
        conn.set_ssl([("127.0.0.1", port)], ca_certs=tls_ca)
    rec = ConnRecord(label, port, version)
    check = instrument_pystomp(conn, rec)
    return conn, rec, check


def wait_closed(conn, rec, timeout=10.0):
    """Wait until the library's receiver loop has ended (socket closed)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if conn.transport.socket is None and not conn.transport.running:
            return
        time.sleep(0.05)
    raise TimeoutError("%s: connection not closed" % rec.label)


# ---------------------------------------------------------------------------
# Raw-socket client
# ---------------------------------------------------------------------------

class RawConn:
    """A STOMP client on a plain socket.  `version` decides header decoding of
    received frames (1.1+: unescape, except in CONNECTED)."""

    def __init__(self, port, label, version, nodelay=True):
        self.rec = ConnRecord(label, port, version)
        self.sock = socket.create_connection(("127.0.0.1", port))
        if nodelay:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.rec.client_port = self.sock.getsockname()[1]
        self.parser = StreamParser()
        self.closed = False
        self.version = version

    def send_frame(self, raw, decode=None, dribble=0.0):
        """Send the bytes of one frame; record it. dribble>0: one byte per send()."""
        cmd, pairs, body = split_frame(raw)
        if decode is None:
            decode = self.version >= "1.1" and cmd not in ("CONNECT", "STOMP")
        if dribble:
            for i in range(len(raw)):
                self.sock.send(raw[i:i + 1])
                time.sleep(dribble)
        else:
            self.sock.sendall(raw)
        self.rec.sent.append(frame_record(cmd, header_dict(pairs, decode), body, pairs, decode))

    def _pump(self, timeout):
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return False
        if not data:
            self.closed = True
            return True
        for kind, val in self.parser.feed(data):
            if kind == "eol":
                self.rec.note_eol_received()
            else:
                cmd, pairs, body = split_frame(val)
                decode = self.version >= "1.1" and cmd != "CONNECTED"
                self.rec.add_received(frame_record(cmd, header_dict(pairs, decode), body, pairs, decode))
        return True

    def read_until(self, pred, timeout=15.0):
        deadline = time.monotonic() + timeout
        while not pred():
            if self.closed:
                raise EOFError("%s: closed by peer before condition" % self.rec.label)
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("%s: timeout; got %s" % (self.rec.label,
                                                              [f["command"] for f in self.rec.received]))
            self._pump(left)

    def read_until_closed(self, timeout=15.0):
        deadline = time.monotonic() + timeout
        while not self.closed:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("%s: peer did not close" % self.rec.label)
            self._pump(left)
        if bytes(self.parser.buf).strip(b"\r\n"):
            raise RuntimeError("%s: incomplete frame at EOF: %r" % (self.rec.label, bytes(self.parser.buf[:200])))

    def has_receipt(self, rid):
        return any(f["command"] == "RECEIPT" and f["headers"].get("receipt-id") == rid
                   for f in self.rec.received)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def build_frame(cmd, headers, body=b"", eol=b"\n", version="1.2", escape_values=True):
    """Bytes of a frame (headers: list of (name, value) in wire order)."""
    out = [cmd.encode() + eol]
    for name, value in headers:
        if escape_values and version >= "1.1" and cmd not in ("CONNECT", "STOMP"):
            name, value = escape(name, version), escape(value, version)
        out.append(("%s:%s" % (name, value)).encode("utf-8") + eol)
    out.append(eol)
    out.append(body)
    out.append(b"\x00")
    return b"".join(out)


# ---------------------------------------------------------------------------
# Logs
# ---------------------------------------------------------------------------

def write_log(path, connections, **meta):
    """Write one scenario log: {"meta": {...}, "connections": [...]}."""
    doc = {"meta": meta, "connections": [c.to_json() if isinstance(c, ConnRecord) else c
                                         for c in connections]}
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=1)
    os.replace(tmp, path)


def load_ruby_log(path):
    """Convert a log written by clients/rbrec.rb into the common format."""
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    conns = []
    for c in doc["connections"]:
        sent = []
        for f in c["sent"]:
            raw = base64.b64decode(f["raw_b64"])
            cmd, pairs, body = split_frame(raw)
            assert cmd == f["command"], (cmd, f["command"])
            # ruby-stomp escapes names and values when the negotiated protocol
            # is >= 1.1, except in CONNECT; rbrec.rb tells us whether it did
            sent.append(frame_record(cmd, header_dict(pairs, f["escaped"]), body, pairs, f["escaped"]))
        received = []
        for f in c["received"]:
            r = {"command": f["command"], "headers": f["headers"],
                 "body_len": f["body_len"], "body_sha1": f["body_sha1"]}
            # ruby-stomp decodes every received frame except CONNECTED (1.0
            # too) and strips names/values in 1.0 sessions
            decode = f["command"] != "CONNECTED"
            diff = undecoded_diff([tuple(p) for p in f["raw_headers"]], f["headers"], decode,
                                  strip=f.get("protocol") == "1.0")
            if diff:
                r["undecoded"] = diff
            received.append(r)
        d = {"label": c["label"], "client_port": c["client_port"], "server_port": c["server_port"],
             "sent": sent, "received": received,
             "heartbeats_sent_min": c["heartbeats_sent"],
             "heartbeats_received_min": c["heartbeats_received"]}
        if c.get("notes"):
            d["notes"] = c["notes"]
        conns.append(d)
    return doc["meta"], conns


def load_any_log(path):
    """(meta, connections) from a python/raw log or a ruby-stomp log."""
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    if doc.get("format") == "ruby" or any("raw_b64" in f for c in doc["connections"] for f in c["sent"]):
        return load_ruby_log(path)
    return doc["meta"], doc["connections"]
