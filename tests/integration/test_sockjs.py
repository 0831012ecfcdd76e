"""STOMP inside SockJS: the real capture of @stomp/stompjs + sockjs-client
against the sockjs npm server relaying to ActiveMQ
(test-captures/make-sockjs-capture.sh). Expected values are what the client
handed to SockJS.send() and what SockJS delivered to it, from
test-captures/MANIFEST.json, never from the dissector's output.
"""
import collections
import os
import re
import tempfile
import unittest

import tshark_runner as ts

WS_CAPTURE = "amq-stompjs12-sockjs-ws-15680.pcap"
PORT = 15680


def headers_of(layer):
    """First value of each header of one STOMP frame."""
    tree = None
    for k, v in layer.items():
        if k.startswith("Headers ("):
            tree = v
            break
    if tree is None:
        return {}
    subs = tree.get("stomp.header_tree", [])
    if isinstance(subs, dict):
        subs = [subs]
    out = {}
    for s in subs:
        out.setdefault(s.get("stomp.header.name"), s.get("stomp.header.value", ""))
    return out


def body_of(layer):
    raw = ts.flatten(layer).get("stomp.body", [""])[0]
    return bytes.fromhex(raw.replace(":", "")) if raw else b""


def split_by_direction(frames):
    sent = [f for f in frames if f["dstport"] == PORT]
    received = [f for f in frames if f["srcport"] == PORT]
    return sent, received


class SockjsWebsocket(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.entry = ts.manifest()[WS_CAPTURE]
        cls.conn = cls.entry["connections"][0]
        cls.path = ts.capture_path(WS_CAPTURE)

    def check_frames(self, path, two_pass):
        frames = [f for f in ts.stomp_layers(path, two_pass=two_pass)
                  if "stomp.command" in f["layer"]]
        sent, received = split_by_direction(frames)
        for got, want in ((sent, self.conn["sent"]), (received, self.conn["received"])):
            self.assertEqual([f["layer"]["stomp.command"] for f in got],
                             [w["command"] for w in want])
            for f, w in zip(got, want):
                with self.subTest(command=w["command"], frame=f["frame"]):
                    self.assertEqual(headers_of(f["layer"]), w["headers"])
                    body = body_of(f["layer"])
                    self.assertEqual(len(body), w["body_len"])
                    self.assertEqual(body.decode("utf-8"), w["body"])

    def test_frames_equal_what_the_client_sent_and_got(self):
        for two_pass in (False, True):
            with self.subTest(two_pass=two_pass):
                self.check_frames(self.path, two_pass)

    def test_counts_and_heart_beats(self):
        for two_pass in (False, True):
            with self.subTest(two_pass=two_pass):
                rows = ts.fields(self.path, ["tcp.dstport", "stomp.command", "stomp.heartbeat"],
                                 "stomp", two_pass=two_pass)
                got = collections.Counter(c for r in rows for c in r[1])
                self.assertEqual(dict(got), self.entry["frames"])
                beats_sent = sum(len(r[2]) for r in rows if r[0] == [str(PORT)])
                beats_recv = sum(len(r[2]) for r in rows if r[0] != [str(PORT)])
                self.assertEqual(beats_sent, self.entry["heartbeats_sent"])
                self.assertEqual(beats_recv, self.entry["heartbeats_received"])

    def test_sockjs_framing(self):
        """The open frame, one client array per string stompjs sent (sockjs-
        client sends each send() as its own ["..."]), and the session URL."""
        for two_pass in (False, True):
            with self.subTest(two_pass=two_pass):
                rows = ts.fields(self.path, ["tcp.dstport", "sockjs.type", "sockjs.messages",
                                             "sockjs.url"], "sockjs", two_pass=two_pass)
                types = collections.Counter((r[0][0] == str(PORT), t) for r in rows for t in r[1])
                self.assertEqual(types[(False, "1")], 1)  # one "o" from the server
                client_arrays = [r for r in rows if r[0] == [str(PORT)]]
                self.assertEqual(types[(True, "6")], len(client_arrays))
                self.assertEqual(sum(int(m) for r in client_arrays for m in r[2]),
                                 len(self.entry and ts.manifest()[WS_CAPTURE]["connections"][0]
                                     ["sent"]) + self.entry["heartbeats_sent"])
                urls = {u for r in rows for u in r[3]}
                self.assertEqual(len(urls), 1)
                self.assertRegex(urls.pop(), r"^/stomp/[^/]+/[^/]+/websocket$")

    def test_found_by_payload_shape_without_the_url(self):
        """The Upgrade URL renamed (same length): the payload shapes alone
        ("o", ["CONNECT...) find SockJS, and every frame still decodes."""
        with open(self.path, "rb") as f:
            data = f.read()
        self.assertIn(b"/websocket HTTP/1.1", data)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "sockjs-renamed.pcap")
            with open(path, "wb") as f:
                f.write(data.replace(b"/websocket HTTP/1.1", b"/websockex HTTP/1.1"))
            for two_pass in (False, True):
                with self.subTest(two_pass=two_pass):
                    self.assertEqual(ts.fields(path, ["sockjs.url"], "sockjs.url",
                                               two_pass=two_pass), [])
                    self.check_frames(path, two_pass)

    def test_nothing_without_the_sockjs_heuristic(self):
        """Control: with the SockJS heuristic off, no STOMP frame is found
        (the frames are only reachable through SockJS)."""
        rows = ts.fields(self.path, ["stomp.command"], "stomp",
                         extra=["--disable-heuristic", "sockjs_ws"])
        self.assertEqual(rows, [])

    def test_json_escapes_on_the_wire(self):
        """The capture really carries what this tests: SockJS's \\u escapes
        (the surrogate pair of the emoji, NUL as \\u0000)."""
        with open(self.path, "rb") as f:
            data = f.read()
        # (the client's messages are masked: only the server's are readable)
        self.assertTrue(re.search(rb"\\ud83d\\ude00", data, re.I))
        self.assertTrue(b"\\u0000" in data)
        self.assertTrue(b'a["MESSAGE\\n' in data)


