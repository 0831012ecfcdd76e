"""tshark + the built plugin on the real captures of test-captures/.

Expected values come from test-captures/MANIFEST.json, which the capture
scripts wrote from what each client sent and received (see
test-captures/README.md), never from the dissector's own output.
"""
import collections
import hashlib
import os
import subprocess
import sys
import tempfile
import unittest

import tshark_runner as ts

sys.path.insert(0, os.path.join(ts.CAPTURES, "lib"))
import tcp_pcap  # noqa: E402

REQUIRED_FIELDS = [
    "stomp.command", "stomp.header", "stomp.header.name", "stomp.header.value",
    "stomp.destination", "stomp.id", "stomp.subscription", "stomp.message_id", "stomp.ack",
    "stomp.receipt", "stomp.receipt_id", "stomp.transaction", "stomp.content_type",
    "stomp.content_length", "stomp.accept_version", "stomp.version", "stomp.host",
    "stomp.login", "stomp.heart_beat", "stomp.session", "stomp.server", "stomp.message",
    "stomp.reply_to", "stomp.expires", "stomp.priority", "stomp.persistent", "stomp.selector",
    "stomp.timestamp", "stomp.body", "stomp.heartbeat", "stomp.session.version",
]


def stomp_entries():
    return {k: v for k, v in ts.manifest().items()
            if v.get("stomp") and not v.get("not_decoded_yet")}


def counted_entries():
    return {k: v for k, v in stomp_entries().items() if v.get("frames")}


def size_text(n):
    """The size format the Info column promises (Wireshark's SI style)."""
    if n < 1000:
        return f"{n} byte" + ("" if n == 1 else "s")
    v, units = n / 1000.0, ["kB", "MB", "GB", "TB"]
    u = 0
    while v >= 999.95 and u < 3:
        v /= 1000.0
        u += 1
    return f"{v:.1f} {units[u]}"


def headers_of(layer):
    """(name, value) pairs of one STOMP frame, in wire order."""
    tree = layer
    for k, v in layer.items():
        if k.startswith("Headers ("):
            tree = v
            break
    else:
        return []
    subs = tree.get("stomp.header_tree", [])
    if isinstance(subs, dict):
        subs = [subs]
    return [(s.get("stomp.header.name"), s.get("stomp.header.value", "")) for s in subs]


def first_values(layer):
    out = {}
    for name, value in headers_of(layer):
        out.setdefault(name, value)
    return out


def body_bytes(layer):
    flat = ts.flatten(layer)
    raw = flat.get("stomp.body", [""])[0]
    return bytes.fromhex(raw.replace(":", "")) if raw else b""


class PluginLoads(unittest.TestCase):
    def test_listed_as_plugin_and_protocol(self):
        out, _, _ = ts.run(["-G", "plugins"])
        self.assertIn("stomp.so", out)
        out, _, _ = ts.run(["-G", "protocols"])
        abbrevs = {line.split("\t")[2] for line in out.splitlines() if line.count("\t") >= 2}
        self.assertIn("stomp", abbrevs)
        self.assertIn("mcollective", abbrevs)

    def test_fields_registered(self):
        out, _, _ = ts.run(["-G", "fields"])
        names = {line.split("\t")[2] for line in out.splitlines() if line.startswith("F\t")}
        missing = [f for f in REQUIRED_FIELDS if f not in names]
        self.assertEqual(missing, [])

    def test_heuristic_enabled_by_default(self):
        out, _, _ = ts.run(["-G", "heuristic-decodes"])
        rows = [l.split("\t") for l in out.splitlines()]
        tcp = [r for r in rows if len(r) >= 3 and r[0] == "tcp" and r[1] == "stomp"]
        self.assertEqual(len(tcp), 1)
        self.assertEqual(tcp[0][2], "T")


