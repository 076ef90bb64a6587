#!/bin/sh
# Installs the Debian 12 packages edbridge needs to build, test and run.
# Idempotent: does nothing when every package is already installed.
set -eu
PKGS="build-essential pkg-config libmicrohttpd-dev libjansson-dev libsodium-dev \
libsqlite3-dev sqlite3 libzip-dev libxlsxwriter-dev libcmocka-dev python3 curl \
cppcheck wrk zip unzip libcrack2-dev cracklib-runtime"
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
	SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
