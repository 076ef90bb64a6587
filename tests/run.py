#!/usr/bin/env python3
"""Runs every test edbridge has and ends with one line: N passed, N failed.

- unit tests: each cmocka binary in BUILD/tests, output as TAP;
- black-box tests: each tests/http/test_*.py (unittest) against BUILD/edbridge;
- browser checks: tests/browser/check.js, every page of a demo district in
  headless Chromium (TAP; screenshots in BUILD/browser/);
- lint: scripts/lint.sh.

Pass substrings to run only the matching test programs. --backend sqlite|pg|both
picks the store: on pg (and both) the runner starts ONE PostgreSQL 15 for the
whole run (tests/http/pg_harness.py), migrates a template database once, and
runs the unit tests that take EDBRIDGE_TEST_PG and every black-box program
against it; the browser checks and lint run once, on SQLite.

-jN runs N programs at a time, longest first (the times of the last run are
kept in BUILD/test-times.json; a fresh clone reads tests/test-times.json, a
full run's, committed); each program's lines are printed together when
it ends. The default is the CPU count plus 3: the black-box programs mostly
wait (process starts, sleeps, PostgreSQL's round trips), and on 2 cores four
at a time kept them 74% busy (a fresh clone's make check, 2026-12-06).

What a program gets (the contract; tests/http/ebtest.py is the one reader):
  EDBRIDGE_BIN            the binary
  EDBRIDGE_TEST_BACKEND   "sqlite" or "pg"
  TMPDIR, EDBRIDGE_TEST_TMP
                          a directory of this program alone, removed after it
  EDBRIDGE_TEST_PG        (pg) the URL of a database of this program alone
  EDBRIDGE_TEST_PG_PREFIX (pg) the prefix of every further database the
                          program makes (ebtest.db_arg); all dropped after it
  EDBRIDGE_TEST_PG_TEMPLATE (pg) the migrated database ebtest.db_arg copies
  EDBRIDGE_VAULT_KEY_FILE (pg, unless set) a vault key file in the program's
                          directory (PostgreSQL has no "<db>.key" beside it)

--known-failing FILE (local use only; make check never passes it): lines
"BACKEND PROGRAM" or "BACKEND PROGRAM TEST" ('#' comments) whose failures are
counted as "known failing" instead of failed."""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BROWSER = os.path.join("tests", "browser", "check.js")
CHROMIUM = "/usr/bin/chromium"
PG_TEMPLATE = "eb_template"


class Result:
    """What one program did: counts, failure names, its output block."""

    def __init__(self, name, backend):
        self.name = name
        self.backend = backend
        self.passed = self.failed = self.skipped = self.known = 0
        self.failures = []
        self.out = []
        self.seconds = 0.0
        self.cpu = 0.0

    def fail(self, what):
        self.failed += 1
        self.failures.append(what)

    def timing(self, job, seen, status, what="tests"):
        """The program's line: tests seen, wall and CPU seconds, status."""
        self.line(f"  {job.label:36s} {seen:4d} {what:6s} {self.seconds:7.2f}s"
                  f" {self.cpu:6.1f}s cpu  {status}")

    def line(self, text):
        self.out.append(text if text.endswith("\n") else text + "\n")


class Timeout(Exception):
    pass


RUNNING = set()  # the process groups of the programs running now


def spawn(cmd, env, timeout):
    """Runs cmd in ROOT; returns (stdout, stderr, exit code, CPU seconds of it
    and the children it waited for: the servers a test starts count, the
    run's PostgreSQL does not). After timeout seconds it kills cmd and
    raises Timeout(stdout, stderr)."""
    with tempfile.TemporaryFile("w+") as fo, tempfile.TemporaryFile("w+") as fe:
        p = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fo, stderr=fe, text=True,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        fired = []

        def kill():  # the program and what it started (servers)
            fired.append(1)
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except OSError:
                pass
        timer = threading.Timer(timeout, kill)
        timer.start()
        RUNNING.add(p.pid)
        try:
            _, status, ru = os.wait4(p.pid, 0)
        finally:
            RUNNING.discard(p.pid)
            timer.cancel()
        p.returncode = os.waitstatus_to_exitcode(status)
        fo.seek(0)
        fe.seek(0)
        out, err = fo.read(), fe.read()
    if fired:
        raise Timeout(out, err)
    return out, err, p.returncode, ru.ru_utime + ru.ru_stime


