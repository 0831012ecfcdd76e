#!/usr/bin/env bash
# build-in-chroot.sh SUITE [ctest args] - builds this source tree with
# -DSTOMP_WERROR=ON against another Debian release's Wireshark and runs CTest
# (GoogleTest units + tshark integration tests) inside that release's root
# filesystem (tests/compat/make-chroot.sh, cached). The source is bind-mounted
# read-only at /src; the build lives in the root filesystem's /build.
#   tests/compat/build-in-chroot.sh trixie      # Wireshark 4.4
#   tests/compat/build-in-chroot.sh sid -L unit # newest Debian Wireshark, units only
# Needs root. Prints the minutes of each step.
set -euo pipefail
suite=${1:?usage: build-in-chroot.sh SUITE [ctest args]}
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
root=${STOMP_CHROOT_DIR:-/var/cache/stomp-compat}/$suite
jobs=$(nproc)

mins() { awk -v s="$1" -v e="$(date +%s)" 'BEGIN { printf "%.1f", (e - s) / 60 }'; }

t0=$(date +%s)
"$top/tests/compat/make-chroot.sh" "$suite"
echo "compat[$suite]: root filesystem: $(mins "$t0") min"

mounted=()
cleanup() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount "${mounted[i]}" || umount -l "${mounted[i]}"; done
}
trap cleanup EXIT
bind() {  # bind SRC DEST [ro]
  mkdir -p "$2"
  mount --bind "$1" "$2"
  mounted+=("$2")
  [[ ${3:-} == ro ]] && mount -o remount,bind,ro "$2"
  return 0
}
bind /proc "$root/proc"
bind /dev "$root/dev"
bind "$top" "$root/src" ro

t1=$(date +%s)
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
  bash -euo pipefail -c '
    echo "compat: $(tshark --version | head -1)"
    rm -rf /build && mkdir /build
    cmake -S /src -B /build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTOMP_WERROR=ON \
      -DSTOMP_BUILD_PLUGIN=ON -DSTOMP_BUILD_TESTS=ON >/build/cmake.log
    cmake --build /build -j'"$jobs"' >/build/make.log 2>&1 || { tail -40 /build/make.log; exit 1; }
    ! grep -n "warning:" /build/make.log'
echo "compat[$suite]: build (-Werror): $(mins "$t1") min"

t2=$(date +%s)
chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
  bash -c 'cd /build && ctest --output-on-failure -j'"$jobs"' "$@"' ctest "$@"
echo "compat[$suite]: ctest: $(mins "$t2") min; total $(mins "$t0") min"
