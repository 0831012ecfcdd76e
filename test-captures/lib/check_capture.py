#!/usr/bin/python3
"""Sanity checks of a fresh capture against the client log (TCP level only:
uses tshark's TCP dissection, never a STOMP dissector).

    check_capture.py <pcap> <log.json> <server-port> <stomp|negative>

Fails (exit 1) if
  * a TCP connection in the capture is incomplete (no SYN or no FIN/RST),
  * (stomp) the capture's TCP connections are not exactly the ones the log
    has (by client port), or the bytes per direction do not match the sum of
    the logged frames' minimum sizes,
  * a client port is a port Wireshark has a TCP dissector registered on (the
    capture would be decoded as something else) - make-captures.sh then
    re-runs the scenario.
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from stompcap import load_any_log  # noqa: E402


def registered_tcp_ports():
    out = subprocess.run(["tshark", "-G", "decodes"], capture_output=True, text=True, check=True).stdout
    ports = set()
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0] == "tcp.port" and parts[1].isdigit():
            ports.add(int(parts[1]))
    return ports


def tcp_conversations(pcap, server_port):
    out = subprocess.run(["tshark", "-r", pcap, "-T", "fields", "-E", "separator=\t",
                          "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.flags.syn",
                          "-e", "tcp.flags.fin", "-e", "tcp.flags.reset", "-e", "tcp.len"],
                         capture_output=True, text=True, check=True).stdout
    conv = {}
    for line in out.splitlines():
        sp, dp, syn, fin, rst, ln = line.split("\t")
        sp, dp = int(sp), int(dp)
        client = dp if sp == server_port else sp
        c = conv.setdefault(client, {"syn": False, "fin": False, "rst": False, "c2s": 0, "s2c": 0})
        c["syn"] |= syn in ("1", "True")
        c["fin"] |= fin in ("1", "True")
        c["rst"] |= rst in ("1", "True")
        c["c2s" if dp == server_port else "s2c"] += int(ln or 0)
    return conv


def main():
    pcap, logpath, port, kind = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    meta, conns = load_any_log(logpath)
    conv = tcp_conversations(pcap, port)
    errors = []
    if not conv:
        errors.append("no TCP traffic captured")
    # a client log may say how many connections are meant to stay open when
    # the capture stops (their last connections, in order)
    still_open = int(meta.get("left_open", 0)) if isinstance(meta, dict) else 0
    for i, (cp, c) in enumerate(sorted(conv.items())):
        if i >= len(conv) - still_open and c["syn"]:
            continue
        if not c["syn"] or not (c["fin"] or c["rst"]):
            errors.append("connection from port %d incomplete in capture: %r" % (cp, c))
    reg = registered_tcp_ports()
    bad = sorted(p for p in conv if p in reg)
    if bad:
        errors.append("client port(s) %s have a registered Wireshark TCP dissector" % bad)
    if kind == "stomp":
        logged = {c["client_port"]: c for c in conns}
        if set(logged) != set(conv):
            errors.append("connections in capture %s != connections in log %s" % (sorted(conv), sorted(logged)))
        for cp, c in logged.items():
            if cp not in conv:
                continue
            # every frame is at least its body + NUL + command + 2 EOLs
            need_c2s = sum(f["body_len"] + len(f["command"]) + 3 for f in c["sent"]) + c["heartbeats_sent_min"]
            need_s2c = sum(f["body_len"] + len(f["command"]) + 3 for f in c["received"])
            if conv[cp]["c2s"] < need_c2s or conv[cp]["s2c"] < need_s2c:
                errors.append("port %d: captured bytes %d/%d < logged minimum %d/%d"
                              % (cp, conv[cp]["c2s"], conv[cp]["s2c"], need_c2s, need_s2c))
    if errors:
        for e in errors:
            print("check_capture: %s: %s" % (os.path.basename(pcap), e), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
