#!/usr/bin/python3
"""python3-stomp 8.0.0 scenarios for the STOMP test captures.

Run with Debian's /usr/bin/python3 (python3-stomp is installed for it):
    py_scenarios.py <scenario> --broker amq|rmq --port N --log out.json [--user U --passcode P]

Every scenario writes a log (lib/stompcap.write_log) with one entry per TCP
connection: the frames the client wrote and read, as recorded by the hooks in
lib/stompcap.py.  A scenario raises (non-zero exit) if anything unexpected
happens, so a capture is never kept with a log that does not match it.
"""

import argparse
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))

import stomp  # noqa: E402
from stompcap import pystomp_connection, wait_closed, write_log, load_ruby_log  # noqa: E402

CLIENT = "python3-stomp %d.%d.%d" % tuple(stomp.__version__)

# deterministic payloads
BIN_1024 = bytes(range(256)) * 4                       # contains NUL bytes
TEXT_200K = b"".join(b"line %06d: the quick brown fox jumps over the lazy dog 0123456789\n" % i
                     for i in range(4000))[:200 * 1024]
BIN_2M = bytes(range(256)) * 8192                      # 2 MiB, NUL bytes included

# header values that need escaping (decoded form)
ESC_11 = {
    "x-colon": "a:b:c",
    "x-backslash": "C:\\Temp\\new",        # a backslash before 'n' and 'T'
    "x-newline": "line1\nline2",
    "x-tricky": "\\c\\n\\r\\\\",           # literal backslash sequences: wire \\c\\n\\r\\\\\\\\
    "x-utf8": "Grüße ☃",
    "x-schlüssel": "wert",                 # non-ASCII header name
}
ESC_12_EXTRA = {
    "x-cr": "carriage\rreturn",
    "x-crlf": "a\r\nb",
}


class Ctx:
    def __init__(self, args):
        self.broker = args.broker
        self.port = args.port
        self.user = args.user
        self.passcode = args.passcode
        self.vhost = "/" if args.broker == "rmq" else None
        self.conns = []      # (rec, check)

    def conn(self, version, label, heartbeats=(0, 0)):
        c, rec, check = pystomp_connection(version, self.port, label, heartbeats=heartbeats,
                                           vhost=self.vhost)
        self.conns.append((rec, check))
        return c, rec

    def connect(self, c, rec, version, connect_command=True, passcode=None):
        kw = {}
        if version != "1.0":
            # python3-stomp sends STOMP instead of CONNECT for 1.1/1.2 unless asked
            kw["with_connect_command"] = connect_command
        c.connect(self.user, passcode or self.passcode, wait=True, **kw)

    def disconnect(self, c, rec, rid):
        c.disconnect(receipt=rid)
        rec.wait_receipt(rid)
        wait_closed(c, rec)

    def finish(self):
        for rec, check in self.conns:
            check()
        return [rec for rec, _ in self.conns]


def messages(rec):
    return [f for f in rec.received if f["command"] == "MESSAGE"]


# ---------------------------------------------------------------------------

