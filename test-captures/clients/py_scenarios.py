#!/usr/bin/python3
"""python3-stomp 8.0.0 scenarios for the STOMP test captures.

Run with Debian's /usr/bin/python3 (python3-stomp is installed for it):
    py_scenarios.py <scenario> --broker amq|rmq|ss --port N --log out.json [--user U --passcode P]

Every scenario writes a log (lib/stompcap.write_log) with one entry per TCP
connection: the frames the client wrote and read, as recorded by the hooks in
lib/stompcap.py.  A scenario raises (non-zero exit) if anything unexpected
happens, so a capture is never kept with a log that does not match it.
"""

import argparse
import collections
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))

import stomp  # noqa: E402
from stompcap import pystomp_connection, pystomp_tls_keylog, wait_closed, write_log, load_ruby_log  # noqa: E402
import threading  # noqa: E402

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
        self.tls_ca = args.tls_ca
        self.keylog = args.keylog
        if self.keylog:
            if os.path.exists(self.keylog):
                os.unlink(self.keylog)
            pystomp_tls_keylog(self.keylog)
        # queue names that must not see leftovers of an earlier (failed) attempt
        self.run_tag = "%x" % (int(time.time() * 1000) & 0xffffff)

    def conn(self, version, label, heartbeats=(0, 0)):
        c, rec, check = pystomp_connection(version, self.port, label, heartbeats=heartbeats,
                                           vhost=self.vhost, tls_ca=self.tls_ca)
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


def run_concurrently(work, args_list):
    """work(*args) for every args of args_list, each in its own thread (the
    clients write at the same time); re-raises the first error."""
    errors = []

    def guarded(*args):
        try:
            work(*args)
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=guarded, args=a) for a in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


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


# ---------------------------------------------------------------------------
# Receipts, acknowledgements, broker transit, TLS (added with the second set
# of captures)
# ---------------------------------------------------------------------------

def sc_receipts12(ctx):
    """1000 SENDs, each with its own receipt, written without waiting; all
    RECEIPTs are collected before the DISCONNECT."""
    c, rec = ctx.conn("1.2", "receipts12")
    ctx.connect(c, rec, "1.2")
    # nothing is sent to the subscribed queue, and nobody subscribes to the
    # queue the SENDs go to (RabbitMQ would copy each SEND's receipt header
    # into the MESSAGE it delivers)
    sub_q = "/queue/%s-py12-receipts-idle" % ctx.broker
    dest = "/queue/%s-py12-receipts" % ctx.broker
    c.subscribe(sub_q, id="sub-idle", ack="auto", headers={"receipt": "rcpt-sub"})
    rec.wait_receipt("rcpt-sub")
    n = 1000
    max_outstanding = 0
    for i in range(1, n + 1):
        c.send(dest, b"receipt test %04d" % i, headers={"receipt": "rcpt-%04d" % i})
        # receipts asked for so far (SUBSCRIBE's included) minus RECEIPTs read so far
        max_outstanding = max(max_outstanding, i + 1 - rec.count("RECEIPT"))
    rec.wait_for(lambda: rec.count("RECEIPT") >= n + 1, 120, "%d RECEIPTs" % n)
    time.sleep(0.3)
    ctx.disconnect(c, rec, "rcpt-disc")
    requested = [f["headers"]["receipt"] for f in rec.sent if "receipt" in f["headers"]]
    answered = [f["headers"]["receipt-id"] for f in rec.received if f["command"] == "RECEIPT"]
    unanswered = [r for r in requested if r not in set(answered)]
    unexpected = [r for r in answered if r not in set(requested)]
    if unanswered or unexpected or len(answered) != len(set(answered)):
        raise RuntimeError("receipts: unanswered %s unexpected %s" % (unanswered[:5], unexpected[:5]))
    rec.extra["receipts"] = {"requested": len(requested), "answered": len(answered), "unanswered": unanswered,
                             "in_order": answered == requested, "max_outstanding": max_outstanding}
    return dict(stomp_version="1.2",
                description="STOMP 1.2, one connection: SUBSCRIBE (ack:auto) to %s with receipt rcpt-sub; 1000 SENDs "
                            "to %s (nobody subscribed there, so no MESSAGE) with 17-byte bodies, each with a unique "
                            "receipt rcpt-0001..rcpt-1000, written back to back without waiting for RECEIPTs "
                            "(pipelined: up to %d receipts were outstanding, as seen by the client; python3-stomp "
                            "does not set TCP_NODELAY, so SENDs share TCP segments); the client collects all 1000 "
                            "RECEIPTs, then DISCONNECT with receipt rcpt-disc. The connection's 'receipts' field "
                            "says which receipt ids came back (all of them%s)."
                            % (sub_q, dest, max_outstanding, ", in the order requested" if answered == requested
                               else ", not in the order requested"))


