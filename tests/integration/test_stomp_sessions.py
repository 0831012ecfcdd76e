"""STOMP session tracking with tshark and the built plugin, on the real
captures: responses, acknowledgements, subscriptions, transactions,
heart-beat silences, broker transit, bodies, TLS and WebSocket, statistics.

Expectations come from test-captures/MANIFEST.json: what the clients sent
(receipt ids, transactions, which ACK covered which MESSAGE), received, and
measured (silences, deliveries of each x-seq), never from the dissector.
"""
import collections
import os
import re
import unittest

import tshark_runner as ts

M = ts.manifest()


def frames_of(name, extra=()):
    return ts.stomp_layers(ts.capture_path(name), extra=extra)


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


def stats_tree(name, tree, extra=()):
    """-z <tree> output as {row: {"count", "values": [columns], "children": {...}}}
    (nesting by the indentation tshark prints)."""
    out, _, _ = ts.run(["-q", "-z", tree] + ts.capture_options(ts.capture_path(name)) + list(extra),
                       ts.capture_path(name))
    root = {"children": {}}
    stack = [(-1, root)]
    started = False
    for line in out.splitlines():
        if line.startswith("Topic / Item"):
            started = True
            continue
        if not started or not line.strip() or line.startswith("-") or line.startswith("="):
            continue
        depth = len(line) - len(line.lstrip(" "))
        cols = re.split(r"\s{2,}", line.strip())
        node = {"count": int(cols[1]), "values": cols[2:], "children": {}}
        while stack[-1][0] >= depth:
            stack.pop()
        stack[-1][1]["children"][cols[0]] = node
        stack.append((depth, node))
    return root["children"]


def epochs(name, extra=()):
    """frame.number -> frame.time_epoch (as text -> float) of every packet."""
    rows = ts.fields(ts.capture_path(name), ["frame.number", "frame.time_epoch"], extra=extra)
    return {int(r[0][0]): float(r[1][0]) for r in rows}


def connection_frames(frames, conn):
    """(sent, received) STOMP frames of one MANIFEST connection, checked
    against the client's own counts."""
    sent = by_port(frames, conn["client_port"], "sent")
    received = by_port(frames, conn["client_port"], "received")
    assert len(sent) == len(conn["sent"]) and len(received) == len(conn["received"]), conn["label"]
    return sent, received


def plain_stomp_captures():
    """MANIFEST entries of real STOMP over TCP with client records."""
    return [n for n, e in M.items() if e.get("stomp") and e.get("connections") and not e.get("transport")]


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
        rows = stats_tree(name, "stomp_srt,tree")
        row = rows["receipt -> RECEIPT or ERROR (ms)"]
        self.assertEqual(row["count"], M[name]["connections"][0]["receipts"]["answered"])
        self.assertEqual(row["children"]["RECEIPT"]["count"], row["count"])

    def test_connect_answered_by_connected(self):
        for name in ("amq-py12-basic.pcap", "ss-py10-basic.pcap"):
            with self.subTest(capture=name):
                frames = frames_of(name)
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
                outcome, begun = {}, set()
                for w in conn["sent"]:
                    tx = w["headers"].get("transaction")
                    if w["command"] == "BEGIN" and tx:
                        begun.add(tx)
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
                        # a COMMIT/ABORT of a transaction never begun (ss-py10-errors) has none
                        self.assertEqual(first(fl, "stomp.transaction.outcome"),
                                         outcome.get(tx, "open") if tx in begun else None)
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
                     "rmq-stompjs12-ws-15674.pcap", "amq-py12-tls-61614.pcap", "ss-py10-basic.pcap",
                     "ss-rb10-basic.pcap"):
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


def wire_length(f, from_broker):
    """Bytes of one recorded frame on the wire: command line, header lines
    as written (the 'undecoded' text where decoding changed a value), blank
    line, body, NUL; the brokers follow the NUL with one LF
    (test-captures/README.md), the python client does not."""
    und = f.get("undecoded", {})
    n = len(f["command"].encode()) + 1
    for k, v in f["headers"].items():
        n += len(k.encode()) + 1 + len(und.get(k, v).encode()) + 1
    return n + 1 + f["body_len"] + 1 + (1 if from_broker else 0)


