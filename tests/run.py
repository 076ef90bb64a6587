#!/usr/bin/env python3
"""Runs every test edbridge has and ends with one line: N passed, N failed.

- unit tests: each cmocka binary in BUILD/tests, output as TAP;
- black-box tests: each tests/http/test_*.py (unittest) against BUILD/edbridge;
- browser checks: tests/browser/check.js, every page of a demo district in
  headless Chromium (TAP; screenshots in BUILD/browser/).
Pass a substring to run only the matching test programs. --backend pg runs
the unit tests that take EDBRIDGE_TEST_PG and the black-box tests against a
PostgreSQL 15 the runner starts (tests/http/pg_harness.py) and stops: each
database path a black-box test names becomes a fresh database (ebtest.db_arg);
the browser checks and lint are SQLite-only and not run then."""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_unit(path, counts, failures):
    env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="TAP")
    t0 = time.time()
    p = subprocess.run([path], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=900)
    name = os.path.basename(path)
    seen = 0
    for line in p.stdout.splitlines():
        m = re.match(r"^(not ok|ok) \d+(?: - )?(.*)$", line)
        if not m:
            continue
        seen += 1
        if "# SKIP" in line:
            counts["skipped"] += 1
        elif m.group(1) == "ok":
            counts["passed"] += 1
        else:
            counts["failed"] += 1
            failures.append(f"{name}: {m.group(2)}")
    if p.returncode != 0 and seen == 0:
        counts["failed"] += 1
        failures.append(f"{name}: exited {p.returncode} before reporting")
    if p.returncode < 0 or (p.returncode != 0 and not failures):
        failures.append(f"{name}: exited {p.returncode}")
    status = "ok" if p.returncode == 0 else "FAILED"
    print(f"  {name:40s} {seen:4d} tests  {time.time() - t0:6.2f}s  {status}", flush=True)
    if p.returncode != 0:
        sys.stdout.write(p.stdout[-4000:])
        sys.stdout.write(p.stderr[-4000:])


def run_http(path, build, counts, failures):
    env = dict(os.environ, EDBRIDGE_BIN=os.path.join(ROOT, build, "edbridge"),
               PYTHONPATH=os.path.join(ROOT, "tests", "http"))
    t0 = time.time()
    p = subprocess.run([sys.executable, "-m", "unittest", "-v", path], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=1200)
    name = os.path.basename(path)
    # unittest's own summary is the count of record: "Ran N tests" and
    # "FAILED (failures=F, errors=E, skipped=S)" or "OK (skipped=S)"
    m = re.search(r"^Ran (\d+) tests?", p.stderr, re.M)
    seen = int(m.group(1)) if m else 0
    def stat(key):
        mm = re.search(key + r"=(\d+)", p.stderr.rsplit("\nRan ", 1)[-1])
        return int(mm.group(1)) if mm else 0
    failed = stat("failures") + stat("errors") + stat("unexpected successes")
    skipped = stat("skipped")
    counts["failed"] += failed
    counts["skipped"] += skipped
    counts["passed"] += max(seen - failed - skipped, 0)
    for mm in re.finditer(r"^(?:FAIL|ERROR): (\w+)", p.stderr, re.M):
        failures.append(f"{name}: {mm.group(1)}")
    if p.returncode != 0 and failed == 0:
        counts["failed"] += 1
        failures.append(f"{name}: exited {p.returncode}")
    status = "ok" if p.returncode == 0 else "FAILED"
    print(f"  {name:40s} {seen:4d} tests  {time.time() - t0:6.2f}s  {status}", flush=True)
    if p.returncode != 0:
        sys.stdout.write(p.stderr[-6000:])


BROWSER = os.path.join("tests", "browser", "check.js")
CHROMIUM = "/usr/bin/chromium"


def run_browser(build, counts, failures):
    """The browser checks: one TAP line per account and width. A machine
    without node, Chromium or the npm packages (scripts/install-deps.sh sets
    them up) skips them with a line saying so, except under CI=true, where
    that is a failure: CI never skips them."""
    name = os.path.basename(BROWSER)
    missing = [what for what, ok in (
        ("node", shutil.which("node")),
        (CHROMIUM, os.access(CHROMIUM, os.X_OK)),
        ("tests/browser/node_modules (npm ci)",
         os.path.isdir(os.path.join(ROOT, "tests", "browser", "node_modules"))),
    ) if not ok]
    if missing:
        msg = f"{name}: missing {', '.join(missing)}; run scripts/install-deps.sh"
        if os.environ.get("CI") == "true":
            counts["failed"] += 1
            failures.append(msg)
        else:
            counts["skipped"] += 1
            print(f"  {name:40s} skipped: {msg}", flush=True)
        return
    env = dict(os.environ, EDBRIDGE_BIN=os.path.join(ROOT, build, "edbridge"),
               EDBRIDGE_BROWSER_OUT=os.path.join(ROOT, build, "browser"))
    t0 = time.time()
    try:
        p = subprocess.run(["node", BROWSER], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=1200)
        out, err, rc = p.stdout, p.stderr, p.returncode
    except subprocess.TimeoutExpired as e:
        out = e.stdout if isinstance(e.stdout, str) else (e.stdout or b"").decode("utf-8", "replace")
        err, rc = "", None
        counts["failed"] += 1
        failures.append(f"{name}: timed out after 1200 s")
    seen = 0
    for line in out.splitlines():
        m = re.match(r"^(not ok|ok) \d+(?: - )?(.*)$", line)
        if not m:
            continue
        seen += 1
        if m.group(1) == "ok":
            counts["passed"] += 1
        else:
            counts["failed"] += 1
            failures.append(f"{name}: {m.group(2)}")
    if rc and seen == 0:
        counts["failed"] += 1
        failures.append(f"{name}: exited {rc} before reporting")
    status = "ok" if rc == 0 else "FAILED"
    print(f"  {name:40s} {seen:4d} tests  {time.time() - t0:6.2f}s  {status}", flush=True)
    for line in out.splitlines():
        if line.startswith(("browser:", "# ")) or (rc != 0 and line.startswith("  # ")):
            print("    " + line.strip(), flush=True)
    if rc != 0 and seen == 0:
        sys.stdout.write(out[-4000:])
        sys.stdout.write(err[-4000:])


