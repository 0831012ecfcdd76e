#!/usr/bin/python3
"""Build test-captures/MANIFEST.json from the client logs of a
make-captures.sh run.

    build_manifest.py <records-dir> <output MANIFEST.json> [--keep-existing]

With --keep-existing, entries of <output> not remade in this run are kept.
<records-dir> holds one <capture-file>.record.json per capture made in this
run: {"file", "kind": "stomp"|"negative", "broker", "broker_version", "port",
"log"}.  The frame counts come only from the logs (what the clients wrote and
read); nothing here looks at the STOMP content of the captures.
Entries for the copied third-party / MCollective captures are static (below).
"""

import collections
import glob
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from stompcap import load_any_log  # noqa: E402

HEADER_NOTES = {
    "python3-stomp": (
        " Header values: 'sent' = parsed from the exact bytes python3-stomp wrote, with the STOMP 1.1/1.2 "
        "escapes undone (python3-stomp escapes values - not names - of every frame except CONNECT/STOMP; in "
        "1.0 it escapes nothing); 'received' = as python3-stomp decoded them (it undoes \\\\ \\n \\c \\r in every "
        "frame, CONNECTED included)."),
    "ruby-stomp": (
        " Header values: 'sent' = parsed from the exact bytes ruby-stomp wrote, escapes undone where it "
        "escaped (negotiated 1.1/1.2, every frame except CONNECT; it escapes names and values, CR as \\r); "
        "'received' = as ruby-stomp decoded them (all frames except CONNECTED; also in 1.0)."),
    "raw-socket": (
        " Header values: 'sent' = the frames as written by the test client (1.1/1.2 escapes undone, except "
        "in CONNECT); 'received' = parsed by the test client from the bytes read, 1.1/1.2 escapes undone "
        "except in CONNECTED."),
}

MCO_CLIENT = "MCollective 2.13.0 (mcollectived + mco) on ruby-stomp 1.4.10"
STATIC = {
    "ndpi-stomp.pcapng": {
        "broker": "unknown", "broker_version": None, "client": "unknown", "port": 61613,
        "stomp_version": "1.1", "stomp": True,
        "description": "Third-party capture from the nDPI project's test suite (licence: LGPL-3.0), copied "
                       "unchanged from /work/shared/captures/public/ndpi-stomp.pcapng. One STOMP 1.1 session "
                       "between 192.168.88.231:34732 and 192.168.88.198:61613 (not loopback): STOMP "
                       "(accept-version:1.1), CONNECTED (heart-beat:100,100), SUBSCRIBE, SEND, a server frame "
                       "with the lower-case command 'message' (not valid STOMP), DISCONNECT with receipt, "
                       "RECEIPT. 'frames' is null: there is no client-side record to vouch for the counts.",
        "frames": None, "connections": None,
        "source": "nDPI test suite (third party), via /work/shared/captures/public/ndpi-stomp.pcapng",
        "license": "LGPL-3.0",
    },
}
for name, broker, version, desc in (
        ("mco-psk-activemq", "activemq", "5.17.2",
         "psk security plugin, activemq connector, sub-collective 'europe'; web01 uses STOMP 1.1 heart-beats, "
         "the other sessions STOMP 1.0; commands mco ping, mco ping -T europe, mco rpc rpcutil get_fact, "
         "mco rpc rpcutil agent_inventory -I db01, mco facts datacenter."),
        ("mco-psk-rabbitmq", "rabbitmq", "3.10.8",
         "psk security plugin, rabbitmq connector (replies via /temp-queue/ -> /reply-queue/); app01 uses "
         "STOMP 1.1 heart-beats; commands mco ping, mco rpc rpcutil agent_inventory -I app01, mco rpc rpcutil "
         "get_fact, mco facts role."),
        ("mco-ssl-yaml-activemq", "activemq", "5.17.2",
         "ssl security plugin with YAML serializer, activemq connector; db01 uses STOMP 1.1 heart-beats; "
         "commands mco ping, mco rpc rpcutil get_fact, mco rpc rpcutil collective_info -I web01, mco facts "
         "country.")):
    STATIC["mcollective/%s.pcap" % name] = {
        "broker": broker, "broker_version": version, "client": MCO_CLIENT, "port": 61613,
        "stomp_version": "mixed", "stomp": True,
        "description": "Real MCollective traffic through a real broker on loopback, copied unchanged from "
                       "/work/shared/captures/mcollective/ together with mcollective/%s.mco.txt (output of the "
                       "mco commands) and mcollective/README.md: %s Meant for the MCollective decoding issue; "
                       "'frames' is null (no per-frame client record)." % (name, desc),
        "frames": None, "connections": None,
        "source": "/work/shared/captures/mcollective/%s.pcap (project-internal, see mcollective/README.md)" % name,
        "companion_files": ["mcollective/%s.mco.txt" % name, "mcollective/README.md"],
    }


