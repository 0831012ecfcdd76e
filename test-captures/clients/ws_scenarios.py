#!/usr/bin/python3
"""STOMP over WebSocket scenario: runs the node client clients/ws/ws_client.js
(@stomp/stompjs + ws) and turns its raw log (every WebSocket message sent and
received, exact bytes) into the common log format of lib/stompcap.py.

    ws_scenarios.py basic|deflate --broker rmq --port 15674 --log out.json --node-path DIR/node_modules
                    [--path /ws --user U --passcode P]

basic: the client offers no WebSocket extension (plain payloads on the wire);
deflate: it offers permessage-deflate (the default of the ws library, and of
browsers), so if the broker accepts, every message is compressed on the wire.

The STOMP frames are parsed here from the recorded WebSocket message
payloads with lib/stompcap's StreamParser (one parser per direction, fed the
messages in order, so a frame spanning WebSocket messages would still be
found - and is counted in ws_messages.frames_spanning_messages).  Header
values are recorded as stompjs 7 decodes/encodes them: it escapes and
unescapes header *values* (not names) only in a negotiated STOMP 1.2 session
and never in CONNECT/CONNECTED; the parse is cross-checked against the frames
stompjs delivered to the client's callbacks.
"""

import argparse
import base64
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))

from stompcap import StreamParser, split_frame, frame_record, unescape, write_log  # noqa: E402


def stompjs_headers(pairs, decode):
    """Headers as stompjs 7 makes them: first occurrence wins, names and values
    trimmed, values unescaped if decode."""
    out = {}
    for name, value in pairs:
        name, value = name.strip(), value.strip()
        if decode:
            value = unescape(value)
        if name not in out:
            out[name] = value
    return out


def undecoded(pairs, headers):
    out, seen = {}, set()
    for name, value in pairs:
        key = name.strip()
        if key in seen:
            continue
        seen.add(key)
        if key in headers and headers[key] != value:
            out[key] = value
    return out


def parse_messages(raw):
    """Frames per direction from the recorded WebSocket messages.
    Returns (sent, received, stats) with frame records."""
    parsers = {"out": StreamParser(), "in": StreamParser()}
    frames = {"out": [], "in": []}
    stats = {d: {"messages": 0, "text": 0, "binary": 0, "heartbeat_only": 0, "frames": 0,
                 "max_frames_per_message": 0, "messages_with_trailing_eol": 0, "heartbeat_eols": 0}
             for d in ("out", "in")}
    spanning = 0
    version = None
    for m in raw["messages"]:
        d = m["dir"]
        data = base64.b64decode(m["b64"])
        p = parsers[d]
        st = stats[d]
        st["messages"] += 1
        st["binary" if m["binary"] else "text"] += 1
        carried = len(p.buf) > 0
        events = p.feed(data)
        nframes = sum(1 for k, _ in events if k == "frame")
        eols = sum(1 for k, _ in events if k == "eol")
        if nframes == 0 and eols and not p.buf:
            st["heartbeat_only"] += 1
            st["heartbeat_eols"] += eols
        if nframes and events[-1][0] == "eol":
            st["messages_with_trailing_eol"] += 1
        if (carried and nframes) or p.buf:
            spanning += 1
        st["frames"] += nframes
        st["max_frames_per_message"] = max(st["max_frames_per_message"], nframes)
        for k, val in events:
            if k != "frame":
                continue
            cmd, pairs, body = split_frame(val)
            if d == "in" and cmd == "CONNECTED":
                version = stompjs_headers(pairs, False).get("version", "1.0")
            decode = version == "1.2" and cmd not in ("CONNECT", "CONNECTED")
            hdrs = stompjs_headers(pairs, decode)
            rec = frame_record(cmd, hdrs, body)
            diff = undecoded(pairs, hdrs)
            if diff:
                rec["undecoded"] = diff
            frames[d].append(rec)
    for d, p in parsers.items():
        if bytes(p.buf).strip(b"\r\n"):
            raise RuntimeError("%s: %d unparsed bytes at the end" % (d, len(p.buf)))
    stats["frames_spanning_messages"] = spanning
    return frames["out"], frames["in"], stats, version


def cross_check(received, seen):
    """Our parse of the received bytes vs. what stompjs handed to the callbacks."""
    mine = [(f["command"], f["headers"], f["body_len"]) for f in received]
    theirs = [(f["command"], f["headers"], f["body_len"]) for f in seen]
    if mine != theirs:
        for a, b in zip(mine, theirs):
            if a != b:
                raise RuntimeError("stompjs saw %r, parsed %r" % (b, a))
        raise RuntimeError("stompjs saw %d frames, parsed %d" % (len(theirs), len(mine)))


