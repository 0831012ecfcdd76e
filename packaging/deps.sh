#!/usr/bin/env bash
# deps.sh - installs the Debian/Ubuntu packages a step needs, only when missing.
#   packaging/deps.sh build     plugin build + tshark
#   packaging/deps.sh test      + GoogleTest, Python, editcap, valgrind, clang (fuzzing), debootstrap (.deb test),
#                               and for tests/gui: Xvfb, Wireshark's Qt GUI, xdotool, ImageMagick, tesseract
set -euo pipefail

build_pkgs=(cmake g++ make pkg-config dpkg-dev file libwireshark-dev wireshark-dev tshark libglib2.0-dev libyaml-dev
            libgcrypt20-dev   # packet-tls-utils.h includes gcrypt.h; 4.4+ -dev does not pull it in
            libgnutls28-dev)  # MCollective ssl / aes_security keys (plugin/mcollective/mco_crypto.cpp)
test_pkgs=(googletest libgtest-dev python3 valgrind debootstrap clang-14 libclang-rt-14-dev util-linux time
           xvfb wireshark-qt xdotool imagemagick tesseract-ocr tesseract-ocr-eng fonts-dejavu-core)

want=("${build_pkgs[@]}")
[[ "${1:-build}" == test ]] && want+=("${test_pkgs[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0

echo "Installing: ${missing[*]}"
SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# tshark's package asks whether non-root users may capture; answer for it.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections || true
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