class Statistics(unittest.TestCase):
    # python3-stomp only (no heart-beats, LF line ends, no repeated headers)
    NAMES = ["amq-py12-basic.pcap", "rmq-py12-basic.pcap", "amq-py12-unacked.pcap",
             "amq-py-transit.pcap", "rmq-py-transit.pcap", "amq-py-txn-transit.pcap",
             "ss-py10-basic.pcap", "ss-py10-large.pcap"]

    def test_frames_and_bytes_per_direction_and_destination_equal_manifest(self):
        for name in self.NAMES:
            with self.subTest(capture=name):
                frames = collections.Counter()
                nbytes = collections.Counter()
                dframes = collections.Counter()
                dbytes = collections.Counter()
                for conn in M[name]["connections"]:
                    for side, broker in (("sent", False), ("received", True)):
                        for f in conn[side]:
                            d = "broker -> client" if broker else "client -> broker"
                            frames[d] += 1
                            nbytes[d] += wire_length(f, broker)
                            dest = f["headers"].get("destination")
                            if dest:
                                dframes[dest] += 1
                                dbytes[dest] += wire_length(f, broker)
                rows = stats_tree(name, "stomp,tree")
                got = {k: v["count"] for k, v in rows["Frames by direction"]["children"].items()}
                self.assertEqual(got, dict(frames))
                got = {k: v["count"] for k, v in rows["Bytes by direction"]["children"].items()}
                self.assertEqual(got, dict(nbytes))
                got = {k: v["count"] for k, v in rows["Frames by destination"]["children"].items()}
                self.assertEqual(got, dict(dframes))
                got = {k: v["count"] for k, v in rows["Bytes by destination"]["children"].items()}
                self.assertEqual(got, dict(dbytes))
                self.assertEqual(rows["Bytes by command"]["count"], sum(nbytes.values()))

    def test_error_frames_counted(self):
        for name in ("amq-py-errors.pcap", "rmq-py-errors-12345.pcap", "rmq-rb11-txn-12345.pcap",
                     "ss-py10-errors.pcap"):
            with self.subTest(capture=name):
                rows = stats_tree(name, "stomp,tree")
                want = M[name]["frames"]["ERROR"]
                self.assertGreater(want, 0)
                self.assertEqual(rows["ERROR frames"]["count"], want)
                by_msg = collections.Counter(f["headers"].get("message", "(no message header)")
                                             for c in M[name]["connections"] for f in c["received"]
                                             if f["command"] == "ERROR")
                got = {k: v["count"] for k, v in rows["ERROR frames"]["children"].items()}
                self.assertEqual(got, dict(by_msg))

    def srt_expected(self, name):
        """Response-time samples the client records imply, per row and kind."""
        want = collections.defaultdict(collections.Counter)
        entry = M[name]
        for conn in entry["connections"]:
            asked = set()
            # the order of sent vs received frames is not recorded; a receipt
            # id is unique per connection in these scenarios except r-disc
            for f in conn["sent"]:
                if "receipt" in f["headers"]:
                    asked.add(f["headers"]["receipt"])
            for f in conn["received"]:
                rid = f["headers"].get("receipt-id")
                if f["command"] in ("RECEIPT", "ERROR") and rid in asked:
                    want["receipt"][f["command"]] += 1
                    asked.discard(rid)
            if conn["sent"] and conn["sent"][0]["command"] in ("CONNECT", "STOMP") and conn["received"]:
                first = conn["received"][0]["command"]
                if first in ("CONNECTED", "ERROR"):
                    want["connect"][first] += 1
            for f in conn["received"]:
                if f["command"] == "MESSAGE" and f.get("acked_by"):
                    want["ack"][f["acked_by"]] += 1
        # broker transit: every first delivery (not redelivered) of a body some
        # client SENT to that destination (and, in the txn scenario, committed)
        aborted = {(a["producer_port"], a["send_sent_index"])
                   for a in (entry.get("txn_transit") or {}).get("aborted", [])}
        sends = {(f["headers"].get("destination"), f["body_sha1"])
                 for c in entry["connections"] for i, f in enumerate(c["sent"])
                 if f["command"] == "SEND" and (c["client_port"], i) not in aborted}
        for c in entry["connections"]:
            for f in c["received"]:
                if (f["command"] == "MESSAGE" and f["headers"].get("redelivered") != "true"
                        and (f["headers"].get("destination"), f["body_sha1"]) in sends):
                    want["transit"][f["headers"]["destination"]] += 1
        if "transit" in entry:  # the client's own record of who got what
            per = collections.Counter()
            for t in entry["transit"]:
                per[t["destination"]] += len(t["delivered_to"])
            assert per == want["transit"], name
        return want

    def test_srt_counts_equal_client_records(self):
        rows_of = {"receipt": "receipt -> RECEIPT or ERROR (ms)",
                   "connect": "CONNECT -> CONNECTED or ERROR (ms)",
                   "ack": "MESSAGE -> ACK or NACK (ms)",
                   "transit": "SEND -> MESSAGE broker transit (ms)"}
        seen = collections.Counter()
        for name in ("amq-py12-unacked.pcap", "rmq-py12-unacked.pcap", "amq-py11-unacked.pcap",
                     "amq-py10-unacked.pcap", "amq-py-errors.pcap", "rmq-py-errors-12345.pcap",
                     "amq-py-transit.pcap", "rmq-py-txn-transit.pcap", "amq-py12-basic.pcap",
                     "ss-py10-basic.pcap", "ss-py10-errors.pcap"):
            with self.subTest(capture=name):
                want = self.srt_expected(name)
                rows = stats_tree(name, "stomp_srt,tree")
                for key, row in rows_of.items():
                    if key == "ack" and "unacked" not in name:
                        continue  # acked_by is recorded in the *-unacked captures only
                    got = {k: v["count"] for k, v in rows[row]["children"].items()}
                    self.assertEqual(got, dict(want[key]), row)
                    self.assertEqual(rows[row]["count"], sum(want[key].values()), row)
                    seen[key] += sum(want[key].values())
                if want["ack"]:
                    seen["cumulative"] += sum(1 for c in M[name]["connections"] for f in c["received"]
                                              if f.get("ack_cumulative"))
        # every row and both kinds of CONNECT answer were exercised
        self.assertGreater(min(seen.values()), 3)
        self.assertGreater(seen["cumulative"], 3)

    def test_ack_srt_min_max_equal_frame_time_differences(self):
        # one sample per acknowledged MESSAGE, from the capture's timestamps:
        # the frames are identified by the client's record (order, ack_sent_index)
        name = "amq-py12-unacked.pcap"
        conn = M[name]["connections"][0]
        frames = frames_of(name)
        sent, received = connection_frames(frames, conn)
        t = epochs(name)
        delays = [1000 * (t[sent[w["ack_sent_index"]]["frame"]] - t[got["frame"]])
                  for w, got in zip(conn["received"], received) if w.get("acked_by")]
        row = stats_tree(name, "stomp_srt,tree")["MESSAGE -> ACK or NACK (ms)"]
        self.assertEqual(row["count"], len(delays))
        self.assertAlmostEqual(float(row["values"][1]), min(delays), delta=0.001)
        self.assertAlmostEqual(float(row["values"][2]), max(delays), delta=0.001)


