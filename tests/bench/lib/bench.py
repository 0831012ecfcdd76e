#!/usr/bin/env python3
"""The measurements of tests/bench (run by run-bench.sh; see README.md).

    bench.py --plugin build-bench/plugin/stomp.so --work tests/bench/work [--runs 5]
             [--only a,b,d,e,f,lin,check] [--timeout 900]

Every tshark runs as it would for a user: unprivileged (setpriv to
65534:65534 when we are root) with HOME pointing at a private folder that
holds the plugin in ~/.local/lib/wireshark/plugins/<ver>/epan/ (the approach
of tests/integration/tshark_runner.py).  "baseline" is the same command with
--disable-protocol stomp (the plugin is still loaded and registered; STOMP
and everything beneath it, MCollective included, is off).

Timing: user+sys CPU time and peak RSS of the tshark process from wait4(),
and its wall-clock time (fork to exit; output to /dev/null).  Ratios and
PASS/FAIL use the CPU time: on a shared 2-core machine the wall-clock time
also measures whoever else is running (it is printed too).  Cases of one
measurement are run interleaved (plugin, baseline, plugin, ...) and
reported as medians.
"""

import argparse
import datetime
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

SEP = "\x1f"
AGG = "\x1e"


class Env:
    def __init__(self, plugin, work, timeout):
        self.work = work
        self.timeout = timeout
        self.root = os.geteuid() == 0
        ver = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout.split()[2]
        self.tshark_version = ver
        abi = ".".join(ver.split(".")[:2])
        self.home = os.path.join(work, "home")
        shutil.rmtree(self.home, ignore_errors=True)
        dest = os.path.join(self.home, ".local", "lib", "wireshark", "plugins", abi, "epan")
        os.makedirs(dest)
        shutil.copy(plugin, os.path.join(dest, "stomp.so"))
        # an empty stand-in for the system plugin folder: a stomp.so installed
        # there must not shadow the build being measured
        self.no_global = os.path.join(self.home, "no-global-plugins")
        os.makedirs(os.path.join(self.no_global, abi, "epan"))
        for rootdir, dirs, files in os.walk(self.home):
            os.chmod(rootdir, 0o755)
            for f in files:
                os.chmod(os.path.join(rootdir, f), 0o644)
        self.plugin = os.path.join(dest, "stomp.so")
        # a folder the unprivileged tshark / valgrind can write to
        self.scratch = os.path.join(work, "run")
        shutil.rmtree(self.scratch, ignore_errors=True)
        os.makedirs(self.scratch)
        os.chmod(self.scratch, 0o777)

    def argv(self, args, prefix=()):
        base = (["env", "HOME=" + self.home, "WIRESHARK_PLUGIN_DIR=" + self.no_global, "LC_ALL=C.UTF-8"]
                + list(prefix) + ["tshark"] + list(args))
        if self.root:
            return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + base
        return base

    def timed(self, args):
        """One run: (wall s, user+sys s, maxrss KiB) or None on timeout/failure."""
        argv = self.argv(args)
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        deadline = t0 + self.timeout
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                p.kill()
                os.wait4(p.pid, 0)
                return None
            time.sleep(0.002)
        wall = time.perf_counter() - t0
        err = p.stderr.read().decode("utf-8", "replace")
        p.stderr.close()
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            print("    tshark %s failed (%d): %s" % (" ".join(args), p.returncode, err[-500:]))
            return None
        return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss

    def output(self, args, timeout=None):
        p = subprocess.run(self.argv(args), stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=timeout or self.timeout)
        if p.returncode != 0:
            raise RuntimeError("tshark %s: %s" % (" ".join(args), p.stderr.decode()[-500:]))
        return p.stdout.decode("utf-8", "replace")

    def fields(self, capture, names, extra=()):
        args = ["-r", capture, "-T", "fields", "-E", "separator=" + SEP, "-E", "aggregator=" + AGG,
                "-E", "occurrence=a"] + list(extra)
        for n in names:
            args += ["-e", n]
        for line in self.output(args).split("\n"):
            if line:
                yield [c.split(AGG) if c else [] for c in line.split(SEP)]


def median(xs):
    return statistics.median(xs) if xs else float("nan")


