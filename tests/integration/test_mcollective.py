"""MCollective decoding, pairing and the mco ping view on real captures of
MCollective 2.13 daemons and mco clients (test-captures/mcollective/).

Ground truth: what `mco` printed while each capture ran (<name>.mco.txt,
with the start/end time of every command) and the capture README (node
names, facts, collectives, the psk key, app01's 0.2 s sleep in the psk
ActiveMQ run). Nothing here is taken from the dissector's own output.
"""
import collections
import json
import os
import re
import subprocess
import tempfile
import unittest

import tshark_runner as ts

MCO = os.path.join(ts.CAPTURES, "mcollective")
NODES = {"web01.example.net", "db01.example.net", "app01.example.net"}
FACTS = {  # capture README, "Facts" table
    "web01.example.net": {"role": "web", "country": "de", "datacenter": "fra1"},
    "db01.example.net": {"role": "db", "country": "fr", "datacenter": "par2"},
    "app01.example.net": {"role": "app", "country": "us", "datacenter": "iad1"},
}
PSK = "example-dev-psk"


def mco_commands(name):
    """[(command, start, end, output lines)] from <name>.mco.txt."""
    out, cur, lines = [], None, []
    with open(os.path.join(MCO, name + ".mco.txt"), encoding="utf-8") as f:
        for line in f.read().splitlines():
            if line.startswith("### end"):
                m = re.search(r"start=([\d.]+) end=([\d.]+)", line)
                out.append((cur, float(m.group(1)), float(m.group(2)), lines))
                cur, lines = None, []
            elif line.startswith("### "):
                cur, lines = line[4:], []
            else:
                lines.append(line)
    return out


def mco_ping_results(name):
    """[(command, start, end, {node: ms})] for every `mco ping` run."""
    res = []
    for cmd, start, end, lines in mco_commands(name):
        if not cmd.startswith("mco ping"):
            continue
        nodes = {}
        for line in lines:
            m = re.match(r"^(\S+)\s+time=([\d.]+) ms$", line)
            if m:
                nodes[m.group(1)] = float(m.group(2))
        res.append((cmd, start, end, nodes))
    return res


LEG_NAMES = ("client", "client send", "broker out", "node", "broker back")


def ping_view(capture, extra=()):
    """Requests of `tshark -z mcollective,ping`: dicts with id, agent, action,
    epoch and frame of the request (its SEND, else its first delivery),
    client_start (frame, ms) when shown, nodes {node: ms}, legs {node: {leg: ms}}
    and the summary."""
    out, _, _ = ts.run(["-q", "-z", "mcollective,ping"] + list(extra), capture)
    requests = []
    for line in out.splitlines():
        m = re.match(r"^Request (\w+): (\S+) (\S+) from .* \(epoch ([\d.]+)\) in frame (\d+)", line)
        if m:
            requests.append({"id": m.group(1), "agent": m.group(2), "action": m.group(3),
                             "epoch": float(m.group(4)), "frame": int(m.group(5)),
                             "sent": " sent " in line, "client_start": None,
                             "nodes": {}, "legs": {}})
            continue
        m = re.match(r"^Client start: CONNECTED in frame (\d+), ([\d.]+) ms before the SEND", line)
        if m and requests:
            requests[-1]["client_start"] = (int(m.group(1)), float(m.group(2)))
            continue
        m = re.match(r"^(\S+)\s+time=(-?[\d.]+) ms(?:  \((.*)\))?$", line)
        if m and requests:
            requests[-1]["nodes"][m.group(1)] = float(m.group(2))
            legs = {}
            for part in (m.group(3) or "").split(", "):
                if part:
                    name, ms = re.match(r"^(.*) (-?[\d.]+) ms$", part).groups()
                    if name not in LEG_NAMES:
                        raise AssertionError(f"unknown leg in {line!r}")
                    legs[name] = float(ms)
            requests[-1]["legs"][m.group(1)] = legs
        m = re.match(r"^(\d+) replies max: ([\d.]+) min: ([\d.]+) avg: ([\d.]+) $", line)
        if m and requests:
            requests[-1]["summary"] = tuple(float(x) for x in m.groups())
    return requests