class Passes(unittest.TestCase):
    BACKWARD = ["stomp.response_to", "stomp.acks", "stomp.acked_count", "stomp.sent_in",
                "stomp.subscription.id", "stomp.subscription.destination", "stomp.subscription.ack_mode",
                "stomp.subscribe_in", "stomp.transaction.begin_in"]

    def test_backward_links_same_in_one_and_two_passes(self):
        present = collections.Counter()
        for name in ("amq-py12-unacked.pcap", "rmq-py11-unacked.pcap", "amq-py10-unacked.pcap",
                     "amq-py-transit.pcap", "amq-py11-txn-51515.pcap", "rmq-rb11-txn-12345.pcap",
                     "amq-py-txn-transit.pcap", "rmq-py12-basic.pcap", "ss-py10-basic.pcap",
                     "ss-rb10-basic.pcap"):
            with self.subTest(capture=name):
                names = ["frame.number", "stomp.command"] + self.BACKWARD
                one = ts.fields(ts.capture_path(name), names, "stomp", two_pass=False)
                two = ts.fields(ts.capture_path(name), names, "stomp", two_pass=True)
                self.assertEqual(one, two)
                for row in two:
                    for k, v in zip(names, row):
                        if v:
                            present[k] += 1
        for k in self.BACKWARD:
            self.assertGreater(present[k], 3, k)