def annotate_acks(rec):
    """Mark every received MESSAGE of a client/client-individual subscription
    with how the client acknowledged it (from the frames the client wrote):
      acked_by        "ACK" | "NACK" | null (never acknowledged)
      ack_sent_index  index in this connection's 'sent' list of the ACK/NACK
                      frame that acknowledged it (null if none)
      ack_cumulative  true if that frame named a later message of an ack:client
                      subscription (cumulative acknowledgement), false if it
                      named this very message, null if not acknowledged
    Matching: 1.2 ACK/NACK id = MESSAGE ack; 1.1 message-id (+ subscription);
    1.0 message-id."""
    modes = {}
    for f in rec.sent:
        if f["command"] == "SUBSCRIBE":
            modes[f["headers"].get("id") or f["headers"]["destination"]] = f["headers"].get("ack", "auto")
    msgs = [f for f in rec.received if f["command"] == "MESSAGE"]

    def sub_of(m):
        return m["headers"].get("subscription") or m["headers"]["destination"]

    for m in msgs:
        if modes.get(sub_of(m), "auto") in ("client", "client-individual"):
            m.update(acked_by=None, ack_sent_index=None, ack_cumulative=None)
    for i, a in enumerate(rec.sent):
        if a["command"] not in ("ACK", "NACK"):
            continue
        h = a["headers"]
        if rec.version == "1.2":
            hit = [m for m in msgs if m["headers"].get("ack") == h["id"]]
        else:
            hit = [m for m in msgs if m["headers"].get("message-id") == h["message-id"]
                   and ("subscription" not in h or m["headers"].get("subscription") == h["subscription"])]
        if len(hit) != 1:
            raise RuntimeError("%s: %s matches %d messages" % (rec.label, a["command"], len(hit)))
        target = hit[0]
        if target.get("acked_by") is not None:
            raise RuntimeError("%s: message acknowledged twice" % rec.label)
        target.update(acked_by=a["command"], ack_sent_index=i, ack_cumulative=False)
        if modes[sub_of(target)] == "client":
            for m in msgs[:msgs.index(target)]:
                if sub_of(m) == sub_of(target) and m["acked_by"] is None:
                    m.update(acked_by=a["command"], ack_sent_index=i, ack_cumulative=True)


def sc_unacked(ctx, version):
    """Messages deliberately left unacknowledged, NACKed, and a cumulative ACK."""
    c, rec = ctx.conn(version, "unacked" + version.replace(".", ""))
    ctx.connect(c, rec, version)
    v = version.replace(".", "")
    qi = "/queue/%s-py%s-unacked-ci-%s" % (ctx.broker, v, ctx.run_tag)
    qc = "/queue/%s-py%s-unacked-cl-%s" % (ctx.broker, v, ctx.run_tag)

    def ack(m, sub, nack=False, receipt=None):
        if version == "1.2":
            ident, kw = m["headers"]["ack"], {}
        elif version == "1.1":
            ident, kw = m["headers"]["message-id"], {"subscription": sub}
        else:
            ident, kw = m["headers"]["message-id"], {}
        (c.nack if nack else c.ack)(ident, receipt=receipt, **kw)
        if receipt:
            rec.wait_receipt(receipt)

    def msgs_of(q):
        return [f for f in messages(rec) if f["headers"]["destination"] == q]

    if version != "1.0":
        c.subscribe(qi, id="sub-ci", ack="client-individual", headers={"receipt": "r-sub-ci"})
        rec.wait_receipt("r-sub-ci")
        c.subscribe(qc, id="sub-cl", ack="client", headers={"receipt": "r-sub-cl"})
        rec.wait_receipt("r-sub-cl")
    else:
        # 1.0: no subscription id, ack:client only (ACK by message-id)
        c.subscribe(qc, id=None, ack="client", headers={"receipt": "r-sub-cl"})
        rec.wait_receipt("r-sub-cl")
    extra = ""
    if version != "1.0":
        for i in range(1, 6):
            c.send(qi, b"client-individual message %d" % i)
        rec.wait_for(lambda: len(msgs_of(qi)) >= 5, 30, "5 MESSAGEs on sub-ci")
        mi = msgs_of(qi)
        ack(mi[0], "sub-ci")
        ack(mi[1], "sub-ci", nack=True, receipt="r-nack-ci-2")
        ack(mi[2], "sub-ci", receipt="r-ack-ci-3")
        if ctx.broker == "rmq":
            # RabbitMQ requeues the NACKed message and redelivers it to us at once;
            # that redelivery is never acknowledged either
            rec.wait_for(lambda: len(msgs_of(qi)) >= 6, 30, "redelivery")
            extra = (" RabbitMQ requeues the NACKed message and redelivers it at once (6th MESSAGE on sub-ci, "
                     "redelivered:true), which the client never acknowledges.")
        else:
            extra = " ActiveMQ does not redeliver the NACKed message."
    for i in range(1, 6):
        c.send(qc, b"client message %d" % i)
    rec.wait_for(lambda: len(msgs_of(qc)) >= 5, 30, "5 MESSAGEs on sub-cl")
    mc = msgs_of(qc)
    if version == "1.0":
        ack(mc[0], None)                            # names message 1
        ack(mc[2], None, receipt="r-ack-cl-3")      # cumulative: covers message 2 too
    else:
        ack(mc[2], "sub-cl", receipt="r-ack-cl-3")  # cumulative: covers messages 1-3
    time.sleep(0.5)
    n_expected = (5 if version == "1.0" else 10 + (ctx.broker == "rmq"))
    if len(messages(rec)) != n_expected:
        raise RuntimeError("%d MESSAGEs, expected %d" % (len(messages(rec)), n_expected))
    ctx.disconnect(c, rec, "r-disc")
    annotate_acks(rec)
    how = {"1.2": "ACK/NACK with id = the MESSAGE's ack header",
           "1.1": "ACK/NACK with message-id + subscription",
           "1.0": "ACK with message-id"}[version]
    if version == "1.0":
        what = ("SUBSCRIBE (no id, ack:client) to %s with receipt; 5 SENDs; the 5 MESSAGEs; ACK of message 1, "
                "then ACK of message 3 with receipt (cumulative: acknowledges message 2 too); messages 4 and 5 "
                "are never acknowledged." % qc)
    else:
        what = ("SUBSCRIBE id sub-ci ack:client-individual to %s and id sub-cl ack:client to %s, with receipts; "
                "5 SENDs to each. sub-ci: ACK message 1, NACK message 2 (receipt), ACK message 3 (receipt), "
                "messages 4 and 5 never acknowledged.%s sub-cl: one ACK naming message 3 (receipt) - cumulative, "
                "it acknowledges messages 1-3 - messages 4 and 5 never acknowledged." % (qi, qc, extra))
    return dict(stomp_version=version,
                description="STOMP %s, one connection, acknowledgement bookkeeping (%s): %s Then DISCONNECT with "
                            "receipt (the broker takes back the unacknowledged messages). Every MESSAGE of these "
                            "subscriptions carries acked_by / ack_sent_index / ack_cumulative (README), derived "
                            "from the frames the client wrote." % (version, how, what))


