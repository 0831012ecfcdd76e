"""Wireshark's Qt window with the built plugin, under Xvfb, read back by OCR.

Opens a real MCollective capture (test-captures/mcollective, `mco ping` and
friends through ActiveMQ) in `wireshark` (run unprivileged, as tshark is in
tests/integration, with a private HOME holding the plugin and a private
configuration so no first-run dialog appears), takes screenshots of the
X display and reads them with tesseract. Nothing here asks tshark: what is
asserted is what the window shows.

Ground truth is what `mco ping` printed (mco-psk-activemq.mco.txt): the
nodes that answered and the time it measured for each. Asserted:
  1. the packet list has MCollective rows of the slowest node's replies;
  2. the details pane shows the STOMP MESSAGE and the decoded MCollective
     reply (sender, agent, kind, psk hash verified), with its time within
     5 ms of mco ping's and its message time within that mco ping run;
  3. the packet list's Conversation Filter menu (right click) has STOMP
     destination, which applies stomp.destination == the client's reply
     queue and shows its SUBSCRIBE, UNSUBSCRIBE and each node's reply SEND
     and MESSAGE, and STOMP connection, which applies tcp.stream eq N and
     shows the client's request and the replies delivered to it, without
     the nodes' reply SENDs;
  4. the Statistics menu has MCollective and STOMP entries, and
     Statistics > MCollective > mco ping (opened by mouse, each menu read
     by OCR; Qt Wireshark 4.0 cannot open a stats tree with -z) lists, for
     each `mco ping` run in mco.txt, the same nodes with times within 5 ms.

  STOMP_PLUGIN=build-tests/plugin/stomp.so python3 tests/gui/test_gui.py
  STOMP_GUI_SHOTS=docs ...                               # also write the docs/ screenshots
  STOMP_GUI_NO_PLUGIN=1 ...                              # control: must fail

Skips (exit code 77, CTest SKIP_RETURN_CODE) with a reason when Xvfb,
wireshark, xdotool, ImageMagick or tesseract is missing.
"""
import calendar
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.abspath(os.path.join(HERE, "..", ".."))
CAPTURE = os.path.join(SOURCE_DIR, "test-captures", "mcollective", "mco-psk-activemq.pcap")
MCO_TXT = os.path.join(SOURCE_DIR, "test-captures", "mcollective", "mco-psk-activemq.mco.txt")
PSK = "example-dev-psk"      # the psk plugin's key in that capture's setup
SCREEN = (1400, 1000)
SKIP = 77
TOOLS = ["Xvfb", "wireshark", "xdotool", "import", "convert", "tesseract"]


def log(*a):
    print(*a, flush=True)


def mco_ping_truth():
    """({node: ms}, (start, end)) of the first `mco ping` in the capture's
    mco.txt: what it printed, and when the capture script ran it (epoch)."""
    with open(MCO_TXT, encoding="utf-8") as f:
        text = f.read()
    block = text.split("### mco ping\n", 1)[1].split("### end", 1)
    span = re.match(r" rc=0 start=([\d.]+) end=([\d.]+)", block[1])
    return ({m.group(1): float(m.group(2))
             for m in re.finditer(r"^(\S+)\s+time=([\d.]+) ms", block[0], re.M)},
            (float(span.group(1)), float(span.group(2))))


def abi():
    out = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout
    major, minor = out.split()[2].split(".")[:2]
    return f"{major}.{minor}"


