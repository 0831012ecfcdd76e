#!/usr/bin/python3
"""Non-STOMP traffic between real servers and clients on loopback, for the
negative captures (the dissector's heuristics must not claim any of it).

    negative.py <kind> --port N --workdir DIR --log out.json

kind: http (nginx + curl), redis (redis-server + redis-benchmark/redis-cli),
smtp (aiosmtpd + swaks), tls (openssl s_server + s_client), random (Python
sockets exchanging seeded pseudo-random bytes).  The server is started here
as a child process, stopped by its PID, and the log records what was run.
"""

import argparse
import json
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time


def wait_port(port, proc, timeout=20.0):
    """Wait until something listens on 127.0.0.1:port - without connecting to
    it (a probe connection would end up in the capture)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("server exited with %s" % proc.returncode)
        out = subprocess.run(["ss", "-Hltn", "sport = :%d" % port], capture_output=True, text=True).stdout
        if ":%d" % port in out:
            return
        time.sleep(0.1)
    raise RuntimeError("port %d did not open" % port)


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, timeout=120, **kw)


def version_of(cmd, pattern):
    out = subprocess.run(cmd, capture_output=True, text=True)
    m = re.search(pattern, out.stdout + out.stderr)
    return m.group(1) if m else "?"


# A body that looks like a STOMP frame, and a text that mentions SEND\n.
FRAME_LIKE = b"SEND\ndestination:/queue/x\ncontent-type:text/plain\n\nhello from an HTTP body\x00\n"
NOTES = (b"Notes on messaging.\nA STOMP client that wants to publish writes the command\nSEND\n"
         b"followed by header lines and a blank line.\nThis file is plain text served over HTTP.\n")


def neg_http(args):
    d = os.path.join(args.workdir, "nginx")
    www = os.path.join(d, "www")
    os.makedirs(www, exist_ok=True)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        os.makedirs(os.path.join(d, "tmp", sub), exist_ok=True)
    with open(os.path.join(www, "index.html"), "wb") as fh:
        fh.write(b"<!doctype html><title>test</title><p>Hello from nginx on a non-standard port.</p>\n")
    with open(os.path.join(www, "notes.txt"), "wb") as fh:
        fh.write(NOTES)
    with open(os.path.join(www, "frame.txt"), "wb") as fh:
        fh.write(FRAME_LIKE)
    conf = os.path.join(d, "nginx.conf")
    with open(conf, "w") as fh:
        fh.write("""
