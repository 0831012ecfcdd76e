"""STOMP session tracking with tshark and the built plugin, on the real
captures: responses, acknowledgements, subscriptions, transactions,
heart-beat silences, broker transit, bodies, TLS and WebSocket, statistics.

Expectations come from test-captures/MANIFEST.json: what the clients sent
(receipt ids, transactions, which ACK covered which MESSAGE), received, and
measured (silences, deliveries of each x-seq), never from the dissector.
"""
import collections
import re
import unittest

import tshark_runner as ts

M = ts.manifest()


def frames_of(name):
    return ts.stomp_layers(ts.capture_path(name))


def flat(f):
    return ts.flatten(f["layer"])


def first(flat_layer, key):
    v = flat_layer.get(key)
    return v[0] if v else None


def headers(f):
    """First value of each header of a frame (decoded), from its header tree."""
    out = {}
    for k, v in f["layer"].items():
        if not k.startswith("Headers ("):
            continue
        subs = v.get("stomp.header_tree", [])
        for s in subs if isinstance(subs, list) else [subs]:
            out.setdefault(s.get("stomp.header.name"), s.get("stomp.header.value", ""))
    return out


def by_port(frames, port, direction):
    key = "srcport" if direction == "sent" else "dstport"
    return [f for f in frames if f[key] == port and "stomp.command" in f["layer"]]


class Receipts(unittest.TestCase):
    def test_every_receipt_answered_by_the_right_frame(self):
        for name in ("amq-py12-receipts-1000.pcap", "rmq-py12-receipts-1000.pcap"):
            with self.subTest(capture=name):
                conn = M[name]["connections"][0]
                frames = frames_of(name)
                # which packet carried which receipt id (ids chosen by the client)
                requests = {}
                for f in by_port(frames, conn["client_port"], "sent"):
                    r = headers(f).get("receipt")
                    if r:
                        requests[r] = f
                receipts = [f for f in by_port(frames, conn["client_port"], "received")
                            if f["layer"]["stomp.command"] == "RECEIPT"]
                self.assertEqual(len(receipts), conn["receipts"]["answered"])
                self.assertGreaterEqual(len(receipts), 1000)
                for rf in receipts:
                    rid = headers(rf)["receipt-id"]
                    req = requests[rid]
                    fl = flat(rf)
                    self.assertEqual(int(first(fl, "stomp.response_to")), req["frame"], rid)
                    self.assertGreaterEqual(float(first(fl, "stomp.time")), 0.0)
                    # and the request points forward to this RECEIPT
                    rfl = flat(req)
                    self.assertEqual(int(first(rfl, "stomp.response_in")), rf["frame"], rid)

    def test_srt_tree_counts_every_receipt(self):
        name = "amq-py12-receipts-1000.pcap"
        out, _, _ = ts.run(["-q", "-z", "stomp_srt,tree"], ts.capture_path(name))
        row = next(l for l in out.splitlines() if l.startswith("receipt -> RECEIPT"))
        self.assertEqual(int(row.split()[4]), M[name]["connections"][0]["receipts"]["answered"])

    def test_connect_answered_by_connected(self):
        frames = frames_of("amq-py12-basic.pcap")
        connected = [f for f in frames if f["layer"].get("stomp.command") == "CONNECTED"]
        connect = [f for f in frames if f["layer"].get("stomp.command") in ("CONNECT", "STOMP")]
        self.assertEqual(len(connected), 1)
        self.assertEqual(int(first(flat(connected[0]), "stomp.response_to")), connect[0]["frame"])


