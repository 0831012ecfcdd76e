"""Analyze > Follow > STOMP Stream, through tshark -z follow,stomp,ascii,N.

Ground truth: the frames each client SENT, in order, as recorded in
test-captures/MANIFEST.json (command, headers, body length). The follow
output must hold exactly those frames on the client side, in that order, and
the broker's frames on the other side.
"""
import json
import os
import unittest

import tshark_runner as tr

MANIFEST = json.load(open(os.path.join(tr.CAPTURES, "MANIFEST.json")))
CAPTURES = ["amq-py12-basic.pcap", "rmq-py12-basic.pcap", "amq-rb12-escapes.pcap"]


def follow(name, stream=0):
    """[(from_server, text)] chunks of tshark's ascii follow output."""
    capture = os.path.join(tr.CAPTURES, name)
    out, _, _ = tr.run(["-q", "-z", f"follow,stomp,ascii,{stream}"], capture)
    body = out.split("Node 1: ", 1)[1].split("\n", 1)[1]
    body = body[:body.rindex("\n" + "=" * 20) + 1]
    chunks, i = [], 0
    while True:
        while i < len(body) and body[i] == "\n":  # separators between chunks
            i += 1
        if i >= len(body):
            break
        nl = body.index("\n", i)
        line = body[i:nl]
        server = line.startswith("\t")
        n = int(line.strip())
        chunks.append((server, body[nl + 1:nl + 1 + n]))
        i = nl + 1 + n
    return out, chunks


class FollowTest(unittest.TestCase):
    def test_client_frames_in_order(self):
        for name in CAPTURES:
            with self.subTest(capture=name):
                conn = MANIFEST[name]["connections"][0]
                out, chunks = follow(name)
                self.assertIn(f"127.0.0.1:{conn['client_port']}", out)
                self.assertIn(f"127.0.0.1:{conn['server_port']}", out)
                client = [t for s, t in chunks if not s]
                server = [t for s, t in chunks if s]
                self.assertEqual([t.split("\n", 1)[0].rstrip("\r") for t in client],
                                 [f["command"] for f in conn["sent"]])
                for text, sent in zip(client, conn["sent"]):
                    head, _, rest = text.partition("\n\n")
                    if "\r\n\r\n" in text and not rest:
                        head, _, rest = text.partition("\r\n\r\n")
                    # the body, then the NUL (shown as '.') that ends the frame
                    self.assertEqual(len(rest), sent["body_len"] + 1, text[:200])
                    for k in ("destination", "receipt", "id"):
                        v = sent["headers"].get(k)
                        if v is not None and v.isprintable() and ":" not in v:
                            self.assertIn(f"\n{k}:{v}", head)
                self.assertTrue(server)
                self.assertTrue(server[0].startswith("CONNECTED"))

    def test_other_stream_is_not_this_one(self):
        # a capture with several connections: stream 1 is a different client
        name = "amq-py-multi-topic.pcap"
        ports = {c["client_port"] for c in MANIFEST[name]["connections"]}
        out0, c0 = follow(name, 0)
        out1, c1 = follow(name, 1)
        self.assertTrue(c0 and c1)
        p0 = {p for p in ports if f":{p}\n" in out0}
        p1 = {p for p in ports if f":{p}\n" in out1}
        self.assertEqual(len(p0), 1)
        self.assertEqual(len(p1), 1)
        self.assertNotEqual(p0, p1)


if __name__ == "__main__":
    unittest.main()