def sc_basic(args, deflate=False):
    raw_log = args.log + ".node.json"
    q = "/queue/%s-ws-%s" % (args.broker, "deflate" if deflate else "basic")
    url = "ws://127.0.0.1:%d%s" % (args.port, args.path)
    env = dict(os.environ, NODE_PATH=args.node_path)
    r = subprocess.run(["node", os.path.join(HERE, "ws", "ws_client.js"), "--url", url, "--queue", q,
                        "--raw-log", raw_log, "--user", args.user, "--passcode", args.passcode,
                        "--vhost", "/", "--deflate", "yes" if deflate else "no"], env=env, timeout=120)
    with open(raw_log, encoding="utf-8") as fh:
        raw = json.load(fh)
    if r.returncode != 0:
        raise RuntimeError("node client failed: %s" % raw.get("error"))
    os.unlink(raw_log)
    sent, received, stats, version = parse_messages(raw)
    cross_check(received, raw["stompjs_frames"])
    if raw["response_subprotocol"] != raw["negotiated_subprotocol"]:
        raise RuntimeError("sub-protocol mismatch %r" % raw)
    got_disc_receipt = any(f["command"] == "RECEIPT" and f["headers"].get("receipt-id") == "r-disc"
                           for f in received)
    close = raw["close"]
    # who sent the first WebSocket Close: if the DISCONNECT's RECEIPT never came,
    # stompjs did not close, so the Close we got was the broker's
    closed_by = "client" if got_disc_receipt else "server"
    conn = {"label": "ws-deflate" if deflate else "ws-basic", "client_port": raw["client_port"], "server_port": args.port,
            "sent": sent, "received": received,
            "heartbeats_sent_min": stats["out"]["heartbeat_eols"],
            "heartbeats_received_min": stats["in"]["heartbeat_eols"]}
    ext = raw["response_extensions"]
    if bool(ext) != deflate:
        raise RuntimeError("unexpected WebSocket extensions %r" % ext)
    ws = {"ws_port": args.port, "ws_path": args.path,
          "ws_subprotocols_offered": raw["offered_subprotocols"],
          "ws_subprotocol": raw["negotiated_subprotocol"],
          "ws_extensions": ext,
          "ws_messages": {"client": stats["out"], "server": stats["in"],
                          "frames_spanning_messages": stats["frames_spanning_messages"]},
          "ws_close": {"first_close_by": closed_by, "code": close["code"], "reason": close["reason"]}}
    disc = ("DISCONNECT with receipt and its RECEIPT, then the WebSocket close handshake"
            if got_disc_receipt else
            "DISCONNECT with receipt: RabbitMQ's web_stomp sends no RECEIPT for it but closes the WebSocket at "
            "once (Close %d '%s'), then the TCP connection" % (close["code"], close["reason"]))
    one_each = (stats["frames_spanning_messages"] == 0 and stats["out"]["max_frames_per_message"] == 1
                and stats["in"]["max_frames_per_message"] == 1)
    layout = ("Every STOMP frame is exactly one WebSocket message (text, except the binary SEND); heart-beats "
              "are separate messages." if one_each else
              "Some WebSocket messages hold several frames or a frame spans messages (see ws_messages).")
    if stats["in"]["messages_with_trailing_eol"] == stats["in"]["frames"]:
        layout += " The broker puts an LF after each frame's NUL inside the same message."
    comp = ("The client offers permessage-deflate (ws's default, as browsers do) and the broker accepts it "
            "(Sec-WebSocket-Extensions: %s): every WebSocket message on the wire is compressed (RSV1), with "
            "context takeover. " % ext if ext else
            "No WebSocket extension is offered (perMessageDeflate off), so the payloads are plain on the wire. ")
    desc = ("STOMP over WebSocket (ws://127.0.0.1:%d%s, HTTP/1.1 Upgrade; tshark 4.0 finds the HTTP Upgrade by "
            "its heuristics, -d tcp.port==%d,http forces it): node + @stomp/stompjs with the ws library. %sThe "
            "client offers the "
            "sub-protocols %s, the broker picks %s; STOMP %s. CONNECT (accept-version:1.2,1.1,1.0, host, login, "
            "passcode, heart-beat:1000,1000); SUBSCRIBE ack:client-individual with receipt; SEND text/plain "
            "with x-note 'colon:inside' (escaped \\c); SEND application/json with receipt; SEND of a 128-byte "
            "body (bytes 0..127, NUL first) with content-length and receipt, written as a *binary* WebSocket "
            "message; the 3 MESSAGEs (RabbitMQ copies each SEND's receipt header into its MESSAGE); ACK, ACK, "
            "ACK with receipt; 3.2 s idle with heart-beats (a lone LF per WebSocket message) both ways; "
            "UNSUBSCRIBE with receipt; %s. %s RabbitMQ sends every frame as a text WebSocket message "
            "(web_stomp.ws_frame default), also the MESSAGE of the binary SEND. Header "
            "values: as stompjs 7 encodes/decodes them (1.2 session: values escaped/unescaped, names not; "
            "never in CONNECT/CONNECTED), parsed by ws_scenarios.py from the exact WebSocket payloads and "
            "cross-checked against the frames stompjs delivered."
            % (args.port, args.path, args.port, comp, ", ".join(raw["offered_subprotocols"]),
               raw["negotiated_subprotocol"], version, disc, layout))
    return [conn], dict(stomp_version=version, description=desc, client=raw["client"],
                        extra=dict(transport="websocket", **ws))


SCENARIOS = {"basic": sc_basic, "deflate": lambda args: sc_basic(args, deflate=True)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    ap.add_argument("--broker", choices=("amq", "rmq"), required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--path", default="/ws")
    ap.add_argument("--log", required=True)
    ap.add_argument("--node-path", required=True)
    ap.add_argument("--user", default="capuser")
    ap.add_argument("--passcode", default="cappass")
    args = ap.parse_args()
    conns, meta = SCENARIOS[args.scenario](args)
    write_log(args.log, conns, **meta)


if __name__ == "__main__":
    main()
