#!/usr/bin/python3
"""Independent sanity check of MANIFEST.json: count STOMP command lines in
the reassembled TCP byte streams of each capture with a plain regular
expression (a command line at the start of a stream or right after a NUL,
optionally after EOLs) and compare with the manifest's 'frames'.  Also
compares the number of heart-beat-looking EOLs.  Uses only tshark's TCP
layer (tcp.payload), never a STOMP dissector.  Not used to make the
manifest - only to cross-check it.

    grep_check.py [MANIFEST.json]
"""

import collections
import json
import os
import re
import subprocess
import sys

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


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "MANIFEST.json")
    base = os.path.dirname(os.path.abspath(path))
    manifest = json.load(open(path, encoding="utf-8"))
    bad = 0
    for name, e in manifest.items():
        if not e.get("frames"):
            continue
        st = streams(os.path.join(base, name), e["port"])
        wire = collections.Counter()
        for buf in st.values():
            for m in CMD_RE.finditer(buf):
                wire[m.group(1).decode()] += 1
        ok = dict(wire) == e["frames"]
        bad += not ok
        print("%-32s %s  manifest %5d  wire %5d%s" % (name, "ok  " if ok else "DIFF", sum(e["frames"].values()),
                                                     sum(wire.values()),
                                                     "" if ok else "  %s vs %s" % (e["frames"], dict(wire))))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
