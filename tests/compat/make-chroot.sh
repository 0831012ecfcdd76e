#!/usr/bin/env bash
# make-chroot.sh SUITE - a Debian root filesystem (debootstrap, minbase) with
# that release's Wireshark development packages, tshark and our build/test
# tools, cached in $STOMP_CHROOT_DIR/SUITE (default /var/cache/stomp-compat).
# Reused when it exists and is complete; `--fresh` rebuilds it. Needs root and
# a Debian mirror ($STOMP_MIRROR, default http://deb.debian.org/debian).
#   tests/compat/make-chroot.sh trixie        # Wireshark 4.4
#   tests/compat/make-chroot.sh sid           # newest Debian Wireshark
#   tests/compat/make-chroot.sh bookworm base # no dev packages: for .deb install tests
set -euo pipefail

suite=${1:?usage: make-chroot.sh SUITE [dev|base] [--fresh]}
kind=${2:-dev}
fresh=0
for a in "$@"; do [[ $a == --fresh ]] && fresh=1; done
[[ $kind == --fresh ]] && kind=dev
top=${STOMP_CHROOT_DIR:-/var/cache/stomp-compat}
root=$top/$suite
[[ $kind == base ]] && root=$top/$suite-base
mirror=${STOMP_MIRROR:-http://deb.debian.org/debian}

# what the build and the tests need inside (packaging/deps.sh build+test,
# without the fuzz/valgrind tools that only the host's run-all.sh uses)
pkgs=(cmake g++ make pkg-config dpkg-dev file libwireshark-dev wireshark-dev tshark
      libglib2.0-dev libgcrypt20-dev libgnutls28-dev libyaml-dev googletest libgtest-dev python3 util-linux time)
[[ $kind == base ]] && pkgs=()

stamp=$root/.stomp-chroot-ready
if [[ -e $stamp && $fresh == 0 ]]; then
  echo "make-chroot: $root ready ($(cat "$stamp"))"
  exit 0
fi

t0=$(date +%s)
rm -rf "$root"
mkdir -p "$top"
debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$top/$suite-$kind.debootstrap.log" 2>&1 || {
  tail -20 "$top/$suite-$kind.debootstrap.log"; exit 1; }
t1=$(date +%s)

if ((${#pkgs[@]})); then
  echo "wireshark-common wireshark-common/install-setuid boolean false" |
    chroot "$root" debconf-set-selections
  mount --bind /proc "$root/proc"
  trap 'umount "$root/proc"' EXIT
  # sid's Release carries a Valid-Until; a mirror snapshot (or a slow clock)
  # would make apt refuse it, and the date is not what we test.
  echo 'Acquire::Check-Valid-Until "false";' >"$root/etc/apt/apt.conf.d/99stomp-no-valid-until"
  chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  chroot "$root" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >"$top/$suite-$kind.apt.log" 2>&1 || {
    tail -20 "$top/$suite-$kind.apt.log"; exit 1; }
  chroot "$root" apt-get clean
fi
t2=$(date +%s)
ws=$(chroot "$root" dpkg-query -W -f='${Version}' tshark 2>/dev/null || echo none)
echo "suite=$suite kind=$kind tshark=$ws debootstrap_s=$((t1 - t0)) packages_s=$((t2 - t1))" >"$stamp"
echo "make-chroot: $root made: $(cat "$stamp")"
