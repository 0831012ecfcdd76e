#!/usr/bin/env python3
"""Synthetic but TCP-correct STOMP captures for the linearity series.

    synth_pcap.py body  --size N --framing cl|nul|http --total BYTES --out F.pcap
    synth_pcap.py fps   --per-segment K --frames N --out F.pcap
    synth_pcap.py empty --out F.pcap

One TCP connection 10.200.0.2:50001 -> 10.200.0.1:61613, Ethernet/IPv4,
pcap (microsecond timestamps, 10 us apart): three-way handshake (MSS 1460,
timestamps), the client's CONNECT + SUBSCRIBE, the broker's CONNECTED, then
the broker's MESSAGE frames, then FIN/ACK both ways.  Sequence and
acknowledgement numbers are consistent, every segment carries the TCP
timestamp option (so a full segment is 1448 payload bytes, as on an
Ethernet path with MTU 1500), the receiver ACKs every second data segment,
IPv4 and TCP checksums are correct.

body:  MESSAGE frames with a SIZE-byte text body (no NUL inside), with a
       content-length header (--framing cl) or NUL-delimited only (--framing
       nul); max(4, TOTAL // SIZE) frames; the byte stream is cut into
       1448-byte segments regardless of frame boundaries (like a real sender
       with a full window).  --framing http: the control for Wireshark's own
       reassembly - the same bodies as HTTP/1.1 200 responses with
       Content-Length (application/octet-stream) on port 8080, after the
       client's pipelined GETs (no STOMP preamble).
fps:   N small MESSAGE frames (52 bytes each, NUL-delimited, no
       content-length), K frames per TCP segment (K * 52 bytes, so K <= 1000
       keeps a segment under the 64 KiB IPv4 limit).
empty: only the handshake and the FINs (tshark start-up cost).
"""

import argparse
import array
import struct
import sys

CLI = (10, 200, 0, 2)
SRV = (10, 200, 0, 1)
CPORT, SPORT = 50001, 61613
HTTP_PORT = 8080
MSS_PAYLOAD = 1448


def csum(data):
    if len(data) % 2:
        data += b"\0"
    a = array.array("H", data)
    s = sum(a)
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


