#!/usr/bin/python3
"""STOMP load for the benchmark captures: python3-stomp producers and consumers.

Run with Debian's /usr/bin/python3 (it has python3-stomp 8.0.0):

    stomp_load.py --host 127.0.0.1 --port 61613 --pairs 4 --messages 17500 \
        --large 102400,1048576 --log out.json

--pairs N worker processes run concurrently; worker i opens two STOMP 1.2
connections:
  * a consumer: SUBSCRIBE /queue/bench-<i> with ack:client-individual and an
    ACK (id = the MESSAGE's ack header) for every MESSAGE it gets;
  * a producer: --messages small SENDs (seeded pseudo-random JSON-ish text
    bodies of 16..480 bytes), with the --large bodies (binary, NULs included)
    spread over the stream.  Even workers let python3-stomp add
    content-length; odd workers send their small (text) bodies without
    content-length, so both framings (length-delimited and NUL-delimited)
    occur.  Without --paced a producer runs up to --window messages ahead of
    its consumer (bursts: many frames per TCP segment); with --paced,
    workers 2 and 3 (mod 4) wait for each message's delivery before sending
    the next (about one frame per segment).  Large bodies always carry
    content-length, except the text ones given by --large-text.
--bodies mixed replaces the small text bodies with what applications send
as ids, hashes, tokens and documents: hex text, Base64 text, JSON and raw
binary (NULs included), 0..4000 bytes, drawn at random, always with
content-length (python3-stomp's default).
--prefetch N makes each consumer a batch consumer: the producer first fills
the queue, then the consumer subscribes with activemq.prefetchSize:N, so the
broker pushes N MESSAGEs at once and then one per ACK. (Cumulative ACKs with
ack:client stalled ActiveMQ 5.17's STOMP delivery part-way, so the ACKs stay
per message.)
So every small message is three frames on the wire: SEND, MESSAGE, ACK.
Both connections end with DISCONNECT + RECEIPT.  The log gives the frames
each connection wrote and read, counted by the client.
"""

import argparse
import base64
import json
import multiprocessing
import os
import random
import sys
import threading
import time

import stomp


class Counter(stomp.ConnectionListener):
    def __init__(self):
        self.received = {}
        self.lock = threading.Lock()
        self.receipts = set()
        self.errors = []
        self.cond = threading.Condition(self.lock)

    def _count(self, cmd):
        with self.cond:
            self.received[cmd] = self.received.get(cmd, 0) + 1
            self.cond.notify_all()

    def on_connected(self, frame):
        self._count("CONNECTED")

    def on_receipt(self, frame):
        with self.cond:
            self.receipts.add(frame.headers.get("receipt-id"))
        self._count("RECEIPT")

    def on_error(self, frame):
        self.errors.append(frame.body[:200])
        self._count("ERROR")

    def wait(self, pred, timeout):
        deadline = time.monotonic() + timeout
        with self.cond:
            while not pred():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("timed out")
                self.cond.wait(min(left, 1.0))


class Consumer(Counter):
    def __init__(self, conn, sub_id):
        super().__init__()
        self.conn = conn
        self.sub_id = sub_id
        self.messages = 0
        self.acks = 0

    def on_message(self, frame):
        self.conn.ack(frame.headers["ack"])
        with self.cond:
            self.acks += 1
            self.messages += 1
        self._count("MESSAGE")


def body_text(rng, seq, worker):
    n = rng.randint(16, 480)
    head = b'{"worker":%d,"seq":%d,"payload":"' % (worker, seq)
    fill = bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz0123456789 ") for _ in range(max(0, n - len(head) - 2)))
    return head + fill + b'"}'


