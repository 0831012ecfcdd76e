#!/usr/bin/env python3
"""tshark with the plugin built with -fsanitize=address,undefined over every
committed capture (two passes and one) and over mutated copies of them
(editcap -E, the way Wireshark's own fuzz-test does), under
WIRESHARK_DEBUG_WMEM_OVERRIDE=strict;
optionally the same under valgrind. Any sanitizer or valgrind report, crash
or timeout fails.

    tests/sanitize/tshark_sanitized.py --plugin build-asan/plugin/stomp.so [--seeds 3] [--prob 0.02]
    tests/sanitize/tshark_sanitized.py --plugin build/plugin/stomp.so --valgrind [--max-files 6]
        [--valgrind-seeds 2] [--valgrind-group 8]

tshark runs unprivileged (Wireshark ignores personal plugins for root), see
tests/integration/tshark_runner.py.
"""
import argparse
import concurrent.futures
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import tshark_runner as ts  # noqa: E402

REPORT_MARKERS = ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer",
                  "== Invalid read", "== Invalid write", "uninitialised value",
                  "== Conditional jump", "Dissector bug", "DissectorError")


def captures():
    files = sorted(glob.glob(os.path.join(ts.CAPTURES, "**", "*.pcap*"), recursive=True))
    return [f for f in files if not f.endswith(".keys")]


def sanitizer_env():
    libs = []
    for name in ("libasan.so", "libubsan.so"):
        p = subprocess.run(["gcc", f"-print-file-name={name}"], capture_output=True, text=True).stdout.strip()
        libs.append(os.path.realpath(p))
    return {
        "LD_PRELOAD": " ".join(libs),
        # tshark itself is not built for LeakSanitizer: leaks at exit are not ours
        "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=1:halt_on_error=1:symbolize=1",
        "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1",
        "WIRESHARK_DEBUG_WMEM_OVERRIDE": "strict",
    }


def base_args(two_pass):
    # one pass builds the tree while the state is made; two passes rebuild it after
    return (["-2"] if two_pass else []) + ["-V", "-o", "mcollective.psk:example-dev-psk"]


