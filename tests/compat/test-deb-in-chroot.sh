#!/usr/bin/env bash
# test-deb-in-chroot.sh [SUITE] - proves the .deb (packaging/build-deb.sh) on
# a clean Debian root filesystem (debootstrap minbase, no dev packages):
#   - Depends names libwireshark<N> for the soname stomp.so's DT_NEEDED asks for,
#     and every DT_NEEDED library resolves once apt-get has installed it;
#   - `apt-get install ./wireshark-plugin-stomp_*.deb` pulls tshark in;
#   - `tshark -G plugins` lists the system stomp.so, for root and for nobody;
#   - a bundled capture decodes: the count of each stomp.command equals what
#     the client sent (test-captures/MANIFEST.json);
#   - `apt-get remove`, then purge, leave nothing: the file listing after them is
#     the listing after install minus exactly the package's own files.
# SUITE = the host's release (default): the .deb is built on the host. Another
# release (trixie, sid): built in its cached dev root filesystem
# (tests/compat/make-chroot.sh SUITE, in its /build/deb), install-tested in a clean
# SUITE-base. The clean base is cached; each run works on a fresh copy of it.
# Needs root and a Debian mirror. Prints the minutes of each step.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
host_suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
suite=${1:-$host_suite}
cache=${STOMP_CHROOT_DIR:-/var/cache/stomp-compat}
work=$cache/$suite-debtest
capture=amq-py12-basic.pcap   # ActiveMQ + python3-stomp, port 61613
jobs=$(nproc)

mins() { awk -v s="$1" -v e="$(date +%s)" 'BEGIN { printf "%.1f", (e - s) / 60 }'; }
fail() { echo "test-deb[$suite]: FAIL: $*" >&2; exit 1; }
say() { echo "test-deb[$suite]: $*"; }

mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount "${mounted[i]}" || umount -l "${mounted[i]}"; done
  mounted=()
}
trap cleanup EXIT
bind() {  # bind SRC DEST [ro]
  mkdir -p "$2"
  mount --bind "$1" "$2"
  mounted+=("$2")
  [[ ${3:-} == ro ]] && mount -o remount,bind,ro "$2"
  return 0
}
in_root() {  # in_root ROOT CMD...
  local r=$1; shift
  chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp/home LC_ALL=C.UTF-8 \
    DEBIAN_FRONTEND=noninteractive "$@"
}

# 1. the clean root filesystem, and a fresh copy of it to dirty
t0=$(date +%s)
"$top/tests/compat/make-chroot.sh" "$suite" base
rm -rf "$work"
cp -a --reflink=auto "$cache/$suite-base" "$work"
say "clean root filesystem (+ copy): $(mins "$t0") min"

# 2. the .deb, built against SUITE's Wireshark
t1=$(date +%s)
if [[ $suite == "$host_suite" ]]; then
  "$top/packaging/build-deb.sh" >/dev/null
  deb=$(ls "$top"/build-deb/wireshark-plugin-stomp_*.deb)
else
  dev=$cache/$suite
  "$top/tests/compat/make-chroot.sh" "$suite"
  bind /proc "$dev/proc"
  bind "$top" "$dev/src" ro
  # cpack's dpkg-shlibdeps step needs file(1); dev roots made before it was
  # in make-chroot.sh's list lack it
  in_root "$dev" sh -c 'command -v file >/dev/null || apt-get install -y -qq --no-install-recommends file' >/dev/null
  in_root "$dev" bash -euo pipefail -c '
    rm -rf /build/deb && mkdir -p /build/deb
    cmake -S /src -B /build/deb -DCMAKE_BUILD_TYPE=Release -DSTOMP_BUILD_TESTS=OFF \
      -DSTOMP_INSTALL_SYSTEM=ON -DCMAKE_INSTALL_PREFIX=/usr >/build/deb/cmake.log
    cmake --build /build/deb -j'"$jobs"' >/build/deb/make.log 2>&1 || { tail -40 /build/deb/make.log; exit 1; }
    cd /build/deb && cpack -G DEB >/build/deb/cpack.log || { tail -20 /build/deb/cpack.log; exit 1; }'
  cleanup
  deb=$(ls "$dev"/build/deb/wireshark-plugin-stomp_*.deb)
fi
say "build .deb: $(mins "$t1") min: $(basename "$deb")"

