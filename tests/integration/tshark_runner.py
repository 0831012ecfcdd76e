"""Runs tshark with the freshly built plugin, the way a user's install works.

Wireshark ignores personal plugin folders (and WIRESHARK_PLUGIN_DIR) for
root, and CI runs as root, so when we are root tshark runs as nobody
(setpriv) with HOME pointing at a private folder that holds the plugin in
~/.local/lib/wireshark/plugins/<major.minor>/epan/. Captures are copied
into that folder first, so the checkout's permissions never matter (tshark
needs a real file for two-pass reading).
"""
import functools
import json
import os
import shutil
import subprocess
import tempfile

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CAPTURES = os.path.join(SOURCE_DIR, "test-captures")


def _abi():
    out = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout
    # "TShark (Wireshark) 4.0.17 (...)"
    ver = out.split()[2]
    major, minor = ver.split(".")[:2]
    return f"{major}.{minor}"


@functools.lru_cache(maxsize=None)
def home():
    """A private HOME with the plugin installed (created once per process)."""
    plugin = os.environ.get("STOMP_PLUGIN")
    if not plugin or not os.path.exists(plugin):
        raise RuntimeError("set STOMP_PLUGIN to the built stomp.so")
    top = tempfile.mkdtemp(prefix="stomp-tshark-")
    os.chmod(top, 0o755)
    dest = os.path.join(top, ".local", "lib", "wireshark", "plugins", _abi(), "epan")
    os.makedirs(dest)
    # An empty stand-in for the system plugin folder, so that a stomp.so
    # installed there (packaging/install.sh as root) cannot shadow this one.
    os.makedirs(os.path.join(top, "no-global-plugins", _abi(), "epan"))
    shutil.copy(plugin, os.path.join(dest, "stomp.so"))
    for root, dirs, files in os.walk(top):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o755)
        for f in files:
            os.chmod(os.path.join(root, f), 0o644)
    return top


@functools.lru_cache(maxsize=None)
def readable(capture):
    """A copy of capture that the unprivileged tshark can open."""
    d = os.path.join(home(), "captures")
    os.makedirs(d, exist_ok=True)
    os.chmod(d, 0o755)
    dest = os.path.join(d, f"{len(os.listdir(d))}-{os.path.basename(capture)}")
    shutil.copy(capture, dest)
    os.chmod(dest, 0o644)
    return dest


def command(args):
    base = ["env", f"HOME={home()}", f"WIRESHARK_PLUGIN_DIR={home()}/no-global-plugins",
            "LC_ALL=C.UTF-8", "tshark"] + list(args)
    if os.geteuid() == 0:
        return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + base
    return base


def run(args, capture=None, check=True, timeout=600, env_extra=None):
    """tshark with args, reading capture (a path) if given."""
    argv = list(args)
    if capture is not None:
        argv = ["-r", readable(capture)] + argv
    cmd = command(argv)
    if env_extra:
        cmd = cmd[:cmd.index("tshark")] + [f"{k}={v}" for k, v in env_extra.items()] + cmd[cmd.index("tshark"):]
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    if check and p.returncode != 0:
        raise RuntimeError(f"tshark {' '.join(args)} failed ({p.returncode}): {err}")
    return out, err, p.returncode


def truth(value):
    """A boolean field's value as tshark -T fields/json prints it: 1/0 in
    4.0, True/False in 4.4 (and 4.6)."""
    if value in ("1", "True"):
        return True
    if value in ("0", "False"):
        return False
    raise ValueError(f"not a boolean field value: {value!r}")


def capture_options(capture):
    """tshark options a capture needs: its TLS key log, if it has one."""
    keys = os.path.splitext(capture)[0] + ".keys"
    if os.path.exists(keys):
        return ["-o", f"tls.keylog_file:{readable(keys)}"]
    return []


def fields(capture, names, display_filter=None, two_pass=True, extra=()):
    """Rows of -T fields output; each row is a list of per-field lists
    (occurrences split on the \\x1e aggregator)."""
    args = ["-T", "fields", "-E", "separator=\x1f", "-E", "aggregator=\x1e", "-E", "occurrence=a"]
    for n in names:
        args += ["-e", n]
    if two_pass:
        args.append("-2")
    if display_filter:
        args += ["-Y", display_filter]
    args += capture_options(capture) + list(extra)
    out, _, _ = run(args, capture)
    rows = []
    for line in out.split("\n"):
        if not line:
            continue
        cols = line.split("\x1f")
        rows.append([c.split("\x1e") if c else [] for c in cols])
    return rows


def stomp_layers(capture, extra=(), two_pass=True):
    """Every STOMP frame of a capture as a dict of field -> value(s), from
    tshark's JSON output, with frame.number and tcp ports added."""
    args = ((["-2"] if two_pass else []) + ["-T", "json", "--no-duplicate-keys", "-J", "frame tcp stomp"]
            + capture_options(capture) + list(extra))
    out, _, _ = run(args, capture)
    packets = json.loads(out) if out.strip() else []
    frames = []
    for pkt in packets:
        layers = pkt["_source"]["layers"]
        stomp = layers.get("stomp")
        if stomp is None:
            continue
        items = stomp if isinstance(stomp, list) else [stomp]
        tcp = layers.get("tcp", {})
        if isinstance(tcp, list):
            tcp = tcp[0]
        for idx, item in enumerate(items):
            frames.append({
                "frame": int(layers["frame"]["frame.number"]),
                "index": idx,
                "srcport": int(tcp.get("tcp.srcport", 0)),
                "dstport": int(tcp.get("tcp.dstport", 0)),
                "layer": item,
            })
    return frames


def flatten(layer):
    """All field -> [values] of a JSON layer, nested subtrees included."""
    out = {}

    def walk(key, v):
        if isinstance(v, str):
            out.setdefault(key, []).append(v)
        elif isinstance(v, list):
            for x in v:
                walk(key, x)
        elif isinstance(v, dict):
            for k, x in v.items():
                walk(k, x)

    walk(None, layer)
    out.pop(None, None)
    return out


def manifest():
    with open(os.path.join(CAPTURES, "MANIFEST.json"), encoding="utf-8") as f:
        return json.load(f)


def capture_path(name):
    return os.path.join(CAPTURES, name)