def run_one(path, env_extra, prefix, timeout, extra_args, two_pass=True):
    args = base_args(two_pass) + list(extra_args) + ts.capture_options(path)
    cmd = ts.command(["-r", ts.readable(path)] + args)
    env = dict(os.environ)
    env.update(env_extra)
    t0 = time.time()
    try:
        p = subprocess.run(prefix + cmd, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"timeout after {timeout} s"
    err = p.stderr.decode("utf-8", "replace")
    hits = [line for line in err.splitlines() if any(m in line for m in REPORT_MARKERS)]
    if p.returncode not in (0, 2) or hits:  # 2: tshark's "some packets were cut short"
        return f"rc={p.returncode} ({time.time() - t0:.1f} s)\n" + "\n".join(hits[:20] or err.splitlines()[-30:])
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--seeds", type=int, default=3, help="mutated copies per capture")
    ap.add_argument("--prob", type=float, default=0.02, help="editcap -E probability")
    ap.add_argument("--max-files", type=int, default=0, help="limit captures (0 = all)")
    ap.add_argument("--max-size", type=int, default=6 << 20, help="skip bigger captures when mutating")
    ap.add_argument("--valgrind", action="store_true")
    ap.add_argument("--valgrind-seeds", type=int, default=0,
                    help="with --valgrind: mutated copies per capture too (slow; by hand)")
    ap.add_argument("--valgrind-group", type=int, default=1,
                    help="with --valgrind: concatenate this many captures (mergecap -a) per tshark "
                         "run; tshark's start-up alone takes ~8 s under valgrind")
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="tshark runs in parallel")
    a = ap.parse_args()
    os.environ["STOMP_PLUGIN"] = os.path.abspath(a.plugin)

    files = captures()
    if a.valgrind:  # slow: small captures only
        files = [f for f in files if os.path.getsize(f) <= a.max_size]
    if a.max_files:
        files = files[:a.max_files]
    # valgrind needs plain memory; the sanitizers want wmem's strict checks
    env = {"WIRESHARK_DEBUG_WMEM_OVERRIDE": "simple"} if a.valgrind else sanitizer_env()

    # The sanitized plugin only loads when the runtimes are preloaded: make
    # sure it really is loaded, or every run below would be vacuously clean.
    check_env = dict(os.environ)
    check_env.update(env)
    # (tshark -G hangs in a futex under the preloaded runtimes; decode instead)
    probe = os.path.join(ts.CAPTURES, "amq-py12-basic.pcap")
    listed = subprocess.run(ts.command(["-r", ts.readable(probe), "-T", "fields", "-e", "stomp.command"]),
                            env=check_env, capture_output=True, text=True, timeout=300)
    if "CONNECTED" not in listed.stdout:
        print("the plugin did not load:\n" + listed.stderr[-2000:])
        return 1

    failures = []
    work = tempfile.mkdtemp(prefix="stomp-sanitize-")
    os.chmod(work, 0o755)
    # Every capture in two passes (the GUI's way), and under the sanitizers
    # in one pass too (tshark's default: the tree is built on the first
    # pass); mutated copies alternate between the two.
    groups = {}  # merged capture -> the captures in it
    if a.valgrind and a.valgrind_group > 1:
        # Each capture's packets in turn, in one file: every packet is
        # dissected, though the captures share one run's state (TCP takes a
        # 4-tuple seen in two files for a reused port), and a report names
        # the group.
        jobs = []
        for i in range(0, len(files), a.valgrind_group):
            part = files[i:i + a.valgrind_group]
            merged = os.path.join(work, f"group-{i // a.valgrind_group + 1}.pcapng")
            subprocess.run(["mergecap", "-a", "-w", merged] + part, check=True, capture_output=True)
            os.chmod(merged, 0o644)
            groups[merged] = part
            jobs.append((merged, None, True))
    else:
        jobs = [(f, None, True) for f in files]
    if not a.valgrind:
        jobs += [(f, None, False) for f in files]
    seeds = a.valgrind_seeds if a.valgrind else a.seeds
    for f in files:
        # (compressed captures expand: the 64 MB header line is not mutated)
        if os.path.getsize(f) > a.max_size or f.endswith(".gz"):
            continue
        for seed in range(1, seeds + 1):
            jobs.append((f, seed, seed % 2 == 0))
    def one(job):
        f, seed, two_pass = job
        target = f
        if seed is not None:
            target = os.path.join(work, f"{os.path.basename(f)}.{seed}.pcapng")
            subprocess.run(["editcap", "-E", str(a.prob), "-o", "0", "--seed", str(seed), f, target],
                           check=True, capture_output=True)
        if a.valgrind:
            err = run_valgrind(target, env, a.timeout, two_pass)
        else:
            err = run_one(target, env, [], a.timeout, [], two_pass)
        name = (" + ".join(os.path.relpath(g, ts.CAPTURES) for g in groups[f]) if f in groups
                else os.path.relpath(f, ts.CAPTURES))
        label = (name +
                 (f" (editcap -E {a.prob} seed {seed})" if seed else "") +
                 ("" if two_pass else " one pass"))
        return label, err

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        for label, err in pool.map(one, jobs):
            print(("FAIL " if err else "ok   ") + label, flush=True)
            if err:
                failures.append((label, err))
    shutil.rmtree(work, ignore_errors=True)
    print(f"\n{len(jobs) - len(failures)}/{len(jobs)} runs clean")
    for label, err in failures:
        print(f"\n=== {label}\n{err}")
    return 1 if failures else 0


def run_valgrind(path, env_extra, timeout, two_pass=True):
    args = base_args(two_pass) + ["-r", ts.readable(path)]
    cmd = ts.command(args)
    i = cmd.index("tshark")
    cmd = cmd[:i] + ["valgrind", "--quiet", "--error-exitcode=99", "--leak-check=no"] + cmd[i:]
    env = dict(os.environ)
    env.update(env_extra)
    try:
        p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"timeout after {timeout} s"
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode != 0:
        return f"rc={p.returncode}\n" + "\n".join(err.splitlines()[-40:])
    return None


if __name__ == "__main__":
    sys.exit(main())