class FrameCounts(unittest.TestCase):
    """Per capture, per command: exactly what the clients sent and received."""

    def test_counts_equal_manifest(self):
        entries = counted_entries()
        self.assertGreaterEqual(len(entries), 10)
        for name, entry in entries.items():
            with self.subTest(capture=name):
                frames = ts.stomp_layers(ts.capture_path(name))
                got = collections.Counter(f["layer"].get("stomp.command") for f in frames
                                          if "stomp.command" in f["layer"])
                want = {k: v for k, v in entry["frames"].items() if v}
                self.assertEqual(dict(got), want)

    def test_no_unparsed_data_in_real_traffic(self):
        for name in counted_entries():
            with self.subTest(capture=name):
                rows = ts.fields(ts.capture_path(name), ["frame.number"], "stomp.junk")
                self.assertEqual(rows, [])

    def test_sequences_headers_and_bodies_per_connection(self):
        for name, entry in counted_entries().items():
            conns = entry.get("connections") or []
            if not conns or entry.get("transport", "").startswith("sockjs-xhr"):
                # SockJS over HTTP spreads one session over several TCP
                # connections: test_sockjs.py checks it by direction
                continue
            frames = ts.stomp_layers(ts.capture_path(name))
            for conn in conns:
                port = conn["client_port"]
                version = next((w["headers"].get("version", "1.0") for w in conn["received"]
                                if w["command"] == "CONNECTED"), None)
                for direction, key in (("sent", "srcport"), ("received", "dstport")):
                    with self.subTest(capture=name, port=port, direction=direction):
                        mine = [f for f in frames if f[key] == port and "stomp.command" in f["layer"]]
                        want = conn[direction]
                        self.assertEqual([f["layer"]["stomp.command"] for f in mine],
                                         [w["command"] for w in want])
                        for f, w in zip(mine, want):
                            got = first_values(f["layer"])
                            # 1.0 sessions and CONNECT/CONNECTED are shown as on
                            # the wire: compare with the undecoded text there
                            raw = version == "1.0" or w["command"] in ("CONNECT", "STOMP", "CONNECTED")
                            for hname, hvalue in w.get("headers", {}).items():
                                if raw:
                                    hvalue = w.get("undecoded", {}).get(hname, hvalue)
                                self.assertEqual(got.get(hname), hvalue,
                                                 f"frame {f['frame']} header {hname}")
                            if w.get("body_sha1") is not None:
                                body = body_bytes(f["layer"])
                                self.assertEqual(len(body), w["body_len"], f"frame {f['frame']}")
                                self.assertEqual(hashlib.sha1(body).hexdigest(), w["body_sha1"],
                                                 f"frame {f['frame']}")


class NotStomp(unittest.TestCase):
    def test_negative_captures_have_no_stomp(self):
        negatives = {k: v for k, v in ts.manifest().items() if v.get("stomp") is False}
        self.assertGreaterEqual(len(negatives), 5)
        for name in negatives:
            with self.subTest(capture=name):
                rows = ts.fields(ts.capture_path(name), ["frame.number"], "stomp")
                self.assertEqual(rows, [])

    def test_near_misses_stay_tcp_data_in_one_pass_and_two(self):
        # Text that starts like frames but never ends one (no NUL), closed by
        # FIN or cut by the capture's end, on a port with no STOMP: the
        # heuristic alone chose STOMP and no frame ever completed, so nothing
        # is shown as STOMP, in one pass or two (issue 10).
        name = "neg-nearmiss-40777.pcap"
        self.assertIs(ts.manifest()[name].get("stomp"), False)
        path = ts.capture_path(name)
        for two_pass in (False, True):
            with self.subTest(two_pass=two_pass):
                self.assertEqual(ts.fields(path, ["frame.number"], "stomp", two_pass=two_pass), [])
                # and the bytes are there, as data, on the second pass
                if two_pass:
                    data = ts.fields(path, ["frame.number"], "data", two_pass=True)
                    self.assertGreaterEqual(len(data), 5)


class Filters(unittest.TestCase):
    def test_message_filter_and_destination_field(self):
        checked = 0
        for name, entry in counted_entries().items():
            if not entry["frames"].get("MESSAGE"):
                continue
            with self.subTest(capture=name):
                rows = ts.fields(ts.capture_path(name), ["stomp.command"],
                                 'stomp.command == "MESSAGE"')
                n = sum(c.count("MESSAGE") for r in rows for c in r)
                self.assertEqual(n, entry["frames"]["MESSAGE"])
                # every SEND's destination, as the clients wrote them
                want = collections.Counter()
                for conn in entry.get("connections") or []:
                    for w in conn["sent"]:
                        if w["command"] == "SEND":
                            want[w["headers"].get("destination")] += 1
                if not want:
                    continue
                # per frame (a packet may also hold frames without a destination)
                got = collections.Counter(first_values(f["layer"]).get("destination")
                                          for f in ts.stomp_layers(ts.capture_path(name))
                                          if f["layer"].get("stomp.command") == "SEND")
                self.assertEqual(got, want)
                # and as -T fields -e stomp.destination gives them, on packets
                # whose frames all carry one
                rows = ts.fields(ts.capture_path(name), ["stomp.command", "stomp.destination"],
                                 'stomp.command == "SEND"')
                aligned = [(c, d) for cmds, dests in rows if len(cmds) == len(dests)
                           for c, d in zip(cmds, dests)]
                self.assertGreater(len(aligned), 0)
                self.assertLessEqual(collections.Counter(d for c, d in aligned if c == "SEND"),
                                     want)
                checked += 1
        self.assertGreater(checked, 0)