def message_trees(capture, display_filter, two_pass=True, extra=()):
    """Each MCollective message of the packets matching display_filter, as
    {field: value or [values]} of its own tree (tshark JSON), with the
    frame number under "frame"."""
    args = ["-T", "json", "--no-duplicate-keys", "-Y", display_filter] + list(extra)
    if two_pass:
        args.insert(0, "-2")
    out, _, _ = ts.run(args, capture)
    found = []

    def walk(v, frame):
        if isinstance(v, dict):
            if "mcollective.kind" in v:
                msg = {k: x for k, x in v.items() if not isinstance(x, dict)}
                msg["frame"] = frame
                found.append(msg)
            for x in v.values():
                walk(x, frame)
        elif isinstance(v, list):
            for x in v:
                walk(x, frame)

    for pkt in json.loads(out) if out.strip() else []:
        layers = pkt["_source"]["layers"]
        walk(layers, int(layers["frame"]["frame.number"]))
    return found


def frame_facts(capture, frames):
    """{frame: (tcp.stream, [stomp.command])} for the given frame numbers."""
    rows = ts.fields(capture, ["frame.number", "tcp.stream", "stomp.command"],
                     " || ".join(f"frame.number == {f}" for f in frames))
    return {int(r[0][0]): (int(r[1][0]), r[2]) for r in rows}


def capture(name):
    return os.path.join(MCO, name + ".pcap")


class McoPingView(unittest.TestCase):
    def check(self, name):
        view = ping_view(capture(name))
        runs = mco_ping_results(name)
        self.assertGreater(len(runs), 0)
        for cmd, start, end, nodes in runs:
            with self.subTest(capture=name, command=cmd):
                mine = [r for r in view if r["agent"] == "discovery" and start <= r["epoch"] <= end]
                self.assertEqual(len(mine), 1, "one discovery request inside the command's window")
                req = mine[0]
                got = req["nodes"]
                self.assertEqual(set(got), set(nodes))
                # mco ping's clock starts after Client.new has connected: the
                # CONNECTED the client got right before the request, on the
                # request's own connection
                self.assertIsNotNone(req["client_start"], "client start found")
                start_frame, client_ms = req["client_start"]
                facts = frame_facts(capture(name), [start_frame, req["frame"]])
                self.assertEqual(facts[start_frame][1], ["CONNECTED"])
                self.assertEqual(facts[start_frame][0], facts[req["frame"]][0], "same connection")
                self.assertLess(start_frame, req["frame"])
                for node, ms in nodes.items():
                    # the bound: the client measures at the application, the capture at the wire
                    self.assertLessEqual(abs(got[node] - ms), max(5.0, 0.05 * ms), node)
                    # from the SEND alone the wire can't be slower than mco
                    self.assertLessEqual(got[node] - client_ms, ms + 0.5, node)
                n, mx, mn, avg = req["summary"]
                self.assertEqual(n, len(nodes))
                self.assertAlmostEqual(mx, max(got.values()), places=2)
                self.assertAlmostEqual(mn, min(got.values()), places=2)

    def test_psk_activemq(self):
        self.check("mco-psk-activemq")

    def test_psk_rabbitmq(self):
        self.check("mco-psk-rabbitmq")

    def test_ssl_yaml_activemq(self):
        # measured from the request's SEND, the ssl capture was 5.4-7.0 ms
        # short of mco (YAML and RSA-SHA1 signing happen after mco ping
        # starts its clock); from the client's CONNECTED it is within 5 ms
        self.check("mco-ssl-yaml-activemq")

    def test_slow_node_is_told_from_slow_broker(self):
        """app01 sleeps 0.2 s in the node before handling each discovery/rpcutil
        request (README): its time is in the node leg; the others' is not."""
        view = ping_view(capture("mco-psk-activemq"))
        pings = [r for r in view if r["agent"] == "discovery"]
        self.assertGreater(len(pings), 0)
        checked = 0
        for r in pings:
            for node, legs in r["legs"].items():
                in_node = legs["node"]
                if node == "app01.example.net":
                    self.assertGreaterEqual(in_node, 195.0)
                else:
                    self.assertLess(in_node, 50.0)
                checked += 1
        self.assertGreaterEqual(checked, 5)


