#!/usr/bin/env python3
"""Synthetic MCollective captures for what the real captures cannot show
(they have no registration messages, no fire-and-forget requests, no
foreign bodies). Each STOMP frame is one TCP segment in its own packet, so
the frame numbers below are known here; EXPECT.json records, per capture,
what each frame is (written by this script, from what it put in), and
tests/integration/test_mcollective.py checks the dissector against it.

    test-captures/mcollective-synthetic/make_synthetic.py

Bodies: samples 01, 04, 06 of the shared research notes
(test-captures/mcollective-samples/, psk "changeme", msgtime 1700000000,
ttl 60) and the two made by make_bodies.rb next to this script.
"""
import json
import os
import re
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from tcp_pcap import packet, record  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = os.path.join(HERE, "..", "mcollective-samples")
T0 = 1700000000.0


class Capture:
    """One client connection to 127.0.0.1:61613; one packet per call."""

    def __init__(self, port):
        self.cport, self.sport = port, 61613
        self.cseq, self.sseq = 1000, 5000
        self.records = []
        self.t = T0
        self._add(packet(self.cport, self.sport, self.cseq - 1, 0, 0x02, b""))
        self._add(packet(self.sport, self.cport, self.sseq - 1, self.cseq, 0x12, b""))
        self._add(packet(self.cport, self.sport, self.cseq, self.sseq, 0x10, b""))

    def _add(self, frame, at=None):
        self.t = at if at is not None else self.t + 0.001
        self.records.append(record(self.t, frame))
        return len(self.records)  # frame number

    def client(self, data, at=None):
        n = self._add(packet(self.cport, self.sport, self.cseq, self.sseq, 0x18, data), at)
        self.cseq += len(data)
        return n

    def server(self, data, at=None):
        n = self._add(packet(self.sport, self.cport, self.sseq, self.cseq, 0x18, data), at)
        self.sseq += len(data)
        return n

    def connect(self):
        self.client(b"CONNECT\naccept-version:1.0\nhost:mcollective\n\n\0")
        self.server(b"CONNECTED\nversion:1.0\n\n\0")

    def send(self, dest, body, at=None):
        return self.client(b"SEND\ndestination:%s\ncontent-length:%d\n\n" % (dest.encode(), len(body))
                           + body + b"\0", at)

    def write(self, name):
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
            f.write(b"".join(self.records))


def sample(name, folder=SAMPLES):
    with open(os.path.join(folder, name), "rb") as f:
        return f.read()


def requestid(body):
    """The :requestid a Marshal envelope carries (its bytes, not a decode)."""
    return re.search(rb":\x0erequestidI?\"%([0-9a-f]{32})", body).group(1).decode()


EXPECT = {}


def no_reply_expected():
    """Three requests nobody answers, the capture going on 5 minutes past
    their TTLs: an rpcutil inventory request (sample 04, msgtime T0, ttl 60:
    the TTL warning is right), a registration message (sample 06) and a
    SimpleRPC request with :process_results => false (neither waits for a
    reply: no warning, not in the mco ping view)."""
    c = Capture(41001)
    c.connect()
    rpc, reg, ff = (sample("04_rpcutil_inventory_request.psk.marshal"),
                    sample("06_registration_agentlist.psk.marshal"),
                    sample("rpc_process_results_false.psk.marshal", HERE))
    frames = {
        "rpc": c.send("/topic/mcollective.rpcutil.agent", rpc, T0 + 1),
        "registration": c.send("/topic/mcollective.registration.agent", reg, T0 + 30),
        "process_results_false": c.send("/topic/mcollective.rpcutil.agent", ff, T0 + 31),
    }
    c.send("/queue/after", b"the end", T0 + 400)
    c.write("no-reply-expected.pcap")
    EXPECT["no-reply-expected.pcap"] = {
        "frames": frames,
        "requestids": {"rpc": requestid(rpc), "registration": requestid(reg),
                       "process_results_false": requestid(ff)},
        "ttl_warning": ["rpc"],
    }


def detection():
    """Bodies on MCollective destinations and elsewhere: what is claimed."""
    c = Capture(41002)
    c.connect()
    yaml_strings = b"---\nbody: x\nsenderid: y\n"
    yaml_no_id = b"---\n:body: x\n:senderid: y\n:msgtime: 1700000000\n"
    json_reg = b'{"identity":"node1.example.net","agentlist":["rpcutil"]}'
    string_keys = sample("string_keys.marshal", HERE)
    ping = sample("01_ping_request.psk.marshal")
    cases = [
        # (destination, body, claimed, decodable)
        ("/queue/mcollective.registration", yaml_strings, True, False),
        ("/queue/other.registration", yaml_strings, False, False),
        ("/queue/mcollective.registration", json_reg, True, False),
        ("/queue/elsewhere", json_reg, False, False),
        ("/queue/elsewhere", string_keys, False, False),
        ("/topic/mcollective.discovery.agent", string_keys, True, False),
        ("/queue/elsewhere", yaml_no_id, False, False),
        ("/queue/mcollective.x", yaml_no_id, True, False),
        ("/queue/elsewhere", ping, True, True),
        ("/topic/mcollective.discovery.agent", ping, True, True),
        ("/topic/mcollectivex.discovery.agent", yaml_strings, False, False),
    ]
    frames = []
    for dest, body, claimed, decodable in cases:
        n = c.send(dest, body)
        frames.append({"frame": n, "destination": dest, "claimed": claimed, "decodable": decodable})
    c.write("detection.pcap")
    EXPECT["detection.pcap"] = {"frames": frames}


if __name__ == "__main__":
    no_reply_expected()
    detection()
    with open(os.path.join(HERE, "EXPECT.json"), "w") as f:
        json.dump(EXPECT, f, indent=1, sort_keys=True)
        f.write("\n")