class Links(unittest.TestCase):
    def test_connect_answered_by_error(self):
        for name in ("amq-py-errors.pcap", "rmq-py-errors-12345.pcap", "ss-py10-errors.pcap"):
            with self.subTest(capture=name):
                conn = next(c for c in M[name]["connections"] if c["label"] == "bad-login")
                self.assertEqual([f["command"] for f in conn["sent"]], ["CONNECT"])
                self.assertEqual([f["command"] for f in conn["received"]], ["ERROR"])
                frames = frames_of(name)
                (connect,), (error,) = connection_frames(frames, conn)
                t = epochs(name)
                efl, cfl = flat(error), flat(connect)
                self.assertEqual(int(first(efl, "stomp.response_to")), connect["frame"])
                self.assertEqual(int(first(cfl, "stomp.response_in")), error["frame"])
                self.assertAlmostEqual(float(first(efl, "stomp.time")),
                                       t[error["frame"]] - t[connect["frame"]], delta=2e-6)

    def test_unsubscribe_closes_its_subscription(self):
        checked = 0
        for name in plain_stomp_captures():
            frames = None  # one tshark run per capture, for all its connections
            for conn in M[name]["connections"]:
                key = lambda f: f["headers"].get("id") or "dest:" + f["headers"].get("destination", "")
                unsubs = [i for i, f in enumerate(conn["sent"]) if f["command"] == "UNSUBSCRIBE"]
                if not unsubs:
                    continue
                frames = frames or frames_of(name)
                sent, received = connection_frames(frames, conn)
                for u in unsubs:
                    k = key(conn["sent"][u])
                    s = max(i for i, f in enumerate(conn["sent"][:u])
                            if f["command"] == "SUBSCRIBE" and key(f) == k)
                    with self.subTest(capture=name, unsubscribe=sent[u]["frame"]):
                        sfl, ufl = flat(sent[s]), flat(sent[u])
                        self.assertEqual(int(first(sfl, "stomp.unsubscribe_in")), sent[u]["frame"])
                        self.assertEqual(int(first(ufl, "stomp.subscribe_in")), sent[s]["frame"])
                        self.assertEqual(first(ufl, "stomp.subscription.destination"),
                                         conn["sent"][s]["headers"]["destination"])
                        self.assertNotIn("stomp.expert.unsubscribe_unknown", ufl)
                        checked += 1
        self.assertGreaterEqual(checked, 5)

    def test_times_equal_frame_time_differences(self):
        # stomp.time / ack_time / transit_time against the capture's own
        # timestamps of the two linked frames (a transactional SEND's transit
        # counts from the COMMIT that released it: checked in TxnTransit)
        checked = collections.Counter()
        for name in ("amq-py12-unacked.pcap", "rmq-py12-basic.pcap", "amq-py-transit.pcap",
                     "amq-py12-receipts-1000.pcap", "ss-py10-basic.pcap"):
            with self.subTest(capture=name):
                t = epochs(name)
                for f in frames_of(name):
                    fl = flat(f)
                    here = t[f["frame"]]
                    for link, tfield, sign in (("stomp.response_to", "stomp.time", 1),
                                               ("stomp.response_in", "stomp.time", -1),
                                               ("stomp.ack_in", "stomp.ack_time", -1),
                                               ("stomp.acks", "stomp.ack_time", 1),
                                               ("stomp.sent_in", "stomp.transit_time", 1)):
                        if link not in fl:
                            continue
                        other = t[int(fl[link][0])]
                        self.assertAlmostEqual(float(fl[tfield][0]), sign * (here - other), delta=5e-6,
                                               msg=(name, f["frame"], link))
                        checked[link] += 1
                    for d, tt in zip(fl.get("stomp.delivered_in", []), fl.get("stomp.transit_time", [])):
                        self.assertAlmostEqual(float(tt), t[int(d)] - here, delta=5e-6)
                        checked["stomp.delivered_in"] += 1
        self.assertGreater(min(checked.values()), 5)
        self.assertEqual(len(checked), 6)


class TxnTransit(unittest.TestCase):
    """Identical SENDs inside committed/aborted transactions and outside:
    links from the client's record of what it sent and received, in order."""

    def test_deliveries_linked_to_released_sends(self):
        for name in ("amq-py-txn-transit.pcap", "rmq-py-txn-transit.pcap"):
            with self.subTest(capture=name):
                tt = M[name]["txn_transit"]
                conns = {c["client_port"]: c for c in M[name]["connections"]}
                frames = frames_of(name)
                t = epochs(name)
                self.assertEqual(len({d["consumer_port"] for d in tt["deliveries"]}), 1)
                prod = conns[tt["deliveries"][0]["producer_port"]]
                cons = conns[tt["deliveries"][0]["consumer_port"]]
                psent, _ = connection_frames(frames, prod)
                _, crecv = connection_frames(frames, cons)
                # identical SENDs: nothing but order tells them apart
                bodies = {(f["headers"]["destination"], f["body_sha1"], f["headers"].get("content-type"))
                          for f in prod["sent"] if f["command"] == "SEND"}
                self.assertEqual(len(bodies), 1)
                self.assertTrue(all(set(f["headers"]) <= {"destination", "content-type", "content-length",
                                                          "transaction"}
                                    for f in prod["sent"] if f["command"] == "SEND"))
                delivered = collections.defaultdict(list)
                for d in tt["deliveries"]:
                    msg = crecv[d["received_index"]]
                    send = psent[d["send_sent_index"]]
                    release = psent[d["released_by_sent_index"]]
                    fl = flat(msg)
                    self.assertEqual(int(first(fl, "stomp.sent_in")), send["frame"])
                    # transit counts from the frame that released it (the COMMIT)
                    self.assertAlmostEqual(float(first(fl, "stomp.transit_time")),
                                           t[msg["frame"]] - t[release["frame"]], delta=5e-6)
                    delivered[(send["frame"], send["index"])].append(msg["frame"])
                self.assertGreaterEqual(sum(1 for d in tt["deliveries"]
                                            if d["released_by_sent_index"] != d["send_sent_index"]), 2)
                # every SEND item lists exactly its deliveries: none for the aborted
                aborted = {(psent[a["send_sent_index"]]["frame"], psent[a["send_sent_index"]]["index"])
                           for a in tt["aborted"]}
                self.assertGreaterEqual(len(aborted), 3)
                for f in psent:
                    if f["layer"]["stomp.command"] != "SEND":
                        continue
                    got = [int(x) for x in flat(f).get("stomp.delivered_in", [])]
                    self.assertEqual(got, delivered.get((f["frame"], f["index"]), []), f["frame"])
                    if (f["frame"], f["index"]) in aborted:
                        self.assertEqual(got, [])