def sc_basic12(ctx):
    """STOMP 1.2: CONNECT (not STOMP), SUBSCRIBE client-individual with receipt,
    SEND text / empty body / 1024-byte binary body with NULs (all with
    receipts), ACK, NACK, ACK, UNSUBSCRIBE, DISCONNECT with receipt."""
    c, rec = ctx.conn("1.2", "basic12")
    ctx.connect(c, rec, "1.2")
    q = "/queue/%s-py12-basic" % ctx.broker
    c.subscribe(q, id="sub-1", ack="client-individual", headers={"receipt": "r-sub"})
    rec.wait_receipt("r-sub")
    c.send(q, b"Hello, STOMP 1.2!", content_type="text/plain", headers={"receipt": "r-text"})
    rec.wait_receipt("r-text")
    c.send(q, b"", headers={"receipt": "r-empty"})
    rec.wait_receipt("r-empty")
    c.send(q, BIN_1024, content_type="application/octet-stream", headers={"receipt": "r-bin"})
    rec.wait_receipt("r-bin")
    rec.wait_count("MESSAGE", 3)
    m = messages(rec)
    c.ack(m[0]["headers"]["ack"])
    c.nack(m[1]["headers"]["ack"], receipt="r-nack")
    rec.wait_receipt("r-nack")
    c.ack(m[2]["headers"]["ack"], receipt="r-ack")
    rec.wait_receipt("r-ack")
    extra = ""
    if ctx.broker == "rmq":
        # RabbitMQ requeues a NACKed message (requeue defaults to true) and,
        # as we are the only consumer, redelivers it to us: ACK that one too.
        rec.wait_count("MESSAGE", 4)
        c.ack(messages(rec)[3]["headers"]["ack"], receipt="r-ack2")
        rec.wait_receipt("r-ack2")
        extra = (" RabbitMQ requeues the NACKed message and redelivers it (redelivered:true), "
                 "which the client ACKs with a receipt.")
    else:
        extra = " ActiveMQ does not redeliver the NACKed message to this subscription."
    c.unsubscribe(id="sub-1", headers={"receipt": "r-unsub"})
    rec.wait_receipt("r-unsub")
    ctx.disconnect(c, rec, "r-disc")
    return dict(stomp_version="1.2",
                description="One STOMP 1.2 session (CONNECT with accept-version:1.2, host, login, passcode): "
                            "SUBSCRIBE (ack:client-individual) with receipt; SEND with a text body, SEND with an "
                            "empty body, SEND with a 1024-byte binary body (bytes 0..255 x4, contains NULs, "
                            "content-length) - each with a receipt and RECEIPT; the 3 MESSAGEs; ACK, NACK (with "
                            "receipt), ACK (with receipt);" + extra +
                            " UNSUBSCRIBE with receipt; DISCONNECT with receipt and its RECEIPT.")


def sc_txn11(ctx):
    """STOMP 1.1 transactions: COMMIT, ABORT, ACK inside a transaction, NACK."""
    c, rec = ctx.conn("1.1", "txn11")
    ctx.connect(c, rec, "1.1")
    q = "/queue/%s-py11-txn" % ctx.broker
    c.subscribe(q, id="sub-tx", ack="client", headers={"receipt": "r-sub"})
    rec.wait_receipt("r-sub")
    c.begin("tx-1")
    c.send(q, b"txn message 1 (committed)", transaction="tx-1")
    c.send(q, b"txn message 2 (committed)", transaction="tx-1")
    c.commit("tx-1", headers={"receipt": "r-commit-1"})
    rec.wait_receipt("r-commit-1")
    c.begin("tx-2")
    c.send(q, b"txn message 3 (aborted, never delivered)", transaction="tx-2")
    c.abort("tx-2", headers={"receipt": "r-abort-2"})
    rec.wait_receipt("r-abort-2")
    rec.wait_count("MESSAGE", 2)
    m = messages(rec)
    c.begin("tx-3")
    # ack:client is cumulative: acking message 2 acknowledges 1 and 2
    c.ack(m[1]["headers"]["message-id"], "sub-tx", transaction="tx-3")
    c.commit("tx-3", headers={"receipt": "r-commit-3"})
    rec.wait_receipt("r-commit-3")
    c.send(q, b"message to be NACKed", headers={"receipt": "r-send-4"})
    rec.wait_receipt("r-send-4")
    rec.wait_count("MESSAGE", 3)
    m = messages(rec)
    c.nack(m[2]["headers"]["message-id"], "sub-tx", receipt="r-nack")
    rec.wait_receipt("r-nack")
    time.sleep(0.5)
    if len(messages(rec)) != 3:
        raise RuntimeError("unexpected redelivery")
    ctx.disconnect(c, rec, "r-disc")
    return dict(stomp_version="1.1",
                description="One STOMP 1.1 session on a non-default port: SUBSCRIBE ack:client; BEGIN tx-1, two "
                            "SENDs with transaction:tx-1, COMMIT with receipt; BEGIN tx-2, SEND in tx-2, ABORT with "
                            "receipt (that message is never delivered); 2 MESSAGEs; BEGIN tx-3, ACK (1.1: message-id "
                            "+ subscription) with transaction:tx-3, COMMIT with receipt; SEND with receipt, its "
                            "MESSAGE, NACK (1.1) with receipt (ActiveMQ does not redeliver it); DISCONNECT with "
                            "receipt.")