class McoLegs(unittest.TestCase):
    LEGS = ["mcollective.time.client", "mcollective.time.client_send", "mcollective.time.broker_out",
            "mcollective.time.node", "mcollective.time.broker_back"]

    # Replies in each capture, from the command lists of the capture README
    # (all three nodes answer unless stated): psk ActiveMQ: mco ping 3,
    # ping -T europe 2 (web01, db01), rpc get_fact 3 discovery + 3,
    # agent_inventory -I db01 1, facts 3 + 3; RabbitMQ: ping 3,
    # agent_inventory -I app01 1, get_fact 3 + 3, facts 3 + 3; ssl: ping 3,
    # get_fact 3 + 3, collective_info -I web01 1, facts 3 + 3.
    REPLIES = {"mco-psk-activemq": 18, "mco-psk-rabbitmq": 16, "mco-ssl-yaml-activemq": 16}

    def test_legs_sum_to_the_time_on_every_capture(self):
        """At every reply frame the legs shown add up to the time shown
        (nanosecond fields: 5 legs rounded to 1 ns each), and at the client's
        MESSAGE of every reply every leg of the way is there."""
        for name, replies in self.REPLIES.items():
            with self.subTest(capture=name):
                msgs = message_trees(capture(name), 'mcollective.kind == "reply"')
                complete = 0
                for m in msgs:
                    legs = [float(m[k]) for k in self.LEGS if k in m]
                    self.assertAlmostEqual(sum(legs), float(m["mcollective.time"]), delta=3e-9,
                                           msg=f"frame {m['frame']}")
                    if all(k in m for k in self.LEGS[1:]):
                        complete += 1
                self.assertEqual(complete, replies)

    def test_client_send_leg_with_direct_addressing(self):
        """rpcutil get_fact on RabbitMQ goes by direct addressing (one SEND per
        node): app01's copy left 2 ms after the first; broker out starts at its
        own copy, and the legs still sum to the total."""
        view = ping_view(capture("mco-psk-rabbitmq"))
        facts = [r for r in view if r["action"] == "get_fact"]
        self.assertEqual(len(facts), 2)  # mco rpc get_fact, mco facts role
        saw_delay = False
        for r in facts:
            self.assertEqual(set(r["nodes"]), NODES)
            for node, legs in r["legs"].items():
                self.assertIn("client send", legs)
                self.assertAlmostEqual(sum(legs.values()), r["nodes"][node], delta=0.03)
                saw_delay |= legs["client send"] > 0.1
        self.assertTrue(saw_delay)


class McoFields(unittest.TestCase):
    def test_kinds_nodes_and_pairing(self):
        for name in ("mco-psk-activemq", "mco-psk-rabbitmq", "mco-ssl-yaml-activemq"):
            with self.subTest(capture=name):
                rows = ts.fields(capture(name), ["frame.number", "stomp.command", "mcollective.kind",
                                                 "mcollective.requestid", "mcollective.senderid",
                                                 "mcollective.request_in"], "mcollective")
                requests = {}
                replies = []
                for frame, cmds, kinds, ids, senders, req_in in rows:
                    for i, kind in enumerate(kinds):
                        if kind == "request" and cmds[i] == "SEND":
                            requests.setdefault(ids[i], int(frame[0]))
                        if kind == "reply":
                            replies.append((int(frame[0]), ids[i], senders[i], req_in))
                self.assertGreater(len(replies), 0)
                for frame, rid, sender, req_in in replies:
                    self.assertIn(sender, NODES)
                    self.assertIn(rid, requests, f"frame {frame}: reply to unknown request")
                    # the request's first SEND is linked, by frame number
                    self.assertIn(str(requests[rid]), req_in, f"frame {frame}")

    def test_get_fact_values_match_mco_output(self):
        for name, fact in (("mco-psk-activemq", "country"), ("mco-psk-rabbitmq", "datacenter"),
                           ("mco-ssl-yaml-activemq", "role")):
            with self.subTest(capture=name):
                rows = ts.fields(capture(name), ["mcollective.senderid", "mcollective.rpc.data.key",
                                                 "mcollective.rpc.data.value"],
                                 'mcollective.kind == "reply" && mcollective.rpc.data.value == "%s"' % fact)
                seen = {}
                for senders, keys, values in rows:
                    kv = dict(zip(keys, values))
                    seen[senders[0]] = kv.get("value")
                self.assertEqual(seen, {n: FACTS[n][fact] for n in NODES})

    def test_request_fields(self):
        rows = ts.fields(capture("mco-psk-activemq"),
                         ["mcollective.agent", "mcollective.collective", "mcollective.callerid",
                          "mcollective.ttl", "mcollective.security", "mcollective.serializer",
                          "mcollective.rpc.action"],
                         'mcollective.kind == "request" && stomp.command == "SEND"')
        agents = collections.Counter(r[0][0] for r in rows)
        self.assertEqual(set(agents), {"discovery", "rpcutil"})
        self.assertIn("europe", {r[1][0] for r in rows})  # mco ping -T europe
        self.assertEqual({r[4][0] for r in rows}, {"psk"})
        self.assertEqual({r[5][0] for r in rows}, {"marshal"})
        actions = {a for r in rows for a in r[6]}
        self.assertTrue({"get_fact", "agent_inventory"} <= actions)
        self.assertTrue(all(r[3] and int(r[3][0]) > 0 for r in rows))

    def test_ssl_yaml(self):
        rows = ts.fields(capture("mco-ssl-yaml-activemq"),
                         ["mcollective.security", "mcollective.serializer", "mcollective.callerid",
                          "mcollective.signature", "mcollective.wrapper.ttl"],
                         'mcollective.kind == "request" && stomp.command == "SEND"')
        self.assertGreater(len(rows), 0)
        for sec, ser, caller, sig, wttl in rows:  # a packet may carry several requests
            self.assertEqual(set(sec), {"ssl"})
            self.assertEqual(set(ser), {"yaml"})
            self.assertEqual(set(caller), {"cert=ops"})  # client certificate name (README)
            self.assertEqual(len(sig), len(sec))
            self.assertTrue(all(len(x) > 100 for x in sig))
            self.assertEqual(len(wttl), len(sec))  # :ssl_ttl inside the signed wrapper

    def test_direct_addressing_reply_only_from_target(self):
        """`mco rpc rpcutil agent_inventory -I db01.example.net`: one reply, from db01."""
        rows = ts.fields(capture("mco-psk-activemq"),
                         ["mcollective.requestid", "mcollective.kind", "mcollective.senderid"],
                         'mcollective.rpc.action == "agent_inventory" || '
                         '(mcollective.kind == "reply" && mcollective.senderagent == "rpcutil")')
        req_ids = {r[0][0] for r in rows if r[1] == ["request"]}
        self.assertEqual(len(req_ids), 1)
        replies = {r[2][0] for r in rows if r[1] == ["reply"] and r[0][0] in req_ids}
        self.assertEqual(replies, {"db01.example.net"})


