#!/usr/bin/env bash
# Installs the Debian 12 packages Guichet needs to build, test and benchmark,
# if they are missing. Safe to run again: it installs nothing when all is there.
set -euo pipefail

packages=(
  build-essential cmake ccache pkg-config clang libclang-rt-14-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libboost1.81-dev libboost-json1.81-dev libcli11-dev libsqlite3-dev libsodium-dev libssl-dev
  libstemmer-dev libgmime-3.0-dev libcurl4-openssl-dev libxml2-dev
  openssl curl
  tzdata
  libre-dev libspandsp-dev espeak-ng sox
  chromium sip-tester baresip-core
  dovecot-imapd dovecot-lmtpd postfix
)

# The web interface is built with the machine's Node.js (20 or later: Vite 8
# needs it; Debian 12's own nodejs package is 18).
if ! node_version=$(node --version 2>/dev/null) || [ "${node_version#v}" \< "20" ]; then
  echo "Node.js 20 or later is needed to build the web interface (found: ${node_version:-none})." >&2
  echo "Install it, or build without the interface: make CMAKE_FLAGS=-DGUICHET_WEB=OFF" >&2
fi

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
# The email tests run their own Dovecot and Postfix on loopback: the
# machine's must not start, nor Postfix ask how to configure itself.
echo 'postfix postfix/main_mailer_type select No configuration' | $sudo debconf-set-selections
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod +x /usr/sbin/policy-rc.d
  trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
fi
$sudo apt-get update -q || true
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
