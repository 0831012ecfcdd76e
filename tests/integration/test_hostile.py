"""Hostile inputs (test-captures/hostile/, made by make_hostile.py): each gets
the expert info it deserves, stays within bounded time and memory, and the
frames after it still decode. The expected outcome of each capture is in
test-captures/hostile/EXPECT.json, written with the capture.
"""
import json
import os
import re
import subprocess
import time
import unittest

import tshark_runner as ts

HOSTILE = os.path.join(ts.CAPTURES, "hostile")
with open(os.path.join(HOSTILE, "EXPECT.json"), encoding="utf-8") as f:
    EXPECT = json.load(f)

MAX_SECONDS = 60
MAX_RSS_KB = 600 * 1024  # tshark alone uses about 160 MB


def run_measured(path, args):
    """tshark args on path; returns (stdout, seconds, peak RSS in KB)."""
    cmd = ["/usr/bin/time", "-f", "@@RSS %M"] + ts.command(["-r", ts.readable(path)] + args)
    t0 = time.time()
    p = subprocess.run(cmd, capture_output=True, timeout=MAX_SECONDS * 4)
    dt = time.time() - t0
    err = p.stderr.decode("utf-8", "replace")
    rss = int(re.search(r"@@RSS (\d+)", err).group(1))
    if p.returncode != 0:
        raise AssertionError(f"tshark failed ({p.returncode}): {err[-2000:]}")
    return p.stdout.decode("utf-8", "replace"), dt, rss


class Hostile(unittest.TestCase):
    def test_every_capture(self):
        self.assertGreaterEqual(len(EXPECT), 10)
        for name, want in sorted(EXPECT.items()):
            with self.subTest(capture=name):
                path = os.path.join(HOSTILE, name)
                fields = ["frame.number", "stomp.command", "stomp.destination", "stomp.header.count",
                          "mcollective.kind", "stomp.body.length"]
                args = ["-2", "-T", "fields", "-E", "separator=\x1f", "-E", "aggregator=\x1e",
                        "-E", "occurrence=a", "-o", "mcollective.psk:x"]
                for fld in fields:
                    args += ["-e", fld]
                out, dt, rss = run_measured(path, args)
                self.assertLess(dt, MAX_SECONDS, "time")
                self.assertLess(rss, MAX_RSS_KB, "memory")
                rows = [l.split("\x1f") for l in out.splitlines() if l]
                commands = [c for r in rows for c in r[1].split("\x1e") if c]
                # the session before the hostile frame decoded
                self.assertEqual(commands[:2], ["CONNECT", "CONNECTED"])
                for e in want["experts"]:
                    rows_e = ts.fields(path, ["frame.number"], e)
                    self.assertGreater(len(rows_e), 0, f"no {e}")
                if want.get("after", True):
                    dests = [d for r in rows for d in r[2].split("\x1e")]
                    self.assertIn("/queue/after", dests, "the frame after the hostile one")
                    self.assertEqual(commands[-1], "RECEIPT")
                if "header_count" in want:
                    counts = [int(c) for r in rows for c in r[3].split("\x1e") if c]
                    self.assertIn(want["header_count"], counts)
                if "mco_kind" in want:
                    kinds = [k for r in rows for k in r[4].split("\x1e") if k]
                    self.assertIn(want["mco_kind"], kinds)
                if "body_len" in want:
                    lengths = [int(b) for r in rows for b in r[5].split("\x1e") if b]
                    self.assertIn(want["body_len"], lengths)
                if "mco_errors" in want:
                    rows_m = ts.fields(path, ["frame.number"], "mcollective.expert.decode_error")
                    self.assertEqual(len(rows_m), want["mco_errors"])

    def test_one_error_per_run_of_junk(self):
        rows = ts.fields(os.path.join(HOSTILE, "64mb-header-line.pcap.gz"), ["frame.number"],
                         "stomp.expert.junk || stomp.expert.header_section_too_large")
        self.assertEqual(len(rows), 1)


if __name__ == "__main__":
    unittest.main()
