#!/usr/bin/env python3
"""Extract STOMP SEND/MESSAGE bodies from a pcap using tshark's follow,tcp,raw.

usage: extract_bodies.py PCAP OUTDIR
Writes OUTDIR/s<stream>_<dir>_<n>_<COMMAND>.body plus an index.txt listing
frame command, destination and a few headers.
"""
import os, subprocess, sys

def streams(pcap):
    out = subprocess.run(["tshark", "-r", pcap, "-T", "fields", "-e", "tcp.stream"],
                         capture_output=True, text=True).stdout.split()
    return sorted(set(int(x) for x in out if x))

def follow(pcap, n):
    out = subprocess.run(["tshark", "-r", pcap, "-qz", f"follow,tcp,raw,{n}"],
                         capture_output=True, text=True).stdout.splitlines()
    data = {0: bytearray(), 1: bytearray()}
    started = False
    for line in out:
        if line.startswith("Node 1:"):
            started = True
            continue
        if not started or line.startswith("===") or not line.strip():
            continue
        d = 1 if line.startswith("\t") else 0
        data[d] += bytes.fromhex(line.strip())
    return data

def frames(buf):
    i = 0
    while i < len(buf):
        while i < len(buf) and buf[i] in (0x0a, 0x0d):
            i += 1
        if i >= len(buf):
            break
        end = buf.find(b"\n\n", i)
        if end < 0:
            break
        head = buf[i:end].decode("latin-1").split("\n")
        cmd, hdrs = head[0], {}
        for h in head[1:]:
            k, _, v = h.partition(":")
            hdrs.setdefault(k, v)
        start = end + 2
        if "content-length" in hdrs:
            blen = int(hdrs["content-length"])
            body = bytes(buf[start:start + blen])
            i = start + blen + 1
        else:
            z = buf.find(b"\0", start)
            body = bytes(buf[start:z])
            i = z + 1
        yield cmd, hdrs, body

pcap, outdir = sys.argv[1], sys.argv[2]
os.makedirs(outdir, exist_ok=True)
with open(os.path.join(outdir, "index.txt"), "w") as idx:
    for s in streams(pcap):
        d = follow(pcap, s)
        for direction in (0, 1):
            for n, (cmd, hdrs, body) in enumerate(frames(d[direction])):
                if cmd not in ("SEND", "MESSAGE"):
                    continue
                name = f"s{s}_{'c2b' if direction == 0 else 'b2c'}_{n:03d}_{cmd}.body"
                with open(os.path.join(outdir, name), "wb") as f:
                    f.write(body)
                idx.write(f"{name} len={len(body)} dest={hdrs.get('destination')} "
                          f"reply-to={hdrs.get('reply-to','')} mc_sender={hdrs.get('mc_sender','')} "
                          f"mc_identity={hdrs.get('mc_identity','')}\n")
