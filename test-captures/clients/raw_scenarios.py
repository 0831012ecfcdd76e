#!/usr/bin/python3
"""Raw-socket STOMP clients for the STOMP test captures.

    raw_scenarios.py <scenario> --broker amq|rmq --port N --log out.json [--user U --passcode P]

The frames are built byte by byte here (lib/stompcap.build_frame), the bytes
sent are recorded, and what the broker sends is parsed by lib/stompcap's
StreamParser.  Received header values are decoded (1.1/1.2 unescaping) except
in CONNECTED, per the STOMP spec.
"""

import argparse
import os
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))

from stompcap import (RawConn, build_frame, frame_record, header_dict, split_frame,  # noqa: E402
                      write_log)

CLIENT = "raw-socket"


def connect_frame(args, eol=b"\n", version="1.2"):
    host = "/" if args.broker == "rmq" else "localhost"
    return build_frame("CONNECT", [("accept-version", version), ("host", host), ("login", args.user),
                                   ("passcode", args.passcode)], eol=eol)


def expect_connected(c):
    c.read_until(lambda: c.rec.count("CONNECTED") or c.rec.count("ERROR"))
    if not c.rec.count("CONNECTED"):
        raise RuntimeError("not connected: %r" % c.rec.received)


def sc_dribble(args):
    """Every byte of every client frame in its own TCP segment."""
    c = RawConn(args.port, "dribble", "1.2", nodelay=True)
    d = 0.004
    c.send_frame(connect_frame(args), dribble=d)
    expect_connected(c)
    q = "/queue/%s-raw-dribble" % args.broker
    body = b"dribbled, 1 byte/send!"
    c.send_frame(build_frame("SEND", [("destination", q), ("content-type", "text/plain"),
                                      ("content-length", str(len(body))), ("receipt", "r-send")],
                             body), dribble=d)
    c.read_until(lambda: c.has_receipt("r-send"))
    c.send_frame(build_frame("DISCONNECT", [("receipt", "r-disc")]), dribble=d)
    c.read_until(lambda: c.has_receipt("r-disc"))
    c.read_until_closed()
    c.close()
    return [c.rec], dict(
        stomp_version="1.2",
        description="Raw socket client with TCP_NODELAY writing one byte per send() (4 ms apart), so every byte "
                    "of its frames is its own TCP segment: CONNECT (accept-version:1.2), SEND with content-length "
                    "and receipt (22-byte body), DISCONNECT with receipt. The broker's CONNECTED and RECEIPTs are "
                    "normal segments.")


def sc_crlf(args):
    """STOMP 1.2 frames with CRLF line ends (CONNECT included)."""
    crlf = b"\r\n"
    c = RawConn(args.port, "crlf", "1.2")
    c.send_frame(connect_frame(args, eol=crlf))
    expect_connected(c)
    q = "/queue/%s-raw-crlf" % args.broker
    c.send_frame(build_frame("SUBSCRIBE", [("destination", q), ("id", "sub-crlf"), ("ack", "client-individual"),
                                           ("receipt", "r-sub")], eol=crlf))
    c.read_until(lambda: c.has_receipt("r-sub"))
    c.send_frame(build_frame("SEND", [("destination", q), ("content-type", "text/plain"),
                                      ("x-cr-value", "one\rtwo"), ("x-colon", "k:v"), ("receipt", "r-send")],
                             b"CRLF frame body\r\nsecond line\r\n", eol=crlf))
    c.read_until(lambda: c.has_receipt("r-send") and c.rec.count("MESSAGE") >= 1)
    msg = [f for f in c.rec.received if f["command"] == "MESSAGE"][0]
    c.send_frame(build_frame("ACK", [("id", msg["headers"]["ack"]), ("receipt", "r-ack")], eol=crlf))
    c.read_until(lambda: c.has_receipt("r-ack"))
    c.send_frame(build_frame("DISCONNECT", [("receipt", "r-disc")], eol=crlf))
    c.read_until(lambda: c.has_receipt("r-disc"))
    c.read_until_closed()
    c.close()
    return [c.rec], dict(
        stomp_version="1.2",
        description="Raw socket client, STOMP 1.2 with CRLF line ends in every frame it sends (command line, "
                    "header lines and the blank line; CONNECT included): SUBSCRIBE ack:client-individual with "
                    "receipt; SEND (no content-length, body with CRLFs, header x-cr-value 'one<CR>two' escaped "
                    "as \\r, x-colon 'k:v' as \\c) with receipt; the MESSAGE (broker uses LF); ACK with receipt; "
                    "DISCONNECT with receipt.")


