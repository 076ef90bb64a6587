#!/bin/sh
# make bench: every bench/bench_*.c program, then the HTTP page load test.
# Each prints `name: value` lines; medians where a figure is timed.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
BIN=$BUILD/edbridge
echo "== machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%dT%H:%MZ)"
for b in "$BUILD"/bench/bench_*; do
	[ -x "$b" ] || continue
	echo "== $(basename "$b")"
	"$b" || echo "$(basename "$b"): FAILED"
done
echo "== http_class_page (load tool: wrk, 2 threads, 64 connections, 10 s, loopback)"
tmp=$(mktemp -d)
trap 'kill $srv 2>/dev/null || true; rm -rf "$tmp"' EXIT
"$BIN" demo --db "$tmp/bench.db" --no-serve >/dev/null
"$BIN" serve --db "$tmp/bench.db" --port 0 --quiet >"$tmp/serve.out" 2>&1 &
srv=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
	grep -q listening "$tmp/serve.out" && break
	sleep 0.3
done
port=$(sed -n 's/.*:\([0-9]*\)\/$/\1/p' "$tmp/serve.out" | head -1)
base="http://127.0.0.1:$port"
jar="$tmp/jar"
curl -s -c "$jar" -b "$jar" "$base/login" -o "$tmp/login.html"
csrf=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$tmp/login.html" | head -1)
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "csrf=$csrf" \
	--data-urlencode "login=teacher" --data-urlencode "password=edbridge-demo" "$base/login"
session=$(awk '$6=="eb_session"{print $7}' "$jar")
class=$(curl -s -b "$jar" "$base/home" | sed -n 's/.*href="\/classes\/\([^"]*\)".*/\1/p' | head -1)
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" "$base/classes/$class")
echo "class_page_status: $code (class $class)"
wrk -t2 -c64 -d10s --latency -H "Cookie: eb_session=$session" "$base/classes/$class" >"$tmp/wrk.out"
awk '/Requests\/sec/{print "class_page_requests_per_s: " $2}
     /^ +50%/{print "class_page_p50: " $2}
     /^ +99%/{print "class_page_p99: " $2}
     /Non-2xx/{print "class_page_non_2xx: " $NF}' "$tmp/wrk.out"
