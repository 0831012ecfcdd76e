"""File > Export Objects > STOMP, through tshark --export-objects stomp,DIR.

Ground truth: the SHA-1 and length of every body the clients SENT, as recorded
in test-captures/MANIFEST.json when the captures were made. Every non-empty
SEND body must come out as one file, byte for byte; every MESSAGE body the
broker delivered must be one of the bodies a client sent (these captures have
no other producer).
"""
import collections
import hashlib
import json
import os
import shutil
import tempfile
import unittest

import tshark_runner as tr

MANIFEST = json.load(open(os.path.join(tr.CAPTURES, "MANIFEST.json")))

# A 2 MiB binary body over many segments, a 1 KiB binary body with NULs on
# RabbitMQ, ruby-stomp's header-per-write frames, and STOMP inside TLS.
CAPTURES = ["amq-py12-large.pcap", "rmq-py12-basic.pcap", "amq-rb12-escapes.pcap",
            "amq-py12-tls-61614.pcap"]


def sent_bodies(name):
    """(sha1, length) of every non-empty SEND body the clients wrote."""
    out = []
    for conn in MANIFEST[name]["connections"]:
        for f in conn["sent"]:
            if f["command"] == "SEND" and f["body_len"] > 0:
                out.append((f["body_sha1"], f["body_len"]))
    return out


def export(name):
    """{file name: bytes} written by tshark --export-objects stomp,DIR."""
    capture = os.path.join(tr.CAPTURES, name)
    d = tempfile.mkdtemp(prefix="eo-", dir=tr.home())
    os.chmod(d, 0o777)  # tshark runs unprivileged
    try:
        tr.run(tr.capture_options(capture) + ["-q", "--export-objects", f"stomp,{d}"], capture)
        files = {}
        for f in os.listdir(d):
            with open(os.path.join(d, f), "rb") as fh:
                files[f] = fh.read()
        return files
    finally:
        shutil.rmtree(d, ignore_errors=True)


class ExportObjectsTest(unittest.TestCase):
    def test_bodies_byte_for_byte(self):
        for name in CAPTURES:
            with self.subTest(capture=name):
                sent = sent_bodies(name)
                self.assertTrue(sent, "capture records no SEND body")
                files = export(name)
                got = {f: (hashlib.sha1(b).hexdigest(), len(b)) for f, b in files.items()}
                sends = [v for f, v in got.items() if "_send-" in f]
                messages = [v for f, v in got.items() if "_send-" not in f]
                self.assertEqual(collections.Counter(sends), collections.Counter(sent))
                self.assertTrue(messages, "no MESSAGE body exported")
                for m in messages:
                    self.assertIn(m, sent)

    def test_binary_body_present(self):
        # the 2 MiB body of bytes 0..255 repeated: NULs inside must survive
        files = export("amq-py12-large.pcap")
        want = bytes(range(256)) * (2097152 // 256)
        hits = [f for f, b in files.items() if b == want]
        self.assertEqual(len(hits), 2, sorted(files))  # the SEND and its MESSAGE

    def test_file_names_safe(self):
        files = export("rmq-py12-basic.pcap")
        self.assertTrue(files)
        for f in files:
            self.assertNotIn("/", f)
            self.assertFalse(f.startswith("."))
            self.assertLessEqual(len(f), 255)
            # destination first: /queue/x -> queue_x...
            self.assertTrue(f.startswith("queue_"), f)


if __name__ == "__main__":
    unittest.main()
