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
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))

from stompcap import RawConn, build_frame, write_log  # noqa: E402

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


SCENARIOS = {"dribble": sc_dribble, "crlf": sc_crlf, "unknown": sc_unknown}


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
