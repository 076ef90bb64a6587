#!/bin/sh
# Installs the Debian 12 packages edbridge needs to build, test and run, and
# the npm packages of the browser checks (tests/browser: playwright-core and
# axe-core, which drive Debian's chromium; no browser is downloaded).
# Idempotent: does nothing when everything is already installed.
set -eu
cd "$(dirname "$0")/.."
PKGS="build-essential pkg-config libmicrohttpd-dev libjansson-dev libsodium-dev \
libsqlite3-dev sqlite3 libzip-dev libxlsxwriter-dev libcmocka-dev python3 curl \
cppcheck clang-format wrk zip unzip libcrack2-dev cracklib-runtime chromium tzdata \
gettext libcurl4-openssl-dev apertium apertium-eng-spa python3-aiosmtpd \
libcairo2-dev libpango1.0-dev libqrencode-dev fonts-noto-core fonts-noto-cjk fonts-dejavu-core \
poppler-utils zbar-tools"
# OpenSSL libcrypto: JWS and JWK for single sign-on (src/base/jose.c)
PKGS="$PKGS libssl-dev"
# PostgreSQL 15: the LTI test tool's database (tests/http/lti_harness.py)
PKGS="$PKGS postgresql-15"
# libpq: the PostgreSQL backend of the store (src/store/db_pg.c, docs/scale.md)
PKGS="$PKGS libpq-dev"
# the LTI services tests sign their own client assertions (tests/http/test_lti_services.py)
PKGS="$PKGS python3-cryptography"
# Node.js for the browser checks: Debian's, unless the machine has one
command -v node >/dev/null 2>&1 || PKGS="$PKGS nodejs"
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"
missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
if [ -n "$missing" ]; then
	echo "installing:$missing"
	SUDO=""
	if [ "$(id -u)" != 0 ]; then
		SUDO="sudo"
	fi
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# the browser checks' npm packages, exactly as locked; again when the lock changes
lock=tests/browser/package-lock.json
stamp=tests/browser/node_modules/.installed-lock.json
if ! cmp -s "$lock" "$stamp" 2>/dev/null; then
	echo "installing: tests/browser npm packages (npm ci)"
	(cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund \
		--loglevel=error >/dev/null)
	cp "$lock" "$stamp"
fi
# the single sign-on tests' OpenID provider (tests/http/oidc: oidc-provider), exactly as locked
lock=tests/http/oidc/package-lock.json
stamp=tests/http/oidc/node_modules/.installed-lock.json
if ! cmp -s "$lock" "$stamp" 2>/dev/null; then
	echo "installing: tests/http/oidc npm packages (npm ci)"
	(cd tests/http/oidc && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	cp "$lock" "$stamp"
fi
# the LTI test tool's npm packages (tests/http/lti_tool: ltijs, ltijs-sequelize,
# pg), exactly as locked; again when the lock changes
lock=tests/http/lti_tool/package-lock.json
stamp=tests/http/lti_tool/node_modules/.installed-lock.json
if ! cmp -s "$lock" "$stamp" 2>/dev/null; then
	echo "installing: tests/http/lti_tool npm packages (npm ci)"
	(cd tests/http/lti_tool && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	cp "$lock" "$stamp"
fi