class UnknownRequests(unittest.TestCase):
    def test_replies_to_a_request_cut_from_the_capture(self):
        """Delete every frame that carried the first mco ping request (its SEND,
        its deliveries, all their TCP segments): its replies are flagged, the
        other replies are not."""
        import subprocess
        import tempfile
        path = capture("mco-psk-activemq")
        rows = ts.fields(path, ["frame.number", "mcollective.requestid", "tcp.segment"],
                         'mcollective.kind == "request"')
        first_id = rows[0][1][0]
        doomed = set()
        for frame, ids, segments in rows:
            if first_id in ids:
                doomed.add(int(frame[0]))
                doomed.update(int(s) for s in segments)
        with tempfile.TemporaryDirectory() as d:
            cut = os.path.join(d, "cut.pcap")
            subprocess.run(["editcap", path, cut] + [str(f) for f in sorted(doomed)], check=True)
            replies = ts.fields(cut, ["mcollective.requestid", "mcollective.expert.unknown_request"],
                                'mcollective.kind == "reply"')
        flagged = [r for r in replies if r[1]]
        self.assertGreater(len(flagged), 0)
        self.assertTrue(all(r[0] == [first_id] for r in flagged))
        # the three nodes' replies to it, on the node side and the client side
        self.assertEqual(len(flagged), 6)
        self.assertGreater(len(replies) - len(flagged), 10)