def sc_unknown(args):
    """An unknown command inside an otherwise valid session."""
    c = RawConn(args.port, "unknown-cmd", "1.2")
    c.send_frame(connect_frame(args))
    expect_connected(c)
    c.send_frame(b"FOOBAR\nheader:x\n\n\x00", decode=True)
    c.read_until(lambda: c.rec.count("ERROR") >= 1)
    # does the broker close the connection after this ERROR?
    deadline = time.monotonic() + 2.0
    while not c.closed and time.monotonic() < deadline:
        c._pump(max(0.01, deadline - time.monotonic()))
    if args.broker == "amq" and not c.closed:
        raise RuntimeError("ActiveMQ used to close after an unknown command")
    if c.closed:
        outcome = "the broker closes the TCP connection right after the ERROR."
    else:
        c.send_frame(build_frame("DISCONNECT", [("receipt", "r-disc")]))
        c.read_until(lambda: c.has_receipt("r-disc"))
        c.read_until_closed()
        outcome = ("the broker keeps the session open; the client then sends DISCONNECT with receipt and gets "
                   "the RECEIPT.")
    c.close()
    return [c.rec], dict(
        stomp_version="1.2",
        description="Raw socket client: CONNECT (1.2), then an unknown command frame 'FOOBAR\\nheader:x\\n\\n\\0'; "
                    "the broker answers with ERROR; " + outcome)


