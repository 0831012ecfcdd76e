#!/usr/bin/env bash
# build-deb.sh - builds wireshark-plugin-stomp_<version>_<arch>.deb, which
# installs stomp.so into Wireshark's system plugin folder.
#   packaging/build-deb.sh && sudo apt install ./build-deb/wireshark-plugin-stomp_*.deb
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/packaging/deps.sh" build
cmake -S "$top" -B "$top/build-deb" -DCMAKE_BUILD_TYPE=Release -DSTOMP_BUILD_TESTS=OFF \
  -DSTOMP_INSTALL_SYSTEM=ON -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
cmake --build "$top/build-deb" -j"$(nproc)"
(cd "$top/build-deb" && cpack -G DEB)
ls -1 "$top"/build-deb/*.deb