class NodeSideCapture(unittest.TestCase):
    """Captured where the client's connection is not seen (on a node's host):
    the request is known only from its deliveries."""

    def test_replies_link_to_the_deliveries_when_the_send_is_missing(self):
        name = "mco-psk-activemq"
        path = capture(name)
        cmd, start, end, nodes = mco_ping_results(name)[0]  # the first mco ping
        sends = ts.fields(path, ["frame.number", "frame.time_epoch", "tcp.stream",
                                 "mcollective.requestid"],
                          'stomp.command == "SEND" && stomp.destination == '
                          '"/topic/mcollective.discovery.agent"')
        mine = [r for r in sends if start <= float(r[1][0]) <= end]
        self.assertEqual(len(mine), 1)
        client_stream, rid = int(mine[0][2][0]), mine[0][3][0]
        client_frames = [int(r[0][0]) for r in
                         ts.fields(path, ["frame.number"], f"tcp.stream == {client_stream}")]
        with tempfile.TemporaryDirectory() as d:
            cut = os.path.join(d, "node-side.pcap")
            subprocess.run(["editcap", path, cut] + [str(f) for f in client_frames], check=True)
            rows = ts.fields(cut, ["frame.number", "frame.time_epoch", "tcp.stream", "stomp.command",
                                   "stomp.destination", "mcollective.requestid",
                                   "mcollective.kind", "mcollective.senderid",
                                   "mcollective.request_in", "mcollective.delivery_in",
                                   "mcollective.expert.unknown_request"], "mcollective")
            view = ping_view(cut)
        # the request's deliveries: MESSAGEs to the discovery topic, one per node
        deliveries = {int(r[2][0]): int(r[0][0]) for r in rows
                      if r[3] == ["MESSAGE"] and r[4] == ["/topic/mcollective.discovery.agent"]
                      and start <= float(r[1][0]) <= end}
        self.assertEqual(len(deliveries), 3)
        first = min(deliveries.values())
        replies = [r for r in rows if r[6] == ["reply"] and r[5] == [rid]]
        self.assertEqual({r[7][0] for r in replies}, set(nodes))  # only the nodes' SENDs are left
        for r in replies:
            frame, stream = int(r[0][0]), int(r[2][0])
            self.assertEqual(r[3], ["SEND"])
            self.assertEqual(r[10], [], f"frame {frame}: not a reply to an unknown request")
            self.assertEqual(r[8], [str(first)], f"frame {frame}: request in its first delivery")
            self.assertEqual(r[9], [str(deliveries[stream])], f"frame {frame}: the delivery to it")
        req = [q for q in view if q["id"] == rid]
        self.assertEqual(len(req), 1)
        self.assertFalse(req[0]["sent"])
        self.assertEqual(req[0]["frame"], first)
        self.assertEqual(set(req[0]["nodes"]), set(nodes))
        for node, ms in req[0]["nodes"].items():
            # from the broker's first delivery to the node's reply SEND: part of mco's time
            self.assertGreater(ms, 0)
            self.assertLess(ms, nodes[node])


class OnePass(unittest.TestCase):
    def test_reply_counts_only_once_the_replies_are_known(self):
        path = capture("mco-psk-activemq")
        requests = 'mcollective.kind == "request" && stomp.command == "SEND"'
        one = ts.fields(path, ["frame.number", "mcollective.replies", "mcollective.reply_in"],
                        requests, two_pass=False)
        self.assertGreater(len(one), 5)
        for frame, replies, reply_in in one:
            self.assertEqual((replies, reply_in), ([], []), f"frame {frame[0]}")
        self.assertEqual(ts.fields(path, ["frame.number"], "mcollective.replies == 0",
                                   two_pass=False), [])
        # with the whole capture: the first mco ping's request has its 3 replies
        cmd, start, end, nodes = mco_ping_results("mco-psk-activemq")[0]
        two = ts.fields(path, ["frame.time_epoch", "mcollective.agent", "mcollective.replies",
                               "mcollective.reply_in"], requests)
        ping = [r for r in two if start <= float(r[0][0]) <= end and r[1] == ["discovery"]]
        self.assertEqual(len(ping), 1)
        self.assertEqual(ping[0][2], [str(len(nodes))])
        self.assertEqual(len(ping[0][3]), len(nodes))


SYNTHETIC = os.path.join(ts.CAPTURES, "mcollective-synthetic")
with open(os.path.join(SYNTHETIC, "EXPECT.json"), encoding="utf-8") as f:
    SYNTHETIC_EXPECT = json.load(f)


class NoReplyExpected(unittest.TestCase):
    """no-reply-expected.pcap (make_synthetic.py): three unanswered requests,
    the capture going on past their TTLs; only the one that waits for replies
    gets the TTL warning and is in the mco ping view."""

    def test_ttl_warning_and_ping_view(self):
        want = SYNTHETIC_EXPECT["no-reply-expected.pcap"]
        path = os.path.join(SYNTHETIC, "no-reply-expected.pcap")
        warned = {int(r[0][0]) for r in
                  ts.fields(path, ["frame.number"], "mcollective.expert.ttl_expired")}
        self.assertEqual(warned, {want["frames"][k] for k in want["ttl_warning"]})
        kinds = {int(r[0][0]): r[1] for r in
                 ts.fields(path, ["frame.number", "mcollective.kind"], "mcollective")}
        self.assertEqual(kinds[want["frames"]["registration"]], ["registration"])
        self.assertEqual(kinds[want["frames"]["process_results_false"]], ["request"])
        view = ping_view(path)
        self.assertEqual([r["id"] for r in view],
                         [want["requestids"][k] for k in want["ttl_warning"]])
        tree, _, _ = ts.run(["-q", "-z", "mcollective_ping,tree"], path)
        for k in ("registration", "process_results_false"):
            self.assertNotIn(want["requestids"][k][:8], tree)


