"""MCollective ssl signatures and aes_security decryption on the real captures
made by test-captures/make-mco-security-captures.sh (Debian mcollective 2.12.5
daemons + mco through ActiveMQ), with the throw-away keys committed next to
them. Expected values come from test-captures/MANIFEST.json (the script's
configuration: identities, callerid cert=ops, facts) and the .mco.txt files
(what mco printed), never from the dissector's output.

The bad-signature case is a copy of the ssl capture with one byte of the
client's first ping request changed (same length, so TCP stays intact).
"""
import collections
import os
import re
import shutil
import tempfile
import unittest

import tshark_runner as ts
from test_mcollective import ping_view

SSL = "mco-ssl-activemq"
AES = "mco-aes-activemq"
KEYS = os.path.join(ts.CAPTURES, "keys")


def entry(name):
    return ts.manifest()[name + ".pcap"]


def pcap(name):
    return ts.capture_path(name + ".pcap")


def key_dir(name):
    """A world-readable copy of a key folder (tshark runs as nobody)."""
    d = tempfile.mkdtemp(prefix="mco-keys-", dir=ts.home())
    os.chmod(d, 0o755)
    for f in os.listdir(os.path.join(KEYS, name)):
        shutil.copy(os.path.join(KEYS, name, f), os.path.join(d, f))
        os.chmod(os.path.join(d, f), 0o644)
    return d


def mco_txt(name):
    """For every `mco ping` of <name>.mco.txt, the set of nodes that answered."""
    pings, cur, lines = [], None, []
    with open(ts.capture_path(name + ".mco.txt"), encoding="utf-8") as f:
        for line in f.read().splitlines():
            if line.startswith("### end"):
                if cur == "mco ping":
                    pings.append({m.group(1) for l in lines
                                  for m in [re.match(r"^(\S+)\s+time=[\d.]+ ms$", l)] if m})
                cur, lines = None, []
            elif line.startswith("### "):
                cur, lines = line[4:], []
            else:
                lines.append(line)
    return pings


def edit_one_byte(src, old, new, dst):
    """Copy src to dst with the first occurrence of old replaced by new
    (same length). Returns the 1-based frame number of the edited record."""
    assert len(old) == len(new)
    with open(src, "rb") as f:
        data = bytearray(f.read())
    pos = data.find(old)
    assert pos > 0, "pattern not in capture"
    data[pos:pos + len(old)] = new
    with open(dst, "wb") as f:
        f.write(data)
    # which record: walk the classic pcap records
    off, frame = 24, 0
    endian = "<" if data[:4] == b"\xd4\xc3\xb2\xa1" else ">"
    import struct
    while off < len(data):
        frame += 1
        incl = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
        if off + 16 <= pos < off + 16 + incl:
            return frame
        off += 16 + incl
    raise AssertionError("edited byte outside any record")


def messages(capture, extra, fields):
    """One dict per MCollective message (a frame may carry several)."""
    rows = ts.fields(capture, ["frame.number"] + fields, "mcollective", extra=extra)
    out = []
    for row in rows:
        n = max(len(c) for c in row[1:2]) if row[1] else 0
        for i in range(n):
            d = {"frame": int(row[0][0])}
            for name, col in zip(fields, row[1:]):
                d[name] = col[i] if i < len(col) else None
            out.append(d)
    return out


SIG_FIELDS = ["mcollective.kind", "mcollective.callerid", "mcollective.senderid",
              "mcollective.signature.status", "mcollective.signature.key"]