# 3. Depends vs DT_NEEDED
x=$work/tmp/debx
mkdir -p "$x"
dpkg-deb -x "$deb" "$x"
so=$(cd "$x" && find . -name stomp.so | sed 's/^\.//')
[[ -n $so ]] || fail "no stomp.so in $deb"
needed=$(readelf -d "$x$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
ws_soname=$(grep '^libwireshark\.so\.' <<<"$needed") || fail "stomp.so needs no libwireshark"
ws_pkg=libwireshark${ws_soname##*.so.}
depends=$(dpkg-deb -f "$deb" Depends)
say "Depends: $depends"
say "DT_NEEDED: $(echo $needed)"
grep -Eq "(^|, )$ws_pkg \(>= " <<<"$depends" || fail "Depends lacks $ws_pkg (>= ...)"
grep -Eq "(^|, )$ws_pkg \(<< " <<<"$depends" || fail "Depends lacks an upper bound on $ws_pkg"
other=$(grep -o 'libwireshark[0-9]*' <<<"$depends" | sort -u | grep -vx "$ws_pkg" || true)
[[ -z $other ]] || fail "Depends names another libwireshark: $other"
rm -rf "$x"

# 4. install with apt-get (Recommends on, as for a user), from a listing of the clean state
listing() {  # the root filesystem's paths, without the volatile ones
  (cd "$work" && find . -xdev \( -path ./proc -o -path ./dev -o -path ./tmp -o -path ./run \
     -o -path ./var/log -o -path ./var/cache -o -path ./var/lib/apt \) -prune -o -print) | LC_ALL=C sort
}
bind /proc "$work/proc"
bind /dev "$work/dev"
mkdir -p "$work/tmp/home" && chmod 1777 "$work/tmp" && chmod 0777 "$work/tmp/home"
cp "$deb" "$work/tmp/"
cp "$top/test-captures/$capture" "$work/tmp/"
chmod a+r "$work/tmp/$capture"
echo 'Acquire::Check-Valid-Until "false";' >"$work/etc/apt/apt.conf.d/99stomp-no-valid-until"
echo "wireshark-common wireshark-common/install-setuid boolean false" | in_root "$work" debconf-set-selections
t2=$(date +%s)
in_root "$work" apt-get update -qq
listing >"$work/tmp/list.before"
in_root "$work" apt-get install -y -qq "/tmp/$(basename "$deb")" \
  >"$work/tmp/apt-install.log" 2>&1 || { tail -20 "$work/tmp/apt-install.log"; fail "apt-get install"; }
say "apt-get install (pulls tshark): $(mins "$t2") min: $(in_root "$work" tshark --version 2>/dev/null | head -1)"
listing >"$work/tmp/list.installed"
in_root "$work" dpkg -L wireshark-plugin-stomp >"$work/tmp/dpkg-L"
grep -qx "$so" "$work/tmp/dpkg-L" || fail "dpkg -L does not list $so"

# 5. the plugin loads and decodes
t3=$(date +%s)
libs=$(in_root "$work" sh -c 'for l in /lib64/ld-linux-*.so.* /lib/ld-linux*.so.*; do [ -x "$l" ] && exec "$l" --list "$1"; done' sh "$so")
! grep -q "not found" <<<"$libs" || fail "unresolved libraries: $(grep 'not found' <<<"$libs")"
for who in root nobody; do
  run=(); [[ $who == nobody ]] && run=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  plugins=$(in_root "$work" "${run[@]}" tshark -G plugins 2>"$work/tmp/tshark.err")
  grep -E "^stomp\.so[[:space:]].*[[:space:]]$so\$" <<<"$plugins" >/dev/null ||
    fail "tshark -G plugins ($who) does not list $so: $(grep -i stomp <<<"$plugins")"
  got=$(in_root "$work" "${run[@]}" tshark -n -r "/tmp/$capture" -Y stomp -T fields -E occurrence=a \
          -E aggregator=, -e stomp.command 2>>"$work/tmp/tshark.err" | tr ',' '\n' | grep . | LC_ALL=C sort | uniq -c |
          awk '{print $2, $1}')
  want=$(python3 -c 'import json,sys
m = json.load(open(sys.argv[1]))[sys.argv[2]]
for c, n in sorted(m["frames"].items()): print(c, n)' "$top/test-captures/MANIFEST.json" "$capture")
  [[ $got == "$want" ]] || fail "stomp.command counts ($who) differ from MANIFEST.json:
$(diff <(echo "$want") <(echo "$got"))"
  say "tshark as $who: lists $so; $capture decodes to $(wc -l <<<"$got") commands, $(awk '{s+=$2} END {print s}' <<<"$got") frames = MANIFEST.json"
done
say "load + decode: $(mins "$t3") min"

# 6. remove, then purge: only the package's own files go, nothing of it stays
t4=$(date +%s)
ours() {  # the package's files (not directories) and its dpkg bookkeeping
  while read -r p; do [[ -d $work$p ]] || echo ".$p"; done <"$work/tmp/dpkg-L"
  (cd "$work" && ls -d ./var/lib/dpkg/info/wireshark-plugin-stomp.* 2>/dev/null)
}
ours | LC_ALL=C sort >"$work/tmp/ours"
in_root "$work" apt-get remove -y -qq wireshark-plugin-stomp >"$work/tmp/apt-remove.log" 2>&1 ||
  { tail -20 "$work/tmp/apt-remove.log"; fail "apt-get remove"; }
# (without conffiles, remove already forgets the package: apt-get purge would
# not find it; dpkg --purge covers a config-files state)
in_root "$work" dpkg --purge wireshark-plugin-stomp >>"$work/tmp/apt-remove.log" 2>&1 ||
  { tail -20 "$work/tmp/apt-remove.log"; fail "dpkg --purge"; }
listing >"$work/tmp/list.removed"
while read -r p; do
  [[ -d $work$p ]] || [[ ! -e $work$p ]] || fail "$p is still there after remove"
done <"$work/tmp/dpkg-L"
gone=$(LC_ALL=C comm -23 "$work/tmp/list.installed" "$work/tmp/list.removed")
new=$(LC_ALL=C comm -13 "$work/tmp/list.installed" "$work/tmp/list.removed")
[[ -z $new ]] || fail "remove/purge added: $new"
[[ $gone == "$(cat "$work/tmp/ours")" ]] || fail "remove/purge took other than the package's files:
$(diff "$work/tmp/ours" <(echo "$gone"))"
left=$(LC_ALL=C comm -13 "$work/tmp/list.before" "$work/tmp/list.removed" | grep -i 'stomp' || true)
[[ -z $left ]] || fail "left behind: $left"
if in_root "$work" dpkg-query -W -f='${Status}' wireshark-plugin-stomp 2>/dev/null | grep -q installed; then
  fail "dpkg still knows wireshark-plugin-stomp"
fi
say "remove + purge: $(mins "$t4") min: $(wc -l <"$work/tmp/ours") paths gone ($(grep -c . "$work/tmp/dpkg-L") in dpkg -L), nothing else changed, no stomp path left"

cleanup
rm -rf "$work"
say "PASS; total $(mins "$t0") min"