class Detection(unittest.TestCase):
    """detection.pcap (make_synthetic.py): a body on an MCollective
    destination is always MCollective's (flagged when it does not decode);
    elsewhere only what decodes into an envelope with Symbol keys :body,
    :senderid, :requestid and :msgtime is claimed."""

    def test_claimed_by_destination_or_by_content(self):
        want = SYNTHETIC_EXPECT["detection.pcap"]["frames"]
        path = os.path.join(SYNTHETIC, "detection.pcap")
        rows = {int(r[0][0]): r for r in
                ts.fields(path, ["frame.number", "stomp.destination", "mcollective.kind",
                                 "mcollective.expert.not_decodable", "_ws.col.Info"], "stomp")}
        self.assertEqual(len(want), 11)
        for w in want:
            with self.subTest(frame=w["frame"], destination=w["destination"]):
                r = rows[w["frame"]]
                self.assertEqual(r[1], [w["destination"]])
                claimed = bool(r[2]) or bool(r[3])
                self.assertEqual(claimed, w["claimed"])
                self.assertEqual(bool(r[3]), w["claimed"] and not w["decodable"])
                self.assertEqual(bool(r[2]), w["decodable"])
                self.assertNotIn("reply", r[4][0])  # none of them is a reply

    def test_preference_names_the_collectives(self):
        """With collectives "europe" only, /queue/mcollective.* is no MCollective
        destination any more: the foreign bodies there are left alone."""
        want = SYNTHETIC_EXPECT["detection.pcap"]["frames"]
        path = os.path.join(SYNTHETIC, "detection.pcap")
        flagged = ts.fields(path, ["frame.number"], "mcollective.expert.not_decodable",
                            extra=["-o", "mcollective.collectives:europe"])
        self.assertEqual(flagged, [])
        decoded = {int(r[0][0]) for r in ts.fields(path, ["frame.number"], "mcollective.kind",
                                                   extra=["-o", "mcollective.collectives:europe"])}
        self.assertEqual(decoded, {w["frame"] for w in want if w["decodable"]})


class PskVerification(unittest.TestCase):
    def test_right_key_good_wrong_key_bad(self):
        """Every SEND and MESSAGE of these captures carries a psk-signed
        MCollective message (the STOMP layer counts them): each is good with
        the capture's key and bad with another."""
        for name in ("mco-psk-activemq", "mco-psk-rabbitmq"):
            with self.subTest(capture=name):
                commands = collections.Counter(
                    c for r in ts.fields(capture(name), ["stomp.command"], "stomp") for c in r[0])
                messages = commands["SEND"] + commands["MESSAGE"]
                self.assertGreater(messages, 40)
                good = ts.fields(capture(name), ["mcollective.hash.status"], "mcollective",
                                 extra=["-o", f"mcollective.psk:{PSK}"])
                statuses = collections.Counter(s for r in good for s in r[0])
                self.assertEqual(statuses, {"good": messages})
                bad = ts.fields(capture(name), ["mcollective.hash.status"], "mcollective",
                                extra=["-o", "mcollective.psk:wrong"])
                self.assertEqual(collections.Counter(s for r in bad for s in r[0]), {"bad": messages})
                # the expert error is on every packet that has a message
                flagged = ts.fields(capture(name), ["frame.number"], "mcollective.expert.hash_bad",
                                    extra=["-o", "mcollective.psk:wrong"])
                self.assertEqual(len(flagged), len(good))


class NotMcollective(unittest.TestCase):
    def test_no_mcollective_in_plain_stomp_captures(self):
        for name, entry in ts.manifest().items():
            if not entry.get("stomp") or name.startswith("mcollective/") or entry.get("mcollective"):
                continue
            with self.subTest(capture=name):
                self.assertEqual(ts.fields(ts.capture_path(name), ["frame.number"], "mcollective"), [])


if __name__ == "__main__":
    unittest.main()