def sc_bad_frames(args):
    """Malformed frames, one of each kind the dissector must flag, written in
    one burst after a good CONNECT (a broker may stop reading at the first
    one; every byte is on the wire all the same), ending with a frame the
    client never finishes before it closes the connection.  Each sent record
    says what is wrong with it ("malformed": the expert infos a dissector
    should raise), as the client knows from what it wrote."""
    c = RawConn(args.port, "bad-frames", "1.2")
    c.send_frame(connect_frame(args))
    expect_connected(c)
    q = "/queue/%s-raw-bad" % args.broker
    frames = []        # (bytes, record)

    def add(raw, cmd, pairs, body, malformed, decode=True):
        rec = frame_record(cmd, header_dict([p for p in pairs if p[1] is not None], decode), body,
                           [p for p in pairs if p[1] is not None], decode)
        rec["malformed"] = malformed
        frames.append((raw, rec))

    # 1. a header line without a colon
    add(b"SEND\ndestination:" + q.encode() + b"\nno colon here\n\nbody 1\x00\n",
        "SEND", [("destination", q)], b"body 1", ["stomp.expert.header_no_colon"])
    # 2. a content-length that is not a number: the body ends at the NUL
    add(b"SEND\ndestination:" + q.encode() + b"\ncontent-length:twelve\n\nbody 2\x00\n",
        "SEND", [("destination", q), ("content-length", "twelve")], b"body 2",
        ["stomp.expert.content_length_invalid"])
    # 3. a content-length smaller than the body: no NUL where it says
    add(b"SEND\ndestination:" + q.encode() + b"\ncontent-length:3\n\nbody 3 is longer\x00\n",
        "SEND", [("destination", q), ("content-length", "3")], b"body 3 is longer",
        ["stomp.expert.content_length_mismatch"])
    # 4. a content-length larger than the body, then the next frame
    add(b"SEND\ndestination:" + q.encode() + b"\ncontent-length:100000\n\nbody 4\x00\n",
        "SEND", [("destination", q), ("content-length", "100000")], b"body 4",
        ["stomp.expert.content_length_overrun"])
    # 5. a good frame
    add(b"SEND\ndestination:" + q.encode() + b"\n\nbody 5\x00\n",
        "SEND", [("destination", q)], b"body 5", [])
    # 6. the NUL missing after content-length bytes: the next frame starts there
    add(b"SEND\ndestination:" + q.encode() + b"\ncontent-length:6\n\nbody 6",
        "SEND", [("destination", q), ("content-length", "6")], b"body 6",
        ["stomp.expert.content_length_mismatch", "stomp.expert.missing_nul"])
    # 7. an escape STOMP 1.2 does not define (\t) in a header value
    add(b"SEND\ndestination:" + q.encode() + b"\nx-bad-escape:tab\\there\n\nbody 7\x00\n",
        "SEND", [("destination", q)], b"body 7", ["stomp.expert.invalid_escape"])
    # 8. an unknown command
    add(b"FOOBAR\nheader:x\n\n\x00\n", "FOOBAR", [("header", "x")], b"",
        ["stomp.expert.unknown_command"])
    # 9. a frame never finished: the client closes the connection inside it
    add(b"SEND\ndestination:" + q.encode() + b"\n\nthe body of a frame that never ends",
        "SEND", [("destination", q)], b"the body of a frame that never ends",
        ["stomp.expert.unterminated"])
    c.sock.sendall(b"".join(raw for raw, _ in frames))
    for _, rec in frames:
        c.rec.sent.append(rec)
    # what the broker says (ERROR frames, most likely) until it closes, or 3 s
    deadline = time.monotonic() + 3.0
    while not c.closed and time.monotonic() < deadline:
        c._pump(max(0.01, deadline - time.monotonic()))
    closed_by_broker = c.closed
    c.close()
    # record 6 has no NUL: the next frame's command line follows its body
    # directly (a plain count of command lines after NULs misses one)
    return [c.rec], dict(
        stomp_version="1.2",
        extra={"frames_not_after_nul": {"SEND": 1}},
        description="Raw socket client: CONNECT (1.2); then, in one write, SEND frames with a header line "
                    "without colon, content-length 'twelve', content-length 3 for a 16-byte body, "
                    "content-length 100000 for a 6-byte body, a good SEND, a SEND whose NUL is missing "
                    "after its 6 content-length bytes (the next frame starts right there), a SEND with the "
                    "undefined escape \\t, the unknown command FOOBAR, and a SEND whose body never ends "
                    "(the client closes the connection inside it). Each sent record's 'malformed' lists the "
                    "expert infos it calls for. The broker " + (
                        "answered and closed the connection." if closed_by_broker else
                        "kept the connection open; the client closed it after 3 s."))


# ---------------------------------------------------------------------------
# Heart-beating: a client that goes silent, and one that never does
# ---------------------------------------------------------------------------

