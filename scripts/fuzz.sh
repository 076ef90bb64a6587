#!/bin/sh
# make fuzz: builds every fuzz/fuzz_*.c with clang's libFuzzer and ASan/UBSan
# and runs each for FUZZ_SECONDS (default 30) from its seed corpus.
set -eu
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-30}
if ! command -v clang >/dev/null 2>&1; then
	echo "fuzz: installing clang"
	SUDO=""; [ "$(id -u)" != 0 ] && SUDO=sudo
	$SUDO apt-get install -y -qq clang >/dev/null
fi
make --no-print-directory BUILD=build-fuzz CC=clang OPT="-O1 -g" \
	SANFLAGS="-fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer" \
	build-fuzz/libedbridge.a >/dev/null
LIBS="$(pkg-config --libs libmicrohttpd jansson libsodium sqlite3 libzip xlsxwriter libcrypto) -lm -pthread"
CFLAGS="-std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O1 -g -Isrc -Ibuild-fuzz/gen $(pkg-config --cflags jansson)"
fail=0
for f in fuzz/fuzz_*.c; do
	[ -e "$f" ] || continue
	name=$(basename "$f" .c)
	bin=build-fuzz/$name
	clang $CFLAGS -fsanitize=address,undefined,fuzzer -o "$bin" "$f" build-fuzz/libedbridge.a $LIBS
	corpus=build-fuzz/corpus/$name
	mkdir -p "$corpus"
	[ -d "fuzz/corpus/$name" ] && cp -n fuzz/corpus/$name/* "$corpus"/ 2>/dev/null || true
	echo "fuzz: $name for ${secs}s"
	if ! "$bin" -max_total_time="$secs" -max_len=65536 -print_final_stats=0 "$corpus" \
		>build-fuzz/$name.log 2>&1; then
		echo "fuzz: $name FAILED (see build-fuzz/$name.log)"
		tail -30 build-fuzz/$name.log
		fail=1
	else
		grep -E "^#[0-9]+.*(DONE|pulse)" build-fuzz/$name.log | tail -1 || true
	fi
done
exit $fail