def interleaved(env, cases, runs, title):
    """cases: [(label, args)]; returns {label: {"wall": [...], "cpu": [...], "rss": [...], "fail": n}}."""
    res = {label: {"wall": [], "cpu": [], "rss": [], "fail": 0} for label, _ in cases}
    print("  %s: %d x %s" % (title, runs, " / ".join(label for label, _ in cases)), flush=True)
    for i in range(runs):
        for label, args in cases:
            r = env.timed(args)
            if r is None:
                res[label]["fail"] += 1
                continue
            res[label]["wall"].append(r[0])
            res[label]["cpu"].append(r[1])
            res[label]["rss"].append(r[2])
    for label, _ in cases:
        d = res[label]
        d["wall_med"] = median(d["wall"])
        d["cpu_med"] = median(d["cpu"])
        d["rss_med"] = median(d["rss"])
        d["cpu_min"] = min(d["cpu"]) if d["cpu"] else float("nan")
        d["cpu_max"] = max(d["cpu"]) if d["cpu"] else float("nan")
        print("    %-20s CPU median %8.3f s (min %7.3f, max %7.3f)  wall median %8.3f s  peak RSS %7.1f MiB%s" % (
            label, d["cpu_med"], d["cpu_min"], d["cpu_max"], d["wall_med"], d["rss_med"] / 1024,
            ("  FAILED/TIMEOUT x%d" % d["fail"]) if d["fail"] else ""), flush=True)
    return res


def ratio(a, b):
    return a / b if b and b == b and a == a else float("nan")


class Summary:
    def __init__(self):
        self.rows = []

    def add(self, name, value, goal, fmt="%.3fx", ok=None, extra=""):
        if ok is None:
            ok = (value <= goal) if (goal is not None and value == value) else None
        self.rows.append((name, ((fmt % value) if value == value else "n/a") + extra,
                          ("<= " + (fmt % goal)) if goal is not None else "-",
                          {True: "PASS", False: "FAIL", None: "info"}[ok]))

    def note(self, name, text, ok=None):
        self.rows.append((name, text, "-", {True: "PASS", False: "FAIL", None: "info"}[ok]))

    def show(self):
        w = max(len(r[0]) for r in self.rows)
        v = max(len(r[1]) for r in self.rows)
        print()
        print("=" * 100)
        print("SUMMARY")
        print("%-*s  %-*s  %-12s  %s" % (w, "measure", v, "value", "goal", "result"))
        for r in self.rows:
            print("%-*s  %-*s  %-12s  %s" % (w, r[0], v, r[1], r[2], r[3]))
        print("=" * 100)


def cap(env, name):
    return os.path.join(env.work, "captures", name)


def meta(env, name):
    p = cap(env, name.replace(".pcap", ".json"))
    return json.load(open(p)) if os.path.exists(p) else {}


def stomp_counts(env, capture, two_pass=False):
    counts = {}
    for row in env.fields(capture, ["stomp.command"], ["-2"] if two_pass else []):
        for c in row[0]:
            counts[c] = counts.get(c, 0) + 1
    return counts


# ------------------------------------------------------------------ sections

