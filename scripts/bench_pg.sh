#!/bin/sh
# xAPI batches of 100 over HTTP on PostgreSQL and on SQLite in the same run
# (docs/scale.md, docs/benchmarks.md): the same small district (the test
# fixture roster), the same tool and body, wrk -t2 -c16, three runs of
# $RUN_S seconds per backend, medians. PostgreSQL 15 is started for it
# (tests/http/pg_harness.py) and stopped after.
set -eu
cd "$(dirname "$0")/.."
BUILD=${1:-build}
RUN_S=${RUN_S:-10}
export BIN=$BUILD/edbridge RUN_S
[ -x /usr/lib/postgresql/15/bin/initdb ] || { echo "xapi_http_pg: PostgreSQL 15 not installed"; exit 0; }
command -v wrk >/dev/null || { echo "xapi_http_pg: wrk not installed"; exit 0; }
exec python3 tests/http/pg_harness.py -- sh -c '
set -eu
tmp=$(mktemp -d)
srv=""
trap "[ -n \"\$srv\" ] && kill \$srv 2>/dev/null; rm -rf \$tmp" EXIT
for backend in sqlite pg; do
	if [ $backend = pg ]; then db=$EDBRIDGE_TEST_PG; else db=$tmp/bench.db; fi
	"$BIN" init --district Bench --db "$db" >/dev/null
	"$BIN" import oneroster tests/fixtures/district_a --district-id 1 --db "$db" >/dev/null
	tid=$("$BIN" tool add --name "Bench App" --db "$db" | sed -n "s/tool_id: //p")
	"$BIN" tool status "$tid" --set approved --reason bench --db "$db" >/dev/null
	"$BIN" tool credentials "$tid" --db "$db" >"$tmp/creds"
	BASIC=$(printf "%s:%s" "$(sed -n "s/xapi_key: //p" "$tmp/creds")" \
		"$(sed -n "s/xapi_secret: //p" "$tmp/creds")" | base64 -w0)
	export BASIC
	python3 - "$tmp/batch100.json" <<PY
import json, sys
students = ["stu-%d" % i for i in range(1, 4)]
def st(i):
    return {"actor": {"objectType": "Agent", "account": {"homePage": "https://bench.example", "name": students[i % len(students)]}},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
            "object": {"objectType": "Activity", "id": "https://bench.example/items/3.NF.A.1/%d" % (i % 50),
                       "definition": {"extensions": {"https://edbridge.example/xapi/ccss": "3.NF.A.1"}}},
            "result": {"success": i % 3 != 0, "score": {"scaled": 1.0 if i % 3 else 0.0}},
            "timestamp": "2026-10-01T15:00:00Z"}
open(sys.argv[1], "w").write(json.dumps([st(i) for i in range(100)]))
PY
	"$BIN" serve --db "$db" --port 0 --quiet >"$tmp/serve.out" 2>&1 &
	srv=$!
	for _ in $(seq 1 120); do
		grep -q listening "$tmp/serve.out" && break
		sleep 0.5
	done
	port=$(sed -n "s/.*:\([0-9]*\)\/$/\1/p" "$tmp/serve.out" | head -1)
	[ -n "$port" ] || { echo "xapi_http_batch100_${backend}: the server did not start: $(head -c 300 $tmp/serve.out)"; exit 1; }
	rates=""
	for run in 1 2 3; do
		BODY_FILE="$tmp/batch100.json" wrk -t2 -c16 -d${RUN_S}s --timeout 30s -s bench/xapi_post.lua \
			"http://127.0.0.1:$port/xapi/statements" >"$tmp/wrk.out"
		r=$(awk "/Requests\/sec/{printf \"%.0f\", \$2 * 100}" "$tmp/wrk.out")
		bad=$(awk "/Non-2xx/{print \$NF}" "$tmp/wrk.out")
		[ -z "$bad" ] || echo "xapi_http_batch100_${backend}_non_2xx: $bad (run $run)"
		rates="$rates $r"
	done
	kill $srv; wait $srv 2>/dev/null || true
	srv=""
	med=$(echo $rates | tr " " "\n" | sort -n | sed -n 2p)
	echo "xapi_http_batch100_${backend}_statements_per_s: $med (runs:$rates)"
done
'
