#!/usr/bin/env python3
"""Seeds for fuzz_stomp_scan / fuzz_stomp_session: the first few KiB of each
direction of each TCP stream in the real STOMP captures (tshark follow).

    tests/fuzz/make_stomp_seeds.py   (rewrites tests/fuzz/corpus/fuzz_stomp_*)
"""
import json
import os
import re
import subprocess

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CAPS = os.path.join(TOP, "test-captures")
MAX = 4096


def streams(path):
    out = subprocess.run(["tshark", "-r", path, "-T", "fields", "-e", "tcp.stream"],
                         capture_output=True, text=True).stdout
    return sorted({int(x) for x in out.split() if x.strip()})


def follow(path, n):
    out = subprocess.run(["tshark", "-r", path, "-qz", f"follow,tcp,raw,{n}"],
                         capture_output=True, text=True).stdout
    data = {0: b"", 1: b""}
    for line in out.splitlines():
        m = re.match(r"^(\t?)([0-9a-f]+)$", line)
        if m:
            side = 1 if m.group(1) else 0
            data[side] += bytes.fromhex(m.group(2))
    return data


def main():
    manifest = json.load(open(os.path.join(CAPS, "MANIFEST.json")))
    names = [k for k, v in manifest.items() if v.get("stomp")]
    names += ["mcollective/" + f for f in sorted(os.listdir(os.path.join(CAPS, "mcollective")))
              if f.endswith(".pcap")]
    for target in ("fuzz_stomp_scan", "fuzz_stomp_session"):
        d = os.path.join(TOP, "tests", "fuzz", "corpus", target)
        os.makedirs(d, exist_ok=True)
        for f in os.listdir(d):
            os.remove(os.path.join(d, f))
    count = 0
    for name in names:
        path = os.path.join(CAPS, name)
        for n in streams(path)[:4]:
            for side, data in follow(path, n).items():
                if not data:
                    continue
                base = re.sub(r"[^A-Za-z0-9]+", "_", name) + f"_s{n}_{'c' if side == 0 else 's'}"
                for target in ("fuzz_stomp_scan", "fuzz_stomp_session"):
                    with open(os.path.join(TOP, "tests", "fuzz", "corpus", target, base), "wb") as f:
                        f.write(data[:MAX])
                count += 1
    print(f"{count} seeds per target")


if __name__ == "__main__":
    main()