def run_lint(counts, failures):
    """make lint's checks (scripts/lint.sh), one result line each: banned
    functions, cppcheck, the format. A check that fails prints what it found."""
    t0 = time.time()
    p = subprocess.run(["sh", os.path.join("scripts", "lint.sh")], cwd=ROOT,
                       capture_output=True, text=True, timeout=900)
    seen = 0
    for line in p.stdout.splitlines():
        m = re.match(r"^lint: (.*)$", line)
        if not m:
            continue
        seen += 1
        ok = not re.search(r"found problems|banned function used|not formatted", line)
        counts["passed" if ok else "failed"] += 1
        if not ok:
            failures.append("lint: " + m.group(1))
    if p.returncode != 0 and not any(f.startswith("lint:") for f in failures):
        counts["failed"] += 1
        failures.append(f"lint: exited {p.returncode}")
    status = "ok" if p.returncode == 0 else "FAILED"
    print(f"  {'scripts/lint.sh':40s} {seen:4d} checks {time.time() - t0:6.2f}s  {status}",
          flush=True)
    if p.returncode != 0:
        sys.stdout.write(p.stdout[-6000:])
        sys.stdout.write(p.stderr[-2000:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--backend", choices=("sqlite", "pg"), default="sqlite")
    ap.add_argument("--pg-smoke", default="",
                    help="after the run, these programs (comma-separated substrings) again"
                         " on PostgreSQL, counted in the same summary (make check)")
    ap.add_argument("only", nargs="*")
    args = ap.parse_args()
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    failures = []
    if args.backend == "pg":
        run_on_pg(args, args.only, counts, failures)
    else:
        run_all(args, args.only, False, counts, failures)
        if args.pg_smoke:
            run_on_pg(args, [p for p in args.pg_smoke.split(",") if p], counts, failures)
    for f in failures:
        print("FAILED:", f)
    line = f"{counts['passed']} passed, {counts['failed']} failed"
    if counts["skipped"]:
        line += f", {counts['skipped']} skipped"
    print(line)
    return 1 if counts["failed"] else 0


def run_on_pg(args, only, counts, failures):
    """The programs only names, against a PostgreSQL 15 started for them."""
    sys.path.insert(0, os.path.join(ROOT, "tests", "http"))
    import pg_harness
    why = pg_harness.skip_reason()
    if why:
        print(f"PostgreSQL backend: {why}")
        counts["failed"] += 1
        failures.append("PostgreSQL: " + why)
        return
    with pg_harness.Postgres("unit") as pg:
        os.environ["EDBRIDGE_TEST_PG"] = pg.url()
        os.environ["EDBRIDGE_TEST_BACKEND"] = "pg"
        print(f"on PostgreSQL 15 (port {pg.port})")
        try:
            run_all(args, only, True, counts, failures)
        finally:
            del os.environ["EDBRIDGE_TEST_PG"]
            del os.environ["EDBRIDGE_TEST_BACKEND"]


def run_all(args, only, pg, counts, failures):
    tdir = os.path.join(ROOT, args.build, "tests")
    units = sorted(os.path.join(tdir, f) for f in os.listdir(tdir)) if os.path.isdir(tdir) else []
    hdir = os.path.join(ROOT, "tests", "http")
    https = sorted(os.path.join("tests", "http", f) for f in os.listdir(hdir)
                   if f.startswith("test_") and f.endswith(".py")) if os.path.isdir(hdir) else []

    def wanted(p):
        return not only or any(o in p for o in only)

    if wanted("lint") and not pg:
        print("lint")
        run_lint(counts, failures)
    print("unit tests")
    for u in units:
        if wanted(u) and os.access(u, os.X_OK):
            run_unit(u, counts, failures)
    print("black-box tests")
    for h in https:
        if wanted(h):
            run_http(h, args.build, counts, failures)
    if wanted(BROWSER) and not pg:
        print("browser tests")
        run_browser(args.build, counts, failures)


if __name__ == "__main__":
    sys.exit(main())