def client_family(client):
    for fam in HEADER_NOTES:
        if client.startswith(fam):
            return fam
    return None


def build_entry(rec):
    meta, conns = load_any_log(rec["log"])
    entry = {
        "broker": rec["broker"],
        "broker_version": rec["broker_version"],
        "client": meta["client"],
        "port": rec["port"],
        "stomp_version": meta.get("stomp_version", "n/a"),
        "description": meta["description"],
        "stomp": rec["kind"] == "stomp",
    }
    if rec["kind"] == "stomp":
        frames = collections.Counter()
        for c in conns:
            for f in c["sent"] + c["received"]:
                frames[f["command"]] += 1
        entry["frames"] = dict(sorted(frames.items()))
        entry["frames_total"] = sum(frames.values())
        notes = " ".join(HEADER_NOTES[f] for f in ("python3-stomp", "ruby-stomp", "raw-socket")
                         if f in meta["client"])
        entry["description"] += notes
        out = []
        for c in conns:
            d = {"label": c.get("label"), "client_port": c["client_port"], "server_port": c["server_port"],
                 "sent": c["sent"], "received": c["received"],
                 "heartbeats_sent_min": c["heartbeats_sent_min"],
                 "heartbeats_received_min": c["heartbeats_received_min"]}
            d.update(c.get("extra") or {})      # scenario-specific (README: "Extra fields")
            out.append(d)
        entry["connections"] = out
        # capture-level extras: transport, keylog, silences, ws_*, ... (README)
        entry.update(meta.get("extra") or {})
    else:
        entry["client"] = meta["client"]
        entry["server"] = meta["server"]
        entry["frames"] = {}
        entry["frames_total"] = 0
        entry["connections"] = []
    return entry


def dumps_manifest(manifest):
    """JSON text with one line per frame record (keeps the file small and
    diff-friendly)."""
    frames = {}

    def token(f):
        t = "@@frame%d@@" % len(frames)
        frames[t] = json.dumps(f, ensure_ascii=False)
        return t

    shallow = {}
    for name, e in manifest.items():
        e = dict(e)
        if e.get("connections"):
            conns = []
            for c in e["connections"]:
                c = dict(c)
                c["sent"] = [token(f) for f in c["sent"]]
                c["received"] = [token(f) for f in c["received"]]
                conns.append(c)
            e["connections"] = conns
        shallow[name] = e
    text = json.dumps(shallow, ensure_ascii=False, indent=1)
    text = re.sub(r'"(@@frame\d+@@)"', lambda m: frames[m.group(1)], text)
    return text + "\n"


def main():
    recdir, out = sys.argv[1], sys.argv[2]
    keep = "--keep-existing" in sys.argv[3:]
    manifest = {}
    if keep and os.path.exists(out):
        with open(out, encoding="utf-8") as fh:
            manifest = json.load(fh)
    for path in sorted(glob.glob(os.path.join(recdir, "*.record.json"))):
        with open(path) as fh:
            rec = json.load(fh)
        manifest[rec["file"]] = build_entry(rec)
    base = os.path.dirname(os.path.abspath(out))
    for name, entry in STATIC.items():
        if os.path.exists(os.path.join(base, name)):
            manifest[name] = entry
    # consistency: frames == sum of sent + received
    for name, e in manifest.items():
        if e["frames"]:
            c = collections.Counter(f["command"] for conn in e["connections"]
                                    for f in conn["sent"] + conn["received"])
            assert dict(c) == e["frames"], name
    with open(out + ".tmp", "w", encoding="utf-8") as fh:
        fh.write(dumps_manifest(dict(sorted(manifest.items()))))
    os.replace(out + ".tmp", out)
    print("MANIFEST: %d entries" % len(manifest))


if __name__ == "__main__":
    main()