class Acknowledgements(unittest.TestCase):
    NAMES = ["amq-py12-unacked.pcap", "rmq-py12-unacked.pcap", "amq-py11-unacked.pcap",
             "rmq-py11-unacked.pcap", "amq-py10-unacked.pcap", "rmq-py10-unacked.pcap"]

    def test_messages_linked_to_the_ack_that_covered_them(self):
        checked = collections.Counter()
        for name in self.NAMES:
            conn = M[name]["connections"][0]
            frames = frames_of(name)
            sent = by_port(frames, conn["client_port"], "sent")
            received = by_port(frames, conn["client_port"], "received")
            self.assertEqual(len(sent), len(conn["sent"]), name)
            self.assertEqual(len(received), len(conn["received"]), name)
            for want, got in zip(conn["received"], received):
                if want["command"] != "MESSAGE":
                    continue
                fl = flat(got)
                with self.subTest(capture=name, frame=got["frame"]):
                    if want.get("acked_by"):
                        ack = sent[want["ack_sent_index"]]
                        self.assertEqual(int(first(fl, "stomp.ack_in")), ack["frame"])
                        self.assertEqual(first(fl, "stomp.ack_command"), want["acked_by"])
                        self.assertNotIn("stomp.expert.never_acked", fl)
                        checked["acked"] += 1
                    else:
                        self.assertIsNone(first(fl, "stomp.ack_in"))
                        # no ACK in the whole capture: said so, in a client-ack subscription
                        self.assertIn(first(fl, "stomp.subscription.ack_mode"),
                                      ("client", "client-individual"))
                        self.assertIn("stomp.expert.never_acked", fl)
                        checked["never"] += 1
        self.assertGreater(checked["acked"], 10)
        self.assertGreater(checked["never"], 10)

    def test_cumulative_ack_count(self):
        name = "amq-py12-unacked.pcap"
        conn = M[name]["connections"][0]
        frames = frames_of(name)
        sent = by_port(frames, conn["client_port"], "sent")
        covered = collections.Counter(w["ack_sent_index"] for w in conn["received"]
                                      if w["command"] == "MESSAGE" and w.get("acked_by") == "ACK")
        for idx, n in covered.items():
            self.assertEqual(int(first(flat(sent[idx]), "stomp.acked_count")), n)


class Subscriptions(unittest.TestCase):
    def test_messages_carry_their_subscription(self):
        checked = 0
        for name, entry in M.items():
            if not entry.get("stomp") or not entry.get("connections") or entry.get("transport"):
                continue
            frames = None
            for conn in entry["connections"]:
                subs = {w["headers"].get("id"): w["headers"] for w in conn["sent"]
                        if w["command"] == "SUBSCRIBE" and "id" in w["headers"]}
                if not subs:
                    continue
                frames = frames or frames_of(name)
                msgs = [f for f in by_port(frames, conn["client_port"], "received")
                        if f["layer"]["stomp.command"] == "MESSAGE"]
                for f in msgs:
                    sid = headers(f).get("subscription")
                    if sid not in subs:
                        continue
                    fl = flat(f)
                    with self.subTest(capture=name, frame=f["frame"]):
                        self.assertEqual(first(fl, "stomp.subscription.destination"),
                                         subs[sid]["destination"])
                        self.assertEqual(first(fl, "stomp.subscription.ack_mode"),
                                         subs[sid].get("ack", "auto"))
                        checked += 1
        self.assertGreater(checked, 100)


class Transactions(unittest.TestCase):
    def test_members_linked_to_begin_and_outcome(self):
        checked = 0
        for name, entry in M.items():
            if not entry.get("stomp") or not entry.get("connections") or entry.get("transport"):
                continue
            for conn in entry["connections"]:
                outcome = {}
                for w in conn["sent"]:
                    tx = w["headers"].get("transaction")
                    if w["command"] in ("COMMIT", "ABORT") and tx:
                        outcome[tx] = "committed" if w["command"] == "COMMIT" else "aborted"
                if not outcome:
                    continue
                frames = frames_of(name)
                sent = by_port(frames, conn["client_port"], "sent")
                begin_frame = {}
                for w, f in zip(conn["sent"], sent):
                    tx = w["headers"].get("transaction")
                    if not tx:
                        continue
                    fl = flat(f)
                    with self.subTest(capture=name, frame=f["frame"], tx=tx):
                        if w["command"] == "BEGIN":
                            begin_frame[tx] = f["frame"]
                        self.assertEqual(first(fl, "stomp.transaction.outcome"), outcome.get(tx, "open"))
                        if w["command"] in ("SEND", "ACK", "NACK"):
                            self.assertEqual(int(first(fl, "stomp.transaction.begin_in")),
                                             begin_frame[tx])
                            checked += 1
        self.assertGreater(checked, 3)