def section_ab(env, args, summ, out):
    """(a) time, (b) heuristics-only time, (c) peak RSS."""
    print("\n(a)/(c) tshark -r FILE > /dev/null on the STOMP captures, plugin vs --disable-protocol stomp")
    for name, label in (("stomp-lo.pcap", "(1) loopback"), ("stomp-veth.pcap", "(2) veth MTU 1500")):
        f = cap(env, name)
        m = meta(env, name)
        print("  %s %s: %s packets, %s bytes, %s STOMP frames (client count)" % (
            label, name, m.get("capinfos", {}).get("Number of packets", "?"),
            m.get("capinfos", {}).get("File size", "?"), (m.get("client") or {}).get("frames_total", "?")))
        r = interleaved(env, [("plugin", ["-r", f]), ("baseline", ["-r", f, "--disable-protocol", "stomp"])],
                        args.runs, name)
        t = ratio(r["plugin"]["wall_med"], r["baseline"]["wall_med"])
        c = ratio(r["plugin"]["cpu_med"], r["baseline"]["cpu_med"])
        m_ = ratio(r["plugin"]["rss_med"], r["baseline"]["rss_med"])
        print("    => CPU time ratio %.3fx (wall %.3fx), peak RSS ratio %.3fx (+%.1f MiB)" % (
            c, t, m_, (r["plugin"]["rss_med"] - r["baseline"]["rss_med"]) / 1024))
        summ.add("(a) CPU time %s, tshark -r" % label, c, 1.5, extra=" (wall %.3fx)" % t)
        summ.add("(c) peak RSS %s, tshark -r" % label, m_, 1.2,
                 extra=" (%.0f vs %.0f MiB)" % (r["plugin"]["rss_med"] / 1024, r["baseline"]["rss_med"] / 1024))
        out["a_" + name] = r

    print("\n(b) tshark -r FILE > /dev/null on non-STOMP TCP (heuristics say no)")
    f = cap(env, "nonstomp.pcap")
    m = meta(env, "nonstomp.pcap")
    print("  (3) nonstomp.pcap: %s packets, %s bytes" % (
        m.get("capinfos", {}).get("Number of packets", "?"), m.get("capinfos", {}).get("File size", "?")))
    r = interleaved(env, [("plugin", ["-r", f]), ("baseline", ["-r", f, "--disable-protocol", "stomp"])],
                    args.runs, "nonstomp.pcap")
    t = ratio(r["plugin"]["wall_med"], r["baseline"]["wall_med"])
    c = ratio(r["plugin"]["cpu_med"], r["baseline"]["cpu_med"])
    print("    => CPU time ratio %.3fx (wall %.3fx), peak RSS ratio %.3fx" % (
        c, t, ratio(r["plugin"]["rss_med"], r["baseline"]["rss_med"])))
    summ.add("(b) CPU time (3) non-STOMP TCP, tshark -r", c, 1.03, extra=" (wall %.3fx)" % t)
    # On a shared VM the CPU time of one run varies by +-15%, more than the
    # 3% the goal allows: also the fastest run of each side, and instruction
    # counts (callgrind) on the first 20,000 packets, which do not vary.
    fastest = ratio(r["plugin"]["cpu_min"], r["baseline"]["cpu_min"])
    print("    => fastest runs: CPU time ratio %.3fx" % fastest)
    summ.add("(b) same, fastest of %d runs each" % args.runs, fastest, 1.03)
    part = os.path.join(env.scratch, "nonstomp-20000.pcap")
    subprocess.run(["editcap", "-r", f, part, "1-20000"], check=True, capture_output=True)
    os.chmod(part, 0o644)
    ir_p = run_callgrind(env, ["-r", part], os.path.join(env.scratch, "cg-nonstomp-plugin.out"))
    ir_b = run_callgrind(env, ["-r", part, "--disable-protocol", "stomp"],
                         os.path.join(env.scratch, "cg-nonstomp-baseline.out"))
    ir = ratio(ir_p, ir_b)
    print("    => callgrind, first 20,000 packets: %s vs %s Ir, ratio %.4fx" % (
        "{:,}".format(ir_p), "{:,}".format(ir_b), ir))
    summ.add("(b) same, instructions (callgrind, 20,000 packets)", ir, 1.03, fmt="%.4fx")
    r["ir_plugin"], r["ir_baseline"] = ir_p, ir_b
    out["b"] = r