class SockjsHttpCaptures(unittest.TestCase):
    """The xhr_streaming / xhr polling captures (not decoded yet): they carry
    what the client sent, as SockJS JSON in HTTP bodies on the wire."""

    def test_wire_carries_every_sent_command(self):
        for name in ("amq-stompjs12-sockjs-xhr-streaming-15680.pcap",
                     "amq-stompjs12-sockjs-xhr-polling-15680.pcap"):
            with self.subTest(capture=name):
                entry = ts.manifest()[name]
                self.assertTrue(entry.get("not_decoded_yet"))
                with open(ts.capture_path(name), "rb") as f:
                    data = f.read()
                # (presence only: a raw byte search cannot count frames that
                # HTTP chunks or TCP segments split)
                for cmd in {fr["command"] for fr in entry["connections"][0]["sent"]}:
                    self.assertIn(b'"' + cmd.encode() + b"\\n", data)
                self.assertIn(b"/xhr_send HTTP/1.1", data)
                kind = b"/xhr_streaming HTTP/1.1" if "streaming" in name else b"/xhr HTTP/1.1"
                self.assertIn(kind, data)


class NotSockjs(unittest.TestCase):
    def test_other_websocket_and_tcp_captures_have_no_sockjs(self):
        """STOMP over plain WebSocket (stompjs against RabbitMQ web_stomp:
        text and binary messages, lone-LF heart-beats) and the negative
        captures (HTTP, SMTP, Redis, TLS, random, near-misses) show no SockJS,
        and the WebSocket capture keeps every STOMP frame of its manifest."""
        m = ts.manifest()
        names = ["rmq-stompjs12-ws-15674.pcap", "rmq-stompjs12-ws-deflate-15674.pcap"]
        names += [k for k, v in m.items() if v.get("stomp") is False]
        self.assertGreaterEqual(len(names), 5)
        for name in names:
            with self.subTest(capture=name):
                path = ts.capture_path(name)
                self.assertEqual(ts.fields(path, ["frame.number"], "sockjs"), [])
                if m[name].get("frames"):
                    rows = ts.fields(path, ["stomp.command"], "stomp")
                    got = collections.Counter(c for r in rows for c in r[0])
                    self.assertEqual(dict(got), m[name]["frames"])


if __name__ == "__main__":
    unittest.main()