daemon off;
master_process off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log {d}/access.log;
    client_body_temp_path {d}/tmp/body;
    proxy_temp_path {d}/tmp/proxy;
    fastcgi_temp_path {d}/tmp/fastcgi;
    uwsgi_temp_path {d}/tmp/uwsgi;
    scgi_temp_path {d}/tmp/scgi;
    # no sendfile: small responses go out as header + body in one write
    sendfile off;
    tcp_nodelay on;
    keepalive_timeout 10;
    default_type text/plain;
    types {{ text/html html; text/plain txt; }}
    server {{
        listen 127.0.0.1:{port};
        root {www};
        location = /submit {{ return 200 "thanks\\n"; }}
    }}
}}
""".format(d=d, www=www, port=args.port))
    proc = subprocess.Popen(["nginx", "-p", d, "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(args.port, proc)
        time.sleep(0.3)
        base = "http://127.0.0.1:%d" % args.port
        # one keep-alive connection, three GETs
        run(["curl", "-sS", "--http1.1", "-o", "/dev/null", "-o", "/dev/null", "-o", "/dev/null",
             base + "/index.html", base + "/notes.txt", base + "/frame.txt"])
        # a POST whose body is a STOMP-looking frame (sent together with the request headers)
        run(["curl", "-sS", "--http1.1", "-o", "/dev/null", "-H", "Content-Type: text/plain",
             "--data-binary", "@" + os.path.join(www, "frame.txt"), base + "/submit"])
        time.sleep(0.3)
    finally:
        stop(proc)
    return dict(server="nginx " + version_of(["nginx", "-v"], r"nginx/(\S+)"),
                client="curl " + version_of(["curl", "--version"], r"curl (\S+)"),
                description="HTTP/1.1 on a non-standard port: curl fetches /index.html, /notes.txt (text "
                            "containing 'SEND\\n' in the middle) and /frame.txt (body starting with "
                            "'SEND\\ndestination:/queue/x\\n...\\0', sent by nginx in the same segment as the "
                            "response headers) over one keep-alive connection; a second connection POSTs that "
                            "same STOMP-looking text as a request body right after the request headers.")


def neg_redis(args):
    d = os.path.join(args.workdir, "redis")
    os.makedirs(d, exist_ok=True)
    proc = subprocess.Popen(["redis-server", "--port", str(args.port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no", "--dir", d, "--daemonize", "no",
                             "--logfile", os.path.join(d, "redis.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(args.port, proc)
        cli = ["redis-cli", "-h", "127.0.0.1", "-p", str(args.port)]
        run(cli + ["SET", "greeting", "hello"], stdout=subprocess.DEVNULL)
        run(cli + ["SET", "stomp-like", "SEND\ndestination:/queue/x\n\nbody"], stdout=subprocess.DEVNULL)
        run(cli + ["GET", "stomp-like"], stdout=subprocess.DEVNULL)
        run(["redis-benchmark", "-h", "127.0.0.1", "-p", str(args.port), "-n", "60", "-c", "1",
             "-t", "ping,set,get,incr,lpush,lpop", "-q"], stdout=subprocess.DEVNULL)
        time.sleep(0.3)
    finally:
        stop(proc)
    return dict(server="redis-server " + version_of(["redis-server", "--version"], r"v=(\S+)"),
                client="redis-cli + redis-benchmark",
                description="Redis RESP on a non-standard port: redis-cli SET/SET/GET (one value is the text "
                            "'SEND\\ndestination:/queue/x\\n\\nbody'), then redis-benchmark -n 60 -c 1 for "
                            "PING_INLINE, PING_MBULK, SET, GET, INCR, LPUSH, LPOP (several hundred commands, one "
                            "connection per test plus its CONFIG GET connection).")


def neg_smtp(args):
    d = os.path.join(args.workdir, "smtp")
    os.makedirs(d, exist_ok=True)
    proc = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:%d" % args.port,
                             "-c", "aiosmtpd.handlers.Sink"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(args.port, proc)
        swaks = ["swaks", "--server", "127.0.0.1", "--port", str(args.port), "--helo", "client.example.net",
                 "--from", "alice@example.org", "--to", "bob@example.net", "--suppress-data"]
        run(swaks + ["--header", "Subject: plain test", "--body", "Hello Bob,\nthis is a test.\n"],
            stdout=subprocess.DEVNULL)
        run(swaks + ["--header", "Subject: STOMP in a mail",
                     "--body", "SEND\ndestination:/queue/x\n\nthis mail body looks like a STOMP frame\n"],
            stdout=subprocess.DEVNULL)
        # DATA with no mail headers at all: the segment after "354" starts
        # with a STOMP-looking frame, in the middle of the connection
        run(swaks + ["--data", "SEND\ndestination:/queue/x\ncontent-type:text/plain\n\n"
                     "this DATA segment starts like a STOMP frame\n"],
            stdout=subprocess.DEVNULL)
        time.sleep(0.3)
    finally:
        stop(proc)
    return dict(server="aiosmtpd " + version_of([sys.executable, "-m", "aiosmtpd", "--version"], r"(\d[\d.]+)"),
                client="swaks " + version_of(["swaks", "--version"], r"version (\S+)"),
                description="Three SMTP sessions on a non-standard port (aiosmtpd, Sink handler; swaks as "
                            "client): EHLO, MAIL FROM, RCPT TO, DATA, QUIT; the second mail's body starts with "
                            "'SEND\\ndestination:/queue/x\\n'; the third mail has no headers, so its DATA "
                            "segment itself starts with 'SEND\\r\\ndestination:/queue/x\\r\\n"
                            "content-type:text/plain\\r\\n\\r\\n' (swaks writes CRLF), mid-connection.")


def neg_tls(args):
    d = os.path.join(args.workdir, "tls")
    os.makedirs(d, exist_ok=True)
    key, crt = os.path.join(d, "key.pem"), os.path.join(d, "cert.pem")
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", crt,
         "-subj", "/CN=localhost", "-days", "3650"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proc = subprocess.Popen(["openssl", "s_server", "-accept", "127.0.0.1:%d" % args.port, "-cert", crt,
                             "-key", key, "-naccept", "1", "-rev"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(args.port, proc)
        cli = subprocess.Popen(["openssl", "s_client", "-connect", "127.0.0.1:%d" % args.port, "-quiet",
                                "-no_ign_eof"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
        lines = [b"hello over TLS\n", b"SEND\n", b"destination:/queue/x\n", b"\n", b"bye\n"]
        for ln in lines:
            cli.stdin.write(ln)
            cli.stdin.flush()
            time.sleep(0.3)
        cli.stdin.close()
        out = cli.stdout.read()
        cli.wait(20)
        if b"SLT revo olleh" not in out:
            raise RuntimeError("s_server did not echo: %r" % out)
    finally:
        stop(proc)
    return dict(server="openssl s_server " + version_of(["openssl", "version"], r"OpenSSL (\S+)"),
                client="openssl s_client",
                description="TLS on a non-standard port: openssl s_client connects to openssl s_server -rev "
                            "(self-signed RSA certificate), sends five lines (including 'SEND', "
                            "'destination:/queue/x' and an empty line) and reads the reversed echoes, then closes.")


def neg_random(args):
    rng = random.Random(20240601)
    chunks_c = [rng.randbytes(rng.randint(1, 9000)) for _ in range(25)]
    chunks_s = [rng.randbytes(rng.randint(1, 9000)) for _ in range(25)]
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", args.port))
    srv.listen(1)
    got = {}

    def server():
        s, _ = srv.accept()
        buf = b""
        for ch in chunks_s:
            s.sendall(ch)
            time.sleep(0.01)
        s.shutdown(socket.SHUT_WR)
        while True:
            b = s.recv(65536)
            if not b:
                break
            buf += b
        got["server"] = buf
        s.close()

    t = threading.Thread(target=server)
    t.start()
    c = socket.create_connection(("127.0.0.1", args.port))
    for ch in chunks_c:
        c.sendall(ch)
        time.sleep(0.01)
    c.shutdown(socket.SHUT_WR)
    buf = b""
    while True:
        b = c.recv(65536)
        if not b:
            break
        buf += b
    c.close()
    t.join(10)
    srv.close()
    if buf != b"".join(chunks_s) or got.get("server") != b"".join(chunks_c):
        raise RuntimeError("random exchange mismatch")
    return dict(server="python socket", client="python socket",
                description="Pseudo-random bytes both ways on a non-standard port (Python sockets, "
                            "random.Random(20240601).randbytes): 25 chunks of 1..9000 bytes from each side, "
                            "then both sides half-close. Sizes: client %d bytes, server %d bytes."
                            % (len(b"".join(chunks_c)), len(b"".join(chunks_s))))


# Text that starts like a STOMP frame but never is one: no NUL ever ends it.
# Each is one connection; (client bytes, server bytes, how it ends).
NEAR_MISSES = [
    # the chat-like exchange of issue 10, both directions, then FIN
    (b"MESSAGE\nfrom:alice\nto:bob\n\nhello, no NUL terminator, connection closes\n",
     b"MESSAGE\nfrom:alice\nto:bob\n\nhello, no NUL terminator, connection closes\n", "fin"),
    # a mail-like note, the client writes it line by line (a segment each)
    ([b"SEND\n", b"Subject: lunch\n", b"To: team\n", b"\n", b"Pizza at noon?\n"], b"OK\n", "fin"),
    # command line and headers in one segment, a long body in several, no NUL
    ([b"ERROR\nmessage:disk full\n\n"] + [b"log line %d: still writing\n" % i for i in range(40)],
     b"", "fin"),
    # CRLF lines, as a line-based text protocol would write them
    (b"CONNECT\r\nhost:example.net\r\n\r\nplease\r\n", b"DISCONNECT\r\nreason:bye\r\n\r\n", "fin"),
    # still open when the capture stops (no FIN in the capture)
    (b"SUBSCRIBE\nid:7\ntopic:weather\n\nsunny, no NUL yet\n", b"", "open"),
]


def neg_nearmiss(args):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", args.port))
    srv.listen(len(NEAR_MISSES))
    kept_open = []
    for client, server, end in NEAR_MISSES:
        c = socket.create_connection(("127.0.0.1", args.port))
        c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s, _ = srv.accept()
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for part in (client if isinstance(client, list) else [client]):
            c.sendall(part)
            time.sleep(0.05)
        if server:
            s.sendall(server)
        time.sleep(0.1)
        if end == "open":
            kept_open.append((c, s))
            continue
        c.shutdown(socket.SHUT_WR)
        s.shutdown(socket.SHUT_WR)
        time.sleep(0.1)
        c.close()
        s.close()
    # make-captures.sh stops tcpdump ~1 s after this returns: a child keeps
    # the open connection's sockets until after that (its FIN is not in the
    # capture), while this process returns at once.
    srv.close()
    if kept_open and os.fork() == 0:
        time.sleep(5)
        os._exit(0)
    for c, s in kept_open:
        c.close()
        s.close()
    return dict(server="python socket", client="python socket", left_open=len(kept_open),
                description="Near misses (issue 10): %d connections on a non-standard port whose text starts "
                            "with a STOMP command line and header lines but has no NUL, so it never is a "
                            "frame: a chat-like MESSAGE both ways; SEND written line by line; ERROR with a "
                            "long body over many segments; CRLF CONNECT/DISCONNECT; all closed with FIN, and "
                            "a SUBSCRIBE-like text on a connection still open when the capture stops."
                            % len(NEAR_MISSES))


KINDS = {"http": neg_http, "redis": neg_redis, "smtp": neg_smtp, "tls": neg_tls, "random": neg_random, "nearmiss": neg_nearmiss}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=sorted(KINDS))
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--log", required=True)
    args = ap.parse_args()
    os.makedirs(args.workdir, exist_ok=True)
    meta = KINDS[args.kind](args)
    with open(args.log, "w") as fh:
        json.dump({"meta": meta, "connections": []}, fh, indent=1)


if __name__ == "__main__":
    main()