def section_d(env, args, summ, out):
    print("\n(d) full tree: tshark -r FILE -V > /dev/null; STOMP on (1) vs Wireshark's HTTP on (4)")
    fs = cap(env, "stomp-lo.pcap")
    fh = cap(env, "http-lo.pcap")
    # what is in the two captures
    frames = 0
    headers = 0
    body = 0
    for row in env.fields(fs, ["stomp.command", "stomp.header.count", "stomp.body.length"]):
        frames += len(row[0])
        headers += sum(int(x) for x in row[1])
        body += sum(int(x) for x in row[2])
    reqs = resps = hlines = 0
    hbody = 0
    for row in env.fields(fh, ["http.request", "http.response", "http.request.line", "http.response.line",
                               "http.content_length"]):
        reqs += len(row[0])
        resps += len(row[1])
        hlines += len(row[2]) + len(row[3])
        hbody += sum(int(x) for x in row[4])
    msgs = reqs + resps
    pk_s = meta(env, "stomp-lo.pcap").get("capinfos", {}).get("Number of packets", "?")
    pk_h = meta(env, "http-lo.pcap").get("capinfos", {}).get("Number of packets", "?")
    print("  (1) stomp-lo.pcap: %d STOMP frames, %.2f headers/frame, %.0f body bytes/frame, %s packets" % (
        frames, headers / max(frames, 1), body / max(frames, 1), pk_s))
    print("  (4) http-lo.pcap:  %d HTTP messages (%d requests + %d responses), %.2f headers/message, "
          "%.0f body bytes/message, %s packets" % (msgs, reqs, resps, hlines / max(msgs, 1), hbody / max(msgs, 1), pk_h))
    # "as data": Decode As the raw data dissector on the server port - TCP
    # without the application dissector, its reassembly or any heuristics
    r = interleaved(env, [("STOMP", ["-r", fs, "-V"]),
                          ("STOMP port as data", ["-r", fs, "-V", "-d", "tcp.port==61613,data"]),
                          ("HTTP", ["-r", fh, "-V"]),
                          ("HTTP port as data", ["-r", fh, "-V", "-d", "tcp.port==8080,data"])],
                    args.runs, "-V")
    res = {}
    for key in ("cpu_med", "wall_med"):
        st = r["STOMP"][key]
        sb = r["STOMP port as data"][key]
        ht = r["HTTP"][key]
        hb = r["HTTP port as data"][key]
        res[key] = (st / frames * 1e6, ht / msgs * 1e6, (st - sb) / frames * 1e6, (ht - hb) / msgs * 1e6)
    for key, what in (("cpu_med", "CPU"), ("wall_med", "wall")):
        us_s, us_h, mus_s, mus_h = res[key]
        print("    => %-4s whole run:         %7.2f us per STOMP frame vs %7.2f us per HTTP message (%.3fx)" % (
            what, us_s, us_h, us_s / us_h))
        print("    => %-4s dissector's share: %7.2f us per STOMP frame vs %7.2f us per HTTP message (%.3fx)"
              "  [(dissector - port as data) / count]" % (what, mus_s, mus_h, mus_s / mus_h))
    us_s, us_h, mus_s, mus_h = res["cpu_med"]
    summ.add("(d) -V CPU us/STOMP frame / us/HTTP msg", us_s / us_h, 1.0,
             extra=" (%.2f vs %.2f us; wall %.3fx)" % (us_s, us_h, res["wall_med"][0] / res["wall_med"][1]))
    summ.add("(d) -V same, dissector's share only", mus_s / mus_h, 1.0,
             extra=" (%.2f vs %.2f us)" % (mus_s, mus_h))
    out["d"] = {"runs": r, "stomp_frames": frames, "http_messages": msgs, "us": res}


def callgrind_total(path):
    tot = None
    with open(path, errors="replace") as fh:
        for line in fh:
            if line.startswith("summary:") or line.startswith("totals:"):
                tot = int(line.split()[1])
    return tot


