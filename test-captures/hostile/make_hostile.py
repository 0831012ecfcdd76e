#!/usr/bin/env python3
"""Hostile STOMP/MCollective inputs, each as a small TCP-correct capture
(127.0.0.1:40000+n -> 127.0.0.1:61613, Ethernet, MSS-sized segments), with
normal frames before and after so a test can assert that the rest of the
stream still decodes. Run it to rewrite the captures in this folder:

    test-captures/hostile/make_hostile.py

The expected outcome of each capture is stated in EXPECT below and checked
by tests/integration/test_hostile.py.
"""
import gzip
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from tcp_pcap import HEADER, packet, record  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MSS = 1448
NUL = b"\0"


# ---- pcap writing: test-captures/lib/tcp_pcap.py ----------------------------

class Capture:
    """One TCP connection; `parent` shares its file and clock (several
    connections in one capture)."""

    def __init__(self, port, parent=None):
        self.cport, self.sport = port, 61613
        self.cseq, self.sseq = 1000, 5000
        self.parent = parent
        self.t = 1700000000.0
        self.records = []
        self._add(packet(self.cport, self.sport, self.cseq - 1, 0, 0x02, b""))
        self._add(packet(self.sport, self.cport, self.sseq - 1, self.cseq, 0x12, b""))
        self._add(packet(self.cport, self.sport, self.cseq, self.sseq, 0x10, b""))

    def _add(self, frame, dt=0.001):
        if self.parent:
            return self.parent._add(frame, dt)
        self.t += dt
        self.records.append(record(self.t, frame))

    def client(self, data, mss=MSS, dt=0.001):
        self._last_client = data
        for i in range(0, len(data), mss):
            chunk = data[i:i + mss]
            self._add(packet(self.cport, self.sport, self.cseq, self.sseq, 0x18, chunk), dt)
            self.cseq += len(chunk)

    def server(self, data, dt=0.001):
        for i in range(0, len(data), MSS):
            chunk = data[i:i + MSS]
            self._add(packet(self.sport, self.cport, self.sseq, self.cseq, 0x18, chunk), dt)
            self.sseq += len(chunk)

    def retransmit(self, nbytes):
        """Sends the client's last nbytes again (a TCP retransmission)."""
        self.cseq -= nbytes
        self.client(self._last_client[-nbytes:])

    def close(self):
        self._add(packet(self.cport, self.sport, self.cseq, self.sseq, 0x11, b""))
        self._add(packet(self.sport, self.cport, self.sseq, self.cseq + 1, 0x11, b""))

    def write(self, name, gz=False):
        data = HEADER + b"".join(self.records)
        path = os.path.join(HERE, name)
        if gz:
            with gzip.open(path, "wb", compresslevel=9) as f:
                f.write(data)
        else:
            with open(path, "wb") as f:
                f.write(data)


def session(port, parent=None):
    c = Capture(port, parent)
    c.client(b"CONNECT\naccept-version:1.2\nhost:/\n\n" + NUL)
    c.server(b"CONNECTED\nversion:1.2\n\n" + NUL + b"\n")
    return c


def after(c):
    """A normal frame after the hostile one: must still decode."""
    c.client(b"SEND\ndestination:/queue/after\ncontent-length:5\n\nafter" + NUL)
    c.server(b"RECEIPT\nreceipt-id:done\n\n" + NUL)


# ---- Ruby Marshal by hand ---------------------------------------------------------

def mlong(n):
    if n == 0:
        return b"\0"
    if 0 < n < 123:
        return bytes([n + 5])
    if -124 < n < 0:
        return bytes([(n - 5) & 0xFF])
    out = b""
    v = n
    for i in range(1, 5):
        out += bytes([v & 0xFF])
        v >>= 8
        if (n >= 0 and v == 0) or (n < 0 and v == -1):
            return bytes([i if n >= 0 else 256 - i]) + out
    raise ValueError(n)


def msym(name):
    return b":" + mlong(len(name)) + name


def mstr(b):
    return b'"' + mlong(len(b)) + b


def envelope(pairs):
    """A Marshal Hash with Symbol keys (4.8 header)."""
    body = b"\x04\x08{" + mlong(len(pairs))
    for k, v in pairs:
        body += msym(k) + v
    return body


REQID = b"0123456789abcdef0123456789abcdef"


def mfix(n):
    return b"i" + mlong(n)


