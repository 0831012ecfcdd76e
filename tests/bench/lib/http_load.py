#!/usr/bin/python3
"""Non-STOMP traffic for the benchmark captures; runs inside the capture's
network namespace (started by make-captures.sh with `ip netns exec`).

    http_load.py like-stomp --port 8080 --workdir D --clients 4 --requests 26250 --large 102400,... --log F
    http_load.py mixed --http-port 18080 --redis-port 16379 --workdir D --ab-requests N --redis-requests M --log F

like-stomp: nginx on 127.0.0.1:PORT (a port Wireshark's HTTP dissector
  registers, 8080) serving 1000 small files whose sizes are drawn like the
  STOMP bodies of stomp_load.py (16..480 bytes, same RNG shape) plus one file
  per --large size; CLIENTS concurrent curl processes, each fetching
  REQUESTS URLs over one keep-alive HTTP/1.1 connection (curl --config), the
  large files spread over them (each large file fetched twice, as each large
  STOMP body crosses the wire twice: SEND and MESSAGE).  Every request and
  every response is one HTTP message.
mixed: nginx on HTTP-PORT (not an HTTP port Wireshark knows) + ApacheBench
  (ab -k -c 4) fetching a small file, and redis-server on REDIS-PORT +
  redis-benchmark (-c 4, no pipelining, several commands), concurrently.

Servers are child processes with config/data in WORKDIR, stopped by PID.
"""

import argparse
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import time