def run_callgrind(env, args, out_file):
    argv = env.argv(args, prefix=["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out_file])
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       timeout=3600)
    if p.returncode != 0:
        raise RuntimeError("valgrind: " + p.stderr.decode()[-800:])
    return callgrind_total(out_file)


def annotate_plugin(out_file, inclusive, top):
    """Top functions of the plugin (object stomp.so) from callgrind_annotate."""
    ann = subprocess.run(["callgrind_annotate", "--inclusive=" + ("yes" if inclusive else "no"),
                          "--threshold=100", out_file], capture_output=True, text=True).stdout
    rows = []
    for line in ann.splitlines():
        m = re.match(r"\s*([\d,]+)\s+\([\s\d.]+%\)\s+(.*?)\s+\[([^\]]+)\]\s*$", line)
        if not m or not m.group(3).endswith("stomp.so"):
            continue
        fn = m.group(2)
        if fn.startswith("???:"):
            fn = fn[4:]
        rows.append((int(m.group(1).replace(",", "")), fn))
        if len(rows) >= top:
            break
    return rows


def section_e(env, args, summ, out):
    print("\n(e) callgrind instruction counts on (5) stomp-small.pcap (plugin vs --disable-protocol stomp)")
    f = cap(env, "stomp-small.pcap")
    hs = os.path.join(env.scratch, "stomp-small-handshake.pcap")
    subprocess.run(["editcap", "-r", f, hs, "1-3"], check=True, capture_output=True)
    os.chmod(hs, 0o644)
    m = meta(env, "stomp-small.pcap")
    frames = (m.get("client") or {}).get("frames_total") or 0
    print("  (5) stomp-small.pcap: %s packets, %s STOMP frames (client count).  'start-up' = the same command on "
          "the capture's first 3 packets (TCP handshake only); 'port as data' = -d tcp.port==61613,data (TCP "
          "and the data dissector: no STOMP, no heuristics, no reassembly)" % (
              m.get("capinfos", {}).get("Number of packets", "?"), frames or "?"))
    cg = os.path.join(env.scratch, "callgrind")
    os.makedirs(cg, exist_ok=True)
    os.chmod(cg, 0o777)
    res = {}
    for mode, extra in (("default", []), ("-V", ["-V"])):
        ir = {}
        for label, a in (("plugin", ["-r", f]), ("baseline", ["-r", f, "--disable-protocol", "stomp"]),
                         ("port as data", ["-r", f, "-d", "tcp.port==61613,data"]),
                         ("plugin start-up", ["-r", hs]),
                         ("baseline start-up", ["-r", hs, "--disable-protocol", "stomp"])):
            if mode == "-V" and "start-up" in label:
                ir[label] = res["default"][label]
                continue
            outf = os.path.join(cg, "callgrind.%s.%s.out" % (mode.strip("-"), label.replace(" ", "-")))
            t0 = time.time()
            ir[label] = run_callgrind(env, a + extra, outf)
            print("    %-8s %-18s Ir %15s   (%.0f s)" % (mode, label, format(ir[label], ","), time.time() - t0),
                  flush=True)
        res[mode] = ir
        tot = ratio(ir["plugin"], ir["baseline"])
        dp = ir["plugin"] - ir["plugin start-up"]
        db = ir["baseline"] - ir["baseline start-up"]
        dd = ir["port as data"] - ir["baseline start-up"]
        print("    => %s: Ir ratio plugin/baseline %.3fx (whole run)%s" % (
            mode, tot, "  [with STOMP disabled, TCP offers every payload on 61613 to all TCP heuristics, "
                       "so the baseline is not a floor]" if mode == "default" else ""))
        print("       packet work (minus start-up): plugin %s, baseline %s (%.3fx), port as data %s (%.3fx)" % (
            format(dp, ","), format(db, ","), ratio(dp, db), format(dd, ","), ratio(dp, dd)))
        print("       plugin minus port-as-data: %s Ir = %.0f Ir per STOMP frame" % (
            format(dp - dd, ","), (dp - dd) / frames if frames else float("nan")))
        tag = " -V" if mode == "-V" else ""
        summ.add("(e) Ir plugin/baseline, tshark -r%s (5), whole run" % tag, tot, None)
        summ.add("(e) Ir plugin/baseline, tshark -r%s (5), minus start-up" % tag, ratio(dp, db), None)
        summ.add("(e) Ir plugin/port-as-data, tshark -r%s (5), minus start-up" % tag, ratio(dp, dd), None,
                 extra=" (%.0f Ir/frame)" % ((dp - dd) / frames if frames else float("nan")))
        res[mode + "_per_frame_vs_data"] = (dp - dd) / frames if frames else None
        outf = os.path.join(cg, "callgrind.%s.plugin.out" % mode.strip("-"))
        for incl in (False, True):
            rows = annotate_plugin(outf, incl, args.top)
            print("    top functions in stomp.so, %s, %s (callgrind_annotate --inclusive=%s %s):" % (
                mode, "inclusive Ir (with callees in epan/glib)" if incl else "exclusive (self) Ir",
                "yes" if incl else "no", os.path.basename(outf)))
            for n, fn in rows:
                print("      %14s %6.1f%% of the plugin run's packet work  %s" % (
                    format(n, ","), 100.0 * n / dp if dp else 0, fn[:140]))
    out["e"] = res
    print("  callgrind files: %s (callgrind_annotate FILE)" % cg)


def section_lin(env, args, summ, out):
    syn = os.path.join(env.work, "synth")
    print("\n(3) linearity series (synthetic, TCP-correct captures written by lib/synth_pcap.py: one "
          "connection, 1448-byte segments, ACK every 2nd segment)")
    empty = os.path.join(syn, "empty.pcap")
    r0 = interleaved(env, [("start-up plugin", ["-r", empty]),
                           ("start-up baseline", ["-r", empty, "--disable-protocol", "stomp"])],
                     args.runs, "empty.pcap (handshake + FIN only)")
    s0p = r0["start-up plugin"]["cpu_med"]
    s0b = r0["start-up baseline"]["cpu_med"]
    out["lin_startup"] = r0
    sizes = [("1k", 1024), ("16k", 16384), ("256k", 262144), ("1m", 1048576), ("4m", 4194304), ("16m", 16777216)]
    for framing, desc in (("cl", "with content-length"), ("nul", "NUL-delimited, no content-length")):
        print("\n  (i) body size series, %s; every point ~32 MiB of bodies (16 MiB: 4 frames = 64 MiB)%s" % (
            desc, "; control: the same bodies as HTTP responses with Content-Length (Wireshark's HTTP)"
            if framing == "cl" else ""))
        table = []
        for tag, size in sizes:
            f = os.path.join(syn, "body-%s-%s.pcap" % (tag, framing))
            fh = os.path.join(syn, "body-%s-http.pcap" % tag)
            count = max(4, (32 * 1024 * 1024) // size)
            nbytes = count * size
            got = stomp_counts(env, f).get("MESSAGE", 0)
            got2 = stomp_counts(env, f, two_pass=True).get("MESSAGE", 0)
            cases = [("plugin", ["-r", f]), ("baseline", ["-r", f, "--disable-protocol", "stomp"])]
            if framing == "cl":
                cases.append(("HTTP control", ["-r", fh]))
            r = interleaved(env, cases, args.runs, os.path.basename(f))
            tp = r["plugin"]["cpu_med"]
            tb = r["baseline"]["cpu_med"]
            th = r["HTTP control"]["cpu_med"] if framing == "cl" else float("nan")
            table.append({"tag": tag, "count": count, "bytes": nbytes, "got": got, "got2": got2, "tp": tp, "tb": tb,
                          "p": (tp - s0p) / nbytes * 1e9, "b": (tb - s0b) / nbytes * 1e9,
                          "h": (th - s0b) / nbytes * 1e9, "rss": r["plugin"]["rss_med"]})
            out["lin_%s_%s" % (framing, tag)] = {"runs": r, "messages_1pass": got, "messages_2pass": got2}
        print("    CPU time minus tshark start-up (%.3f s), per byte of body:" % s0p)
        print("    %-5s %7s %10s %15s %9s %9s %11s %11s %11s %9s" % (
            "body", "frames", "bytes", "MESSAGEs 1p/2p", "plugin s", "base s", "plugin ns/B", "base ns/B",
            "HTTP ns/B", "RSS MiB"))
        for t in table:
            print("    %-5s %7d %10d %7d/%-7d %9.3f %9.3f %11.3f %11.3f %11.3f %9.0f" % (
                t["tag"], t["count"], t["bytes"], t["got"], t["got2"], t["tp"], t["tb"], t["p"], t["b"], t["h"],
                t["rss"] / 1024))
        per = [t["p"] for t in table]
        growth = per[-1] / min(per)
        ok_frames = all(t["got"] == t["count"] and t["got2"] == t["count"] for t in table)
        if framing == "cl":
            hper = [t["h"] for t in table]
            hgrowth = hper[-1] / min(hper)
            summ.add("(3i) body size, cl: ns/byte at 16 MiB / min", growth, 2.0, fmt="%.2fx",
                     extra=" (HTTP control: %.2fx)" % hgrowth)
            rel = [t["p"] / t["h"] for t in table]
            summ.add("(3i) body size, cl: max over sizes of STOMP/HTTP ns/byte", max(rel), 1.5, fmt="%.2fx",
                     extra=" (%s for 1k..16m)" % "/".join("%.2f" % x for x in rel))
        else:
            summ.add("(3i) body size, nul: ns/byte at 16 MiB / min", growth, 2.0, fmt="%.2fx",
                     extra=" (max %.2fx at %s)" % (max(per) / min(per), table[per.index(max(per))]["tag"]))
        summ.note("(3i) body size, %s: all MESSAGEs dissected" % framing,
                  "yes" if ok_frames else "NO (1-pass/2-pass/expected): " + ", ".join(
                      "%s %d/%d/%d" % (t["tag"], t["got"], t["got2"], t["count"])
                      for t in table if t["got"] != t["count"] or t["got2"] != t["count"]), ok_frames)

    print("\n  (ii) frames per TCP segment: 200,000 MESSAGE frames of 52 bytes (NUL-delimited), K per segment")
    table = []
    for k in (1, 10, 100, 1000):
        f = os.path.join(syn, "fps-%d.pcap" % k)
        got = stomp_counts(env, f).get("MESSAGE", 0)
        r = interleaved(env, [("plugin", ["-r", f]), ("baseline", ["-r", f, "--disable-protocol", "stomp"])],
                        args.runs, os.path.basename(f))
        tp = r["plugin"]["cpu_med"]
        tb = r["baseline"]["cpu_med"]
        n = 200000
        table.append((k, got, tp, tb, (tp - s0p) / n * 1e6, (tb - s0b) / n * 1e6, (tp - tb) / n * 1e6,
                      r["plugin"]["rss_med"]))
        out["lin_fps_%d" % k] = {"runs": r, "messages": got}
    print("    CPU time minus tshark start-up, per frame (plugin-base: the difference of the two):")
    print("    %-5s %9s %9s %9s %14s %14s %14s %9s" % ("K", "MESSAGEs", "plugin s", "base s", "plugin us/fr",
                                                     "base us/fr", "plugin-base", "RSS MiB"))
    for row in table:
        print("    %-5d %9d %9.3f %9.3f %14.3f %14.3f %14.3f %9.0f" % (row[0], row[1], row[2], row[3], row[4], row[5],
                                                                      row[6], row[7] / 1024))
    per = [row[4] for row in table]
    growth = per[-1] / min(per)
    summ.add("(3ii) frames/segment: us/frame at K=1000 / min", growth, 2.0, fmt="%.2fx",
             extra=" (%s us/frame for K=1,10,100,1000)" % "/".join("%.2f" % x for x in per))
    ok = all(row[1] == 200000 for row in table)
    summ.note("(3ii) frames/segment: all MESSAGEs dissected", "yes" if ok else "NO", ok)


LOAD_CAPTURES = (("load-mixed-lo.pcap", "(7) mixed bodies, loopback"),
                 ("load-mixed-veth.pcap", "(8) mixed bodies, veth MTU 1500"),
                 ("load-prefetch-lo.pcap", "(9) prefetch batches, loopback"))


def slice_capture(env, f, name, want_bytes=8_000_000):
    """The first packets of f holding about want_bytes, and its first 3 packets (start-up)."""
    m = meta(env, name)
    ci = m.get("capinfos", {})
    try:
        avg = float(ci.get("Average packet size", "1000").split()[0])
    except ValueError:
        avg = 1000.0
    n = max(50, int(want_bytes / max(avg, 60)))
    part = os.path.join(env.scratch, name.replace(".pcap", "-slice.pcap"))
    start = os.path.join(env.scratch, name.replace(".pcap", "-start.pcap"))
    subprocess.run(["editcap", "-r", f, part, "1-%d" % n], check=True, capture_output=True)
    subprocess.run(["editcap", "-r", f, start, "1-3"], check=True, capture_output=True)
    os.chmod(part, 0o644)
    os.chmod(start, 0o644)
    return part, start, n


def section_load(env, args, summ, out):
    """(f) load captures no unit test was tuned on: hex/Base64/JSON/binary bodies."""
    print("\n(f) tshark -r FILE > /dev/null on the mixed-body load captures, plugin vs --disable-protocol stomp")
    res = {}
    for name, label in LOAD_CAPTURES:
        f = cap(env, name)
        if not os.path.exists(f):
            print("  %s: missing (make-captures.sh %s)" % (name, name[:-5]))
            continue
        m = meta(env, name)
        ci = m.get("capinfos", {})
        frames = (m.get("client") or {}).get("frames_total", 0)
        packets = int(str(ci.get("Number of packets", "0")).replace(",", "").split()[0] or 0)
        print("  %s %s: %s packets, %s bytes, %s STOMP frames (client count), %.1f frames a packet" % (
            label, name, ci.get("Number of packets", "?"), ci.get("File size", "?"), frames,
            frames / packets if packets else float("nan")))
        r = interleaved(env, [("plugin", ["-r", f]), ("baseline", ["-r", f, "--disable-protocol", "stomp"])],
                        args.runs, name)
        c = ratio(r["plugin"]["cpu_med"], r["baseline"]["cpu_med"])
        t = ratio(r["plugin"]["wall_med"], r["baseline"]["wall_med"])
        mm = ratio(r["plugin"]["rss_med"], r["baseline"]["rss_med"])
        print("    => CPU time ratio %.3fx (wall %.3fx), peak RSS ratio %.3fx" % (c, t, mm))
        summ.add("(f) CPU time %s" % label, c, 1.5, extra=" (wall %.3fx)" % t)
        summ.add("(f) peak RSS %s" % label, mm, 1.2,
                 extra=" (%.0f vs %.0f MiB)" % (r["plugin"]["rss_med"] / 1024, r["baseline"]["rss_med"] / 1024))
        # instructions: no machine noise; start-up (the first 3 packets) subtracted
        part, start, n = slice_capture(env, f, name)
        base = name[:-5]
        ir = {}
        for key, extra in (("plugin", []), ("baseline", ["--disable-protocol", "stomp"])):
            whole = run_callgrind(env, ["-r", part] + extra, os.path.join(env.scratch, "cg-%s-%s.out" % (base, key)))
            boot = run_callgrind(env, ["-r", start] + extra,
                                 os.path.join(env.scratch, "cg-%s-%s-start.out" % (base, key)))
            ir[key] = (whole, boot)
        net = ratio(ir["plugin"][0] - ir["plugin"][1], ir["baseline"][0] - ir["baseline"][1])
        print("    => callgrind, first %d packets: %s vs %s Ir, minus start-up %s vs %s: ratio %.3fx" % (
            n, "{:,}".format(ir["plugin"][0]), "{:,}".format(ir["baseline"][0]),
            "{:,}".format(ir["plugin"][0] - ir["plugin"][1]),
            "{:,}".format(ir["baseline"][0] - ir["baseline"][1]), net))
        summ.add("(f) instructions %s, first %d packets" % (label, n), net, 1.5)
        for ir_, fn in annotate_plugin(os.path.join(env.scratch, "cg-%s-plugin.out" % base), True, 8):
            print("      %14s  %s" % ("{:,}".format(ir_), fn[:110]))
        r["ir"] = ir
        res[name] = r
    out["load"] = res


def section_check(env, args, summ, out):
    print("\nFrame counts: STOMP frames the plugin shows (tshark -r, one pass and -2) vs the clients' own count")
    res = {}
    for name in ("stomp-lo.pcap", "stomp-veth.pcap", "stomp-small.pcap", "stomp-nul-large.pcap") + tuple(
            n for n, _ in LOAD_CAPTURES):
        f = cap(env, name)
        if not os.path.exists(f):
            continue
        client = (meta(env, name).get("client") or {}).get("frames", {})
        one = stomp_counts(env, f)
        two = stomp_counts(env, f, two_pass=True)
        ok = one == client and two == client
        diff = {k: (client.get(k, 0), one.get(k, 0), two.get(k, 0)) for k in sorted(set(client) | set(one) | set(two))
                if not (client.get(k, 0) == one.get(k, 0) == two.get(k, 0))}
        print("  %-22s client %7d  one-pass %7d  two-pass %7d  %s" % (
            name, sum(client.values()), sum(one.values()), sum(two.values()),
            "OK" if ok else "MISMATCH (command: client/1-pass/2-pass) %s" % diff))
        summ.note("frames shown = client count: %s" % name, "yes" if ok else "NO %s" % diff, ok)
        res[name] = {"client": client, "one_pass": one, "two_pass": two}
    out["check"] = res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--only", default="check,a,b,d,e,f,lin")
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()
    env = Env(os.path.abspath(args.plugin), os.path.abspath(args.work), args.timeout)
    only = args.only.split(",")
    print("tshark %s, plugin %s, %d runs per case, %d CPUs, %s" % (
        env.tshark_version, args.plugin, args.runs, os.cpu_count(), datetime.datetime.now().isoformat(timespec="seconds")))
    summ = Summary()
    out = {"tshark": env.tshark_version, "runs": args.runs, "started": time.time()}
    t0 = time.time()
    steps = [("check", section_check), ("a", section_ab), ("d", section_d), ("e", section_e), ("f", section_load),
             ("lin", section_lin)]
    for key, fn in steps:
        if key in only or (key == "a" and "b" in only):
            fn(env, args, summ, out)
    out["seconds"] = time.time() - t0
    summ.show()
    print("total %.0f s" % out["seconds"])
    res = os.path.join(env.work, "results")
    os.makedirs(res, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out["summary"] = summ.rows
    with open(os.path.join(res, "bench-%s.json" % stamp), "w") as fh:
        json.dump(out, fh, indent=1, default=str)


if __name__ == "__main__":
    main()