class InfoColumn(unittest.TestCase):
    def test_info_reads_like_a_log_line(self):
        checked = collections.Counter()
        for name, entry in counted_entries().items():
            conns = entry.get("connections") or []
            if not conns:
                continue
            rows = ts.fields(ts.capture_path(name), ["_ws.col.Info"], "stomp")
            info = "\n".join(c for r in rows for c in r[0])
            for conn in conns:
                for w in conn["sent"]:
                    if w["command"] == "SEND" and "destination" in w["headers"]:
                        text = f"SEND {w['headers']['destination']} ({size_text(w['body_len'])})"
                        self.assertIn(text, info, name)
                        checked["SEND"] += 1
                for w in conn["received"]:
                    if w["command"] == "CONNECTED" and "version" in w["headers"]:
                        self.assertIn(f"CONNECTED version={w['headers']['version']}", info, name)
                        checked["CONNECTED"] += 1
                    if w["command"] == "ERROR" and "message" in w["headers"]:
                        self.assertIn(f"ERROR: {w['headers']['message']}", info, name)
                        checked["ERROR"] += 1
        for kind in ("SEND", "CONNECTED", "ERROR"):
            self.assertGreater(checked[kind], 0, kind)


class ExpertInfo(unittest.TestCase):
    def test_every_error_frame_is_a_warning(self):
        total = 0
        for name, entry in counted_entries().items():
            n = entry["frames"].get("ERROR", 0)
            if not n:
                continue
            with self.subTest(capture=name):
                rows = ts.fields(ts.capture_path(name), ["stomp.command"], "stomp.expert.error_frame")
                self.assertEqual(sum(c.count("ERROR") for r in rows for c in r[0:1]), n)
                total += n
        self.assertGreater(total, 0)

    def test_unknown_command_flagged_and_stream_continues(self):
        found = False
        for name, entry in counted_entries().items():
            unknown = [k for k in entry["frames"] if k not in (
                "CONNECT", "STOMP", "CONNECTED", "SEND", "SUBSCRIBE", "UNSUBSCRIBE", "BEGIN",
                "COMMIT", "ABORT", "ACK", "NACK", "DISCONNECT", "MESSAGE", "RECEIPT", "ERROR")]
            if not unknown:
                continue
            found = True
            with self.subTest(capture=name):
                rows = ts.fields(ts.capture_path(name), ["stomp.command"], "stomp.expert.unknown_command")
                got = collections.Counter(c for r in rows for c in r[0] if c in unknown)
                self.assertEqual(dict(got), {k: entry["frames"][k] for k in unknown})
        self.assertTrue(found, "no capture with an unknown command")

    def test_malformed_frames_flagged_and_the_rest_decodes(self):
        """Captures of a raw client that wrote malformed frames into a real
        broker: every frame it wrote is decoded (command and body as the
        client meant them), each carries the expert infos the client's
        record names, the good ones none of the malformed kind, and the
        broker's answers decode too, in two passes and in one (the frame
        the client never finished is shown at the client's FIN)."""
        found = 0
        malformed_names = ("stomp.expert.header_no_colon", "stomp.expert.content_length_invalid",
                           "stomp.expert.content_length_mismatch",
                           "stomp.expert.content_length_overrun", "stomp.expert.missing_nul",
                           "stomp.expert.invalid_escape", "stomp.expert.unknown_command",
                           "stomp.expert.unterminated", "stomp.expert.junk")
        for name, entry in counted_entries().items():
            conns = [c for c in entry.get("connections") or []
                     if any("malformed" in f for f in c["sent"])]
            if not conns:
                continue
            found += 1
            for two_pass in (True, False):
                frames = ts.stomp_layers(ts.capture_path(name), two_pass=two_pass)
                for conn in conns:
                    port = conn["client_port"]
                    for direction, key in (("sent", "srcport"), ("received", "dstport")):
                        with self.subTest(capture=name, direction=direction, two_pass=two_pass):
                            mine = [f for f in frames
                                    if f[key] == port and "stomp.command" in f["layer"]]
                            want = conn[direction]
                            self.assertEqual([f["layer"]["stomp.command"] for f in mine],
                                             [w["command"] for w in want])
                            for f, w in zip(mine, want):
                                flat = ts.flatten(f["layer"])
                                self.assertEqual(hashlib.sha1(body_bytes(f["layer"])).hexdigest(),
                                                 w["body_sha1"], f"frame {f['frame']} body")
                                got = {k for k in malformed_names if k in flat}
                                self.assertEqual(got, set(w.get("malformed", [])),
                                                 f"frame {f['frame']} {w['command']}")
        self.assertGreaterEqual(found, 1, "no capture of malformed frames")