class HBConn(RawConn):
    """RawConn that keeps time: every write is timestamped (to measure the
    client's own gaps), and received EOLs count as heart-beats unless they come
    right after a frame in the same read (the brokers' '\\0\\n')."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.writes = []               # monotonic times of the client's writes after CONNECT
        self.reads = []                # monotonic times of reads that returned data
        self.closed_at = None

    def send_frame(self, raw, **kw):
        super().send_frame(raw, **kw)
        self.writes.append(time.monotonic())

    def send_heartbeat(self):
        self.sock.sendall(b"\n")
        self.rec.hb_sent += 1
        self.writes.append(time.monotonic())

    def _pump(self, timeout):
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return False
        if not data:
            self.closed = True
            self.closed_at = time.monotonic()
            return True
        self.reads.append(time.monotonic())
        prev = None
        for kind, val in self.parser.feed(data):
            if kind == "eol":
                with self.rec.cond:
                    self.rec.eol_received_total += 1
                    if prev != "frame":
                        self.rec.hb_received_idle += 1
            else:
                cmd, pairs, body = split_frame(val)
                decode = self.version >= "1.1" and cmd != "CONNECTED"
                self.rec.add_received(frame_record(cmd, header_dict(pairs, decode), body, pairs, decode))
            prev = kind
        return True

    def run_for(self, seconds, hb_every=None):
        """Read for `seconds`; send a heart-beat whenever hb_every seconds have
        passed since the last write.  Stops early if the peer closes."""
        end = time.monotonic() + seconds
        while not self.closed:
            now = time.monotonic()
            if now >= end:
                return
            if hb_every is not None and now - self.writes[-1] >= hb_every:
                self.send_heartbeat()
                continue
            nxt = end if hb_every is None else min(end, self.writes[-1] + hb_every)
            self._pump(max(0.001, nxt - now))


def hb_negotiate(c, cx, cy):
    """(client->server ms, server->client ms) per STOMP 1.2 from the client's
    CONNECT heart-beat cx,cy and the CONNECTED heart-beat sx,sy."""
    connected = [f for f in c.rec.received if f["command"] == "CONNECTED"][0]
    sx, sy = (int(v) for v in connected["headers"].get("heart-beat", "0,0").split(","))
    c2s = max(cx, sy) if cx and sy else 0
    s2c = max(sx, cy) if sx and cy else 0
    return c2s, s2c, "%d,%d" % (sx, sy)


def hb_connect(args, label, cx, cy):
    c = HBConn(args.port, label, "1.2")
    host = "/" if args.broker == "rmq" else "localhost"
    c.send_frame(build_frame("CONNECT", [("accept-version", "1.2"), ("host", host), ("login", args.user),
                                         ("passcode", args.passcode), ("heart-beat", "%d,%d" % (cx, cy))]))
    expect_connected(c)
    return c


def max_gap(times):
    return max((b - a for a, b in zip(times, times[1:])), default=0.0)


def sc_silent(args):
    """Heart-beats negotiated, a few seconds of normal traffic, then a silence
    much longer than the negotiated client interval; then one more frame, or
    the broker's close."""
    cx = cy = 1000
    silence = 4.0
    c = hb_connect(args, "silent", cx, cy)
    c2s, s2c, server_hb = hb_negotiate(c, cx, cy)
    if not c2s:
        raise RuntimeError("broker did not agree to client heart-beats: %s" % server_hb)
    hb_every = c2s / 2000.0                 # twice per negotiated interval
    q = "/queue/%s-raw12-silent" % args.broker
    c.run_for(1.5, hb_every)
    c.send_frame(build_frame("SEND", [("destination", q), ("content-type", "text/plain"),
                                      ("receipt", "r-send-1")], b"before the silence"))
    c.run_for(1.5, hb_every)
    if not c.has_receipt("r-send-1"):
        raise RuntimeError("no receipt before the silence")
    last = c.writes[-1]
    c.run_for(silence - (time.monotonic() - last), None)      # silent: read only
    if c.closed:
        gap = c.closed_at - last
        ended_by = "close"
        error = any(f["command"] == "ERROR" for f in c.rec.received)
        outcome = ("the broker closes the TCP connection %.2f s into the silence (%s); the client then closes "
                   "its side." % (gap, "after an ERROR frame" if error else "without an ERROR frame"))
    else:
        c.send_frame(build_frame("SEND", [("destination", q), ("content-type", "text/plain"),
                                          ("receipt", "r-send-2")], b"after the silence"))
        gap = c.writes[-1] - last
        ended_by = "SEND"
        c.read_until(lambda: c.has_receipt("r-send-2"))
        c.run_for(1.0, hb_every)
        c.send_frame(build_frame("DISCONNECT", [("receipt", "r-disc")]))
        c.read_until(lambda: c.has_receipt("r-disc"))
        c.read_until_closed()
        outcome = ("the broker keeps the connection: after %.2f s of silence the client sends a SEND with receipt "
                   "(RECEIPT), heart-beats for 1 s more, then DISCONNECT with receipt." % gap)
    if not c.closed:
        raise RuntimeError("connection still open")
    c.close()
    c.rec.extra.update(hb_negotiated_client_ms=c2s, hb_negotiated_server_ms=s2c,
                       max_server_gap_s=round(max_gap(c.reads), 3))
    silences = [{"client_port": c.rec.client_port, "side": "client", "negotiated_client_ms": c2s,
                 "gap_s": round(gap, 3), "ended_by": ended_by}]
    return [c.rec], dict(
        stomp_version="1.2",
        extra={"silences": silences},
        description="Raw socket client, STOMP 1.2: CONNECT heart-beat:%d,%d, the broker answers heart-beat:%s, so "
                    "the client must send something at least every %d ms (max(cx, sy)) and the broker every %d ms. "
                    "For 3 s the client sends an EOL heart-beat every %d ms and a SEND with receipt; then it stays "
                    "silent (reading only) for up to %.1f s - far longer than %d ms; %s 'silences' gives the "
                    "client's own measurement (gap_s: from its last write before the silence to its next write, or "
                    "to the broker's FIN)."
                    % (cx, cy, server_hb, c2s, s2c, int(hb_every * 1000), silence, c2s, outcome))


