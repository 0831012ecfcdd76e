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


HTTP_CAPTURES = ("amq-stompjs12-sockjs-xhr-streaming-15680.pcap",
                 "amq-stompjs12-sockjs-xhr-polling-15680.pcap")


class SockjsHttp(unittest.TestCase):
    """SockJS over HTTP: xhr_send requests carry the client's frames; the
    server's arrive in one xhr_streaming response that never completes (read
    chunk by chunk) or in xhr polling responses. Each SockJS session spans
    several TCP connections."""

    def entries(self):
        for name in HTTP_CAPTURES:
            entry = ts.manifest()[name]
            yield name, entry, ts.capture_path(name)

    def test_frames_equal_what_the_client_sent_and_got(self):
        for name, entry, path in self.entries():
            conn = entry["connections"][0]
            for two_pass in (False, True):
                with self.subTest(capture=name, two_pass=two_pass):
                    frames = [f for f in ts.stomp_layers(path, two_pass=two_pass)
                              if "stomp.command" in f["layer"]]
                    sent, received = split_by_direction(frames)
                    for got, want in ((sent, conn["sent"]), (received, conn["received"])):
                        self.assertEqual([f["layer"]["stomp.command"] for f in got],
                                         [w["command"] for w in want])
                        for f, w in zip(got, want):
                            self.assertEqual(headers_of(f["layer"]), w["headers"])
                            body = body_of(f["layer"])
                            self.assertEqual(len(body), w["body_len"])
                            self.assertEqual(body.decode("utf-8"), w["body"])

    def test_counts_and_heart_beats(self):
        for name, entry, path in self.entries():
            for two_pass in (False, True):
                with self.subTest(capture=name, two_pass=two_pass):
                    rows = ts.fields(path, ["tcp.dstport", "stomp.command", "stomp.heartbeat"],
                                     "stomp", two_pass=two_pass)
                    got = collections.Counter(c for r in rows for c in r[1])
                    self.assertEqual(dict(got), entry["frames"])
                    sent = sum(len(r[2]) for r in rows if r[0] == [str(PORT)])
                    recv = sum(len(r[2]) for r in rows if r[0] != [str(PORT)])
                    self.assertEqual(sent, entry["heartbeats_sent"])
                    self.assertEqual(recv, entry["heartbeats_received"])

    def test_one_session_over_several_connections(self):
        """Every frame names the session of the capture's URLs, the frames
        come over at least two TCP connections, and the session links
        (CONNECT -> CONNECTED, receipt -> RECEIPT) cross them."""
        for name, entry, path in self.entries():
            with open(path, "rb") as f:
                data = f.read()
            sessions = set(re.findall(rb"POST /stomp/([^/ ]+/[^/ ]+)/xhr_send HTTP", data))
            self.assertEqual(len(sessions), 1)
            want = sessions.pop().decode()
            for two_pass in (False, True):
                with self.subTest(capture=name, two_pass=two_pass):
                    rows = ts.fields(path, ["frame.number", "tcp.stream", "sockjs.session",
                                            "sockjs.transport", "stomp.command",
                                            "stomp.response_to", "stomp.receipt"],
                                     "stomp.command", two_pass=two_pass)
                    self.assertEqual({s for r in rows for s in r[2]}, {want})
                    self.assertGreaterEqual(len({r[1][0] for r in rows}), 2)
                    kinds = {t for r in rows for t in r[3]}
                    streaming = "streaming" in name
                    self.assertEqual(kinds, {"xhr_send", "xhr_streaming" if streaming else "xhr"})
                    connect = [r for r in rows if "CONNECT" in r[4]]
                    connected = [r for r in rows if "CONNECTED" in r[4]]
                    self.assertEqual(len(connect), 1)
                    self.assertEqual(len(connected), 1)
                    self.assertNotEqual(connect[0][1], connected[0][1])  # other connections
                    self.assertEqual(connected[0][5], connect[0][0])
                    # each RECEIPT links back to the frame that asked for it
                    asked = sorted(r[0][0] for r in rows if r[6])
                    answered = sorted(v for r in rows if "RECEIPT" in r[4] for v in r[5])
                    self.assertEqual(len(asked), entry["frames"]["RECEIPT"])
                    self.assertEqual(answered, asked)

    def test_on_a_port_http_owns(self):
        """HTTP decoding the port by port table (as on 80 or 8080; here by
        Decode As): the same frames, one pass and two."""
        for name, entry, path in self.entries():
            for two_pass in (False, True):
                with self.subTest(capture=name, two_pass=two_pass):
                    rows = ts.fields(path, ["stomp.command"], "stomp", two_pass=two_pass,
                                     extra=["-d", "tcp.port==%d,http" % PORT])
                    got = collections.Counter(c for r in rows for c in r[0])
                    self.assertEqual(dict(got), entry["frames"])

    def test_streaming_response_items(self):
        """The never-completing xhr_streaming response: one status line (200),
        the prelude, the open frame, chunk sizes that add up to the chunk
        data, and nothing left to HTTP's reassembly."""
        name = HTTP_CAPTURES[0]
        path = ts.capture_path(name)
        for two_pass in (False, True):
            with self.subTest(two_pass=two_pass):
                rows = ts.fields(path, ["sockjs.http.status", "sockjs.http.chunk_size",
                                        "sockjs.type"], "sockjs", two_pass=two_pass)
                self.assertEqual([s for r in rows for s in r[0]], ["200"])
                types = collections.Counter(t for r in rows for t in r[2])
                self.assertEqual(types["3"], 1)  # prelude (h x 2048)
                self.assertEqual(types["1"], 1)  # open
                sizes = [int(s) for r in rows for s in r[1]]
                self.assertEqual(sizes[0], 2049)
                out = ts.run(["-r", path, "-Y", "tcp.srcport == %d && http" % PORT]
                             + (["-2"] if two_pass else []))
                self.assertNotIn("segment of a reassembled PDU", out)

    def test_nothing_without_sockjs(self):
        """Control: with SockJS disabled no STOMP frame is found (the frames
        are only reachable through SockJS)."""
        for name, entry, path in self.entries():
            with self.subTest(capture=name):
                rows = ts.fields(path, ["stomp.command"], "stomp",
                                 extra=["--disable-protocol", "sockjs"])
                self.assertEqual(rows, [])

    def test_other_text_plain_bodies_stay_line_based_text(self):
        """text/plain bodies that are not SockJS still reach Line-based text
        (the plugin wraps the media type): every text/plain message of the
        HTTP negative capture."""
        path = ts.capture_path("neg-http-40080.pcap")
        plain = ts.fields(path, ["frame.number"], 'http.content_type contains "text/plain"')
        self.assertEqual(len(plain), 4)
        text = ts.fields(path, ["frame.number"], "data-text-lines")
        self.assertLessEqual({r[0][0] for r in plain}, {r[0][0] for r in text})
        self.assertEqual(ts.fields(path, ["frame.number"], "sockjs"), [])

    def test_json_escapes_on_the_wire(self):
        """The captures carry SockJS's \\u escapes both ways (HTTP bodies
        are not masked)."""
        for name, entry, path in self.entries():
            with open(path, "rb") as f:
                data = f.read()
            self.assertTrue(re.search(rb"\\ud83d\\ude00", data, re.I))
            self.assertIn(b'["CONNECT\\n', data)
            self.assertIn(b'a["MESSAGE\\n', data)


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