class FrameCutByClose(unittest.TestCase):
    """A frame its sender never finished: shown, unterminated, at the FIN
    that ends it, in one pass and two (TCP calls no dissector for an empty
    FIN). Small TCP-correct captures built here, packet by packet, so the
    packet numbers below are known from the construction."""

    def write(self, d, name, packets):
        path = os.path.join(d, name)
        t = 1700000000.0
        with open(path, "wb") as f:
            f.write(tcp_pcap.HEADER)
            for p in packets:
                t += 0.001
                f.write(tcp_pcap.record(t, tcp_pcap.packet(*p)))
        return path

    def session(self, cport, sport=61613):
        """Handshake, CONNECT, CONNECTED: packets 1-5; returns the
        packets and the next client / server sequence numbers."""
        connect = b"CONNECT\naccept-version:1.2\nhost:/\n\n\0"
        connected = b"CONNECTED\nversion:1.2\n\n\0"
        c, s = 1000, 5000
        pk = [(cport, sport, c - 1, 0, 0x02, b""), (sport, cport, s - 1, c, 0x12, b""),
              (cport, sport, c, s, 0x10, b""), (cport, sport, c, s, 0x18, connect)]
        c += len(connect)
        pk.append((sport, cport, s, c, 0x18, connected))
        return pk, c, s + len(connected)

    def unterminated(self, path, two_pass, extra=()):
        return [(r[0][0], r[1], r[2]) for r in ts.fields(
            path, ["frame.number", "stomp.command", "stomp.body.length"],
            "stomp.expert.unterminated", two_pass=two_pass, extra=extra)]

    def test_fin_ends_the_frame(self):
        with tempfile.TemporaryDirectory() as d:
            # A: the client's last segment carries both data and the FIN
            pk, c, s = self.session(40101)
            head = b"SEND\ndestination:/queue/a\n\npartial "
            pk.append((40101, 61613, c, s, 0x18, head))                      # 6
            pk.append((40101, 61613, c + len(head), s, 0x19, b"and more"))   # 7: PSH FIN ACK
            pk.append((61613, 40101, s, c + len(head) + 9, 0x11, b""))       # 8
            a = self.write(d, "a.pcap", pk)
            # B: the server is inside a frame when the client closes (8):
            # only the server's own FIN (9) ends its frame
            pk, c, s = self.session(40102)
            msg = b"MESSAGE\ndestination:/queue/b\nmessage-id:7\n\n" + b"x" * 3000
            pk.append((61613, 40102, s, c, 0x18, msg[:1448]))                # 6
            pk.append((61613, 40102, s + 1448, c, 0x18, msg[1448:2896]))     # 7
            pk.append((40102, 61613, c, s + 2896, 0x11, b""))                # 8: client FIN
            pk.append((61613, 40102, s + 2896, c + 1, 0x18, msg[2896:]))     # 9
            pk.append((61613, 40102, s + len(msg), c + 1, 0x11, b""))        # 10: server FIN
            b = self.write(d, "b.pcap", pk)
            # C: a frame that ends normally, then both FINs: nothing flagged
            pk, c, s = self.session(40103)
            whole = b"SEND\ndestination:/queue/c\n\n" + b"y" * 2000 + b"\0\n"
            pk.append((40103, 61613, c, s, 0x18, whole[:1448]))
            pk.append((40103, 61613, c + 1448, s, 0x18, whole[1448:]))
            pk.append((40103, 61613, c + len(whole), s, 0x11, b""))
            pk.append((61613, 40103, s, c + len(whole) + 1, 0x11, b""))
            cpath = self.write(d, "c.pcap", pk)
            # D: the frame's last byte (its NUL) missing from the capture,
            # then a pure ACK from the same side: a gap of one sequence
            # number, yet no FIN
            pk, c, s = self.session(40104)
            head = b"SEND\ndestination:/queue/d\n\nno NUL in the capture"
            pk.append((40104, 61613, c, s, 0x18, head))                      # 6
            pk.append((40104, 61613, c + len(head) + 1, s, 0x10, b""))       # 7: ACK
            dpath = self.write(d, "d.pcap", pk)
            self.assertEqual(self.unterminated(dpath, False), [])
            self.assertEqual(self.unterminated(dpath, True),
                             [("6", ["SEND"], [str(len(b"no NUL in the capture"))])])
            for two_pass in (False, True):
                with self.subTest(two_pass=two_pass):
                    self.assertEqual(self.unterminated(a, two_pass),
                                     [("7", ["SEND"], [str(len(b"partial and more"))])])
                    self.assertEqual(self.unterminated(b, two_pass),
                                     [("10", ["MESSAGE"], ["3000"])])
                    self.assertEqual(self.unterminated(cpath, two_pass), [])
                    rows = ts.fields(cpath, ["stomp.command", "stomp.body.length"], "stomp",
                                     two_pass=two_pass)
                    self.assertEqual([(r[0], r[1]) for r in rows],
                                     [(["CONNECT"], ["0"]), (["CONNECTED"], ["0"]),
                                      (["SEND"], ["2000"])])
                    # absolute sequence numbers: the same
                    self.assertEqual(self.unterminated(
                        b, two_pass, ["-o", "tcp.relative_sequence_numbers:FALSE"]),
                        [("10", ["MESSAGE"], ["3000"])])
            # without TCP's sequence analysis no FIN is told: two passes
            # still show the frame, at its last data packet
            self.assertEqual(self.unterminated(
                b, True, ["-o", "tcp.analyze_sequence_numbers:FALSE"]),
                [("9", ["MESSAGE"], ["3000"])])
            # the packets of a frame point at the FIN that ended it
            rows = ts.fields(b, ["frame.number", "stomp.reassembled_in"], "stomp.reassembled_in")
            self.assertEqual([(r[0][0], r[1]) for r in rows],
                             [("6", ["10"]), ("7", ["10"]), ("9", ["10"])])