class Writer:
    def __init__(self, fh, sport=SPORT):
        self.fh = fh
        self.sport = sport
        fh.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        self.t = 1_700_000_000 * 1_000_000
        self.ipid = 1
        # seq numbers: next to send, per side
        self.seq = {"c": 1000, "s": 500000}
        self.tsval = {"c": 100000, "s": 700000}
        self.packets = 0

    def packet(self, side, flags, payload=b"", syn_opts=False):
        src, dst = (CLI, SRV) if side == "c" else (SRV, CLI)
        sp, dp = (CPORT, self.sport) if side == "c" else (self.sport, CPORT)
        other = "s" if side == "c" else "c"
        seq = self.seq[side]
        ack = self.seq[other] if "A" in flags else 0
        if syn_opts:
            # MSS 1460, SACK permitted, timestamps, NOP, window scale 7
            opts = struct.pack("!BBH", 2, 4, 1460) + b"\x04\x02" + \
                struct.pack("!BBII", 8, 10, self.tsval[side], self.tsval[other] if "A" in flags else 0) + \
                b"\x01" + struct.pack("!BBB", 3, 3, 7)
        else:
            opts = b"\x01\x01" + struct.pack("!BBII", 8, 10, self.tsval[side], self.tsval[other])
        fl = 0
        for ch, bit in (("F", 1), ("S", 2), ("P", 8), ("A", 16)):
            if ch in flags:
                fl |= bit
        thl = 20 + len(opts)
        win = 65535 if syn_opts else 2048  # 2048 << 7 = 256 KiB
        tcp = struct.pack("!HHIIBBHHH", sp, dp, seq, ack, (thl // 4) << 4, fl, win, 0, 0) + opts
        tot = 20 + len(tcp) + len(payload)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, tot, self.ipid & 0xFFFF, 0x4000, 64, 6, 0,
                         bytes(src), bytes(dst))
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        pseudo = bytes(src) + bytes(dst) + struct.pack("!BBH", 0, 6, len(tcp) + len(payload))
        c = csum(pseudo + tcp + payload)
        tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
        eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" if side == "s" else \
            b"\x02\x00\x00\x00\x00\x01" + b"\x02\x00\x00\x00\x00\x02"
        frame = eth + b"\x08\x00" + ip + tcp + payload
        self.fh.write(struct.pack("<IIII", self.t // 1_000_000, self.t % 1_000_000, len(frame), len(frame)))
        self.fh.write(frame)
        self.t += 10
        self.ipid += 1
        self.tsval[side] += 1
        self.packets += 1
        self.seq[side] = (seq + len(payload) + (1 if ("S" in flags or "F" in flags) else 0)) & 0xFFFFFFFF

    def handshake(self):
        self.packet("c", "S", syn_opts=True)
        self.packet("s", "SA", syn_opts=True)
        self.packet("c", "A")

    def data(self, side, payload):
        self.packet(side, "PA", payload)

    def close(self):
        self.packet("c", "FA")
        self.packet("s", "FA")
        self.packet("c", "A")


CONNECT = b"CONNECT\naccept-version:1.2\nhost:10.200.0.1\nlogin:capuser\npasscode:cappass\n\n\0"
CONNECTED = b"CONNECTED\nserver:ActiveMQ/5.17.2\nheart-beat:0,0\nsession:ID:bench-1\nversion:1.2\n\n\0\n"
SUBSCRIBE = b"SUBSCRIBE\nid:0\ndestination:/queue/bench\nack:client-individual\n\n\0"


def preamble(w):
    w.handshake()
    w.data("c", CONNECT)
    w.data("s", CONNECTED)
    w.data("c", SUBSCRIBE)
    w.packet("s", "A")


def text_body(size):
    line = b"the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJ\n"
    return (line * (size // len(line) + 1))[:size]


def message(n, body, with_cl):
    h = b"MESSAGE\nsubscription:0\nmessage-id:ID:bench-1:1:1:1:%d\ndestination:/queue/bench\n" \
        b"ack:ID:bench-1:1:1:1:%d\n" % (n, n)
    if with_cl:
        h += b"content-length:%d\n" % len(body)
    return h + b"\n" + body + b"\0\n"


def stream_segments(w, chunks, seg):
    """Send the concatenation of chunks (an iterable of bytes) server->client in
    seg-byte segments; the client ACKs every second segment."""
    buf = bytearray()
    n = 0
    for c in chunks:
        buf += c
        while len(buf) >= seg:
            w.data("s", bytes(buf[:seg]))
            del buf[:seg]
            n += 1
            if n % 2 == 0:
                w.packet("c", "A")
    if buf:
        w.data("s", bytes(buf))
        n += 1
    w.packet("c", "A")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["body", "fps", "empty"])
    ap.add_argument("--size", type=int)
    ap.add_argument("--framing", choices=["cl", "nul", "http"])
    ap.add_argument("--total", type=int, default=32 * 1024 * 1024)
    ap.add_argument("--per-segment", type=int)
    ap.add_argument("--frames", type=int, default=200000)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    with open(a.out, "wb") as fh:
        w = Writer(fh, HTTP_PORT if a.framing == "http" else SPORT)
        info = {}
        if a.kind == "empty":
            w.handshake()
            w.close()
        elif a.kind == "body" and a.framing == "http":
            w.handshake()
            body = text_body(a.size)
            count = max(4, a.total // a.size)
            reqs = b"".join(b"GET /b/%d HTTP/1.1\r\nHost: 10.200.0.1:8080\r\nAccept: */*\r\n\r\n" % i
                            for i in range(count))
            for k in range(0, len(reqs), MSS_PAYLOAD):
                w.data("c", reqs[k:k + MSS_PAYLOAD])
            w.packet("s", "A")
            resp = (b"HTTP/1.1 200 OK\r\nServer: synth\r\nContent-Type: application/octet-stream\r\n"
                    b"Content-Length: %d\r\n\r\n" % a.size) + body
            stream_segments(w, (resp for i in range(count)), MSS_PAYLOAD)
            w.close()
            info = {"responses": count, "body_bytes": count * a.size}
        elif a.kind == "body":
            preamble(w)
            body = text_body(a.size)
            count = max(4, a.total // a.size)
            stream_segments(w, (message(i, body, a.framing == "cl") for i in range(count)), MSS_PAYLOAD)
            w.close()
            info = {"frames": count + 3, "body_bytes": count * a.size}
        else:
            preamble(w)
            k = a.per_segment
            frame = b"MESSAGE\ndestination:/q/a\nmessage-id:%07d\n\nhello\0\n"
            n = 0
            segs = 0
            while n < a.frames:
                m = min(k, a.frames - n)
                w.data("s", b"".join(frame % (n + j) for j in range(m)))
                n += m
                segs += 1
                if segs % 2 == 0:
                    w.packet("c", "A")
            w.packet("c", "A")
            w.close()
            info = {"frames": a.frames + 3, "frame_bytes": len(frame % 0)}
    print("%s: %d packets %s" % (a.out, w.packets, info))


if __name__ == "__main__":
    sys.exit(main())