def count_tap(res, text, known):
    """TAP lines ("ok N - name", "not ok N - name", "# SKIP") into res; returns
    how many were seen."""
    seen = 0
    for line in text.splitlines():
        m = re.match(r"^(not ok|ok) \d+(?: - )?(.*)$", line)
        if not m:
            continue
        seen += 1
        if "# SKIP" in line:
            res.skipped += 1
        elif m.group(1) == "ok":
            res.passed += 1
        elif known(res.name, m.group(2).strip()):
            res.known += 1
        else:
            res.fail(f"{res.name}: {m.group(2)}")
    return seen


def run_unit(job, env, known):
    res = Result(job.name, job.backend)
    env = dict(env, CMOCKA_MESSAGE_OUTPUT="TAP")
    t0 = time.time()
    try:
        out, err, rc, res.cpu = spawn([job.path], env, 900)
    except Timeout as e:
        out, err = e.args
        rc = None
        res.fail(f"{job.name}: timed out after 900 s")
    seen = count_tap(res, out, known)
    if rc and seen == 0:
        res.fail(f"{job.name}: exited {rc} before reporting")
    elif rc and rc < 0:
        res.fail(f"{job.name}: exited {rc}")
    res.seconds = time.time() - t0
    status = "ok" if rc == 0 or (rc and not res.failed) else "FAILED"
    res.timing(job, seen, status)
    if res.failed:
        res.line(out[-4000:])
        res.line(err[-4000:])
    return res


def run_http(job, env, known):
    res = Result(job.name, job.backend)
    env = dict(env, PYTHONPATH=os.path.join(ROOT, "tests", "http"))
    t0 = time.time()
    try:
        _, err, rc, res.cpu = spawn([sys.executable, "-m", "unittest", "-v", job.path], env,
                                    1200)
    except Timeout as e:
        err = e.args[1]
        rc = None
        res.fail(f"{job.name}: timed out after 1200 s")
    # unittest's own summary is the count of record: "Ran N tests" and
    # "FAILED (failures=F, errors=E, skipped=S)" or "OK (skipped=S)"
    m = re.search(r"^Ran (\d+) tests?", err, re.M)
    seen = int(m.group(1)) if m else 0

    def stat(key):
        mm = re.search(key + r"=(\d+)", err.rsplit("\nRan ", 1)[-1])
        return int(mm.group(1)) if mm else 0
    failed = stat("failures") + stat("errors") + stat("unexpected successes")
    res.skipped += stat("skipped")
    res.passed += max(seen - failed - res.skipped, 0)
    named = 0
    for mm in re.finditer(r"^(?:FAIL|ERROR): (\w+)", err, re.M):
        named += 1
        if known(job.name, mm.group(1)):
            res.known += 1
        else:
            res.fail(f"{job.name}: {mm.group(1)}")
    for _ in range(failed - named):  # a failure unittest did not name (setUpClass...)
        res.fail(f"{job.name}: a failure without a test name")
    if rc and failed == 0 and not res.failures:
        res.fail(f"{job.name}: exited {rc}")
    res.seconds = time.time() - t0
    status = "ok" if not res.failed and not res.known else (
        "known failing" if not res.failed else "FAILED")
    res.timing(job, seen, status)
    if res.failed:
        res.line(err[-6000:])
    return res


def run_browser(job, env, known):
    """The browser checks: one TAP line per account and width. A machine
    without node, Chromium or the npm packages (scripts/install-deps.sh sets
    them up) skips them with a line saying so, except under CI=true, where
    that is a failure: CI never skips them."""
    res = Result(job.name, job.backend)
    missing = [what for what, ok in (
        ("node", shutil.which("node")),
        (CHROMIUM, os.access(CHROMIUM, os.X_OK)),
        ("tests/browser/node_modules (npm ci)",
         os.path.isdir(os.path.join(ROOT, "tests", "browser", "node_modules"))),
    ) if not ok]
    if missing:
        msg = f"{job.name}: missing {', '.join(missing)}; run scripts/install-deps.sh"
        if os.environ.get("CI") == "true":
            res.fail(msg)
        else:
            res.skipped += 1
            res.line(f"  {job.label:36s} skipped: {msg}")
        return res
    env = dict(env, EDBRIDGE_BROWSER_OUT=os.path.join(ROOT, job.build, "browser"))
    # beside the other programs (-jN) it shares the cores: its own deadline
    # (900 s alone) ends just before the runner's
    env.setdefault("EDBRIDGE_BROWSER_DEADLINE", "1150")
    t0 = time.time()
    try:
        out, err, rc, res.cpu = spawn(["node", BROWSER], env, 1200)
    except Timeout as e:
        out, err = e.args
        rc = None
        res.fail(f"{job.name}: timed out after 1200 s")
    seen = count_tap(res, out, known)
    if rc and seen == 0:
        res.fail(f"{job.name}: exited {rc} before reporting")
    res.seconds = time.time() - t0
    status = "ok" if rc == 0 else "FAILED"
    res.timing(job, seen, status)
    for line in out.splitlines():
        if line.startswith(("browser:", "# ")) or (rc != 0 and line.startswith("  # ")):
            res.line("    " + line.strip())
    if rc != 0 and seen == 0:
        res.line(out[-4000:])
        res.line(err[-4000:])
    return res