class SslSignatures(unittest.TestCase):
    """ssl with the Marshal serializer; SslYamlSignatures runs the same
    checks on the YAML one."""
    NAME = SSL
    # one byte of the client's first ping request: Marshal string "ping"
    EDIT = (b'"\x09ping', b'"\x09pinG')

    @classmethod
    def setUpClass(cls):
        cls.keys = key_dir(cls.NAME)
        cls.opt = ["-o", "mcollective.ssl_key_dir:" + cls.keys]
        cls.msgs = messages(pcap(cls.NAME), cls.opt, SIG_FIELDS)

    def test_every_message_good_with_the_capture_keys(self):
        e = entry(self.NAME)
        kinds = collections.Counter(m["mcollective.kind"] for m in self.msgs)
        self.assertGreater(kinds["request"], 0)
        self.assertGreater(kinds["reply"], 0)
        for m in self.msgs:
            self.assertEqual(m["mcollective.signature.status"], "good", m)
            if m["mcollective.kind"] == "request":
                self.assertEqual(m["mcollective.callerid"], e["callerid"])
                self.assertEqual(m["mcollective.signature.key"], "ops")
            else:  # replies are signed with the server key
                self.assertIn(m["mcollective.senderid"], e["nodes"])
                self.assertEqual(m["mcollective.signature.key"], "server-public")
        repliers = {m["mcollective.senderid"] for m in self.msgs if m["mcollective.kind"] == "reply"}
        self.assertEqual(repliers, set(e["nodes"]))

    def test_no_key_folder_says_no_key(self):
        msgs = messages(pcap(self.NAME), [], SIG_FIELDS + ["_ws.expert.message"])
        self.assertEqual(len(msgs), len(self.msgs))
        self.assertEqual({m["mcollective.signature.status"] for m in msgs}, {"no key"})

    def test_wrong_keys_are_bad_not_a_crash(self):
        # the aes capture's keys are other RSA keys with the same names
        opt = ["-o", "mcollective.ssl_key_dir:" + key_dir(AES)]
        msgs = messages(pcap(self.NAME), opt, SIG_FIELDS)
        self.assertEqual(len(msgs), len(self.msgs))
        self.assertEqual({m["mcollective.signature.status"] for m in msgs}, {"bad"})

    def test_unreadable_key_file_is_an_expert_note(self):
        d = key_dir(self.NAME)
        with open(os.path.join(d, "ops.pem"), "w") as f:
            f.write("-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n")
        os.unlink(os.path.join(d, "ops-private.pem"))  # its public half would do
        rows = ts.fields(pcap(self.NAME), ["mcollective.signature.status", "_ws.expert.message"],
                         'mcollective.kind == "request"', extra=["-o", "mcollective.ssl_key_dir:" + d])
        self.assertGreater(len(rows), 0)
        for status, experts in rows:
            self.assertEqual(set(status), {"key unreadable"})
            self.assertTrue(any("ops.pem" in x for x in experts), experts)

    def test_one_changed_byte_is_bad(self):
        d = tempfile.mkdtemp(prefix="mco-bad-", dir=ts.home())
        bad = os.path.join(d, self.NAME + "-bad.pcap")
        frame = edit_one_byte(pcap(self.NAME), *self.EDIT, bad)
        msgs = messages(bad, self.opt, SIG_FIELDS)
        self.assertEqual(len(msgs), len(self.msgs))
        bad_msgs = [m for m in msgs if m["mcollective.signature.status"] == "bad"]
        # one message: the request whose bytes changed (shown in the frame
        # that completes its STOMP frame, at or after the edited segment)
        self.assertEqual(len(bad_msgs), 1)
        self.assertEqual(bad_msgs[0]["mcollective.kind"], "request")
        self.assertEqual(bad_msgs[0]["mcollective.callerid"], entry(self.NAME)["callerid"])
        self.assertGreaterEqual(bad_msgs[0]["frame"], frame)
        frame = bad_msgs[0]["frame"]
        self.assertEqual({m["mcollective.signature.status"] for m in msgs if m["frame"] != frame},
                         {"good"})
        rows = ts.fields(bad, ["_ws.expert.message", "_ws.expert.severity"],
                         "mcollective.expert.signature_bad", extra=self.opt)
        self.assertEqual(len(rows), 1)
        self.assertTrue(any("does not match" in x for x in rows[0][0]))