class Transport(unittest.TestCase):
    def test_tls_heuristic_keeps_heart_beats(self):
        """Real STOMP-over-TLS captures with heart-beats on a port that is not
        61614 (found by the TLS heuristic): each lone EOL is a TLS record of
        its own; at least as many heart-beat EOLs as the client recorded
        writing and reading decode as heart-beats, and no side is reported
        silent, in one pass and two."""
        found = 0
        for name, entry in counted_entries().items():
            if entry.get("transport") != "tls" or entry["port"] == 61614:
                continue
            conns = [c for c in entry["connections"] if c["heartbeats_sent_min"]]
            if not conns:
                continue
            found += 1
            path = ts.capture_path(name)
            for two_pass in (False, True):
                with self.subTest(capture=name, two_pass=two_pass):
                    rows = ts.fields(path, ["tcp.srcport", "stomp.heartbeat"], "stomp.heartbeat",
                                     two_pass=two_pass)
                    for c in conns:
                        sent = sum(int(n) for r in rows if int(r[0][0]) == c["client_port"]
                                   for n in r[1])
                        got = sum(int(n) for r in rows if int(r[0][0]) != c["client_port"]
                                  for n in r[1])
                        self.assertGreaterEqual(sent, c["heartbeats_sent_min"])
                        self.assertGreaterEqual(got, c["heartbeats_received_min"])
                    self.assertEqual(ts.fields(path, ["frame.number"], "stomp.expert.silent",
                                               two_pass=two_pass), [])
        self.assertGreaterEqual(found, 1, "no TLS capture with heart-beats off port 61614")

    def test_websocket_heuristic_keeps_heart_beats(self):
        """The real WebSocket capture with the broker's chosen sub-protocol
        renamed (same length), so that only the heuristic can find STOMP:
        every frame the client recorded decodes, the heart-beat-only
        messages it recorded are heart-beats (not data), and no side is
        reported silent, in one pass and two."""
        name = "rmq-stompjs12-ws-15674.pcap"
        entry = ts.manifest()[name]
        with open(ts.capture_path(name), "rb") as f:
            data = f.read()
        self.assertIn(b"v12.stomp", data)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "ws-renamed.pcap")
            with open(path, "wb") as f:
                f.write(data.replace(b"v12.stomp", b"v12.stomX"))
            beats = sum(entry["ws_messages"][side]["heartbeat_only"] for side in ("client", "server"))
            for two_pass in (False, True):
                with self.subTest(two_pass=two_pass):
                    rows = ts.fields(path, ["stomp.command", "stomp.heartbeat"], "stomp",
                                     two_pass=two_pass)
                    got = collections.Counter(c for r in rows for c in r[0])
                    self.assertEqual(dict(got), entry["frames"])
                    self.assertEqual(sum(len(r[1]) for r in rows), beats)
                    self.assertEqual(ts.fields(path, ["frame.number"], "stomp.expert.silent",
                                               two_pass=two_pass), [])

    def test_port_table_and_decode_as_without_heuristic(self):
        """With the heuristic off, 61613 still decodes (port table) and any
        other port decodes with Decode As."""
        checked = 0
        for name, entry in counted_entries().items():
            port = entry.get("port")
            if not port or entry.get("broker") == "none" or entry.get("transport"):
                continue
            args = ["--disable-heuristic", "stomp_tcp"]
            if port != 61613:
                args += ["-d", f"tcp.port=={port},stomp"]
            with self.subTest(capture=name, port=port):
                rows = ts.fields(ts.capture_path(name), ["stomp.command"], "stomp", extra=args)
                got = collections.Counter(c for r in rows for c in r[0])
                self.assertEqual(dict(got), {k: v for k, v in entry["frames"].items() if v})
                checked += 1
        self.assertGreater(checked, 2)

    def test_capture_starting_mid_stream(self):
        """Cut real captures so that they start in the middle of a
        connection (handshake gone), at a packet inside a frame that spans
        segments and at plain fractions of the capture. Per connection and
        direction the frames decoded after the cut must be exactly the last
        ones the client recorded (commands and bodies), the frame cut in two
        shown as the end of an earlier frame, and nothing as junk."""
        names = ["amq-py12-large.pcap", "rmq-py12-large-200k.pcap", "amq-raw-dribble.pcap",
                 "rmq-rb12-escapes.pcap", "amq-py12-1000-frames.pcap", "ss-py10-large.pcap",
                 "ss-rb10-basic.pcap"]
        checked = 0
        for name in names:
            entry = ts.manifest()[name]
            path = ts.capture_path(name)
            rows = ts.fields(path, ["frame.number", "stomp.reassembly_start",
                                    "stomp.reassembled_in"])
            npackets = len(rows)
            # packets carrying the middle of a frame: neither its first nor its last
            middles = [int(r[0][0]) for r in rows
                       if r[2] and r[1] and r[1][0] != r[0][0] and r[2][0] != r[0][0]]
            cuts = sorted({npackets // 3, npackets // 2} | set(middles[len(middles) // 2:][:1]))
            for cut in cuts:
                with self.subTest(capture=name, cut=cut), tempfile.TemporaryDirectory() as d:
                    cut_path = os.path.join(d, "cut.pcap")
                    subprocess.run(["editcap", "-F", "pcap", "-r", path, cut_path,
                                    f"{cut}-2000000000"], check=True)
                    frames = ts.stomp_layers(cut_path)
                    junk = [f["frame"] for f in frames if "stomp.junk" in ts.flatten(f["layer"])]
                    self.assertEqual(junk, [])
                    for conn in entry["connections"]:
                        port = conn["client_port"]
                        for direction, key in (("sent", "srcport"), ("received", "dstport")):
                            mine = [f for f in frames
                                    if f[key] == port and "stomp.command" in f["layer"]]
                            want = conn[direction][len(conn[direction]) - len(mine):]
                            self.assertEqual([f["layer"]["stomp.command"] for f in mine],
                                             [w["command"] for w in want], f"{port} {direction}")
                            for f, w in zip(mine, want):
                                if w.get("body_sha1") is not None:
                                    self.assertEqual(hashlib.sha1(body_bytes(f["layer"])).hexdigest(),
                                                     w["body_sha1"], f"frame {f['frame']}")
                            checked += len(mine)
                    if cut in middles:
                        notes = [f for f in frames if "stomp.midstream" in ts.flatten(f["layer"])]
                        self.assertGreaterEqual(len(notes), 1)
        self.assertGreater(checked, 500)


if __name__ == "__main__":
    unittest.main()
