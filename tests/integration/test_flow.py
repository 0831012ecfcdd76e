"""Statistics > Flow Graph, STOMP Flows, through tshark -z flow,stomp,network.

Ground truth: test-captures/MANIFEST.json, the frames each client sent and
the broker delivered (counts per command), and the connections' client ports.
"""
import collections
import json
import os
import re
import unittest

import tshark_runner as tr

MANIFEST = json.load(open(os.path.join(tr.CAPTURES, "MANIFEST.json")))
ARROW = re.compile(r"^(?:\d+\s*)?\|[\d.]+\s*\|\s+([A-Z]+)")


def have_flow():
    """Whether this tshark's plugin registered the STOMP flow. It must on 4.0;
    a plugin built against a libwireshark-dev without <epan/sequence_analysis.h>
    (Debian's 4.4 and 4.6) leaves the flow graph out
    (plugin/common/ws_seq_analysis.h, STOMP_HAVE_SEQ_ANALYSIS)."""
    if tr._abi() == "4.0":
        return True
    out, err, _ = tr.run(["-z", "help"], check=False)
    return "flow,stomp" in out + err


def flow(name):
    out, _, _ = tr.run(["-q", "-z", "flow,stomp,network"], os.path.join(tr.CAPTURES, name))
    return out


@unittest.skipUnless(have_flow(), "no STOMP flow graph in a plugin built for this Wireshark "
                     "(no <epan/sequence_analysis.h>: plugin/common/ws_seq_analysis.h)")
class FlowTest(unittest.TestCase):
    def test_one_arrow_per_frame(self):
        for name in ("amq-py-transit.pcap", "amq-py12-basic.pcap"):
            with self.subTest(capture=name):
                out = flow(name)
                got = collections.Counter(m.group(1) for m in map(ARROW.match, out.splitlines())
                                          if m)
                self.assertEqual(dict(got), MANIFEST[name]["frames"])

    def test_send_and_message_on_different_connections(self):
        m = MANIFEST["amq-py-transit.pcap"]
        out = flow("amq-py-transit.pcap")
        lines = out.splitlines()
        ports = {c["label"]: c["client_port"] for c in m["connections"]}
        sends, messages = set(), set()
        for i, line in enumerate(lines[:-1]):
            a = ARROW.match(line)
            if not a:
                continue
            src = re.search(r"\((\d+)\)\s+-+>\s+\((\d+)\)", lines[i + 1])
            self.assertIsNotNone(src, lines[i + 1])
            if a.group(1) == "SEND":
                sends.add(int(src.group(1)))
                self.assertEqual(src.group(2), "61613")
            elif a.group(1) == "MESSAGE":
                messages.add(int(src.group(2)))
                self.assertIn("message-id: ", line)
                self.assertIn("subscription: sub-", line)
        self.assertEqual(sends, {ports["producer-1"], ports["producer-2"]})
        self.assertEqual(messages, {ports["consumer-1"], ports["consumer-2"], ports["consumer-3"]})


if __name__ == "__main__":
    unittest.main()