class SessionFields(unittest.TestCase):
    def test_version_on_every_frame_and_heart_beat(self):
        for name in ("amq-raw12-hb-steady.pcap", "rmq-rb12-heartbeat.pcap", "amq-py11-heartbeat.pcap",
                     "rmq-raw12-silent.pcap"):
            with self.subTest(capture=name):
                conn = M[name]["connections"][0]
                connected = next(f for f in conn["received"] if f["command"] == "CONNECTED")
                version = connected["headers"].get("version", "1.0")
                items = frames_of(name)
                beats = [f for f in items if "stomp.heartbeat" in f["layer"]]
                self.assertGreaterEqual(len(beats), conn["heartbeats_sent_min"] + conn["heartbeats_received_min"])
                self.assertGreater(len(beats), 3)
                # every item after the CONNECTED was negotiated under that version
                start = next(i for i, f in enumerate(items) if f["layer"].get("stomp.command") == "CONNECTED")
                for f in items[start:]:
                    self.assertEqual(f["layer"].get("stomp.session.version"), version, f["frame"])
                for f in items:
                    self.assertIn("stomp.session.version", f["layer"], f["frame"])

    def test_negotiated_heart_beats_on_connect_and_connected(self):
        for name in ("amq-raw12-hb-steady.pcap", "rmq-raw12-hb-steady.pcap", "amq-raw12-silent.pcap"):
            with self.subTest(capture=name):
                conn = M[name]["connections"][0]
                rows = ts.fields(ts.capture_path(name), ["stomp.command", "stomp.session.heartbeat.client",
                                                         "stomp.session.heartbeat.server"],
                                 'stomp.command == "CONNECT" || stomp.command == "CONNECTED"')
                self.assertEqual(sorted(r[0][0] for r in rows), ["CONNECT", "CONNECTED"])
                for r in rows:
                    self.assertEqual(int(r[1][0]), conn["hb_negotiated_client_ms"], r[0])
                    self.assertEqual(int(r[2][0]), conn["hb_negotiated_server_ms"], r[0])


class SilenceAtTheEnd(unittest.TestCase):
    def test_client_silent_until_the_broker_closed(self):
        for name in ("amq-raw12-silent.pcap", "rmq-raw12-silent.pcap"):
            with self.subTest(capture=name):
                (silence,) = M[name]["silences"]
                self.assertEqual(silence["ended_by"], "close")
                interval = silence["negotiated_client_ms"] / 1000
                items = frames_of(name)
                last = items[-1]
                msgs = flat(last).get("_ws.expert.message", [])
                ends = [m for m in msgs if "until the connection ended" in m]
                self.assertEqual(len(ends), 1, msgs)
                m = re.match(r"Client silent for ([0-9.]+) s", ends[0])
                self.assertIsNotNone(m, ends[0])
                self.assertAlmostEqual(float(m.group(1)), silence["gap_s"], delta=0.05)
                # flagged because it is longer than the interval plus the
                # default tolerance (150 %); not with a tolerance that allows it
                self.assertGreater(silence["gap_s"], interval * 2.5)
                quiet = int((silence["gap_s"] / interval - 1) * 100) + 30
                items = frames_of(name, ["-o", "stomp.heartbeat_tolerance:%d" % quiet])
                self.assertFalse(any("until the connection ended" in m for f in items
                                     for m in flat(f).get("_ws.expert.message", [])))

    def test_no_end_silence_after_disconnect(self):
        for name in ("amq-raw12-hb-steady.pcap", "rmq-raw12-hb-steady.pcap",
                     "amq-raw12-silent-hbgrace-61888.pcap"):
            with self.subTest(capture=name):
                for f in frames_of(name):
                    for m in flat(f).get("_ws.expert.message", []):
                        self.assertNotIn("until the connection ended", m)


def silence_messages(name, tolerance):
    out = []
    for f in frames_of(name, ["-o", "stomp.heartbeat_tolerance:%d" % tolerance]):
        out += [(f, m) for m in flat(f).get("_ws.expert.message", []) if " silent for " in m]
    return out