def sc_errors(ctx):
    """ERROR frames: bad login; broker-specific invalid requests."""
    # connection 1: wrong passcode
    c, rec = ctx.conn("1.2", "bad-login")
    try:
        ctx.connect(c, rec, "1.2", passcode="wrong-password")
        raise RuntimeError("login with a wrong password succeeded")
    except stomp.exception.ConnectFailedException:
        pass
    rec.wait_count("ERROR", 1)
    # ActiveMQ closes the connection right after this ERROR; RabbitMQ keeps
    # it open (~10 s), so we close it ourselves after 1 s.
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline and c.transport.socket is not None:
        time.sleep(0.05)
    closed_by_broker = c.transport.socket is None
    if not closed_by_broker:
        c.transport.disconnect_socket()
    wait_closed(c, rec)
    expect_closed = ctx.broker == "amq"
    if closed_by_broker != expect_closed:
        raise RuntimeError("bad login: broker close behaviour changed (closed=%s)" % closed_by_broker)

    # connection 2: requests the broker rejects
    c, rec = ctx.conn("1.1", "bad-requests")
    ctx.connect(c, rec, "1.1")
    if ctx.broker == "amq":
        # SEND without destination header (c.send() insists on one)
        c.send_frame("SEND", {"receipt": "r-nodest"}, b"no destination")
        rec.wait_count("ERROR", 1)
        # ACK of a message id that does not exist
        c.ack("ID:no-such-message-1", "sub-none", receipt="r-badack")
        rec.wait_count("ERROR", 2)
        what = ("Connection 2 (STOMP 1.1): SEND without a destination header (ERROR 'SEND received without a "
                "Destination specified!', with receipt-id) and ACK of an unknown message-id (ERROR 'Unexpected "
                "ACK received for message-id [null]', with receipt-id); ActiveMQ keeps the connection open; "
                "DISCONNECT with receipt.")
    else:
        c.subscribe("/foo/bar", id="sub-bad", headers={"receipt": "r-badsub"})
        rec.wait_count("ERROR", 1)
        c.send("/foo/bar", b"to an invalid destination", headers={"receipt": "r-badsend"})
        rec.wait_count("ERROR", 2)
        c.ack("T_sub-none@@session-none@@1", "sub-none", receipt="r-badack")
        rec.wait_count("ERROR", 3)
        what = ("Connection 2 (STOMP 1.1): SUBSCRIBE to /foo/bar and SEND to /foo/bar (ERROR 'Unknown "
                "destination' each), ACK for an unknown subscription (ERROR 'Subscription not found'); RabbitMQ "
                "sends no receipt-id in these ERRORs and keeps the connection open; DISCONNECT with receipt.")
    time.sleep(0.3)
    ctx.disconnect(c, rec, "r-disc")
    return dict(stomp_version="mixed",
                description="ERROR frames. Connection 1 (STOMP 1.2, CONNECT): wrong passcode -> ERROR; "
                            + ("ActiveMQ closes the connection itself. " if ctx.broker == "amq" else
                               "RabbitMQ ('Bad CONNECT', body 'Access refused for user ...') keeps the TCP "
                               "connection open, the client closes it after 1 s. ") + what)


def sc_large(ctx):
    """Large bodies: 200 KB text (+ 2 MiB binary on ActiveMQ), sent and received."""
    c, rec = ctx.conn("1.2", "large")
    ctx.connect(c, rec, "1.2")
    q = "/queue/%s-py12-large" % ctx.broker
    c.subscribe(q, id="sub-large", ack="auto", headers={"receipt": "r-sub"})
    rec.wait_receipt("r-sub")
    c.send(q, TEXT_200K, content_type="text/plain", headers={"receipt": "r-200k"})
    rec.wait_receipt("r-200k")
    n = 1
    desc = ("STOMP 1.2: SUBSCRIBE (ack:auto) with receipt; SEND of a 204800-byte text body (content-length) with "
            "receipt")
    if ctx.broker == "amq":
        c.send(q, BIN_2M, content_type="application/octet-stream", headers={"receipt": "r-2m"})
        rec.wait_receipt("r-2m", timeout=60)
        n = 2
        desc += "; SEND of a 2097152-byte binary body (bytes 0..255 repeated, NULs) with receipt"
    rec.wait_count("MESSAGE", n, timeout=60)
    ctx.disconnect(c, rec, "r-disc")
    return dict(stomp_version="1.2",
                description=desc + "; the same bod%s received back as MESSAGE%s (content-length); DISCONNECT "
                            "with receipt. Bodies span many TCP segments." % (("ies", "s") if n == 2 else ("y", "")))