def mixed_body(rng):
    """What applications put in bodies: hex, Base64, JSON or raw binary, 0..4000 bytes."""
    n = rng.randint(0, 4000)
    kind = rng.randrange(4)
    raw = rng.randbytes(n)
    if kind == 0:
        return raw.hex().encode()[:n]
    if kind == 1:
        return base64.b64encode(raw)[:n]
    if kind == 2:
        doc = {"id": raw[:8].hex(), "items": [raw[i:i + 12].hex() for i in range(8, max(8, n // 3), 12)]}
        return json.dumps(doc).encode()[:max(n, 2)]
    return raw


def large_body(size, text):
    if text:
        line = b"the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJ\n"
        return (line * (size // len(line) + 1))[:size]
    return (bytes(range(256)) * (size // 256 + 1))[:size]


# timeout is also the socket's receive timeout: python3-stomp drops a
# connection that receives nothing for that long, which a producer (it only
# sends) reaches after 30 s on a loaded machine.
def connect(args, listener, auto_content_length=True):
    conn = stomp.Connection12([(args.host, args.port)], auto_decode=False, heartbeats=(0, 0),
                              auto_content_length=auto_content_length, timeout=600)
    conn.set_listener("count", listener)
    conn.connect(args.user, args.passcode, wait=True, with_connect_command=True)
    return conn


def worker(args, i, out_q):
    rng = random.Random(args.seed * 1000 + i)
    sent_c = {}
    sent_p = {}

    def bump(d, k, n=1):
        d[k] = d.get(k, 0) + n

    q = "/queue/bench-%d" % i
    # consumer
    batch = args.prefetch > 0
    cons = Consumer(None, "sub-%d" % i)
    cconn = stomp.Connection12([(args.host, args.port)], auto_decode=False, heartbeats=(0, 0), timeout=600)
    cons.conn = cconn
    cconn.set_listener("count", cons)
    cconn.connect(args.user, args.passcode, wait=True, with_connect_command=True)
    bump(sent_c, "CONNECT")

    def subscribe():
        if batch:
            cconn.subscribe(q, id=cons.sub_id, ack="client-individual",
                            headers={"receipt": "sub-%d" % i, "activemq.prefetchSize": str(args.prefetch)})
        else:
            cconn.subscribe(q, id=cons.sub_id, ack="client-individual", headers={"receipt": "sub-%d" % i})
        bump(sent_c, "SUBSCRIBE")
        cons.wait(lambda: ("sub-%d" % i) in cons.receipts, 60)

    if not batch:
        subscribe()

    # producer
    with_cl = (i % 2 == 0) or args.bodies == "mixed"
    paced = args.paced and (i // 2) % 2 == 1
    prod = Counter()
    pconn = connect(args, prod, auto_content_length=with_cl)
    bump(sent_p, "CONNECT")
    larges = [s for k, s in enumerate(args.large) if k % args.pairs == i]
    large_text = [s for k, s in enumerate(args.large_text) if k % args.pairs == i and s > 0]
    spots = {}
    for k, s in enumerate(larges + large_text):
        spots.setdefault(int(args.messages * (k + 1) / (len(larges) + len(large_text) + 1)), []).append(
            (s, k >= len(larges)))
    total = 0
    for seq in range(args.messages):
        for size, text in spots.get(seq, []):
            body = large_body(size, text)
            if text and with_cl:
                # a large text body without content-length on a connection
                # that adds content-length: send it raw through the transport
                pconn.transport.transmit(stomp.utils.Frame("SEND", {"destination": q, "x-large": str(size)}, body))
            elif text:
                pconn.send(q, body, headers={"x-large": str(size)})   # auto_content_length is off here
            else:
                pconn.send(q, body, headers={"x-large": str(size), "content-length": str(size)})
            bump(sent_p, "SEND")
            total += 1
        body = mixed_body(rng) if args.bodies == "mixed" else body_text(rng, seq, i)
        pconn.send(q, body, headers={"x-seq": str(seq)})
        bump(sent_p, "SEND")
        total += 1
        if batch:
            continue   # the queue fills; the consumer subscribes afterwards
        if paced:
            # one message at a time: wait for its delivery before the next
            cons.wait(lambda: cons.messages >= total, 60)
        elif args.window and seq % 256 == 0:
            # keep the producer at most `window` messages ahead of its consumer
            cons.wait(lambda: cons.messages >= total - args.window, 300)
    if batch:
        subscribe()
    cons.wait(lambda: cons.messages >= total, 600)
    pconn.disconnect(receipt="bye-p-%d" % i)
    bump(sent_p, "DISCONNECT")
    cconn.disconnect(receipt="bye-c-%d" % i)
    bump(sent_c, "DISCONNECT")
    bump(sent_c, "ACK", cons.acks)
    for c in (pconn, cconn):
        deadline = time.monotonic() + 20
        while (c.transport.running or c.transport.socket is not None) and time.monotonic() < deadline:
            time.sleep(0.05)
    if cons.errors or prod.errors:
        raise SystemExit("worker %d: ERROR frames: %r %r" % (i, cons.errors, prod.errors))
    out_q.put({"worker": i, "consumer": {"sent": sent_c, "received": cons.received},
               "producer": {"sent": sent_p, "received": prod.received}})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=61613)
    ap.add_argument("--user", default="capuser")
    ap.add_argument("--passcode", default="cappass")
    ap.add_argument("--pairs", type=int, default=4)
    ap.add_argument("--messages", type=int, default=1000, help="small messages per producer")
    ap.add_argument("--large", default="", help="comma-separated sizes of binary bodies (content-length)")
    ap.add_argument("--large-text", default="",
                    help="comma-separated sizes of text bodies without content-length (the k-th goes to "
                         "worker k mod pairs; 0 = none)")
    ap.add_argument("--window", type=int, default=2000)
    ap.add_argument("--paced", action="store_true",
                    help="workers 2,3 (mod 4) send one message at a time, waiting for its delivery")
    ap.add_argument("--bodies", choices=["json", "mixed"], default="json",
                    help="json: JSON-ish text of 16..480 bytes; mixed: hex/Base64/JSON/binary of 0..4000 bytes")
    ap.add_argument("--prefetch", type=int, default=0,
                    help="batch consumers: subscribe after the queue is full, with activemq.prefetchSize N")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--log", required=True)
    args = ap.parse_args()
    args.large = [int(x) for x in args.large.split(",") if x]
    args.large_text = [int(x) for x in args.large_text.split(",") if x]
    t0 = time.monotonic()
    out_q = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=worker, args=(args, i, out_q)) for i in range(args.pairs)]
    for p in procs:
        p.start()
    results = [out_q.get(timeout=1800) for _ in procs]
    for p in procs:
        p.join()
        if p.exitcode != 0:
            raise SystemExit("a worker failed")
    frames = {}
    for r in results:
        for side in ("consumer", "producer"):
            for d in (r[side]["sent"], r[side]["received"]):
                for k, v in d.items():
                    frames[k] = frames.get(k, 0) + v
    log = {"client": "python3-stomp %d.%d.%d" % tuple(stomp.__version__), "pairs": args.pairs,
           "bodies": args.bodies, "prefetch": args.prefetch,
           "messages_per_producer": args.messages, "large": args.large, "large_text": args.large_text,
           "frames": frames, "frames_total": sum(frames.values()), "workers": sorted(results, key=lambda r: r["worker"]),
           "seconds": round(time.monotonic() - t0, 1)}
    with open(args.log, "w") as fh:
        json.dump(log, fh, indent=1)
    print("stomp_load: %d frames in %.1f s: %s" % (log["frames_total"], log["seconds"], frames))


if __name__ == "__main__":
    main()