class HeartBeatTolerance(unittest.TestCase):
    def test_tolerance_preference_moves_the_threshold(self):
        name = "amq-raw12-silent-hbgrace-61888.pcap"
        (silence,) = M[name]["silences"]
        interval = silence["negotiated_client_ms"] / 1000
        ratio = (silence["gap_s"] / interval - 1) * 100   # tolerance at which it is just allowed
        flagged = silence_messages(name, int(ratio) - 30)
        ending = [f for f in frames_of(name) if f["layer"].get("stomp.command") == "SEND"
                  and f["srcport"] == silence["client_port"]][-1]
        self.assertIn(ending["frame"], [f["frame"] for f, m in flagged if m.startswith("Client silent")])
        self.assertEqual(silence_messages(name, int(ratio) + 30), [])

    def test_steady_sessions_flagged_as_their_recorded_gaps_predict(self):
        checked = 0
        for name in ("amq-raw12-hb-steady.pcap", "rmq-raw12-hb-steady.pcap"):
            conn = M[name]["connections"][0]
            for tolerance in (20, 50, 150):
                with self.subTest(capture=name, tolerance=tolerance):
                    msgs = [m for _, m in silence_messages(name, tolerance)]
                    for side, gap, ms in (("Server", conn["max_server_gap_s"], conn["hb_negotiated_server_ms"]),
                                          ("Client", conn["max_client_gap_s"], conn["hb_negotiated_client_ms"])):
                        allowed = ms / 1000 * (1 + tolerance / 100)
                        said = any(m.startswith(side + " silent") for m in msgs)
                        if gap > allowed * 1.05:
                            self.assertTrue(said, (side, gap, allowed))
                            checked += 1
                        elif gap < allowed * 0.95:
                            self.assertFalse(said, (side, gap, allowed, msgs))
                            checked += 1
        self.assertGreaterEqual(checked, 10)


class Misuse(unittest.TestCase):
    KINDS = ["stomp.expert.ack_unknown", "stomp.expert.transaction_already_open",
             "stomp.expert.transaction_unknown", "stomp.expert.unsubscribe_unknown",
             "stomp.expert.subscription_id_reused", "stomp.expert.receipt_unknown"]

    def misuse_items(self, name):
        out = []
        for f in frames_of(name):
            fl = flat(f)
            out += [(f, k) for k in self.KINDS if k in fl]
        return out

    def test_acks_of_messages_the_client_never_received(self):
        # the error scenarios ACK ids the client made up; nothing else in them is misuse
        for name in ("amq-py-errors.pcap", "rmq-py-errors-12345.pcap"):
            with self.subTest(capture=name):
                conn = next(c for c in M[name]["connections"] if c["label"] == "bad-requests")
                frames = frames_of(name)
                sent, _ = connection_frames(frames, conn)
                received_ids = {f["headers"].get("message-id") for f in conn["received"]} | \
                               {f["headers"].get("ack") for f in conn["received"]}
                bogus = [s["frame"] for w, s in zip(conn["sent"], sent) if w["command"] == "ACK"
                         and (w["headers"].get("id") or w["headers"].get("message-id")) not in received_ids]
                self.assertEqual(len(bogus), 1)
                got = [(f["frame"], k) for f, k in self.misuse_items(name)]
                self.assertEqual(got, [(bogus[0], "stomp.expert.ack_unknown")])

    def test_no_false_alarms_in_correct_sessions(self):
        # every capture whose broker raised no ERROR: the clients used the protocol correctly
        checked = 0
        for name in plain_stomp_captures():
            if M[name]["frames"].get("ERROR"):
                continue
            with self.subTest(capture=name):
                self.assertEqual([(f["frame"], k) for f, k in self.misuse_items(name)], [])
                checked += 1
        for name in ("amq-py12-tls-61614.pcap", "rmq-stompjs12-ws-15674.pcap"):
            self.assertEqual(self.misuse_items(name), [])
        self.assertGreater(checked, 20)

    def test_capture_starting_mid_session_gets_no_misuse_warnings(self):
        # cut amq-py12-unacked.pcap so that it starts with the first ACK: its
        # MESSAGEs, the SUBSCRIBEs and the CONNECT are gone, the ACKs remain
        import subprocess
        import tempfile
        name = "amq-py12-unacked.pcap"
        conn = M[name]["connections"][0]
        sent, _ = connection_frames(frames_of(name), conn)
        first_ack = next(s for w, s in zip(conn["sent"], sent) if w["command"] in ("ACK", "NACK"))
        acks_after = sum(1 for w in conn["sent"] if w["command"] in ("ACK", "NACK"))
        cut = os.path.join(tempfile.mkdtemp(prefix="stomp-cut-"), "unacked-from-first-ack.pcap")
        subprocess.run(["editcap", "-r", ts.capture_path(name), cut, "%d-2000000000" % first_ack["frame"]], check=True)
        items = ts.stomp_layers(cut)
        acks = [f for f in items if f["layer"].get("stomp.command") in ("ACK", "NACK")]
        self.assertEqual(len(acks), acks_after)
        # ACKs whose MESSAGE is not in the cut: "unknown" to the tracker, which
        # is what a session captured from its start would be warned about
        self.assertGreaterEqual(sum(1 for f in acks if "stomp.acks" not in flat(f)), 2)
        for f in items:
            fl = flat(f)
            for k in self.KINDS:
                self.assertNotIn(k, fl, f["frame"])