class SslYamlSignatures(SslSignatures):
    """The ssl plugin with plugin.ssl_serializer = yaml: the message, its
    :body and :hash are YAML text, and the signature is over the :body
    string as the YAML holds it."""
    NAME = "mco-ssl-yaml-keys-activemq"
    # the client's first ping request: its YAML :body says ":ssl_msg: ping"
    EDIT = (b":ssl_msg: ping", b":ssl_msg: pinG")


class AesDecryption(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.keys = key_dir(AES)
        cls.opt = ["-o", "mcollective.aes_key_dir:" + cls.keys]

    def test_every_message_decrypted(self):
        msgs = messages(pcap(AES), self.opt, ["mcollective.kind", "mcollective.decrypted"])
        self.assertGreater(len(msgs), 0)
        self.assertEqual({ts.truth(m["mcollective.decrypted"]) for m in msgs}, {True})

    def test_get_fact_replies_carry_the_facts(self):
        e = entry(AES)
        rows = ts.fields(pcap(AES), ["mcollective.senderid", "mcollective.rpc.data.key",
                                     "mcollective.rpc.data.value"],
                         'mcollective.kind == "reply" && mcollective.rpc.data.value == "role"',
                         extra=self.opt)
        seen = {}
        for senders, keys, values in rows:
            seen[senders[0]] = dict(zip(keys, values)).get("value")
        self.assertEqual(seen, {n: f["role"] for n, f in e["nodes"].items()})

    def test_ping_view_on_decrypted_bodies(self):
        """Every mco ping of the .mco.txt is a ping request in the view with
        the nodes that mco printed."""
        want = mco_txt(AES)
        self.assertEqual(len(want), 2)
        view = [r for r in ping_view(pcap(AES), self.opt) if r["action"] == "ping" and r["sent"]]
        got = [set(r["nodes"]) for r in view]
        for nodes in want:
            self.assertIn(nodes, got)

    def test_pairing_on_decrypted_bodies(self):
        rows = ts.fields(pcap(AES), ["mcollective.kind", "mcollective.request_in"],
                         'mcollective.kind == "reply"', extra=self.opt)
        self.assertGreater(len(rows), 0)
        for kinds, req_in in rows:
            self.assertEqual(len(req_in), len(kinds))

    def test_without_keys_still_encrypted(self):
        rows = ts.fields(pcap(AES), ["mcollective.decrypted", "mcollective.rpc.data.value"],
                         "mcollective")
        self.assertGreater(len(rows), 0)
        self.assertEqual([r for r in rows if r[0] or r[1]], [])

    def test_wrong_keys_are_an_expert_note_not_a_crash(self):
        opt = ["-o", "mcollective.aes_key_dir:" + key_dir(SSL)]
        rows = ts.fields(pcap(AES), ["mcollective.decrypted", "mcollective.sslpubkey",
                                     "_ws.expert.message"], "mcollective", extra=opt)
        self.assertGreater(len(rows), 0)
        failed = 0
        for dec, pubkey, experts in rows:
            if pubkey:  # send_pubkey requests carry the key that reads them
                continue
            self.assertEqual({ts.truth(d) for d in dec}, {False})
            self.assertTrue(any("not decrypted" in x for x in experts), experts)
            failed += 1
        self.assertGreater(failed, 0)

    def test_sslpubkey_requests_readable_without_keys(self):
        """The first ping (send_pubkey=1) carries ops.pem: with any key folder
        its requests are read; ops.pem itself is the one committed."""
        opt = ["-o", "mcollective.aes_key_dir:" + key_dir(SSL)]
        rows = ts.fields(pcap(AES), ["mcollective.decrypted", "mcollective.sslpubkey"],
                         "mcollective.sslpubkey", extra=opt)
        self.assertGreater(len(rows), 0)
        with open(os.path.join(KEYS, AES, "ops.pem"), encoding="ascii") as f:
            ops = f.read().strip()
        for dec, pubkey in rows:
            self.assertEqual({ts.truth(d) for d in dec}, {True})
            self.assertEqual(pubkey[0].replace("\\n", "\n").strip(), ops)


if __name__ == "__main__":
    unittest.main()