def sc_bulk(ctx, version):
    """1000 small SENDs back to back, then consume the 1000 MESSAGEs."""
    c, rec = ctx.conn(version, "bulk")
    ctx.connect(c, rec, version)
    q = "/queue/%s-py-bulk" % ctx.broker
    for i in range(1000):
        c.send(q, b"small frame #%04d" % i)
    c.subscribe(q, id="sub-bulk", ack="auto", headers={"receipt": "r-sub"})
    rec.wait_count("MESSAGE", 1000, timeout=120)
    rec.wait_receipt("r-sub")
    time.sleep(0.5)
    if len(messages(rec)) != 1000:
        raise RuntimeError("got %d messages" % len(messages(rec)))
    ctx.disconnect(c, rec, "r-disc")
    return dict(stomp_version=version,
                description="STOMP %s: 1000 SENDs with 17-byte bodies ('small frame #0000'..) written back to "
                            "back without waiting (python3-stomp does not set TCP_NODELAY, so many frames share "
                            "a TCP segment), then SUBSCRIBE (ack:auto) with receipt and the 1000 MESSAGEs "
                            "(delivered back to back, several per segment); DISCONNECT with receipt." % version)


def sc_heartbeat(ctx, version):
    c, rec = ctx.conn(version, "heartbeat", heartbeats=(500, 500))
    ctx.connect(c, rec, version, connect_command=False)   # the STOMP command
    rec.idle(3.6)
    ctx.disconnect(c, rec, "r-disc")
    if rec.hb_sent < 3 or rec.hb_received_idle < 3:
        raise RuntimeError("too few heart-beats: sent %d received %d" % (rec.hb_sent, rec.hb_received_idle))
    return dict(stomp_version=version,
                description="STOMP %s session opened with the STOMP command (not CONNECT) with accept-version, "
                            "login, passcode and heart-beat:500,500 (python3-stomp adds it; it sends no host "
                            "header in 1.1 without a vhost), "
                            "then 3.6 s idle so that heart-beat EOLs cross the wire in both directions, then "
                            "DISCONNECT with receipt. heartbeats_sent_min counts every EOL the client wrote; "
                            "heartbeats_received_min counts the EOLs the client read during the idle period."
                            % version)


def sc_escapes(ctx):
    """Escaped / UTF-8 header values in a 1.1 and a 1.2 session."""
    out = []
    for version in ("1.1", "1.2"):
        c, rec = ctx.conn(version, "escapes" + version)
        # the 1.2 session is opened with the STOMP command, the 1.1 one with CONNECT
        ctx.connect(c, rec, version, connect_command=(version == "1.1"))
        q = "/queue/%s-py-escapes-%s" % (ctx.broker, version.replace(".", ""))
        c.subscribe(q, id="sub-esc", ack="auto", headers={"receipt": "r-sub"})
        rec.wait_receipt("r-sub")
        hdrs = dict(ESC_11)
        if version == "1.2":
            hdrs.update(ESC_12_EXTRA)
        hdrs["receipt"] = "r-esc"
        c.send(q, "UTF-8 body: Grüße ☃".encode("utf-8"), content_type="text/plain;charset=utf-8",
               headers=hdrs)
        rec.wait_receipt("r-esc")
        rec.wait_count("MESSAGE", 1)
        ctx.disconnect(c, rec, "r-disc")
        out.append(rec)
    return dict(stomp_version="mixed",
                description="Two sessions, STOMP 1.1 (CONNECT) then STOMP 1.2 (opened with the STOMP command), each SENDs to its own queue a message with "
                            "custom headers whose values need escaping - x-colon 'a:b:c', x-backslash "
                            "'C:\\Temp\\new', x-newline 'line1<LF>line2', x-tricky (literal backslash-c, "
                            "backslash-n, backslash-r, two backslashes), x-utf8 'Grüße ☃', a non-ASCII header name "
                            "'x-schlüssel' - and in 1.2 also x-cr 'carriage<CR>return' and x-crlf 'a<CR><LF>b' "
                            "(on the wire as \\r); python3-stomp escapes values (1.1: \\\\ \\n \\c, 1.2: also "
                            "\\r), not names. Each receives its message back as MESSAGE, with the broker's escaping "
                            "(incl. message-id/ack with \\c). Header values in the manifest are decoded.")


