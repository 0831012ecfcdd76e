"""tshark + the built plugin on the real captures of test-captures/.

Expected values come from test-captures/MANIFEST.json, which the capture
scripts wrote from what each client sent and received (see
test-captures/README.md), never from the dissector's own output.
"""
import collections
import hashlib
import os
import subprocess
import tempfile
import unittest

import tshark_runner as ts

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
    return {k: v for k, v in ts.manifest().items() if v.get("stomp")}


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
            if not conns:
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
                rows = ts.fields(ts.capture_path(name), ["stomp.command", "stomp.destination"],
                                 'stomp.command == "SEND"')
                got = collections.Counter()
                for cmds, dests in rows:
                    for c, d in zip(cmds, dests):
                        if c == "SEND":
                            got[d] += 1
                self.assertEqual(got, want)
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


class Transport(unittest.TestCase):
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
        """Drop the first packets of a capture: every frame that was carried
        whole by one packet after the cut still decodes, at the same place."""
        name = max(counted_entries(), key=lambda k: sum(counted_entries()[k]["frames"].values()))
        path = ts.capture_path(name)
        full = ts.fields(path, ["frame.number", "stomp.command", "tcp.segment.count"], "stomp")
        cut_at = max(5, len(full) // 3)
        first_kept = int(full[cut_at][0][0])
        with tempfile.TemporaryDirectory() as d:
            cut = os.path.join(d, "cut.pcapng")
            subprocess.run(["editcap", "-r", path, cut, f"{first_kept + 1}-2000000000"], check=True)
            rows = ts.fields(cut, ["frame.number", "stomp.command"], "stomp")
        got = {int(r[0][0]) + first_kept: r[1] for r in rows}
        expected = 0
        for r in full[cut_at + 1:]:
            num = int(r[0][0])
            if r[2]:  # reassembled from several segments: may start before the cut
                continue
            expected += 1
            self.assertEqual(got.get(num), r[1], f"packet {num}")
        self.assertGreater(expected, 10)


if __name__ == "__main__":
    unittest.main()