class HeartBeats(unittest.TestCase):
    def test_silence_flagged_where_the_client_measured_it(self):
        name = "amq-raw12-silent-hbgrace-61888.pcap"
        silence = M[name]["silences"][0]
        self.assertEqual(silence["ended_by"], "SEND")
        frames = frames_of(name)
        sends = [f for f in frames if f["layer"].get("stomp.command") == "SEND"
                 and f["srcport"] == silence["client_port"]]
        ending = sends[-1]  # the SEND that ended the silence
        fl = flat(ending)
        self.assertIn("stomp.expert.silent", fl)
        self.assertAlmostEqual(float(first(fl, "stomp.silence")), silence["gap_s"], delta=0.05)
        self.assertEqual(int(first(fl, "stomp.session.heartbeat.client")),
                         silence["negotiated_client_ms"])

    def test_no_warning_on_steady_heart_beats(self):
        for name in ("amq-raw12-hb-steady.pcap", "rmq-raw12-hb-steady.pcap",
                     "amq-py11-heartbeat.pcap", "rmq-rb12-heartbeat.pcap"):
            with self.subTest(capture=name):
                self.assertEqual(M[name].get("silences", []), [])
                rows = ts.fields(ts.capture_path(name), ["frame.number"], "stomp.expert.silent")
                self.assertEqual(rows, [])
                rows = ts.fields(ts.capture_path(name), ["stomp.heartbeat"], "stomp.heartbeat")
                self.assertGreater(len(rows), 3)

    def test_negotiated_intervals(self):
        for name in ("amq-raw12-hb-steady.pcap", "rmq-raw12-hb-steady.pcap"):
            conn = M[name]["connections"][0]
            rows = ts.fields(ts.capture_path(name), ["stomp.session.heartbeat.client",
                                                     "stomp.session.heartbeat.server"],
                             'stomp.command == "CONNECTED"')
            self.assertEqual(int(rows[0][0][0]), conn["hb_negotiated_client_ms"], name)
            self.assertEqual(int(rows[0][1][0]), conn["hb_negotiated_server_ms"], name)


class BrokerTransit(unittest.TestCase):
    def test_each_delivery_linked_to_its_send(self):
        for name in ("amq-py-transit.pcap", "rmq-py-transit.pcap"):
            with self.subTest(capture=name):
                entry = M[name]
                frames = frames_of(name)
                send_frame = {}
                for f in frames:
                    if f["layer"].get("stomp.command") == "SEND":
                        seq = headers(f).get("x-seq")
                        if seq:
                            send_frame[seq] = f
                deliveries = collections.defaultdict(list)
                for f in frames:
                    if f["layer"].get("stomp.command") == "MESSAGE":
                        seq = headers(f).get("x-seq")
                        if seq:
                            deliveries[seq].append(f)
                checked = 0
                for t in entry["transit"]:
                    seq = t["x_seq"]
                    got = deliveries[seq]
                    # the consumers recorded which of them got each x-seq
                    self.assertEqual(sorted(f["dstport"] for f in got),
                                     sorted(d["client_port"] for d in t["delivered_to"]), seq)
                    for f in got:
                        fl = flat(f)
                        self.assertEqual(int(first(fl, "stomp.sent_in")), send_frame[seq]["frame"], seq)
                        self.assertGreaterEqual(float(first(fl, "stomp.transit_time")), 0.0)
                        checked += 1
                    sfl = flat(send_frame[seq])
                    self.assertEqual(sorted(int(x) for x in sfl.get("stomp.delivered_in", [])),
                                     sorted(f["frame"] for f in got), seq)
                self.assertGreaterEqual(checked, 40)

    def test_transit_statistics_per_destination(self):
        name = "amq-py-transit.pcap"
        out, _, _ = ts.run(["-q", "-z", "stomp_srt,tree"], ts.capture_path(name))
        lines = out.splitlines()
        i = next(i for i, l in enumerate(lines) if l.startswith("SEND -> MESSAGE broker transit"))
        total = int(lines[i].split()[6])
        deliveries = sum(len(t["delivered_to"]) for t in M[name]["transit"])
        self.assertEqual(total, deliveries)
        dests = {t["destination"] for t in M[name]["transit"]}
        per = [l.split()[0] for l in lines[i + 1:] if l.startswith(" /")]
        self.assertEqual(set(per), dests)


