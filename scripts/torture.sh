#!/bin/sh
# make torture: every unit test, run again and again with one allocation
# made to fail each time (tests/torture/torture.c), under ASan, UBSan and
# LeakSanitizer. A run may fail its assertions (it was handed an error); it
# must not crash or trip a sanitizer, and a run whose assertions all held
# must not leak (a failed assertion leaves its test's own memory behind by
# design, so leaks count only when every test passed). For each test binary the
# allocations are counted once, then TORTURE_POINTS runs (default 150) fail
# the 1st..40th allocation and points spread evenly over the rest.
# TORTURE_ONLY=substring limits the binaries.
set -eu
cd "$(dirname "$0")/.."
points=${TORTURE_POINTS:-150}
build=build-torture
make --no-print-directory BUILD=$build OPT="-O1 -g" \
	SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	TORTURE=1 torture-bins >/dev/null
mkdir -p $build/torture
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1:abort_on_error=0:exitcode=86"
export UBSAN_OPTIONS="print_stacktrace=1:exitcode=86"
export CMOCKA_MESSAGE_OUTPUT=TAP
bad=0 runs=0
for bin in $build/tests/test_*; do
	name=$(basename "$bin")
	case "$name" in *"${TORTURE_ONLY:-}"*) ;; *) continue ;; esac
	# tests that fork or time out by design are not for this mode
	case "$name" in test_db_group) continue ;; esac
	cnt=$build/torture/$name.count
	EB_TORTURE_COUNT=$cnt "$bin" >/dev/null 2>&1 || true
	total=$(cat "$cnt" 2>/dev/null || echo 0)
	[ "$total" -gt 0 ] || { echo "torture: $name made no allocation"; continue; }
	list=$(python3 -c "
import sys
t, p = $total, $points
s = set(range(1, min(t, 40) + 1))
rest = max(p - len(s), 0)
for i in range(rest):
    s.add(41 + (t - 41) * i // max(rest, 1))
print(' '.join(str(x) for x in sorted(s) if 1 <= x <= t))")
	nbad=0 nrun=0
	for n in $list; do
		nrun=$((nrun + 1))
		log=$build/torture/$name.$n.log
		set +e
		EB_TORTURE_FAIL=$n timeout 300 "$bin" >"$log" 2>&1
		rc=$?
		if [ $rc -eq 124 ]; then
			# a loaded machine, or a hang: once more, alone in its time
			EB_TORTURE_FAIL=$n timeout 600 "$bin" >"$log" 2>&1
			rc=$?
		fi
		set -e
		why=""
		if [ $rc -ge 124 ]; then
			why="exit $rc (signal or timeout)"
		elif grep -q 'ERROR: AddressSanitizer\|runtime error' "$log"; then
			why="sanitizer report"
		elif grep -q 'ERROR: LeakSanitizer' "$log" && ! grep -q '^not ok' "$log"; then
			why="leak"
		fi
		if [ -n "$why" ]; then
			nbad=$((nbad + 1))
			echo "torture: $name: failing allocation $n: $why (see $log)"
			grep -m3 -A12 'ERROR: \|runtime error' "$log" | head -30
		else
			rm -f "$log"
		fi
	done
	echo "torture: $name: $total allocations, $nrun runs, $nbad bad"
	runs=$((runs + nrun))
	bad=$((bad + nbad))
done
echo "torture: $runs runs, $bad crashed or leaked"
[ "$bad" -eq 0 ]