def run_lint(job, env, known):
    """make lint's checks (scripts/lint.sh), one result line each: banned
    functions, cppcheck, the format. A check that fails prints what it found."""
    res = Result(job.name, job.backend)
    t0 = time.time()
    try:
        out, err, rc, res.cpu = spawn(["sh", os.path.join("scripts", "lint.sh")], env, 900)
    except Timeout as e:
        out, err = e.args
        rc = None
        res.fail("lint: timed out after 900 s")
    seen = 0
    for line in out.splitlines():
        m = re.match(r"^lint: (.*)$", line)
        if not m:
            continue
        seen += 1
        if re.search(r"found problems|banned function used|not formatted", line):
            res.fail("lint: " + m.group(1))
        else:
            res.passed += 1
    if rc != 0 and not res.failures:
        res.fail(f"lint: exited {rc}")
    res.seconds = time.time() - t0
    status = "ok" if rc == 0 else "FAILED"
    res.timing(job, seen, status, "checks")
    if rc != 0:
        res.line(out[-6000:])
        res.line(err[-2000:])
    return res


class Job:
    def __init__(self, kind, path, backend, build):
        self.kind = kind
        self.path = path
        self.backend = backend
        self.build = build
        self.name = os.path.basename(path)
        self.label = self.name if backend == "sqlite" else f"{self.name} [pg]"
        self.key = f"{backend}:{self.name}"


# a first run without BUILD/test-times.json: the browser checks are long
GUESS = {"browser": 300.0, "http": 15.0, "lint": 30.0, "unit": 1.0}


class PgCluster:
    """The run's one PostgreSQL: a database per program (and the template)."""

    def __init__(self, pg, edbridge):
        self.pg = pg
        self.lock = threading.Lock()
        self.serial = 0
        self.template_error = None
        t0 = time.time()
        # the template: every migration applied once; db_arg copies it
        self.pg.create_database(PG_TEMPLATE)
        p = subprocess.run([edbridge, "tool", "list", "--db", pg.url(PG_TEMPLATE)],
                           capture_output=True, text=True, timeout=300)
        n = self.pg.psql("SELECT count(*) FROM information_schema.tables"
                         " WHERE table_schema = 'public'", PG_TEMPLATE).strip()
        if n in ("", "0"):
            self.template_error = f"migrating the template failed: {p.stderr.strip()}"
        else:
            self.pg.psql(f'ALTER DATABASE "{PG_TEMPLATE}" WITH IS_TEMPLATE true')
        self.template_seconds = time.time() - t0

    def program_env(self, job, env, tmp):
        with self.lock:
            self.serial += 1
            prefix = f"p{self.serial:03d}_"
        own = prefix + "main"
        if job.kind == "unit":
            self.pg.create_database(own)  # the store's own tests start empty
        else:
            self.pg.psql(f'CREATE DATABASE "{own}" TEMPLATE "{PG_TEMPLATE}"')
        env.update(EDBRIDGE_TEST_PG=self.pg.url(own), EDBRIDGE_TEST_PG_PREFIX=prefix,
                   EDBRIDGE_TEST_PG_TEMPLATE=PG_TEMPLATE)
        env.setdefault("EDBRIDGE_VAULT_KEY_FILE", os.path.join(tmp, "vault.key"))
        return prefix

    def drop(self, prefix):
        names = self.pg.psql("SELECT datname FROM pg_database WHERE datname LIKE '"
                             + prefix + "%'").split()
        for n in names:
            self.pg.psql(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)')