def sc_transit(ctx):
    """2 producers, 3 consumers, concurrent: topic fan-out, a queue, and a
    queue with 2 competing consumers; unique x-seq on every SEND, repeated
    bodies."""
    topic = "/topic/%s-transit" % ctx.broker
    qa = "/queue/%s-transit-a-%s" % (ctx.broker, ctx.run_tag)
    qb = "/queue/%s-transit-b-%s" % (ctx.broker, ctx.run_tag)
    consumers = []
    for version, label, subs in (("1.2", "consumer-1", ((topic, "sub-t"), (qb, "sub-b"))),
                                 ("1.1", "consumer-2", ((topic, "sub-t"), (qb, "sub-b"))),
                                 ("1.2", "consumer-3", ((qa, "sub-a"),))):
        c, rec = ctx.conn(version, label)
        ctx.connect(c, rec, version)
        for dest, sid in subs:
            c.subscribe(dest, id=sid, ack="auto", headers={"receipt": "r-" + sid})
            rec.wait_receipt("r-" + sid)
        consumers.append((c, rec))
    # deliberately repeated bodies (several x-seq values share one body)
    bodies = [b"tick", b"tock", b"same body, different x-seq", b"tick"]
    plan = {"producer-1": ("1.2", 1000, (topic, qa)), "producer-2": ("1.1", 2000, (qb, topic))}
    producers = []
    for label, (version, base, dests) in plan.items():
        c, rec = ctx.conn(version, label)
        ctx.connect(c, rec, version)
        producers.append((c, rec, base, dests))
    n = 20

    def produce(c, rec, base, dests):
        for i in range(n):
            body = bodies[i % len(bodies)] if i % 5 != 4 else b"unique body %d" % (base + i)
            c.send(dests[i % 2], body, content_type="text/plain", headers={"x-seq": str(base + i)})
            time.sleep(0.005)

    run_concurrently(produce, producers)
    # MESSAGEs expected per destination: the topic's 20 SENDs reach 2 consumers
    want = {topic: 2 * n, qa: n // 2, qb: n // 2}

    def count(dest):
        return sum(1 for _, r in consumers for f in messages(r) if f["headers"]["destination"] == dest)

    deadline = time.monotonic() + 60
    while any(count(d) < k for d, k in want.items()) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    got = {d: count(d) for d in want}
    if got != want:
        raise RuntimeError("transit: got %s want %s" % (got, want))
    for c, r in consumers:
        ctx.disconnect(c, r, "r-disc")
    for c, r, _, _ in producers:
        ctx.disconnect(c, r, "r-disc")
    # ground truth: every SEND and the MESSAGEs carrying its x-seq
    deliveries = {}
    for _, r in consumers:
        for f in messages(r):
            deliveries.setdefault(f["headers"]["x-seq"], []).append(
                {"client_port": r.client_port, "subscription": f["headers"]["subscription"],
                 "body_sha1": f["body_sha1"]})
    transit = []
    for c, r, _, _ in producers:
        for f in r.sent:
            if f["command"] != "SEND":
                continue
            xs = f["headers"]["x-seq"]
            d = deliveries.pop(xs, [])
            if any(x["body_sha1"] != f["body_sha1"] for x in d):
                raise RuntimeError("x-seq %s: body changed in transit" % xs)
            transit.append({"x_seq": xs, "producer_port": r.client_port, "destination": f["headers"]["destination"],
                            "body_sha1": f["body_sha1"],
                            "delivered_to": [{"client_port": x["client_port"], "subscription": x["subscription"]}
                                             for x in d]})
    if deliveries:
        raise RuntimeError("MESSAGEs with unknown x-seq: %s" % sorted(deliveries))
    transit.sort(key=lambda t: int(t["x_seq"]))
    split = {r.label: 0 for _, r in consumers[:2]}
    label_of = {r.client_port: r.label for _, r in consumers}
    for t in transit:
        if t["destination"] == qb:
            split[label_of[t["delivered_to"][0]["client_port"]]] += 1
    ctx.extra["transit"] = transit
    return dict(stomp_version="mixed",
                description="Broker transit, 5 concurrent connections. Consumers: consumer-1 (STOMP 1.2) and "
                            "consumer-2 (1.1) each SUBSCRIBE to the topic %s (sub-t) and to the queue %s (sub-b, "
                            "so they compete for its messages; this run: %s); consumer-3 (1.2) SUBSCRIBEs to the queue "
                            "%s (sub-a); all ack:auto, with receipts. Then producer-1 (1.2) and producer-2 (1.1) "
                            "send 20 SENDs each at the same time (two threads, 5 ms apart): producer-1 alternates "
                            "topic / queue A (x-seq 1000-1019), producer-2 queue B / topic (x-seq 2000-2019). Every "
                            "SEND has a unique x-seq header, which the brokers copy into the MESSAGE; bodies repeat "
                            "on purpose ('tick', 'tock', 'same body, different x-seq', 'tick', then 'unique body "
                            "<x-seq>'), so a SEND->MESSAGE matcher cannot go by body alone. 60 MESSAGEs: each topic "
                            "SEND twice (consumer-1 and -2), each queue SEND once. All connections DISCONNECT with "
                            "receipts. 'transit' lists every SEND (x-seq, producer port, destination, body sha1) and "
                            "the connections/subscriptions that received it."
                            % (topic, qb, ", ".join("%s got %d" % kv for kv in split.items()), qa))


def sc_txn_transit(ctx):
    """Transactions and broker transit: identical SENDs (same destination,
    body and headers, no per-message header), some inside transactions that
    are committed or aborted, interleaved with plain SENDs. Every step waits
    for the consumer to receive what the broker released, so the client's
    own record says which SEND each MESSAGE is."""
    q = "/queue/%s-txn-transit-%s" % (ctx.broker, ctx.run_tag)
    body = b"identical body"
    cons, crec = ctx.conn("1.2", "consumer")
    ctx.connect(cons, crec, "1.2")
    cons.subscribe(q, id="sub-tt", ack="auto", headers={"receipt": "r-sub"})
    crec.wait_receipt("r-sub")
    prod, prec = ctx.conn("1.1", "producer")
    ctx.connect(prod, prec, "1.1")
    deliveries = []   # in the consumer's order: which SEND (index in prec.sent) and what released it
    aborted = []

    def send(tx=None):
        kw = {"transaction": tx} if tx else {}
        prod.send(q, body, content_type="text/plain", **kw)
        return len(prec.sent) - 1          # its index in the producer's sent list

    def released(send_index, by_index):
        n = len(deliveries) + 1
        crec.wait_count("MESSAGE", n)
        deliveries.append({"send_sent_index": send_index, "released_by_sent_index": by_index})

    def nothing_more(rid):
        prec.wait_receipt(rid)
        time.sleep(0.5)
        if crec.count("MESSAGE") != len(deliveries):
            raise RuntimeError("a MESSAGE arrived after an ABORT")

    p1 = send()
    released(p1, p1)
    prod.begin("tx-a")
    a1 = send("tx-a")
    p2 = send()
    released(p2, p2)
    a2 = send("tx-a")
    prod.abort("tx-a", headers={"receipt": "r-abort-a"})
    nothing_more("r-abort-a")
    aborted += [a1, a2]
    prod.begin("tx-b")
    b1 = send("tx-b")
    time.sleep(0.2)
    if crec.count("MESSAGE") != len(deliveries):
        raise RuntimeError("a transactional SEND was delivered before its COMMIT")
    p3 = send()
    released(p3, p3)
    prod.commit("tx-b", headers={"receipt": "r-commit-b"})
    released(b1, len(prec.sent) - 1)
    prec.wait_receipt("r-commit-b")
    prod.begin("tx-c")
    c1 = send("tx-c")
    prod.begin("tx-d")
    d1 = send("tx-d")
    time.sleep(0.2)
    prod.commit("tx-d", headers={"receipt": "r-commit-d"})
    released(d1, len(prec.sent) - 1)
    prec.wait_receipt("r-commit-d")
    prod.abort("tx-c", headers={"receipt": "r-abort-c"})
    nothing_more("r-abort-c")
    aborted.append(c1)
    p4 = send()
    released(p4, p4)
    time.sleep(0.3)
    msgs = messages(crec)
    if len(msgs) != len(deliveries):
        raise RuntimeError("%d MESSAGEs, expected %d" % (len(msgs), len(deliveries)))
    if any(m["body_sha1"] != prec.sent[p1]["body_sha1"] for m in msgs):
        raise RuntimeError("a body changed in transit")
    ctx.disconnect(cons, crec, "r-disc")
    ctx.disconnect(prod, prec, "r-disc")
    received_index = [i for i, f in enumerate(crec.received) if f["command"] == "MESSAGE"]
    for d, ri in zip(deliveries, received_index):
        d.update(consumer_port=crec.client_port, received_index=ri, producer_port=prec.client_port)
    ctx.extra["txn_transit"] = {"destination": q, "deliveries": deliveries,
                                "aborted": [{"producer_port": prec.client_port, "send_sent_index": i}
                                            for i in aborted]}
    return dict(stomp_version="mixed",
                description="Transactions and broker transit, 2 connections: consumer (STOMP 1.2, SUBSCRIBE "
                            "ack:auto with receipt to %s) and producer (STOMP 1.1). Every SEND is identical - same "
                            "destination, body 'identical body', content-type, no receipt and no per-message "
                            "header - so only order tells them apart. Producer: SEND P1; BEGIN tx-a, SEND A1 "
                            "(tx-a), SEND P2, SEND A2 (tx-a), ABORT tx-a (receipt; A1 and A2 are never delivered); "
                            "BEGIN tx-b, SEND B1 (tx-b), SEND P3, COMMIT tx-b (receipt; B1 delivered now); BEGIN "
                            "tx-c, SEND C1 (tx-c), BEGIN tx-d, SEND D1 (tx-d), COMMIT tx-d (receipt; D1 delivered), "
                            "ABORT tx-c (receipt; C1 never delivered); SEND P4; both DISCONNECT with receipts. The "
                            "client waits for each MESSAGE before the next step (and 0.5 s after each ABORT, 0.2 s "
                            "after each transactional SEND, checking that nothing arrives), so the consumer gets "
                            "P1 P2 P3 B1 D1 P4 in that order: 'txn_transit' lists, per MESSAGE in the consumer's "
                            "order, the producer's SEND (index in its sent list) and the frame that released it "
                            "(the SEND itself, or the COMMIT), and the aborted SENDs." % q)


def sc_tls(ctx, version):
    """A STOMP session over TLS (key log written for Wireshark)."""
    if not ctx.tls_ca or not ctx.keylog:
        raise RuntimeError("tls scenario needs --tls-ca and --keylog")
    c, rec = ctx.conn(version, "tls" + version.replace(".", ""))
    ctx.connect(c, rec, version)
    sock = c.transport.socket
    tls = {"tls_version": sock.version(), "tls_cipher": sock.cipher()[0]}
    q = "/queue/%s-py-tls-%s" % (ctx.broker, ctx.run_tag)
    c.subscribe(q, id="sub-tls", ack="client-individual", headers={"receipt": "r-sub"})
    rec.wait_receipt("r-sub")
    big = TEXT_200K[:40000]        # spans several TLS records (max 16 KiB of plaintext each)
    c.send(q, b"Hello over TLS!", content_type="text/plain", headers={"receipt": "r-text"})
    rec.wait_receipt("r-text")
    c.send(q, BIN_1024, content_type="application/octet-stream", headers={"receipt": "r-bin"})
    rec.wait_receipt("r-bin")
    c.send(q, big, content_type="text/plain", headers={"receipt": "r-big"})
    rec.wait_receipt("r-big")
    rec.wait_count("MESSAGE", 3)
    for m in messages(rec):
        if version == "1.2":
            c.ack(m["headers"]["ack"])
        else:
            c.ack(m["headers"]["message-id"], "sub-tls")
    c.unsubscribe(id="sub-tls", headers={"receipt": "r-unsub"})
    rec.wait_receipt("r-unsub")
    ctx.disconnect(c, rec, "r-disc")
    ctx.extra.update(transport="tls", keylog=os.path.basename(ctx.keylog), **tls)
    return dict(stomp_version=version,
                description="STOMP %s over TLS (%s, %s; self-signed server certificate made by brokers/tls.sh, "
                            "verified by the client; no client certificate). The TLS session keys are in the NSS "
                            "key log '%s' next to the capture (tshark -o tls.keylog_file:%s). Inside: CONNECT, "
                            "SUBSCRIBE ack:client-individual with receipt, SEND text with receipt, SEND 1024-byte "
                            "binary body (NULs, content-length) with receipt, SEND 40000-byte text body (spans "
                            "several TLS records) with receipt, the 3 MESSAGEs (%s), an ACK for each, UNSUBSCRIBE "
                            "with receipt, DISCONNECT with receipt; close_notify alerts both ways, then the TCP close. Wireshark "
                            "4.0 recognises TLS on this port by itself (TLS heuristics)."
                            % (version, tls["tls_version"], tls["tls_cipher"], os.path.basename(ctx.keylog),
                               os.path.basename(ctx.keylog),
                               "RabbitMQ copies each SEND's receipt into its MESSAGE" if ctx.broker == "rmq"
                               else "ActiveMQ"))


def sc_tls_heartbeat(ctx, version):
    """Heart-beats over TLS: each lone EOL is a TLS record of its own, which
    only a dissector that knows the session is STOMP can call a heart-beat."""
    if not ctx.tls_ca or not ctx.keylog:
        raise RuntimeError("tls scenario needs --tls-ca and --keylog")
    c, rec = ctx.conn(version, "tls-heartbeat", heartbeats=(500, 500))
    ctx.connect(c, rec, version)
    sock = c.transport.socket
    tls = {"tls_version": sock.version(), "tls_cipher": sock.cipher()[0]}
    q = "/queue/%s-py-tls-hb-%s" % (ctx.broker, ctx.run_tag)
    c.send(q, b"before the idle period", content_type="text/plain", headers={"receipt": "r-send"})
    rec.wait_receipt("r-send")
    rec.idle(3.6)
    ctx.disconnect(c, rec, "r-disc")
    if rec.hb_sent < 3 or rec.hb_received_idle < 3:
        raise RuntimeError("too few heart-beats: sent %d received %d" % (rec.hb_sent, rec.hb_received_idle))
    ctx.extra.update(transport="tls", keylog=os.path.basename(ctx.keylog), **tls)
    return dict(stomp_version=version,
                description="STOMP %s over TLS (%s, %s; self-signed server certificate made by brokers/tls.sh) "
                            "on a port that is not 61614, key log '%s' next to the capture: CONNECT with "
                            "heart-beat:500,500, SEND with receipt, 3.6 s idle with heart-beats both ways (each "
                            "lone EOL its own TLS record), DISCONNECT with receipt. heartbeats_sent_min counts "
                            "every EOL the client wrote; heartbeats_received_min the EOLs it read while idle."
                            % (version, tls["tls_version"], tls["tls_cipher"], os.path.basename(ctx.keylog)))


def sc_fanout(ctx, tagged):
    """Several producers on their own connections send to one topic at the
    same time, identical bodies; 3 subscribers. tagged=False: the SENDs are
    identical in every byte (nothing tells them or their producers apart);
    tagged=True: bodies cycle through 3 values shared by all producers and
    each producer names itself in an x-producer header (repeated on all of
    its SENDs), so each subscriber's MESSAGEs of one producer are that
    producer's SENDs in order (brokers keep each producer's order)."""
    kind = "fifo" if tagged else "same"
    topic = "/topic/%s-fanout-%s-%s" % (ctx.broker, kind, ctx.run_tag)
    n = int(os.environ.get("FANOUT_N", "100"))
    subscribers = []
    for i, version in enumerate(("1.2", "1.1", "1.0")):
        c, rec = ctx.conn(version, "subscriber-%d" % (i + 1))
        ctx.connect(c, rec, version)
        sid = "sub-%d" % (i + 1)
        c.subscribe(topic, id=sid, ack="auto", headers={"receipt": "r-" + sid})
        rec.wait_receipt("r-" + sid)
        subscribers.append((c, rec, sid))
    producers = []
    for i, version in enumerate(("1.2", "1.1", "1.0", "1.2")):
        c, rec = ctx.conn(version, "producer-%d" % (i + 1))
        ctx.connect(c, rec, version)
        producers.append((c, rec))
    bodies = [b"tick", b"tock", b"tack"] if tagged else [b"the same body from every producer"]
    start = threading.Barrier(len(producers))

    def produce(c, rec):
        start.wait(10)
        for j in range(n):
            headers = {"x-producer": rec.label} if tagged else {}
            c.send(topic, bodies[j % len(bodies)], headers=headers)

    run_concurrently(produce, producers)
    want = n * len(producers)
    for _, rec, _ in subscribers:
        rec.wait_count("MESSAGE", want, timeout=120)
    time.sleep(0.5)
    for _, rec, _ in subscribers:
        if rec.count("MESSAGE") != want:
            raise RuntimeError("%s: %d MESSAGEs, want %d" % (rec.label, rec.count("MESSAGE"), want))
    for c, rec, _ in subscribers:
        ctx.disconnect(c, rec, "r-disc")
    for c, rec in producers:
        ctx.disconnect(c, rec, "r-disc")
    # ground truth from the clients' records
    sends = {}  # producer label -> [index in its sent list of each SEND, in order]
    for _, rec in producers:
        sends[rec.label] = [i for i, f in enumerate(rec.sent) if f["command"] == "SEND"]
        if len(sends[rec.label]) != n:
            raise RuntimeError("%s: %d SENDs" % (rec.label, len(sends[rec.label])))
    port_of = {rec.label: rec.client_port for _, rec in producers}
    sent_of = {rec.label: rec.sent for _, rec in producers}
    out = {"destination": topic, "sends_per_producer": n,
           "producers": [{"client_port": rec.client_port, "label": rec.label} for _, rec in producers],
           "subscribers": [{"client_port": rec.client_port, "subscription": sid, "messages": rec.count("MESSAGE")}
                           for _, rec, sid in subscribers]}
    interleaved = 0
    if tagged:
        deliveries = []
        for _, rec, sid in subscribers:
            nth = collections.Counter()
            last = None
            for ri, f in enumerate(rec.received):
                if f["command"] != "MESSAGE":
                    continue
                p = f["headers"]["x-producer"]
                send_index = sends[p][nth[p]]
                nth[p] += 1
                # the body cycle of that producer must go on where it left off
                if f["body_sha1"] != sent_of[p][send_index]["body_sha1"]:
                    raise RuntimeError("%s: MESSAGE %d of %s out of that producer's order" % (rec.label, ri, p))
                if last is not None and p != last:
                    interleaved += 1
                last = p
                deliveries.append({"subscriber_port": rec.client_port, "received_index": ri,
                                   "producer_port": port_of[p], "send_sent_index": send_index})
        out["deliveries"] = deliveries
    out["producer_switches"] = interleaved
    ctx.extra["fanout"] = out
    if tagged:
        what = ("bodies cycle through 'tick', 'tock', 'tack' (the same for every producer) and every SEND of a "
                "producer carries the same x-producer header (its label), so nothing tells apart the SENDs of one "
                "producer but their order. Each subscriber checked that the bodies it got from each producer come "
                "in that producer's order; 'fanout.deliveries' lists, per MESSAGE, the subscriber, its index in "
                "the subscriber's received list, and the producer's SEND (its index in the producer's sent list): "
                "the k-th MESSAGE a subscriber got from a producer is that producer's k-th SEND.")
    else:
        what = ("every SEND is the same bytes: destination, content-length and the body 'the same body from every "
                "producer', no other header, so a client cannot tell which SEND a MESSAGE is; 'fanout' gives per "
                "subscriber the number of MESSAGEs (all of them).")
    return dict(stomp_version="mixed",
                description="Broker transit on a topic with several producers at once, 7 connections: subscriber-1 "
                            "(STOMP 1.2), -2 (1.1) and -3 (1.0) SUBSCRIBE (ack:auto, receipt) to %s; then "
                            "producer-1 (1.2), -2 (1.1), -3 (1.0) and -4 (1.2), each on its own connection and "
                            "thread, started together, send %d SENDs each to the topic as fast as they can; %s "
                            "Every subscriber gets all %d SENDs. All connections DISCONNECT with receipts."
                            % (topic, n, what, n * len(producers)))


def sc_temp_reqrep(ctx):
    """Request/reply through temporary queues (ActiveMQ): two requesters use
    the same name /temp-queue/replies; ActiveMQ hands the responder
    reply-to:/remote-temp-queue/ID:... and delivers the replies as
    /temp-queue/replies. correlation-id tells which reply answers which
    request. The responder sends all replies with the same receipt id."""
    tq = "/temp-queue/replies"
    q = "/queue/%s-rpc-%s" % (ctx.broker, ctx.run_tag)
    srv, srec = ctx.conn("1.1", "responder")
    ctx.connect(srv, srec, "1.1")
    srv.subscribe(q, id="srv", ack="auto", headers={"receipt": "r-srv"})
    srec.wait_receipt("r-srv")
    requesters = []
    for label, version in (("requester-a", "1.2"), ("requester-b", "1.0")):
        c, rec = ctx.conn(version, label)
        ctx.connect(c, rec, version)
        c.subscribe(tq, id="replies", ack="auto", headers={"receipt": "r-replies"})
        rec.wait_receipt("r-replies")
        requesters.append((c, rec))
    n = 10

    def ask(c, rec):
        for i in range(n):
            c.send(q, b"request", headers={"reply-to": tq, "correlation-id": "%s-%d" % (rec.label, i)})
            time.sleep(0.002)

    run_concurrently(ask, requesters)
    srec.wait_count("MESSAGE", 2 * n)
    requests = messages(srec)
    if len(requests) != 2 * n:
        raise RuntimeError("responder: %d requests" % len(requests))
    # all replies at once, every one asking for receipt r-reply: the broker's
    # RECEIPTs answer them in order
    for m in requests:
        rt = m["headers"]["reply-to"]
        if not rt.startswith("/remote-temp-queue/"):
            raise RuntimeError("reply-to as delivered: %r" % rt)
        srv.send(rt, b"reply", headers={"correlation-id": m["headers"]["correlation-id"], "receipt": "r-reply"})
    srec.wait_for(lambda: sum(1 for f in srec.received if f["command"] == "RECEIPT"
                              and f["headers"].get("receipt-id") == "r-reply") == 2 * n, 30, "RECEIPTs r-reply")
    for _, rec in requesters:
        rec.wait_count("MESSAGE", n)
    time.sleep(0.3)
    for c, rec in requesters:
        ctx.disconnect(c, rec, "r-disc")
    ctx.disconnect(srv, srec, "r-disc")
    # ground truth: correlation ids as the clients wrote and read them
    req_sent, rep_recv = {}, {}
    for _, rec in requesters:
        for i, f in enumerate(rec.sent):
            if f["command"] == "SEND":
                req_sent[f["headers"]["correlation-id"]] = (rec.client_port, i)
        for i, f in enumerate(rec.received):
            if f["command"] == "MESSAGE":
                if f["headers"]["destination"] != tq:
                    raise RuntimeError("reply delivered to %r" % f["headers"]["destination"])
                rep_recv[f["headers"]["correlation-id"]] = (rec.client_port, i)
    req_recv = {f["headers"]["correlation-id"]: i for i, f in enumerate(srec.received) if f["command"] == "MESSAGE"}
    rep_sent = {f["headers"]["correlation-id"]: i for i, f in enumerate(srec.sent) if f["command"] == "SEND"}
    if not (set(req_sent) == set(rep_recv) == set(req_recv) == set(rep_sent)) or len(req_sent) != 2 * n:
        raise RuntimeError("correlation ids do not add up")
    exchanges = []
    for cid in sorted(req_sent):
        exchanges.append({"correlation_id": cid, "requester_port": req_sent[cid][0],
                          "request_sent_index": req_sent[cid][1], "responder_port": srec.client_port,
                          "request_received_index": req_recv[cid], "reply_sent_index": rep_sent[cid],
                          "reply_received_index": rep_recv[cid][1]})
    remote = sorted({m["headers"]["reply-to"] for m in requests})
    ctx.extra["reqrep"] = {"temp_queue": tq, "remote_reply_to": remote, "exchanges": exchanges}
    return dict(stomp_version="mixed",
                description="Request/reply through temporary queues, 3 connections: responder (STOMP 1.1) "
                            "SUBSCRIBEs to %s; requester-a (1.2) and requester-b (1.0) each SUBSCRIBE to %s (the "
                            "same name: each connection gets its own temporary queue) and send %d requests at the "
                            "same time (two threads), body 'request', reply-to:%s, correlation-id:<label>-<i>. The "
                            "responder gets reply-to rewritten by ActiveMQ (%s), waits for all %d requests, then "
                            "sends every reply at once to the reply-to it got: body 'reply', the request's "
                            "correlation-id, and the same receipt:r-reply on all %d (RECEIPTs answer them in "
                            "order). The requesters get the replies as MESSAGEs to %s. All DISCONNECT with receipts. "
                            "'reqrep.exchanges' lists per correlation id the requester's SEND (index in its sent "
                            "list), the responder's MESSAGE and reply SEND, and the requester's reply MESSAGE (index "
                            "in its received list)."
                            % (q, tq, n, tq, ", ".join(remote), 2 * n, 2 * n, tq))


# --- stompserver (Debian "stompserver" 0.9.9): STOMP 1.0 only.  Its CONNECTED
# has no version header, it never sends a RECEIPT for DISCONNECT (it closes
# the connection first), sends an ack:client queue subscriber one message at a
# time (the next only after the ACK) and closes the connection after every
# ERROR.

def ss_disconnect(c, rec, rid):
    """DISCONNECT (python3-stomp always adds a receipt): stompserver closes
    the connection without answering it."""
    c.disconnect(receipt=rid)
    wait_closed(c, rec)
    if rec.count("RECEIPT") and any(f["headers"].get("receipt-id") == rid for f in rec.received):
        raise RuntimeError("stompserver answered the DISCONNECT receipt (behaviour changed)")


def sc_ss_basic10(ctx):
    c, rec = ctx.conn("1.0", "ss-basic10")
    ctx.connect(c, rec, "1.0")
    q, t = "/queue/ss-py10-basic", "/topic/ss-py10-basic"
    c.subscribe(q, id="sub-q", ack="client", headers={"receipt": "r-sub-q"})
    rec.wait_receipt("r-sub-q")
    c.subscribe(t, id="sub-t", ack="auto", headers={"receipt": "r-sub-t"})
    rec.wait_receipt("r-sub-t")
    # one message at a time: an ACK while another message waits in the queue
    # crashes stompserver's QueueManager#send_a_backlog on Ruby >= 1.9 (ERROR
    # "undefined method `find' for nil:NilClass" and the connection is closed)
    c.send(q, b"Hello, stompserver!", content_type="text/plain", headers={"receipt": "r-text"})
    rec.wait_receipt("r-text")
    rec.wait_count("MESSAGE", 1)
    c.ack(messages(rec)[0]["headers"]["message-id"])
    c.send(q, BIN_1024, content_type="application/octet-stream", headers={"receipt": "r-bin"})
    rec.wait_receipt("r-bin")
    rec.wait_count("MESSAGE", 2)
    c.ack(messages(rec)[1]["headers"]["message-id"], receipt="r-ack")
    rec.wait_receipt("r-ack")
    c.send(t, b"", headers={"receipt": "r-empty", "x-note": "empty body to a topic"})
    rec.wait_receipt("r-empty")
    rec.wait_count("MESSAGE", 3)
    c.unsubscribe(destination=q, id="sub-q", headers={"receipt": "r-unsub"})
    rec.wait_receipt("r-unsub")
    time.sleep(0.2)
    ss_disconnect(c, rec, "r-disc")
    return dict(stomp_version="1.0",
                description="One STOMP 1.0 session against stompserver (CONNECTED carries only session:wow, no "
                            "version): SUBSCRIBE a queue with ack:client and a topic with ack:auto, with receipts; "
                            "SEND a text body to the queue with receipt, its MESSAGE, ACK (message-id); SEND a "
                            "1024-byte binary body (bytes 0..255 x4, NULs, content-length) with receipt, its "
                            "MESSAGE, ACK with receipt (one message at a time: stompserver crashes on an ACK while "
                            "another message is queued); SEND with an empty body and a custom "
                            "header to the topic, with receipt, and its MESSAGE; MESSAGEs are the SEND's headers "
                            "(receipt included) plus message-id, often before the RECEIPT; UNSUBSCRIBE (destination) "
                            "with receipt; DISCONNECT with receipt: stompserver closes the connection without a "
                            "RECEIPT.")


def sc_ss_large10(ctx):
    c, rec = ctx.conn("1.0", "ss-large10")
    ctx.connect(c, rec, "1.0")
    q = "/queue/ss-py10-large"
    c.subscribe(q, id="sub-large", ack="client", headers={"receipt": "r-sub"})
    rec.wait_receipt("r-sub")
    c.send(q, TEXT_200K[:40000], content_type="text/plain", headers={"receipt": "r-40k"})
    rec.wait_receipt("r-40k")
    rec.wait_count("MESSAGE", 1)
    c.ack(messages(rec)[0]["headers"]["message-id"], receipt="r-ack-1")
    rec.wait_receipt("r-ack-1")
    c.send(q, BIN_1024 * 64, content_type="application/octet-stream", headers={"receipt": "r-64k"})
    rec.wait_receipt("r-64k")
    rec.wait_count("MESSAGE", 2)
    c.ack(messages(rec)[1]["headers"]["message-id"], receipt="r-ack-2")
    rec.wait_receipt("r-ack-2")
    ss_disconnect(c, rec, "r-disc")
    return dict(stomp_version="1.0",
                description="STOMP 1.0 against stompserver: SUBSCRIBE ack:client with receipt; SEND of a 40000-byte "
                            "text body and of a 65536-byte binary body (bytes 0..255 repeated, NULs), both with "
                            "content-length and receipt; each comes back as a MESSAGE (the SEND's headers, "
                            "content-length included) and is ACKed with receipt; DISCONNECT with receipt (closed "
                            "without RECEIPT). Bodies span several TCP segments.")


def sc_ss_errors10(ctx):
    # connection 1: wrong passcode -> ERROR, stompserver closes
    c, rec = ctx.conn("1.0", "bad-login")
    try:
        ctx.connect(c, rec, "1.0", passcode="wrong-password")
        raise RuntimeError("login with a wrong password succeeded")
    except stomp.exception.ConnectFailedException:
        pass
    rec.wait_count("ERROR", 1)
    wait_closed(c, rec)
    # connection 2: COMMIT of a transaction that was never begun
    c, rec = ctx.conn("1.0", "bad-commit")
    ctx.connect(c, rec, "1.0")
    c.commit("tx-never-begun", headers={"receipt": "r-commit"})
    rec.wait_count("ERROR", 1)
    wait_closed(c, rec)
    # connection 3: an unknown command
    c, rec = ctx.conn("1.0", "unknown-cmd")
    ctx.connect(c, rec, "1.0")
    c.send_frame("FOOBAR", {"receipt": "r-foobar"}, b"")
    rec.wait_count("ERROR", 1)
    wait_closed(c, rec)
    return dict(stomp_version="1.0",
                description="ERROR frames from stompserver (STOMP 1.0), each followed by the broker closing the "
                            "connection: connection 1, CONNECT with a wrong passcode -> ERROR 'Invalid Login'; "
                            "connection 2, COMMIT (with receipt) of a transaction never begun -> ERROR "
                            "'transaction does not exist'; connection 3, unknown command FOOBAR (with receipt) -> "
                            "ERROR 'Unhandled frame: foobar'. stompserver's ERRORs have message:See below, the "
                            "text as body, content-length, no receipt-id.")


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
    "receipts12": sc_receipts12,
    "unacked12": lambda ctx: sc_unacked(ctx, "1.2"),
    "unacked11": lambda ctx: sc_unacked(ctx, "1.1"),
    "unacked10": lambda ctx: sc_unacked(ctx, "1.0"),
    "transit": sc_transit,
    "txn-transit": sc_txn_transit,
    "tls12": lambda ctx: sc_tls(ctx, "1.2"),
    "tls11": lambda ctx: sc_tls(ctx, "1.1"),
    "tls-heartbeat12": lambda ctx: sc_tls_heartbeat(ctx, "1.2"),
    "fanout-same": lambda ctx: sc_fanout(ctx, False),
    "fanout-fifo": lambda ctx: sc_fanout(ctx, True),
    "temp-reqrep": sc_temp_reqrep,
    "ss-basic10": sc_ss_basic10,
    "ss-large10": sc_ss_large10,
    "ss-errors10": sc_ss_errors10,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    ap.add_argument("--broker", choices=("amq", "rmq", "ss"), required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--user", default="capuser")
    ap.add_argument("--passcode", default="cappass")
    ap.add_argument("--tls-ca", help="STOMP over TLS; CA file to verify the broker's certificate")
    ap.add_argument("--keylog", help="TLS key log file to write (NSS format)")
    args = ap.parse_args()
    ctx = Ctx(args)
    ctx.tmp_log = args.log
    ctx.extra_conns = []
    ctx.extra = {}
    meta = SCENARIOS[args.scenario](ctx)
    recs = ctx.finish()
    meta.setdefault("client", CLIENT)
    if ctx.extra_conns:
        meta["client"] = CLIENT + " + " + ctx.extra_client
    if ctx.extra:
        meta["extra"] = ctx.extra
    write_log(args.log, recs + ctx.extra_conns, **meta)


if __name__ == "__main__":
    main()