class WebSocketSubprotocol(unittest.TestCase):
    def test_subprotocol_table_alone_decodes_websocket(self):
        for name in ("rmq-stompjs12-ws-15674.pcap", "rmq-stompjs12-ws-deflate-15674.pcap"):
            with self.subTest(capture=name):
                self.assertEqual(M[name]["ws_subprotocol"], "v12.stomp")
                rows = ts.fields(ts.capture_path(name), ["stomp.command"], "stomp",
                                 extra=["--disable-heuristic", "stomp_ws"])
                got = collections.Counter(c for r in rows for c in r[0])
                self.assertEqual(dict(got), {k: v for k, v in M[name]["frames"].items() if v})


class FanOutManyProducers(unittest.TestCase):
    """Several producers on their own connections sending identical bodies
    to one topic at once, 3 subscribers (fanout scenarios): brokers keep each
    producer's order, not one order for all."""

    def setUp(self):
        self.names = {"same": ("amq-py-fanout-same.pcap", "rmq-py-fanout-same.pcap"),
                      "fifo": ("amq-py-fanout-fifo.pcap", "rmq-py-fanout-fifo.pcap")}

    def check_every_delivery_linked(self, name):
        fo = M[name]["fanout"]
        conns = {c["client_port"]: c for c in M[name]["connections"]}
        frames = frames_of(name)
        producers = {p["client_port"] for p in fo["producers"]}
        subscribers = {s["client_port"]: s for s in fo["subscribers"]}
        port_of_packet = {}
        send_packets = collections.Counter()   # packet -> SENDs of the producers in it
        sends = []
        for port in producers:
            sent, _ = connection_frames(frames, conns[port])
            for f in sent:
                port_of_packet[f["frame"]] = port
                if f["layer"]["stomp.command"] == "SEND":
                    sends.append(f)
                    send_packets[f["frame"]] += 1
        self.assertEqual(len(sends), fo["sends_per_producer"] * len(producers))
        msgs_in_packet = collections.Counter()
        for port, s in subscribers.items():
            _, received = connection_frames(frames, conns[port])
            msgs = [f for f in received if f["layer"]["stomp.command"] == "MESSAGE"]
            # the subscriber counted every SEND of every producer
            self.assertEqual(len(msgs), s["messages"])
            self.assertEqual(len(msgs), len(sends))
            for f in msgs:
                port_of_packet[f["frame"]] = port
                msgs_in_packet[f["frame"]] += 1
                fl = flat(f)
                self.assertIn("stomp.sent_in", fl, f["frame"])   # none left unlinked
                s_in = int(first(fl, "stomp.sent_in"))
                self.assertIn(s_in, send_packets, f["frame"])    # a SEND of a producer...
                self.assertLess(s_in, f["frame"])                 # ...sent before it
                self.assertGreaterEqual(float(first(fl, "stomp.transit_time")), 0.0)
        # every SEND delivered once to each subscriber; per MESSAGE packet as
        # many links as MESSAGEs in it
        links_to_packet = collections.Counter()
        for f in sends:
            got = [int(x) for x in flat(f).get("stomp.delivered_in", [])]
            self.assertEqual(sorted(port_of_packet.get(d) for d in got), sorted(subscribers), f["frame"])
            links_to_packet.update(got)
        self.assertEqual(links_to_packet, msgs_in_packet)

    def test_identical_sends_of_many_producers_delivered_once_per_subscriber(self):
        for name in self.names["same"] + self.names["fifo"]:
            with self.subTest(capture=name):
                self.check_every_delivery_linked(name)

    def test_same_captures_send_identical_frames(self):
        # what the producers wrote: nothing tells their SENDs apart
        for name in self.names["same"]:
            with self.subTest(capture=name):
                producers = {p["client_port"] for p in M[name]["fanout"]["producers"]}
                self.assertEqual(len(producers), 4)
                kinds = {(tuple(sorted(f["headers"].items())), f["body_sha1"])
                         for c in M[name]["connections"] if c["client_port"] in producers
                         for f in c["sent"] if f["command"] == "SEND"}
                self.assertEqual(len(kinds), 1)

    def test_each_producers_sends_linked_in_its_order(self):
        for name in self.names["fifo"]:
            with self.subTest(capture=name):
                fo = M[name]["fanout"]
                conns = {c["client_port"]: c for c in M[name]["connections"]}
                frames = frames_of(name)
                sent = {p["client_port"]: connection_frames(frames, conns[p["client_port"]])[0]
                        for p in fo["producers"]}
                received = {s["client_port"]: connection_frames(frames, conns[s["client_port"]])[1]
                            for s in fo["subscribers"]}
                self.assertEqual(len(fo["deliveries"]), len(fo["subscribers"]) * len(fo["producers"])
                                 * fo["sends_per_producer"])
                delivered = collections.defaultdict(list)
                for d in fo["deliveries"]:
                    msg = received[d["subscriber_port"]][d["received_index"]]
                    send = sent[d["producer_port"]][d["send_sent_index"]]
                    self.assertEqual(int(first(flat(msg), "stomp.sent_in")), send["frame"],
                                     (msg["frame"], msg["index"]))
                    delivered[(send["frame"], send["index"])].append(msg["frame"])
                for key, want in delivered.items():
                    f = next(x for x in frames if (x["frame"], x["index"]) == key)
                    self.assertEqual(sorted(int(x) for x in flat(f)["stomp.delivered_in"]), sorted(want), key)
                # the subscribers did get producers' SENDs interleaved
                self.assertGreater(fo["producer_switches"], 0)