class StatsTree(unittest.TestCase):
    def test_per_command_counts_equal_manifest(self):
        for name in ("amq-py12-basic.pcap", "rmq-rb11-txn-12345.pcap", "amq-py12-1000-frames.pcap",
                     "rmq-stompjs12-ws-15674.pcap", "amq-py12-tls-61614.pcap"):
            with self.subTest(capture=name):
                out, _, _ = ts.run(["-q", "-z", "stomp,tree"] + ts.capture_options(ts.capture_path(name)),
                                   ts.capture_path(name))
                lines = out.splitlines()
                start = next(i for i, l in enumerate(lines) if l.startswith("Frames by command"))
                counts = {}
                for l in lines[start + 1:]:
                    if not l.startswith(" ") or l.startswith("  "):
                        break
                    parts = l.split()
                    counts[parts[0]] = int(parts[1])
                counts.pop("heart-beat", None)
                self.assertEqual(counts, {k: v for k, v in M[name]["frames"].items() if v})


class Transports(unittest.TestCase):
    def test_websocket_subprotocol_and_json_body(self):
        name = "rmq-stompjs12-ws-15674.pcap"
        self.assertEqual(M[name]["ws_subprotocol"], "v12.stomp")
        rows = ts.fields(ts.capture_path(name), ["websocket.payload", "stomp.command", "json.object"],
                         'stomp.content_type == "application/json"')
        self.assertGreater(len(rows), 0)
        self.assertTrue(all(r[2] for r in rows), "JSON body handed to the json dissector")

    def test_tls_needs_the_key_log(self):
        name = "amq-py12-tls-61614.pcap"
        without = ts.fields(ts.capture_path(name), ["stomp.command"], "stomp",
                            extra=["-o", "tls.keylog_file:"])
        self.assertEqual(without, [])
        rows = ts.fields(ts.capture_path(name), ["stomp.command"], "stomp")
        got = collections.Counter(c for r in rows for c in r[0])
        self.assertEqual(dict(got), {k: v for k, v in M[name]["frames"].items() if v})


class LowMemory(unittest.TestCase):
    def test_session_tracking_off_still_decodes_every_frame(self):
        name = "amq-py12-receipts-1000.pcap"
        rows = ts.fields(ts.capture_path(name), ["stomp.command", "stomp.response_to"], "stomp",
                         extra=["-o", "stomp.track_sessions:FALSE"])
        got = collections.Counter(c for r in rows for c in r[0])
        self.assertEqual(dict(got), {k: v for k, v in M[name]["frames"].items() if v})
        self.assertFalse(any(r[1] for r in rows), "no links without session tracking")


class Bodies(unittest.TestCase):
    def test_body_dissection_can_be_turned_off(self):
        name = "rmq-stompjs12-ws-15674.pcap"
        rows = ts.fields(ts.capture_path(name), ["json.object"], "json",
                         extra=["-o", "stomp.dissect_body:FALSE"])
        self.assertEqual(rows, [])


if __name__ == "__main__":
    unittest.main()
