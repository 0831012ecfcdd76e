#!/usr/bin/python3
"""Independent sanity check of MANIFEST.json: count STOMP command lines in
the reassembled TCP byte streams of each capture with a plain regular
expression (a command line at the start of a stream or right after a NUL,
optionally after EOLs) and compare with the manifest's 'frames'.  Also
compares the number of heart-beat-looking EOLs.  Uses only tshark's TCP
layer (tcp.payload), never a STOMP dissector.  Not used to make the
manifest - only to cross-check it.

Captures with "transport": "tls" are read through tshark's TLS layer with
the capture's key log (-z follow,tls,raw: the decrypted application data);
"transport": "websocket" captures are unwrapped here (HTTP Upgrade skipped,
WebSocket frames parsed and unmasked from the TCP stream).

    grep_check.py [MANIFEST.json]
"""

import collections
import json
import os
import re
import subprocess
import sys
import zlib

CMD_RE = re.compile(rb"(?:^|\x00)[\r\n]*([A-Za-z]+)\r?\n")


def streams(pcap, server_port):
    out = subprocess.run(["tshark", "-r", pcap, "-T", "fields", "-E", "separator=\t",
                          "-e", "tcp.stream", "-e", "tcp.srcport", "-e", "tcp.seq_raw", "-e", "tcp.payload",
                          "-Y", "tcp.len > 0"],
                         capture_output=True, text=True, check=True).stdout
    data = collections.defaultdict(dict)      # (stream, dir) -> {seq: bytes}
    for line in out.splitlines():
        st, sp, seq, payload = line.split("\t")
        d = "s2c" if int(sp) == server_port else "c2s"
        data[(int(st), d)][int(seq)] = bytes.fromhex(payload.replace(":", ""))
    res = {}
    for key, segs in data.items():
        buf = b""
        for seq in sorted(segs):           # retransmissions collapse on the same seq
            buf += segs[seq]
        res[key] = buf
    return res


def tls_streams(pcap, keylog):
    """Decrypted application data per (stream, direction) via tshark's TLS
    layer and the key log (-z follow,tls,raw; the first speaker - the client -
    is not indented)."""
    out = subprocess.run(["tshark", "-r", pcap, "-T", "fields", "-e", "tcp.stream"],
                         capture_output=True, text=True, check=True).stdout
    res = {}
    for st in sorted({int(x) for x in out.split()}):
        text = subprocess.run(["tshark", "-r", pcap, "-o", "tls.keylog_file:" + keylog, "-q",
                               "-z", "follow,tls,raw,%d" % st],
                              capture_output=True, text=True, check=True).stdout
        bufs = {"c2s": b"", "s2c": b""}
        lines = text.splitlines()
        rules = [k for k, ln in enumerate(lines) if ln and set(ln) == {"="}]
        if len(rules) < 2:
            raise ValueError("unexpected follow,tls output for stream %d" % st)
        for line in lines[rules[0] + 1:rules[-1]]:
            if not line.strip() or ":" in line:        # header lines (Follow:, Filter:, Node n: ...)
                continue
            d = "s2c" if line.startswith("\t") else "c2s"
            bufs[d] += bytes.fromhex(line.strip())
        res[(st, "c2s")], res[(st, "s2c")] = bufs["c2s"], bufs["s2c"]
    return res


def ws_unwrap(buf):
    """Payload of the data messages (text, binary; fragments joined) of a
    WebSocket byte stream that starts with the HTTP Upgrade request/response.
    Messages compressed with permessage-deflate (RSV1 on the first frame) are
    inflated (one raw-deflate context per direction: context takeover)."""
    end = buf.find(b"\r\n\r\n")
    if not buf.startswith((b"GET ", b"HTTP/1.1 101")) or end < 0:
        raise ValueError("no HTTP Upgrade at the start of the stream")
    i, out = end + 4, bytearray()
    inflate = zlib.decompressobj(-15)
    msg, compressed = bytearray(), False
    while i < len(buf):
        b0, b1 = buf[i], buf[i + 1]
        fin, rsv1, opcode, masked, n = b0 & 0x80, b0 & 0x40, b0 & 0x0F, b1 & 0x80, b1 & 0x7F
        i += 2
        if n == 126:
            n, i = int.from_bytes(buf[i:i + 2], "big"), i + 2
        elif n == 127:
            n, i = int.from_bytes(buf[i:i + 8], "big"), i + 8
        key = b""
        if masked:
            key, i = buf[i:i + 4], i + 4
        payload = buf[i:i + n]
        if len(payload) != n:
            raise ValueError("truncated WebSocket frame")
        i += n
        if masked:
            payload = bytes(c ^ key[k % 4] for k, c in enumerate(payload))
        if opcode >= 8:                     # control frame (close, ping, pong)
            continue
        if opcode in (1, 2):
            msg, compressed = bytearray(), bool(rsv1)
        msg += payload
        if fin:
            out += inflate.decompress(bytes(msg) + b"\x00\x00\xff\xff") if compressed else msg
    return bytes(out)


def app_streams(path, entry):
    transport = entry.get("transport", "tcp")
    if transport == "tls":
        return tls_streams(path, os.path.join(os.path.dirname(path), entry["keylog"]))
    st = streams(path, entry["port"])
    if transport == "websocket":
        st = {k: ws_unwrap(v) for k, v in st.items()}
    return st


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "MANIFEST.json")
    base = os.path.dirname(os.path.abspath(path))
    manifest = json.load(open(path, encoding="utf-8"))
    bad = 0
    for name, e in manifest.items():
        if not e.get("frames"):
            continue
        if e.get("transport", "tcp") not in ("tcp", "tls", "websocket"):
            # e.g. "sockjs-*" (make-sockjs-capture.sh): not unwrapped here
            print("%-32s skip  transport %s" % (name, e["transport"]))
            continue
        st = app_streams(os.path.join(base, name), e)
        wire = collections.Counter()
        for buf in st.values():
            for m in CMD_RE.finditer(buf):
                wire[m.group(1).decode()] += 1
        # frames a client wrote right after a frame it left without its NUL
        # (the scenario says how many): no NUL before their command line
        for cmd, n in (e.get("frames_not_after_nul") or {}).items():
            wire[cmd] += n
        ok = dict(wire) == e["frames"]
        bad += not ok
        print("%-32s %s  manifest %5d  wire %5d%s" % (name, "ok  " if ok else "DIFF", sum(e["frames"].values()),
                                                     sum(wire.values()),
                                                     "" if ok else "  %s vs %s" % (e["frames"], dict(wire))))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
