"""MCollective decoding, pairing and the mco ping view on real captures of
MCollective 2.13 daemons and mco clients (test-captures/mcollective/).

Ground truth: what `mco` printed while each capture ran (<name>.mco.txt,
with the start/end time of every command) and the capture README (node
names, facts, collectives, the psk key, app01's 0.2 s sleep in the psk
ActiveMQ run). Nothing here is taken from the dissector's own output.
"""
import collections
import os
import re
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


def ping_view(capture):
    """Requests of `tshark -z mcollective,ping`: [(epoch, agent, action, {node: ms}, legs)]."""
    out, _, _ = ts.run(["-q", "-z", "mcollective,ping"], capture)
    requests = []
    for line in out.splitlines():
        m = re.match(r"^Request (\w+): (\S+) (\S+) from .* \(epoch ([\d.]+)\) in frame (\d+)", line)
        if m:
            requests.append({"id": m.group(1), "agent": m.group(2), "action": m.group(3),
                             "epoch": float(m.group(4)), "frame": int(m.group(5)),
                             "nodes": {}, "legs": {}})
            continue
        m = re.match(r"^(\S+)\s+time=([\d.]+) ms(?:  \(broker out ([\d.]+) ms, node ([\d.]+) ms, "
                     r"broker back ([\d.]+) ms\))?$", line)
        if m and requests:
            requests[-1]["nodes"][m.group(1)] = float(m.group(2))
            if m.group(3):
                requests[-1]["legs"][m.group(1)] = tuple(float(m.group(i)) for i in (3, 4, 5))
        m = re.match(r"^(\d+) replies max: ([\d.]+) min: ([\d.]+) avg: ([\d.]+) $", line)
        if m and requests:
            requests[-1]["summary"] = tuple(float(x) for x in m.groups())
    return requests


def capture(name):
    return os.path.join(MCO, name + ".pcap")


class McoPingView(unittest.TestCase):
    def check(self, name, floor_ms=5.0):
        view = ping_view(capture(name))
        runs = mco_ping_results(name)
        self.assertGreater(len(runs), 0)
        for cmd, start, end, nodes in runs:
            with self.subTest(capture=name, command=cmd):
                mine = [r for r in view if r["agent"] == "discovery" and start <= r["epoch"] <= end]
                self.assertEqual(len(mine), 1, "one discovery request inside the command's window")
                got = mine[0]["nodes"]
                self.assertEqual(set(got), set(nodes))
                for node, ms in nodes.items():
                    # the client measures at the application, the capture at the wire
                    self.assertLessEqual(abs(got[node] - ms), max(floor_ms, 0.05 * ms), node)
                    self.assertLessEqual(got[node], ms + 0.5, "the wire can't be slower than mco")
                n, mx, mn, avg = mine[0]["summary"]
                self.assertEqual(n, len(nodes))
                self.assertAlmostEqual(mx, max(got.values()), places=2)
                self.assertAlmostEqual(mn, min(got.values()), places=2)

    def test_psk_activemq(self):
        self.check("mco-psk-activemq")

    def test_psk_rabbitmq(self):
        self.check("mco-psk-rabbitmq")

    def test_ssl_yaml_activemq(self):
        # mco ping starts its clock before encode! (YAML + RSA-SHA1 signing)
        # and stops it after verifying and parsing each reply; with the ssl
        # plugin that client-side work is 5-7 ms the wire cannot see (psk:
        # under 2 ms), so the bound here is 10 ms.
        self.check("mco-ssl-yaml-activemq", floor_ms=10.0)

    def test_slow_node_is_told_from_slow_broker(self):
        """app01 sleeps 0.2 s in the node before handling each discovery/rpcutil
        request (README): its time is in the node leg; the others' is not."""
        view = ping_view(capture("mco-psk-activemq"))
        pings = [r for r in view if r["agent"] == "discovery"]
        self.assertGreater(len(pings), 0)
        checked = 0
        for r in pings:
            for node, (out, in_node, back) in r["legs"].items():
                total = r["nodes"][node]
                self.assertAlmostEqual(out + in_node + back, total, delta=0.05)
                if node == "app01.example.net":
                    self.assertGreaterEqual(in_node, 195.0)
                else:
                    self.assertLess(in_node, 50.0)
                checked += 1
        self.assertGreaterEqual(checked, 5)


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


class PskVerification(unittest.TestCase):
    def test_right_key_good_wrong_key_bad(self):
        for name in ("mco-psk-activemq", "mco-psk-rabbitmq"):
            with self.subTest(capture=name):
                good = ts.fields(capture(name), ["mcollective.hash.status"], "mcollective",
                                 extra=["-o", f"mcollective.psk:{PSK}"])
                statuses = collections.Counter(s for r in good for s in r[0])
                self.assertGreater(statuses["good"], 10)
                self.assertEqual(set(statuses), {"good"})
                bad = ts.fields(capture(name), ["mcollective.hash.status"],
                                "mcollective.expert.hash_bad", extra=["-o", "mcollective.psk:wrong"])
                self.assertEqual(len(bad), sum(statuses.values()) and len(bad))
                self.assertGreater(len(bad), 10)


class NotMcollective(unittest.TestCase):
    def test_no_mcollective_in_plain_stomp_captures(self):
        for name, entry in ts.manifest().items():
            if not entry.get("stomp") or name.startswith("mcollective/"):
                continue
            with self.subTest(capture=name):
                self.assertEqual(ts.fields(ts.capture_path(name), ["frame.number"], "mcollective"), [])


if __name__ == "__main__":
    unittest.main()