def wait_port(port, proc, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("server exited early (%s)" % proc.args[0])
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("port %d did not open" % port)


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def start_nginx(d, port, www):
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        os.makedirs(os.path.join(d, "tmp", sub), exist_ok=True)
    conf = os.path.join(d, "nginx.conf")
    with open(conf, "w") as fh:
        fh.write("""
daemon off;
master_process off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {d}/tmp/body;
    proxy_temp_path {d}/tmp/proxy;
    fastcgi_temp_path {d}/tmp/fastcgi;
    uwsgi_temp_path {d}/tmp/uwsgi;
    scgi_temp_path {d}/tmp/scgi;
    # no sendfile: small responses go out as header + body in one write
    sendfile off;
    tcp_nodelay on;
    keepalive_timeout 60;
    keepalive_requests 10000000;
    default_type application/octet-stream;
    types {{ }}
    server {{
        listen 127.0.0.1:{port};
        root {www};
    }}
}}
""".format(d=d, www=www, port=port))
    proc = subprocess.Popen(["nginx", "-p", d, "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port, proc)
    return proc


def body_sizes(n, seed):
    rng = random.Random(seed)
    return [rng.randint(16, 480) for _ in range(n)]


def version(cmd, rx):
    out = subprocess.run(cmd, capture_output=True, text=True)
    m = re.search(rx, out.stdout + out.stderr)
    return m.group(1) if m else "?"


def like_stomp(args):
    d = os.path.join(args.workdir, "nginx-like-stomp")
    www = os.path.join(d, "www")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(www, "s"))
    os.makedirs(os.path.join(www, "l"))
    rng = random.Random(args.seed)
    for i, n in enumerate(body_sizes(1000, args.seed)):
        with open(os.path.join(www, "s", str(i)), "wb") as fh:
            fh.write(bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz0123456789 ") for _ in range(n)))
    for n in args.large:
        with open(os.path.join(www, "l", str(n)), "wb") as fh:
            fh.write((bytes(range(256)) * (n // 256 + 1))[:n])
    proc = start_nginx(d, args.port, www)
    base = "http://127.0.0.1:%d" % args.port
    try:
        procs = []
        for c in range(args.clients):
            urls = ["%s/s/%d" % (base, (c * 7919 + k) % 1000) for k in range(args.requests)]
            # each large file twice, by two different clients, spread over the run
            for j, n in enumerate(args.large):
                for rep in range(2):
                    if (j + rep) % args.clients == c:
                        pos = int(args.requests * (j + 1) / (len(args.large) + 1))
                        urls.insert(pos, "%s/l/%d" % (base, n))
            cfg = os.path.join(d, "curl-%d.cfg" % c)
            with open(cfg, "w") as fh:
                for u in urls:
                    fh.write('url = "%s"\noutput = "/dev/null"\n' % u)
            procs.append(subprocess.Popen(["curl", "-sS", "--fail", "--http1.1", "--config", cfg]))
        for p in procs:
            if p.wait() != 0:
                raise SystemExit("curl failed")
        time.sleep(0.3)
    finally:
        stop(proc)
    reqs = args.clients * args.requests + 2 * len(args.large)
    return {"server": "nginx " + version(["nginx", "-v"], r"nginx/(\S+)"),
            "client": "curl " + version(["curl", "--version"], r"curl (\S+)"),
            "requests": reqs, "http_messages": 2 * reqs, "large": args.large, "clients": args.clients}


def mixed(args):
    d = os.path.join(args.workdir, "nginx-mixed")
    www = os.path.join(d, "www")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(www)
    with open(os.path.join(www, "index.html"), "wb") as fh:
        fh.write(b"<!doctype html><title>bench</title><p>" + b"Hello from nginx. " * 12 + b"</p>\n")
    rd = os.path.join(args.workdir, "redis")
    shutil.rmtree(rd, ignore_errors=True)
    os.makedirs(rd)
    nginx = start_nginx(d, args.http_port, www)
    redis = subprocess.Popen(["redis-server", "--port", str(args.redis_port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no", "--dir", rd, "--daemonize", "no",
                              "--logfile", os.path.join(rd, "redis.log")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(args.redis_port, redis)
        ab = subprocess.Popen(["ab", "-q", "-k", "-c", "4", "-n", str(args.ab_requests),
                               "http://127.0.0.1:%d/index.html" % args.http_port],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        rb = subprocess.run(["redis-benchmark", "-h", "127.0.0.1", "-p", str(args.redis_port), "-c", "4",
                             "-n", str(args.redis_requests), "-t", "ping,set,get,incr,lpush,lpop,sadd", "-q"],
                            capture_output=True, text=True)
        ab_out = ab.communicate()[0].decode()
        if ab.returncode != 0 or "Failed requests:        0" not in ab_out:
            raise SystemExit("ab failed:\n" + ab_out)
        if rb.returncode != 0:
            raise SystemExit("redis-benchmark failed:\n" + rb.stdout + rb.stderr)
        time.sleep(0.3)
    finally:
        stop(nginx)
        stop(redis)
    return {"server": "nginx %s + redis-server %s" % (version(["nginx", "-v"], r"nginx/(\S+)"),
                                                       version(["redis-server", "--version"], r"v=(\S+)")),
            "client": "ab (keep-alive, -c 4) + redis-benchmark (-c 4)",
            "ab_requests": args.ab_requests, "redis_requests_per_test": args.redis_requests,
            "redis_benchmark": rb.stdout.strip().replace("\r", "\n").split("\n")[-8:]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["like-stomp", "mixed"])
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--large", default="")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--http-port", type=int, default=18080)
    ap.add_argument("--redis-port", type=int, default=16379)
    ap.add_argument("--ab-requests", type=int, default=40000)
    ap.add_argument("--redis-requests", type=int, default=20000)
    args = ap.parse_args()
    args.large = [int(x) for x in args.large.split(",") if x]
    t0 = time.monotonic()
    log = like_stomp(args) if args.kind == "like-stomp" else mixed(args)
    log["seconds"] = round(time.monotonic() - t0, 1)
    with open(args.log, "w") as fh:
        json.dump(log, fh, indent=1)
    print("http_load %s: %s" % (args.kind, json.dumps(log)[:300]))


if __name__ == "__main__":
    sys.exit(main())