class TemporaryQueueReplies(unittest.TestCase):
    """ActiveMQ request/reply through /temp-queue/ (temp-reqrep): the
    responder replies to /remote-temp-queue/ID:..., the requester gets the
    reply as /temp-queue/replies; correlation ids from the clients' records
    say which is which."""
    NAME = "amq-py-temp-reqrep.pcap"

    def test_requests_and_replies_linked_to_their_sends(self):
        rr = M[self.NAME]["reqrep"]
        conns = {c["client_port"]: c for c in M[self.NAME]["connections"]}
        frames = frames_of(self.NAME)
        io = {p: connection_frames(frames, c) for p, c in conns.items()}
        self.assertEqual(len(rr["exchanges"]), 20)
        self.assertEqual(len({e["requester_port"] for e in rr["exchanges"]}), 2)
        self.assertEqual(len(rr["remote_reply_to"]), 2)    # one temporary queue per requester
        for e in rr["exchanges"]:
            req = io[e["requester_port"]][0][e["request_sent_index"]]
            req_msg = io[e["responder_port"]][1][e["request_received_index"]]
            reply = io[e["responder_port"]][0][e["reply_sent_index"]]
            reply_msg = io[e["requester_port"]][1][e["reply_received_index"]]
            rconn = conns[e["responder_port"]]
            self.assertTrue(rconn["sent"][e["reply_sent_index"]]["headers"]["destination"]
                            .startswith("/remote-temp-queue/"))
            self.assertEqual(conns[e["requester_port"]]["received"][e["reply_received_index"]]["headers"]
                             ["destination"], rr["temp_queue"])
            self.assertEqual(int(first(flat(req_msg), "stomp.sent_in")), req["frame"], e["correlation_id"])
            fl = flat(reply_msg)
            self.assertEqual(int(first(fl, "stomp.sent_in")), reply["frame"], e["correlation_id"])
            self.assertGreaterEqual(float(first(fl, "stomp.transit_time")), 0.0)
            self.assertIn(str(reply_msg["frame"]), flat(reply)["stomp.delivered_in"])

    def test_reused_receipt_ids_answered_in_order(self):
        # the responder sent 20 replies with receipt:r-reply before the first
        # RECEIPT came back; RECEIPTs answer frames in order
        rr = M[self.NAME]["reqrep"]
        port = rr["exchanges"][0]["responder_port"]
        conn = next(c for c in M[self.NAME]["connections"] if c["client_port"] == port)
        sent, received = connection_frames(frames_of(self.NAME), conn)
        asked = [f for f, r in zip(sent, conn["sent"]) if r["headers"].get("receipt") == "r-reply"]
        answers = [f for f, r in zip(received, conn["received"])
                   if r["command"] == "RECEIPT" and r["headers"].get("receipt-id") == "r-reply"]
        self.assertEqual(len(asked), 20)
        self.assertEqual(len(answers), 20)
        for req, ans in zip(asked, answers):
            self.assertEqual(int(first(flat(ans), "stomp.response_to")), req["frame"])
            self.assertEqual(int(first(flat(req), "stomp.response_in")), ans["frame"])


if __name__ == "__main__":
    unittest.main()