def mbignum(n):
    mag = n.to_bytes((n.bit_length() + 15) // 16 * 2, "little")
    return b"l+" + mlong(len(mag) // 2) + mag


def mco_request(reqid, msgtime, ttl):
    """A psk-shaped discovery ping request (wire-format notes, section 3.1)."""
    empty = b"{" + mlong(0)
    return envelope([(b"body", mstr(b"\x04\x08\"\tping")), (b"senderid", mstr(b"ops.example.net")),
                     (b"requestid", mstr(reqid)), (b"filter", empty),
                     (b"collective", mstr(b"mcollective")), (b"agent", mstr(b"discovery")),
                     (b"callerid", mstr(b"uid=0")), (b"ttl", mfix(ttl)),
                     (b"msgtime", mbignum(msgtime)), (b"hash", mstr(b"0" * 32))])


def mco_send(c, body):
    c.client(b"SEND\ndestination:/topic/mcollective.discovery.agent\ncontent-length:%d\n\n" % len(body)
             + body + NUL)


# ---- the captures -----------------------------------------------------------------

EXPECT = {}


def build():
    # 1. content-length: 4294967295 (not trusted: NUL-delimited)
    c = session(40001)
    c.client(b"SEND\ndestination:/queue/x\ncontent-length:4294967295\n\nhello" + NUL)
    after(c)
    c.close()
    c.write("cl-4294967295.pcap")
    EXPECT["cl-4294967295.pcap"] = {"experts": ["stomp.expert.content_length_too_large"]}

    # 2. content-length: -1
    c = session(40002)
    c.client(b"SEND\ndestination:/queue/x\ncontent-length:-1\n\nhello" + NUL)
    after(c)
    c.close()
    c.write("cl-negative.pcap")
    EXPECT["cl-negative.pcap"] = {"experts": ["stomp.expert.content_length_invalid"]}

    # 3. content-length that lies (2, body is 5 bytes)
    c = session(40003)
    c.client(b"SEND\ndestination:/queue/x\ncontent-length:2\n\nhello" + NUL)
    after(c)
    c.close()
    c.write("cl-lying.pcap")
    EXPECT["cl-lying.pcap"] = {"experts": ["stomp.expert.content_length_mismatch"]}

    # 4. 100,000 headers in one frame
    c = session(40004)
    hdrs = b"".join(b"x-h%d:v\n" % i for i in range(100000))
    c.client(b"SEND\ndestination:/queue/x\n" + hdrs + b"content-length:2\n\nhi" + NUL)
    after(c)
    c.close()
    c.write("100k-headers.pcap")
    EXPECT["100k-headers.pcap"] = {"experts": ["stomp.expert.too_many_headers"], "header_count": 100002}

    # 5. a 64 MB header line (gzip'd capture; tshark reads .gz directly)
    c = session(40005)
    c.client(b"SEND\ndestination:/queue/x\nx-long:" + b"a" * (64 << 20) + b"\n\nbody" + NUL, mss=65000)
    after(c)
    c.close()
    c.write("64mb-header-line.pcap.gz", gz=True)
    EXPECT["64mb-header-line.pcap.gz"] = {"experts": ["stomp.expert.header_section_too_large"]}

    # 6. a frame that never ends: no content-length, no NUL, then FIN
    c = session(40006)
    c.server(b"MESSAGE\ndestination:/queue/x\nmessage-id:1\n\n", dt=0.001)
    c.server(b"0123456789" * 100000)
    c.close()
    c.write("never-ends.pcap")
    EXPECT["never-ends.pcap"] = {"experts": ["stomp.expert.unterminated"], "after": False}

    # 7. NULs and invalid UTF-8 in headers
    c = session(40007)
    c.client(b"SEND\ndestination:/queue/x\nx-nul:a\0b\nx-bad:\xff\xfe\xc0\xaf\n\nbody" + NUL)
    after(c)
    c.close()
    c.write("nul-and-bad-utf8-headers.pcap")
    EXPECT["nul-and-bad-utf8-headers.pcap"] = {"experts": ["stomp.expert.nul_in_header",
                                                           "stomp.expert.invalid_utf8"]}

    # 8. MCollective: :body holds 10,000-deep nested Marshal arrays
    c = session(40008)
    inner = b"\x04\x08" + b"[\x06" * 10000 + b"0"
    mco_send(c, envelope([(b"body", mstr(inner)), (b"senderid", mstr(b"evil.example.net")),
                          (b"requestid", mstr(REQID)), (b"agent", mstr(b"discovery")),
                          (b"msgtime", mbignum(1795730128))]))
    after(c)
    c.close()
    c.write("marshal-10000-deep.pcap")
    EXPECT["marshal-10000-deep.pcap"] = {"experts": ["mcollective.expert.decode_error"]}

    # 9. MCollective: a String claiming 2^31 bytes
    c = session(40009)
    env = envelope([(b"body", mstr(b"\x04\x08I\"\tping\x06:\x06ET")), (b"senderid", mstr(b"evil")),
                    (b"requestid", mstr(REQID)), (b"agent", b'"' + mlong(2 ** 31 - 1) + b"xyz")])
    mco_send(c, env)
    after(c)
    c.close()
    c.write("marshal-2gb-string.pcap")
    EXPECT["marshal-2gb-string.pcap"] = {"experts": ["mcollective.expert.decode_error"]}

    # 10. MCollective: object link and symbol link out of range
    c = session(40010)
    mco_send(c, envelope([(b"body", mstr(b"\x04\x08\"\tping")), (b"senderid", mstr(b"evil")),
                          (b"requestid", mstr(REQID)), (b"agent", b"@" + mlong(100))]))
    mco_send(c, envelope([(b"body", mstr(b"\x04\x08\"\tping")), (b"senderid", mstr(b"evil")),
                          (b"requestid", mstr(REQID)), (b"collective", b";" + mlong(90))]))
    after(c)
    c.close()
    c.write("marshal-bad-links.pcap")
    EXPECT["marshal-bad-links.pcap"] = {"experts": ["mcollective.expert.decode_error"], "mco_errors": 2}

    # 11. MCollective YAML with a billion-laughs alias bomb
    c = session(40011)
    lines = [b"---", b":senderid: evil.example.net", b":requestid: " + REQID, b":agent: discovery",
             b":msgtime: 1795730128", b":body: |", b"  --- ping", b":filter:",
             b'  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = b"a"
    for name in b"bcdefghi":
        n = bytes([name])
        lines.append(b"  " + n + b": &" + n + b" [" + b",".join([b"*" + prev] * 9) + b"]")
        prev = n
    mco_send(c, b"\n".join(lines) + b"\n")
    after(c)
    c.close()
    c.write("yaml-billion-laughs.pcap")
    EXPECT["yaml-billion-laughs.pcap"] = {"experts": [], "mco_kind": "request"}

    # 12. a 300 KB body without content-length (NUL-delimited) in MSS-sized
    # segments, with a retransmitted segment in the middle: the dissector
    # collects such frames itself (see plugin/stomp/stomp_collect.h)
    c = session(40012)
    body = bytes((i * 7) % 251 + 1 for i in range(300000))  # no NUL inside
    c.client(b"SEND\ndestination:/queue/big\n\n" + body[:150000])
    c.retransmit(1448)
    c.client(body[150000:] + NUL)
    after(c)
    c.close()
    c.write("big-nul-body.pcap")
    EXPECT["big-nul-body.pcap"] = {"experts": [], "body_len": 300000}

    # 13. MCollective TTLs (not hostile, but not in the real captures): a
    # request delivered 120 s after its :msgtime with ttl 60 (the node drops
    # it), and a request with ttl 2 that gets no reply while the capture goes
    # on for 5 s more.
    client = session(40020)
    node = session(40021, parent=client)
    old = mco_request(b"a" * 32, 1700000000 - 120, 60)
    mco_send(client, old)
    node.server(b"MESSAGE\ndestination:/topic/mcollective.discovery.agent\nmessage-id:1\n"
                b"content-length:%d\n\n" % len(old) + old + NUL)
    mco_send(client, mco_request(b"b" * 32, 1700000000, 2))
    client.client(b"\n", dt=5.0)  # a heart-beat 5 s later: the capture goes on
    after(client)
    node.close()
    client.close()
    client.write("mco-ttl.pcap")
    EXPECT["mco-ttl.pcap"] = {"experts": ["mcollective.expert.expired_on_delivery",
                                          "mcollective.expert.ttl_expired"], "mco_kind": "request"}


if __name__ == "__main__":
    build()
    import json
    with open(os.path.join(HERE, "EXPECT.json"), "w") as f:
        json.dump(EXPECT, f, indent=1, sort_keys=True)
    print("\n".join(sorted(EXPECT)))