def sc_steady(args):
    """Heart-beats negotiated and kept up for the whole session: no silence."""
    cx = cy = 1000
    c = hb_connect(args, "steady", cx, cy)
    c2s, s2c, server_hb = hb_negotiate(c, cx, cy)
    if not c2s:
        raise RuntimeError("broker did not agree to client heart-beats: %s" % server_hb)
    hb_every = c2s / 2000.0
    q = "/queue/%s-raw12-steady" % args.broker
    for i in (1, 2):
        c.run_for(2.0, hb_every)
        c.send_frame(build_frame("SEND", [("destination", q), ("content-type", "text/plain"),
                                          ("receipt", "r-send-%d" % i)], b"steady %d" % i))
    c.run_for(2.0, hb_every)
    c.send_frame(build_frame("DISCONNECT", [("receipt", "r-disc")]))
    c.read_until(lambda: c.has_receipt("r-disc"))
    c.read_until_closed()
    c.close()
    gap = max_gap(c.writes)
    if gap > c2s / 1000.0 * 0.75:
        raise RuntimeError("client was late: max gap %.3f s" % gap)
    if c.rec.hb_received_idle < 2:
        raise RuntimeError("too few heart-beats from the broker: %d" % c.rec.hb_received_idle)
    sgap = max_gap(c.reads)
    c.rec.extra.update(hb_negotiated_client_ms=c2s, hb_negotiated_server_ms=s2c, max_client_gap_s=round(gap, 3),
                       max_server_gap_s=round(sgap, 3))
    return [c.rec], dict(
        stomp_version="1.2",
        extra={"silences": []},
        description="Raw socket client, STOMP 1.2: CONNECT heart-beat:%d,%d, the broker answers heart-beat:%s "
                    "(client must send every %d ms, broker every %d ms). For 6 s the client sends an EOL "
                    "heart-beat every %d ms (longest gap between its writes: %.3f s, max_client_gap_s) plus two "
                    "SENDs with receipts, then DISCONNECT with receipt. The client is never silent ('silences': "
                    "[]), so nothing should be flagged on its side. The broker's side, as the client saw it: "
                    "longest gap between reads %.3f s (max_server_gap_s)%s."
                    % (cx, cy, server_hb, c2s, s2c, int(hb_every * 1000), gap, sgap,
                       "" if sgap <= s2c / 1000.0 * 1.1 else
                       " - longer than the negotiated %d ms: ActiveMQ starts heart-beating only 2 intervals after "
                       "CONNECTED and skips a heart-beat whenever it wrote anything (here a RECEIPT) during the "
                       "previous interval, so its gaps reach ~2x the interval" % s2c))


SCENARIOS = {"dribble": sc_dribble, "crlf": sc_crlf, "unknown": sc_unknown, "bad-frames": sc_bad_frames,
             "silent": sc_silent, "steady": sc_steady}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    ap.add_argument("--broker", choices=("amq", "rmq"), required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--user", default="capuser")
    ap.add_argument("--passcode", default="cappass")
    args = ap.parse_args()
    recs, meta = SCENARIOS[args.scenario](args)
    meta["client"] = CLIENT
    write_log(args.log, recs, **meta)


if __name__ == "__main__":
    main()