def read_known(path):
    entries = set()
    if not path:
        return entries
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].split()
            if len(line) in (2, 3):
                entries.add(tuple(line))
            elif line:
                sys.exit(f"{path}: want 'BACKEND PROGRAM [TEST]': {' '.join(line)}")
    return entries


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--backend", choices=("sqlite", "pg", "both"), default="sqlite")
    ap.add_argument("-j", "--jobs", type=int, default=(os.cpu_count() or 1) + 3,
                    help="programs run at a time (default: CPU count + 3)")
    ap.add_argument("--known-failing", metavar="FILE",
                    help="local use only: 'BACKEND PROGRAM [TEST]' lines whose failures"
                         " are counted as known failing, not failed")
    ap.add_argument("only", nargs="*")
    args = ap.parse_args()
    known_set = read_known(args.known_failing)
    t_start = time.time()

    def wanted(p, only):
        return not only or any(o in p for o in only)

    edbridge = os.path.join(ROOT, args.build, "edbridge")
    tdir = os.path.join(ROOT, args.build, "tests")
    units = sorted(os.path.join(tdir, f) for f in os.listdir(tdir)
                   if os.access(os.path.join(tdir, f), os.X_OK)) if os.path.isdir(tdir) else []
    hdir = os.path.join(ROOT, "tests", "http")
    https = sorted(os.path.join("tests", "http", f) for f in os.listdir(hdir)
                   if f.startswith("test_") and f.endswith(".py"))

    jobs = []
    sqlite = args.backend in ("sqlite", "both")
    on_pg = args.backend in ("pg", "both")
    if sqlite and wanted("lint", args.only):
        jobs.append(Job("lint", "scripts/lint.sh", "sqlite", args.build))
    if sqlite and wanted(BROWSER, args.only):
        jobs.append(Job("browser", BROWSER, "sqlite", args.build))
    for backend in (("sqlite",) if sqlite else ()) + (("pg",) if on_pg else ()):
        for u in units:
            if wanted(u, args.only) and (backend == "sqlite" or takes_pg(u)):
                jobs.append(Job("unit", u, backend, args.build))
        for h in https:
            if wanted(h, args.only):
                jobs.append(Job("http", h, backend, args.build))

    times_path = os.path.join(ROOT, args.build, "test-times.json")
    times = {}
    # a fresh clone orders by tests/test-times.json (a full run's times,
    # committed) so that its long programs start first too; the build's own
    # file, newer, takes its place where it has a program
    for path in (os.path.join(ROOT, "tests", "test-times.json"), times_path):
        try:
            with open(path) as f:
                times.update(json.load(f))
        except (OSError, ValueError):
            pass
    jobs.sort(key=lambda j: -times.get(j.key, GUESS[j.kind]))

    results = []
    print_lock = threading.Lock()
    def stop(signum, frame):
        """Interrupted: end the programs running and what they started, the
        cluster and the temporary files, then exit."""
        for pid in list(RUNNING):
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        if live.get("pg"):
            live["pg"].__exit__(None, None, None)
        if live.get("tmp"):
            shutil.rmtree(live["tmp"], ignore_errors=True)
        print(f"interrupted (signal {signum})", flush=True)
        os._exit(128 + signum)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    live = {}
    run_tmp = live["tmp"] = tempfile.mkdtemp(prefix="ebrun-")
    os.chmod(run_tmp, 0o755)  # as root, PostgreSQL runs as nobody: a test's own cluster
    pg_ctx = None
    pg_cpu = None
    cluster = None
    pg_failure = None
    if any(j.backend == "pg" for j in jobs):
        sys.path.insert(0, os.path.join(ROOT, "tests", "http"))
        import pg_harness
        why = pg_harness.skip_reason()
        if why:
            pg_failure = "PostgreSQL: " + why
        else:
            pg_ctx = pg_harness.Postgres("postgres_run", tuned=True)
            live["pg"] = pg_ctx
            pg_ctx.__enter__()
            cluster = PgCluster(pg_ctx, edbridge)
            if cluster.template_error:
                pg_failure = "PostgreSQL: " + cluster.template_error
            print(f"PostgreSQL 15 for the run: port {pg_ctx.port}, template migrated in"
                  f" {cluster.template_seconds:.2f}s", flush=True)
        if pg_failure:
            print(pg_failure, flush=True)
            jobs = [j for j in jobs if j.backend != "pg"]

    def known(name, test, backend):
        return (backend, name) in known_set or (backend, name, test) in known_set

    def one(job):
        tmp = os.path.join(run_tmp, f"{job.backend}-{job.name}")
        os.mkdir(tmp)
        # Argon2id at its minimum cost for the suite's thousands of accounts
        # and sign-ins (src/domain/account.c; unset it to test the real cost)
        env = dict(os.environ, EDBRIDGE_BIN=edbridge, EDBRIDGE_TEST_BACKEND=job.backend,
                   TMPDIR=tmp, EDBRIDGE_TEST_TMP=tmp)
        env.setdefault("EDBRIDGE_TEST_FAST_PASSWORDS", "1")
        for k in ("EDBRIDGE_TEST_PG", "EDBRIDGE_TEST_PG_PREFIX", "EDBRIDGE_TEST_PG_TEMPLATE"):
            env.pop(k, None)
        prefix = None
        try:
            if job.backend == "pg":
                prefix = cluster.program_env(job, env, tmp)
            run = {"unit": run_unit, "http": run_http, "browser": run_browser,
                   "lint": run_lint}[job.kind]
            res = run(job, env, lambda n, t: known(n, t, job.backend))
        except Exception as e:  # the runner's own trouble is a failure, not a crash
            res = Result(job.name, job.backend)
            res.fail(f"{job.name}: runner: {e}")
            res.line(f"  {job.label:36s} runner error: {e}")
        finally:
            if prefix:
                try:
                    cluster.drop(prefix)
                except Exception as e:
                    res.line(f"    could not drop {prefix}*: {e}")
            shutil.rmtree(tmp, ignore_errors=True)
        with print_lock:
            sys.stdout.write("".join(res.out))
            sys.stdout.flush()
        return res, job

    print(f"{len(jobs)} programs, {args.jobs} at a time", flush=True)
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as ex:
            for res, job in ex.map(one, jobs):
                results.append(res)
                times[job.key] = round(res.seconds, 2)
    finally:
        if pg_ctx:
            pg_cpu = pg_ctx.cpu_seconds()
            pg_ctx.__exit__(None, None, None)
        shutil.rmtree(run_tmp, ignore_errors=True)
    try:
        with open(times_path, "w") as f:
            json.dump(times, f, indent=0, sort_keys=True)
    except OSError:
        pass

    total = {"passed": 0, "failed": 0, "skipped": 0, "known": 0}
    failures = []
    if pg_failure:
        total["failed"] += 1
        failures.append(pg_failure)
    per = {}
    for r in results:
        b = per.setdefault(r.backend, {"passed": 0, "failed": 0, "skipped": 0, "known": 0,
                                       "seconds": 0.0, "cpu": 0.0, "programs": 0})
        for k in ("passed", "failed", "skipped", "known"):
            b[k] += getattr(r, k)
            total[k] += getattr(r, k)
        b["seconds"] += r.seconds
        b["cpu"] += r.cpu
        b["programs"] += 1
        failures += [f"[{r.backend}] {f}" if r.backend != "sqlite" else f for f in r.failures]
    for f in failures:
        print("FAILED:", f)
    for backend, b in sorted(per.items()):
        extra = f", {b['skipped']} skipped" if b["skipped"] else ""
        extra += f", {b['known']} known failing" if b["known"] else ""
        print(f"{backend}: {b['programs']} programs, {b['passed']} passed, {b['failed']} failed"
              f"{extra}; programs' time summed {b['seconds']:.0f}s, CPU {b['cpu']:.0f}s")
    if pg_cpu is not None:
        print(f"PostgreSQL (the run's cluster): CPU {pg_cpu:.0f}s")
    print(f"wall time {time.time() - t_start:.0f}s with -j{args.jobs}")
    line = f"{total['passed']} passed, {total['failed']} failed"
    if total["skipped"]:
        line += f", {total['skipped']} skipped"
    if total["known"]:
        line += f", {total['known']} known failing"
    print(line)
    return 1 if total["failed"] else 0


def takes_pg(path):
    """A unit program that reads EDBRIDGE_TEST_PG (tests/unit/NAME.c says so)."""
    src = os.path.join(ROOT, "tests", "unit", os.path.basename(path) + ".c")
    try:
        with open(src, errors="replace") as f:
            return "EDBRIDGE_TEST_PG" in f.read()
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
