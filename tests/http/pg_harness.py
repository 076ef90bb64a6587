"""A throw-away PostgreSQL 15 for the tests: initdb and pg_ctl on a temporary
directory and a free port, listening on a socket in that directory only (no
TCP), trust authentication. As root its programs run as nobody (PostgreSQL
refuses to run as root). Used by lti_harness (ltijs's database), by
tests/run.py --backend pg and by make check's PostgreSQL smoke subset.

    with Postgres("edbridge") as pg:
        pg.url()                   # postgresql://postgres@/edbridge?host=...&port=...
        pg.create_database("t1")   # another database of the same cluster

    python3 tests/http/pg_harness.py -- CMD ARGS...
        runs CMD with EDBRIDGE_TEST_PG set to a fresh cluster's URL, then stops it.

Standard library only. skip_reason() says why it cannot run here (None when
it can)."""
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile

PG_BIN = "/usr/lib/postgresql/15/bin"


def skip_reason():
    if not os.path.exists(os.path.join(PG_BIN, "initdb")):
        return "PostgreSQL 15 is not installed (Debian postgresql-15; scripts/install-deps.sh)"
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres_user(cmd):
    """PostgreSQL refuses to run as root: as root, run its programs as nobody."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "nobody", "--"] + cmd
    return cmd


def client(prog):
    """A PostgreSQL 15 client program (psql, pg_dump) by its path in PG_BIN:
    Debian's /usr/bin/psql is postgresql-common's pg_wrapper, a Perl script
    that picks a version and then runs this one: a Perl start per call (Perl
    was 4% of the machine's CPU in a 30-second sample of make check when the
    tests called psql by name)."""
    path = os.path.join(PG_BIN, prog)
    return path if os.path.exists(path) else prog


def _psql():
    return client("psql")


class Postgres:
    """A PostgreSQL 15 cluster in a temporary directory with one database."""

    def __init__(self, dbname="edbridge", tuned=False):
        """tuned: the test run's shared cluster (tests/run.py) also drops
        synchronous_commit; a cluster a test restarts or crashes itself keeps it
        (fsync=off alone loses nothing when only the PostgreSQL process dies:
        the operating system still holds what it wrote)."""
        self.dbname = dbname
        self.tuned = tuned
        self.dir = None
        self.port = None

    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="ebpg-")
        os.chmod(self.dir, 0o755)
        data = os.path.join(self.dir, "data")
        os.mkdir(data, 0o700)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "nobody")
            shutil.chown(data, "nobody")
        self.port = free_port()
        out = subprocess.run(_as_postgres_user([
            os.path.join(PG_BIN, "initdb"), "-D", data, "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--no-sync"]), capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise AssertionError("initdb failed:\n" + out.stdout + out.stderr)
        opts = (f"-c listen_addresses='' -c unix_socket_directories='{self.dir}'"
                f" -p {self.port} -c fsync=off -c full_page_writes=off"
                " -c max_connections=400")
        if self.tuned:
            # jit: LLVM compiles a query whose estimate passes jit_above_cost, at
            # a CPU cost the suite's small databases never win back
            opts += " -c synchronous_commit=off -c shared_buffers=256MB -c jit=off"
        out = subprocess.run(_as_postgres_user([
            os.path.join(PG_BIN, "pg_ctl"), "-D", data, "-o", opts, "-l",
            os.path.join(self.dir, "log"), "-w", "-t", "60", "start"]),
            capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise AssertionError("pg_ctl start failed:\n" + out.stdout + out.stderr
                                 + self.log())
        self.create_database(self.dbname)
        return self

    def psql(self, sql, dbname="postgres"):
        out = subprocess.run([_psql(), "-h", self.dir, "-p", str(self.port), "-U", "postgres",
                              "-d", dbname, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise AssertionError(f"psql {sql!r} failed:\n" + out.stdout + out.stderr)
        return out.stdout

    def create_database(self, dbname):
        self.psql(f'CREATE DATABASE "{dbname}"')
        return self.url(dbname)

    def stop(self, mode="fast"):
        """Stops the cluster (pg_ctl stop -m MODE: fast ends every session at
        once, as an administrator's restart does); start() brings it back on
        the same port with the same settings."""
        data = os.path.join(self.dir, "data")
        with open(os.path.join(data, "postmaster.opts")) as f:
            args = shlex.split(f.read())[1:]  # the server's own command line
        keep, i = [], 0
        while i < len(args):
            if args[i] == "-D":
                i += 2
                continue
            keep.append(args[i])
            i += 1
        self._restart_opts = " ".join(shlex.quote(a) for a in keep)
        out = subprocess.run(_as_postgres_user([
            os.path.join(PG_BIN, "pg_ctl"), "-D", data, "-m", mode, "-w", "-t", "60", "stop"]),
            capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise AssertionError("pg_ctl stop failed:\n" + out.stdout + out.stderr)

    def start(self):
        """Starts the cluster again after stop(); waits until it answers."""
        out = subprocess.run(_as_postgres_user([
            os.path.join(PG_BIN, "pg_ctl"), "-D", os.path.join(self.dir, "data"), "-o",
            self._restart_opts, "-l", os.path.join(self.dir, "log"), "-w", "-t", "60",
            "start"]), capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise AssertionError("pg_ctl start failed:\n" + out.stdout + out.stderr
                                 + self.log())

    def restart(self, mode="fast"):
        """pg_ctl restart -m MODE, as stop() then start()."""
        self.stop(mode)
        self.start()

    def url(self, dbname=None):
        return (f"postgresql://postgres@/{dbname or self.dbname}"
                f"?host={self.dir}&port={self.port}")

    def log(self):
        try:
            with open(os.path.join(self.dir, "log")) as f:
                return f.read()
        except OSError:
            return ""

    def cpu_seconds(self):
        """CPU the cluster has used so far: the postmaster and the backends it
        has reaped (/proc/PID/stat utime, stime, cutime, cstime); None when
        it cannot tell."""
        try:
            with open(os.path.join(self.dir, "data", "postmaster.pid")) as f:
                pid = int(f.readline())
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return None

    def __exit__(self, *exc):
        subprocess.run(_as_postgres_user([
            os.path.join(PG_BIN, "pg_ctl"), "-D", os.path.join(self.dir, "data"), "-m",
            "immediate", "-w", "stop"]), capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--"]:
        args = args[1:]
    if not args:
        sys.exit("usage: pg_harness.py -- CMD ARGS...")
    why = skip_reason()
    if why:
        sys.exit("pg_harness: " + why)
    with Postgres() as pg:
        env = dict(os.environ, EDBRIDGE_TEST_PG=pg.url())
        sys.exit(subprocess.run(args, env=env).returncode)