class Gui:
    """Xvfb + one unprivileged wireshark with a private HOME."""

    def __init__(self, plugin):
        self.top = tempfile.mkdtemp(prefix="stomp-gui-")
        self.procs = []
        epan = os.path.join(self.top, ".local", "lib", "wireshark", "plugins", abi(), "epan")
        os.makedirs(epan)
        # Empty stand-in for the system plugin folder (an installed stomp.so
        # must not be what the window shows).
        os.makedirs(os.path.join(self.top, "no-global-plugins", abi(), "epan"))
        if plugin:
            shutil.copy(plugin, os.path.join(epan, "stomp.so"))
        conf = os.path.join(self.top, ".config", "wireshark")
        os.makedirs(conf)
        # No elevated-privileges / no-capture-interface warnings, a fixed
        # window geometry; the rest of the first-run state is left default.
        with open(os.path.join(conf, "recent_common"), "w") as f:
            f.write("privs.warn_if_elevated: FALSE\nprivs.warn_if_no_npf: FALSE\n"
                    "gui.geometry_main_x: 0\ngui.geometry_main_y: 0\n"
                    f"gui.geometry_main_width: {SCREEN[0]}\ngui.geometry_main_height: {SCREEN[1]}\n"
                    "gui.geometry_main_maximized: FALSE\n")
        # Column widths so Protocol reads "MCollective"; a short packet list.
        with open(os.path.join(conf, "recent"), "w") as f:
            f.write("column.width: %m, 60, %t, 100, %p, 100, %L, 60, %i, 1060\n"
                    "gui.geometry_main_upper_pane: 230\n")
        self.capture = os.path.join(self.top, os.path.basename(CAPTURE))
        shutil.copy(CAPTURE, self.capture)
        self.runtime = os.path.join(self.top, "run")
        os.makedirs(self.runtime, mode=0o700)
        for root, dirs, files in os.walk(self.top):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o755)
            for fn in files:
                os.chmod(os.path.join(root, fn), 0o644)
        os.chmod(self.top, 0o755)
        if os.geteuid() == 0:
            # Wireshark writes its profile and recent files here: nobody's.
            for d in (self.runtime, os.path.join(self.top, ".config")):
                for root, dirs, files in os.walk(d):
                    for n in [root] + [os.path.join(root, x) for x in files]:
                        os.chown(n, 65534, 65534)
            os.chmod(self.runtime, 0o700)
        self.display = self._xvfb()

    def _xvfb(self):
        r, w = os.pipe()
        p = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0",
                              f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp", "-noreset"],
                             pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(w)
        self.procs.append(p)
        num = b""
        deadline = time.time() + 20
        while not num.endswith(b"\n") and time.time() < deadline:
            chunk = os.read(r, 16)
            if not chunk:
                break
            num += chunk
        os.close(r)
        if not num.strip():
            raise RuntimeError("Xvfb did not start")
        return ":" + num.decode().strip()

    def env(self):
        return dict(PATH="/usr/bin:/bin", DISPLAY=self.display, LC_ALL="C.UTF-8")

    def wireshark(self, args):
        cmd = ["env", "-i", f"HOME={self.top}", f"DISPLAY={self.display}", "PATH=/usr/bin:/bin",
               f"WIRESHARK_PLUGIN_DIR={self.top}/no-global-plugins", "LC_ALL=C.UTF-8",
               f"XDG_RUNTIME_DIR={self.runtime}", "wireshark", "-r", self.capture] + list(args)
        if os.geteuid() == 0:
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
        self.log = open(os.path.join(self.top, "wireshark.log"), "w")
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        self.procs.append(p)
        return p

    def x(self, *args, check=True):
        p = subprocess.run(list(args), env=self.env(), capture_output=True, text=True, timeout=60)
        if check and p.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {p.stderr}")
        return p.stdout

    def windows(self):
        out = self.x("xdotool", "search", "--onlyvisible", "--name", ".", check=False)
        res = {}
        for wid in out.split():
            res[wid] = self.x("xdotool", "getwindowname", wid, check=False).strip()
        return res

    def wait_window(self, pattern, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            for wid, name in self.windows().items():
                if re.search(pattern, name):
                    return wid
            if self.procs[-1].poll() is not None:
                break
            time.sleep(0.5)
        raise AssertionError(f"no window matching {pattern!r}; have {self.windows()}; "
                             f"wireshark log: {open(self.log.name).read()[-2000:]}")

    def shot(self, name):
        path = os.path.join(self.top, name + ".png")
        self.x("import", "-window", "root", path)
        return path

    def ocr(self, png, crop=None, psm=6):
        """Words with their boxes: list of dict(text, x, y, w, h, line)."""
        big = png[:-4] + ".ocr.png"
        args = ["convert", png]
        if crop:
            args += ["-crop", "%dx%d+%d+%d" % (crop[2], crop[3], crop[0], crop[1]), "+repage"]
        # 2x, grey: tesseract reads the 9-10 px UI font far better that way.
        self.x(*(args + ["-colorspace", "Gray", "-resize", "200%", big]))
        tsv = self.x("tesseract", big, "-", "--psm", str(psm), "tsv")
        ox, oy = (crop[0], crop[1]) if crop else (0, 0)
        words = []
        for row in tsv.splitlines()[1:]:
            c = row.split("\t")
            if len(c) < 12 or not c[11].strip():
                continue
            words.append(dict(text=c[11], x=ox + int(c[6]) // 2, y=oy + int(c[7]) // 2,
                              w=int(c[8]) // 2, h=int(c[9]) // 2, line=(c[2], c[3], c[4])))
        return words

    @staticmethod
    def lines(words):
        """OCR lines as (top y, text), in screen order."""
        by = {}
        for w in words:
            by.setdefault(w["line"], []).append(w)
        out = [(min(w["y"] for w in ws), " ".join(w["text"] for w in ws)) for ws in by.values()]
        return sorted(out)

    def click(self, x, y):
        self.x("xdotool", "mousemove", str(x), str(y), "click", "1")

    def hover(self, x, y, wait):
        """Rests on a menu entry: two small moves, as Qt opens a submenu on
        hover after a motion event."""
        self.x("xdotool", "mousemove", str(x + 5), str(y))
        time.sleep(0.3)
        self.x("xdotool", "mousemove", str(x + 15), str(y))
        time.sleep(wait)

    def pick_in_submenu(self, entry_y, x, y):
        """From the entry at entry_y, along its row into the submenu that it
        opened, then onto the item at (x, y) and click: a diagonal path would
        cross the menu's other entries and close the submenu."""
        self.x("xdotool", "mousemove", str(x - 20), str(entry_y))
        time.sleep(0.3)
        self.click(x + 10, y)

    def stop_wireshark(self):
        p = self.procs.pop()
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()

    def close(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        shutil.rmtree(self.top, ignore_errors=True)


def squash(s):
    """OCR text for matching: no spaces, lower case, the usual confusions
    (l/1/|/I, o/0) folded; applied to both sides of a comparison."""
    s = re.sub(r"\s+", "", s).lower()
    return s.translate(str.maketrans({"|": "1", "l": "1", "i": "1", "o": "0"}))


def find_word(words, text, below=0):
    for w in words:
        if squash(w["text"]).startswith(squash(text)) and w["y"] >= below:
            return w
    return None


def save_doc_shot(png, crop, dest):
    """A small PNG for docs/: cropped, 8-bit palette."""
    subprocess.run(["convert", png, "-crop", "%dx%d+%d+%d" % (crop[2], crop[3], crop[0], crop[1]), "+repage",
                    "-colors", "64", "PNG8:" + dest], check=True)
    size = os.path.getsize(dest)
    log(f"wrote {dest} ({size} bytes)")
    assert size < 300_000, f"{dest} is {size} bytes"


def main():
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        print(f"SKIP: {', '.join(missing)} not installed (packaging/deps.sh test installs them)")
        return SKIP
    no_plugin = os.environ.get("STOMP_GUI_NO_PLUGIN") == "1"
    plugin = None if no_plugin else os.environ.get("STOMP_PLUGIN")
    if not no_plugin and (not plugin or not os.path.exists(plugin)):
        print("set STOMP_PLUGIN to the built stomp.so", file=sys.stderr)
        return 2
    shots = os.environ.get("STOMP_GUI_SHOTS")
    truth, run_span = mco_ping_truth()
    assert set(truth) == {"db01.example.net", "web01.example.net", "app01.example.net"}, truth
    node = max(truth, key=truth.get)          # the slowest node: app01, 214.68 ms
    started = time.time()
    gui = Gui(plugin)
    failures = []
    try:
        # The replies of that node delivered to the client (MESSAGE frames);
        # Wireshark selects the first displayed packet. Source/Destination
        # columns are left out (all 127.0.0.1) so Protocol and Info fit; no
        # byte view, so the details pane gets the room.
        # Without the plugin (the control) that filter names unknown fields
        # and Wireshark would not open the file: the control shows the
        # capture unfiltered, and must fail on what the window shows.
        dfilter = [] if no_plugin else [
            "-Y", f'mcollective.senderid == "{node}" && stomp.command == "MESSAGE"']
        gui.wireshark(dfilter + [
            "-o", f"mcollective.psk:{PSK}",
            "-o", 'gui.column.format:"No.","%m","Time","%t","Protocol","%p","Length","%L","Info","%i"',
            "-o", "gui.layout_content_3:NONE",
        ])
        wid = gui.wait_window(re.escape(os.path.basename(CAPTURE)))
        log(f"window up after {time.time() - started:.1f} s")
        time.sleep(2)   # let the filter apply and the selection land
        # Click the STOMP line of the details pane and open it one level
        # (Right), then click the MCollective line in it and Expand Subtrees
        # (Shift+Right): the decoded reply opens, the STOMP headers stay shut.
        for label, key in (("Simple", "Right"), ("Marionette", "shift+Right")):
            # Polled: on a loaded machine the filter and the selection land late.
            for _ in range(6 if not no_plugin else 1):
                seen = gui.ocr(gui.shot("step"), (0, 200, SCREEN[0] // 2, SCREEN[1] - 200))
                hit = find_word(seen, label, below=200)
                if hit is not None:
                    break
                time.sleep(2)
            if hit is None:
                failures.append(f"details pane: no {label!r} line to open")
                break
            gui.click(hit["x"] + 40, hit["y"] + 5)
            time.sleep(0.5)
            gui.x("xdotool", "key", key)
            time.sleep(1)
        main_png = gui.shot("main")
        words = gui.ocr(main_png)
        lines = gui.lines(words)
        # Where the details pane starts: its first line, "Frame N: ... bytes on wire".
        tree_y = next((y for y, t in lines if re.match(r"^\W*Frame \d+: .*bytes on wire", t)), None)
        if tree_y is None:
            failures.append("no packet details pane (\"Frame N: ... bytes on wire\") on screen")
            tree_y = SCREEN[1]
        plist = [t for _, t in gui.lines(gui.ocr(main_png, (0, 80, SCREEN[0], 200)))]
        tree = [t for y, t in lines if y >= tree_y]
        log("packet list (OCR):\n  " + "\n  ".join(plist[:12]))
        log("details (OCR):\n  " + "\n  ".join(tree[:60]))

        # 1. Packet list: rows whose Protocol column is MCollective and whose
        # Info is a STOMP MESSAGE carrying that node's reply.
        rows = [t for t in plist if re.search(r"\bMESSAGE\b", t) and squash("MCollective") in squash(t)
                and squash(f"reply from {node}") in squash(t)]
        if not rows:
            failures.append(f"packet list: no MCollective MESSAGE row 'reply from {node}'")
        # 2. Details: the STOMP layer and the decoded MCollective reply of that node.
        flat = squash("\n".join(tree))
        for want in ["Simple Text Oriented Messaging Protocol, MESSAGE",
                     f"Sender id: {node}", "Sender agent: discovery", "Kind: reply",
                     "Security plugin: psk", "Time measured from: client start",
                     "PSK hash verified"]:
            if squash(want) not in flat:
                failures.append(f"details: {want!r} not shown")
        # 3. The reply's time in the tree agrees with what mco ping printed.
        m = re.search(r"\[Time: (\d\.\d+) seconds\]", "\n".join(tree).replace("©", "0"))
        if not m:
            failures.append("details: no reply time")
        elif abs(float(m.group(1)) * 1000 - truth[node]) > 5:
            failures.append(f"details: {node} {m.group(1)} ms, mco ping said {truth[node]} ms")
        else:
            log(f"{node}: window {float(m.group(1)) * 1000:.2f} ms, mco ping {truth[node]} ms")
        # 4. It is the reply to that first run (other runs' app01 replies
        # took 208-216 ms too): its :msgtime lies within the run.
        m = re.search(r"Message time: (\w{3} \d+, \d{4} \d\d:\d\d:\d\d)\.\d+ UTC",
                      "\n".join(tree).replace("©", "0"))
        if not m:
            failures.append("details: no message time")
        else:
            msgtime = calendar.timegm(time.strptime(m.group(1), "%b %d, %Y %H:%M:%S"))
            if not int(run_span[0]) <= msgtime <= run_span[1]:
                failures.append(f"details: message time {m.group(1)} ({msgtime}) outside the "
                                f"first mco ping run {run_span}")
        if shots:
            save_doc_shot(main_png, (0, 0, SCREEN[0], min(SCREEN[1], tree_y + 560)),
                          os.path.join(shots, "gui-mcollective-reply.png"))

        # 5. The packet list's Conversation Filter > STOMP destination and
        # STOMP connection entries, applied to that reply.
        if not no_plugin or not failures:
            failures += conversation_filters(gui, truth)

        # 6. Statistics > MCollective > mco ping, through the menus, in a
        # second window on the whole capture (no display filter).
        gui.stop_wireshark()
        failures += mco_ping_window(gui, mco_ping_runs(), shots)
    finally:
        gui.close()
    log(f"took {time.time() - started:.1f} s")
    if failures:
        print("FAIL:\n  " + "\n  ".join(failures))
        return 1
    print("OK: the window shows the MCollective rows, the decoded reply and the mco ping view")
    return 0


def context_menu_pick(gui, row_y, row_x, entry):
    """Right-click the packet list row at row_y, then Conversation Filter >
    entry (by mouse, each menu read by OCR). Returns None or what went wrong."""
    for attempt in range(3):
        gui.x("xdotool", "mousemove", str(row_x), str(row_y), "click", "3")
        time.sleep(1 + attempt)
        conv = find_word(gui.ocr(gui.shot("context")), "Conversation", below=row_y)
        if conv:
            break
        gui.x("xdotool", "key", "Escape")
        time.sleep(1)
    else:
        return "packet list context menu: no Conversation Filter entry"
    cy = conv["y"] + conv["h"] // 2
    for attempt in range(3):
        gui.hover(conv["x"], cy, 1 + attempt)
        # The submenu opens to the right of the menu, from the entry's row
        # down: every protocol with a conversation filter, ours last.
        sub = gui.ocr(gui.shot("convmenu"), (conv["x"] + 270, max(0, cy - 20), 320, 460))
        rows = {squash(t): y for y, t in gui.lines(sub)}
        y = rows.get(squash(entry))
        if y is not None:
            x = next(w["x"] for w in sub if w["y"] >= y - 2 and squash(w["text"]) == squash(entry.split()[0]))
            gui.pick_in_submenu(cy, x, y + 5)
            return None
        log(f"Conversation Filter submenu (attempt {attempt + 1}): {list(rows)}")
    return f"Conversation Filter submenu: no {entry!r} entry"


def filter_bar_and_list(gui):
    """(display filter text, packet list lines, displayed count, packet
    count) as the window shows them."""
    png = gui.shot("filtered")
    bar = " ".join(t for _, t in gui.lines(gui.ocr(png, (0, 55, SCREEN[0] - 90, 30))))
    plist = [t for _, t in gui.lines(gui.ocr(png, (0, 100, SCREEN[0], 240)))]
    status = " ".join(t for _, t in gui.lines(gui.ocr(png, (0, SCREEN[1] - 30, SCREEN[0], 30))))
    m = re.search(r"Displayed: (\d+)", status)
    n = re.search(r"Packets: (\d+)", status)
    return bar, plist, int(m.group(1)) if m else None, int(n.group(1)) if n else None


def conversation_filters(gui, truth):
    """Packet list > Conversation Filter on the selected MESSAGE (the slowest
    node's reply to the first `mco ping`). Ground truth
    (../shared/docs/mcollective-wire-format.md, activemq connector, 2.6+):
    the client ops01.example.net (its identity, test-captures/mcollective)
    gets replies on /queue/mcollective.reply.<identity>_<pid>.<n>, n = the
    process's request count, 1 for the ping; it subscribes to it before its
    request and unsubscribes after, and each node's reply is one SEND to it
    and one MESSAGE from it. So "STOMP destination" must apply
    stomp.destination == that queue and show 2 + 2 x (nodes mco ping
    printed) packets: the SEND and MESSAGE of every node's reply."""
    failures = []
    plist = gui.ocr(gui.shot("list"), (0, 100, SCREEN[0], 30))
    row = find_word(plist, "MESSAGE")
    if not row:
        return ["packet list: no selected MESSAGE row to right-click"]
    err = context_menu_pick(gui, row["y"] + 4, row["x"] + 10, "STOMP destination")
    if err:
        return [err]
    for attempt in range(4):
        time.sleep(2)
        bar, rows, shown, _ = filter_bar_and_list(gui)
        if "destination" in bar and shown is not None:
            break
    log(f"after Conversation Filter > STOMP destination: filter {bar!r}, displayed {shown}, "
        "rows (OCR):\n  " + "\n  ".join(rows))
    flat = bar.replace(" ", "")
    m = re.search(r'stomp\.destination=="(/queue/mcollective\.reply\.ops0[1l]\.example\.net_\d+\.(\d+))"',
                  flat)
    if not m:
        failures.append(f"STOMP destination: filter bar reads {bar!r}, not stomp.destination == "
                        "\"/queue/mcollective.reply.ops01.example.net_<pid>.<n>\"")
    elif m.group(2) != "1":
        failures.append(f"STOMP destination: {m.group(1)} is not the process's first reply queue")
    if shown != 2 + 2 * len(truth):
        failures.append(f"STOMP destination: {shown} packets displayed, want {2 + 2 * len(truth)} "
                        f"(SUBSCRIBE, UNSUBSCRIBE, a SEND and a MESSAGE for each of {sorted(truth)})")
    for cmd in ("SUBSCRIBE", "UNSUBSCRIBE"):
        if not any(re.search(rf"\b{cmd} /queue/", t) for t in rows):
            failures.append(f"STOMP destination: no {cmd} row")
    for node in truth:
        for cmd in ("SEND", "MESSAGE"):
            if not any(re.search(rf"\b{cmd}\b", t) and squash(f"reply from {alpha(node)}") in squash(t)
                       for t in rows):
                failures.append(f"STOMP destination: no {cmd} row of {node}'s reply")
    # STOMP connection: the selected MESSAGE's TCP connection, the client's
    # own. It carries the client's ping request (a SEND to the discovery
    # agent) and the replies the broker delivers (MESSAGE), but none of the
    # nodes' reply SENDs: each node has its own connection.
    sel = next(((y, t) for y, t in gui.lines(gui.ocr(gui.shot("list2"), (0, 100, SCREEN[0], 240)))
                if re.search(r"\bMESSAGE\b", t) and squash(f"reply from {alpha(max(truth, key=truth.get))}")
                in squash(t)), None)
    if sel is None:
        return failures + ["STOMP connection: the reply's row is gone after the destination filter"]
    err = context_menu_pick(gui, sel[0] + 4, 330, "STOMP connection")
    if err:
        return failures + [err]
    for attempt in range(4):
        time.sleep(2)
        bar, rows, shown, total = filter_bar_and_list(gui)
        if "stream" in bar:
            break
    log(f"after Conversation Filter > STOMP connection: filter {bar!r}, displayed {shown}, "
        "rows (OCR):\n  " + "\n  ".join(rows))
    if not re.search(r"tcp\.stream\s*eq\s*\d+", bar):
        failures.append(f"STOMP connection: filter bar reads {bar!r}, not tcp.stream eq <n>")
    if not any(re.search(r"\bSEND /topic/mcollective\.discovery\.agent\b", t)
               and squash("request discovery ping") in squash(t) for t in rows):
        failures.append("STOMP connection: no row of the client's ping request (SEND)")
    if not any(re.search(r"\bMESSAGE\b", t) and squash("reply from") in squash(t) for t in rows):
        failures.append("STOMP connection: no reply MESSAGE row")
    nodes_sends = [t for t in rows if re.search(r"\bSEND\b", t) and squash("reply from") in squash(t)]
    if nodes_sends:
        failures.append(f"STOMP connection: a node's reply SEND in the client's connection: {nodes_sends}")
    if shown is None or total is None or not 2 + 2 * len(truth) < shown < total:
        failures.append(f"STOMP connection: {shown} of {total} packets displayed")
    return failures


def mco_ping_runs():
    """[{node: ms}] of every `mco ping` run in mco.txt, in the order they ran."""
    with open(MCO_TXT, encoding="utf-8") as f:
        text = f.read()
    runs = []
    for block in re.split(r"^### ", text, flags=re.M)[1:]:
        if block.startswith("mco ping"):
            runs.append({m.group(1): float(m.group(2))
                         for m in re.finditer(r"^(\S+)\s+time=([\d.]+) ms", block, re.M)})
    return runs


def alpha(name):
    """A node name's letters before its first digit ("app01.example.net" ->
    "app"): what OCR keeps of it when it misreads 0/O/1/l."""
    return re.match(r"[a-z]*", name.lower()).group(0)


def open_menu_item(gui, path, extra=(), tries=3):
    """Statistics > MCollective > mco ping by mouse, each menu read by OCR.
    Returns None or what went wrong."""
    menubar = gui.ocr(gui.shot("bar"), (0, 0, SCREEN[0], 40))
    top = find_word(menubar, path[0])
    if not top:
        return f"menu bar: no {path[0]} menu"
    for attempt in range(tries):
        gui.click(top["x"] + top["w"] // 2, top["y"] + top["h"] // 2)
        time.sleep(1 + attempt)
        menu = gui.ocr(gui.shot("menu"), (top["x"] - 10, 20, 420, SCREEN[1] - 20))
        # Wireshark's own entries tell an open menu from one still closed.
        if find_word(menu, "Conversations") and find_word(menu, "Endpoints"):
            break
        log(f"{path[0]} menu not open yet (attempt {attempt + 1})")
        gui.x("xdotool", "key", "Escape")
        time.sleep(1)
    log("Statistics menu (OCR): " + " | ".join(t for _, t in gui.lines(menu)))
    for entry in list(path[1:-1]) + list(extra):
        if not find_word(menu, entry):
            return f"{path[0]} menu: no {entry} entry"
    item = find_word(menu, path[1])
    if not item:
        return f"{path[0]} menu: no {path[1]} entry"
    iy = item["y"] + item["h"] // 2
    for attempt in range(tries):
        gui.hover(item["x"], iy, 1 + attempt)
        # The submenu opens to the right of the menu, level with the entry;
        # sparse-text OCR (psm 11) finds its lone line among blank space.
        sub = gui.ocr(gui.shot("submenu"), (item["x"] + 250, max(0, iy - 80), 600, 200), psm=11)
        want = path[2].split()[0]
        hit = next((w for w in sub if squash(w["text"]) == squash(want)), None)
        if hit:
            gui.pick_in_submenu(iy, hit["x"], hit["y"] + hit["h"] // 2)
            return None
        log(f"submenu not read yet (attempt {attempt + 1}): {[w['text'] for w in sub]}")
    return f"{path[0]} > {path[1]}: no {path[2]!r} submenu entry"


def png_crop(gui, wid):
    """The screen rectangle of window wid, clipped to the screen."""
    geo = gui.x("xdotool", "getwindowgeometry", wid)
    pos = re.search(r"Position: (\d+),(\d+)", geo)
    size = re.search(r"Geometry: (\d+)x(\d+)", geo)
    crop = (int(pos.group(1)), int(pos.group(2)), int(size.group(1)), int(size.group(2))) \
        if pos and size else (0, 0, SCREEN[0], SCREEN[1])
    return (crop[0], crop[1], min(crop[2], SCREEN[0] - crop[0]), min(crop[3], SCREEN[1] - crop[1]))


def read_ping_window(gui, wid):
    """(screenshot, [{agent, action, frame, replies: {node letters: ms}}])
    read from the mco ping window."""
    png = gui.shot("ping")
    lines = [t for _, t in gui.lines(gui.ocr(png, png_crop(gui, wid)))]
    log("mco ping window (OCR):\n  " + "\n  ".join(lines))
    # Requests: "discovery ping 9f9fc8d3 (frame 211) 3 95.68 ..."; replies
    # under them: "db01.example.net 1 15.78 ...".
    requests, current = [], None
    for t in lines:
        t = t.replace("©", "0")
        m = re.search(r"(\w+) (\w+) (\w{8}) \(frame (\d+)\)", t)
        if m:
            current = dict(agent=m.group(1), action=m.group(2), frame=int(m.group(4)), replies={})
            requests.append(current)
            continue
        m = re.search(r"(\S+)\.example\.net\s+1\s+(\d+\.\d\d)\b", t)
        if m and current is not None:
            current["replies"][alpha(m.group(1))] = float(m.group(2))
    return png, requests


def mco_ping_window(gui, runs, shots):
    """Opens Statistics > MCollective > mco ping in a fresh window on the
    whole capture and reads the per-request rows. Ground truth: each
    `mco ping` run's nodes and times as mco printed them, matched in run
    order to the window's discovery ping requests (by request frame)."""
    failures = []
    gui.wireshark(["-o", f"mcollective.psk:{PSK}"])
    gui.wait_window(re.escape(os.path.basename(CAPTURE)))
    time.sleep(2)
    err = open_menu_item(gui, ("Statistics", "MCollective", "mco ping"), extra=("STOMP",))
    if err:
        return [err]
    wid = gui.wait_window(r"mco ping", timeout=30)
    # Room for every row: 7 requests and their replies.
    gui.x("xdotool", "windowsize", wid, "840", "620")
    gui.x("xdotool", "windowmove", wid, "40", "60")
    for attempt in range(4):
        time.sleep(2)
        png, requests = read_ping_window(gui, wid)
        pings = [r for r in requests if (r["agent"], r["action"]) == ("discovery", "ping")]
        if len(pings) >= len(runs) and all(r["replies"] for r in pings):
            break
        log(f"mco ping window not complete yet (attempt {attempt + 1})")
    pings.sort(key=lambda r: r["frame"])
    if len(pings) < len(runs):
        failures.append(f"mco ping window: {len(pings)} discovery ping requests, "
                        f"mco ran {len(runs)} pings")
    for i, (run, req) in enumerate(zip(runs, pings)):
        want = {alpha(n): ms for n, ms in run.items()}
        if set(req["replies"]) != set(want):
            failures.append(f"mco ping window, request in frame {req['frame']}: nodes "
                            f"{sorted(req['replies'])}, mco ping run {i + 1} had {sorted(want)}")
            continue
        for node, ms in want.items():
            got = req["replies"][node]
            if abs(got - ms) > 5:
                failures.append(f"mco ping window: {node} {got} ms, mco ping said {ms} ms")
        log(f"run {i + 1} (frame {req['frame']}): window {req['replies']}, mco ping {want}")
    if shots:
        save_doc_shot(png, png_crop(gui, wid), os.path.join(shots, "gui-mco-ping.png"))
    return failures


if __name__ == "__main__":
    sys.exit(main())