def sc_multi(ctx):
    """Producer + two consumers on a topic, three concurrent connections."""
    topic = "/topic/%s-multi" % ctx.broker
    consumers = []
    for version, label in (("1.1", "consumer-a"), ("1.2", "consumer-b")):
        c, rec = ctx.conn(version, label)
        ctx.connect(c, rec, version)
        c.subscribe(topic, id="sub-" + label, ack="auto", headers={"receipt": "r-sub"})
        rec.wait_receipt("r-sub")
        consumers.append((c, rec))
    if ctx.broker == "amq":
        p, prec = ctx.conn("1.0", "producer")
        ctx.connect(p, prec, "1.0")
        for i in range(5):
            p.send(topic, b"topic message %d" % i, headers={"receipt": "r-pub-%d" % i, "x-seq": str(i)})
            prec.wait_receipt("r-pub-%d" % i)
        producer_desc = "a STOMP 1.0 python3-stomp producer"
        extra_logs = []
    else:
        # the producer is a ruby-stomp 1.0 client (clients/rb_scenarios.rb producer10)
        rlog = ctx.tmp_log + ".rb-producer.json"
        subprocess.run(["ruby", os.path.join(HERE, "rb_scenarios.rb"), "producer10", "--broker", ctx.broker,
                        "--port", str(ctx.port), "--log", rlog, "--user", ctx.user, "--passcode",
                        ctx.passcode, "--topic", topic], check=True, timeout=60)
        rmeta, extra_logs = load_ruby_log(rlog)
        os.unlink(rlog)
        ctx.extra_client = rmeta["client"]
        producer_desc = "a STOMP 1.0 ruby-stomp producer (clients/rb_scenarios.rb producer10)"
    for c, rec in consumers:
        rec.wait_count("MESSAGE", 5)
    time.sleep(0.3)
    for c, rec in consumers:
        if len(messages(rec)) != 5:
            raise RuntimeError("%s: %d messages" % (rec.label, len(messages(rec))))
        ctx.disconnect(c, rec, "r-disc")
    if ctx.broker == "amq":
        ctx.disconnect(p, prec, "r-disc")
    ctx.extra_conns = extra_logs
    return dict(stomp_version="mixed",
                description="Three concurrent connections: two python3-stomp consumers (STOMP 1.1 and 1.2) "
                            "SUBSCRIBE to %s with receipts, then %s SENDs 5 messages (each with a receipt and an "
                            "x-seq header) to the topic; every SEND appears as a MESSAGE on both consumer "
                            "connections; all three DISCONNECT with receipts." % (topic, producer_desc))


SCENARIOS = {
    "basic12": sc_basic12,
    "txn11": sc_txn11,
    "errors": sc_errors,
    "large": sc_large,
    "bulk12": lambda ctx: sc_bulk(ctx, "1.2"),
    "bulk11": lambda ctx: sc_bulk(ctx, "1.1"),
    "heartbeat11": lambda ctx: sc_heartbeat(ctx, "1.1"),
    "heartbeat12": lambda ctx: sc_heartbeat(ctx, "1.2"),
    "escapes": sc_escapes,
    "multi": sc_multi,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    ap.add_argument("--broker", choices=("amq", "rmq"), required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--user", default="capuser")
    ap.add_argument("--passcode", default="cappass")
    args = ap.parse_args()
    ctx = Ctx(args)
    ctx.tmp_log = args.log
    ctx.extra_conns = []
    meta = SCENARIOS[args.scenario](ctx)
    recs = ctx.finish()
    meta.setdefault("client", CLIENT)
    if ctx.extra_conns:
        meta["client"] = CLIENT + " + " + ctx.extra_client
    write_log(args.log, recs + ctx.extra_conns, **meta)


if __name__ == "__main__":
    main()
