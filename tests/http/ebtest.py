"""Shared helpers for black-box tests: run the real binary, talk HTTP to it.

Standard library only. EDBRIDGE_BIN names the binary (set by tests/run.py)."""
import atexit
import hashlib
import http.client
import os
import re
import shutil
import sqlite3
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("EDBRIDGE_BIN", os.path.join(ROOT, "build", "edbridge"))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
SHARED = os.path.join(ROOT, "..", "shared", "data")
PASSWORD = "test-password-1"
# The backend and the database of a test program: the one way. tests/run.py
# (which may run several programs at once, -jN) gives each program:
#   EDBRIDGE_TEST_BACKEND    "sqlite" or "pg"
#   TMPDIR, EDBRIDGE_TEST_TMP a directory of the program alone (tempfile uses
#                            it), removed after the program
#   EDBRIDGE_TEST_PG         (pg) a database of the program alone; its host and
#                            port are the run's one PostgreSQL cluster
#   EDBRIDGE_TEST_PG_PREFIX  (pg) the prefix of the program's databases: the
#                            runner drops every database so named after it
#   EDBRIDGE_TEST_PG_TEMPLATE (pg) a database with every migration applied
# A test names a database by a path under its temporary directory (TempDir's
# self.tmp, or tempfile) and passes it to db_arg / run / Server / db_execute:
# on SQLite it is the file; on PostgreSQL a database of its own, made on
# first use (a copy of the migrated template, or empty with template=False).
# Never a fixed path, a fixed port (the OS gives one: Server uses --port 0,
# pg_harness.free_port) or a file outside the temporary directory.
# A test that stops or crashes PostgreSQL itself starts its own cluster
# (pg_harness.Postgres), never the run's.
BACKEND = "pg" if os.environ.get("EDBRIDGE_TEST_BACKEND") == "pg" else "sqlite"
_pg_created = set()


def _pg_conn():
    """host, port of the run's cluster (from EDBRIDGE_TEST_PG)."""
    query = os.environ["EDBRIDGE_TEST_PG"].split("?", 1)[1]
    q = dict(kv.split("=", 1) for kv in query.split("&"))
    return q["host"], q["port"]


def pg_psql(*args, dbname="postgres", timeout=60):
    """psql as the cluster's superuser on the run's cluster; CompletedProcess."""
    host, port = _pg_conn()
    psql = "/usr/bin/psql" if os.path.exists("/usr/bin/psql") else "psql"
    return subprocess.run([psql, "-h", host, "-p", port, "-U", "postgres", "-d", dbname,
                           "-v", "ON_ERROR_STOP=1", "-qAt"] + list(args),
                          capture_output=True, text=True, timeout=timeout)


def db_arg(db, template=True):
    """What --db gets for the database path db: the path itself on SQLite, a
    fresh database's URL (created on first use) on PostgreSQL: a copy of the
    runner's migrated template when there is one and template is true (what
    the first open would make anyway), else empty; template may also name
    the database to copy (cached_db)."""
    if BACKEND != "pg" or db.startswith(("postgresql://", "postgres://")):
        return db
    base = os.environ["EDBRIDGE_TEST_PG"]
    prefix = os.environ.get("EDBRIDGE_TEST_PG_PREFIX", "t_")
    name = prefix + hashlib.sha1(os.path.abspath(db).encode()).hexdigest()[:20]
    head, query = base.split("?", 1)
    url = head.rsplit("/", 1)[0] + "/" + name + "?" + query
    if name not in _pg_created:
        tpl = os.environ.get("EDBRIDGE_TEST_PG_TEMPLATE") if template else None
        if isinstance(template, str):
            tpl = template
        create = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{tpl}"' if tpl else "")
        p = pg_psql("-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', "-c", create)
        if p.returncode != 0:
            raise AssertionError(f"psql: {create}: {p.stderr}")
        _pg_created.add(name)
    return url


def _pg_name(url):
    return url.split("?", 1)[0].rsplit("/", 1)[1]


def db_execute(db, statement):
    """Runs one SQL statement (no parameters) on the test's database, on
    either backend; returns the rows (lists of text on PostgreSQL)."""
    if BACKEND != "pg":
        with sqlite3.connect(db) as con:
            return con.execute(statement).fetchall()
    p = subprocess.run(["psql", db_arg(db), "-v", "ON_ERROR_STOP=1", "-qAt", "-F", "\t",
                        "-c", statement], capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise AssertionError(f"psql: {statement}: {p.stderr}")
    return [line.split("\t") for line in p.stdout.splitlines()]


def run(*args, db=None, input=None, check=True):
    """Runs `edbridge ARGS --db DB`; returns CompletedProcess (text)."""
    cmd = [BIN] + list(args)
    if db:
        cmd += ["--db", db_arg(db)]
    p = subprocess.run(cmd, input=input, capture_output=True, text=True, timeout=300)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stdout}\n{p.stderr}")
    return p


class Server:
    """`edbridge serve --port 0` on 127.0.0.1 for the duration of a with-block."""

    def __init__(self, db, extra=()):
        self.db = db
        self.extra = list(extra)
        self.proc = None
        self.port = None

    def __enter__(self):
        # stderr to a file: a pipe nobody reads would block a chatty server
        self.errlog = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen([BIN, "serve", "--db", db_arg(self.db), "--port", "0",
                                      "--quiet"]
                                     + self.extra, stdout=subprocess.PIPE,
                                     stderr=self.errlog, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"listening: http://[\d.]+:(\d+)/", line)
        if not m:
            self.proc.kill()
            self.proc.wait()
            self.errlog.seek(0)
            raise AssertionError("server did not start: " + line + self.errlog.read())
        self.port = int(m.group(1))
        return self

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.proc.stdout.close()
        self.errlog.close()

    def client(self, source=None):
        return Client(self.port, source)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


class Client:
    """One browser: keeps cookies, knows the last CSRF token it saw."""

    def __init__(self, port, source=None):
        self.port = port
        self.source = source  # a loopback address to connect from, e.g. "127.0.0.7"
        self.cookies = {}
        self.csrf = None

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                          source_address=(self.source, 0) if self.source else None)
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        hdrs = r.getheaders()
        conn.close()
        for k, v in hdrs:
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                val = rest.split(";", 1)[0]
                if "Max-Age=0" in v or not val:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = val
        resp = Response(r.status, hdrs, data)
        m = re.search(rb'name="csrf" value="([^"]+)"', data)
        if m:
            self.csrf = m.group(1).decode()
        return resp

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields, csrf=True):
        f = dict(fields)
        if csrf and self.csrf and "csrf" not in f:
            f["csrf"] = self.csrf
        return self.request("POST", path, body=urllib.parse.urlencode(f),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})

    def login(self, login, password=PASSWORD, district=None):
        """A login is unique within its district, and the login form of a
        deployment with several districts asks for it: district defaults to
        LOGIN_DISTRICT's (make_district's), else 1; 0 sends none."""
        self.get("/login")
        fields = {"login": login, "password": password}
        if district is None:
            district = LOGIN_DISTRICT.get(login, 1)
        if district:
            fields["district"] = str(district)
        r = self.post("/login", fields)
        if r.status == 303:
            self.get("/home")  # picks up the session's CSRF token
        return r


def field_error(html, field):
    """The error a refused form shows at its field (web/form.h: the
    paragraph err-FIELD the control is described by), "" when none."""
    m = re.search(rf'<p class="field-error" id="err-{re.escape(field)}">(.*?)</p>', html)
    return m.group(1) if m else ""


class TempDir(unittest.TestCase):
    """A test case with a fresh temporary directory in self.tmp."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ebtest-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


# Accounts of the role matrix: login -> (role, scope, person)
ACCOUNTS = {
    "admin": ("district_admin", "district", None),
    "coord": ("coordinator", "district", None),
    "principal": ("principal", "school:sch-a1", "prn-1"),
    "coach": ("coach", "district", None),
    "teacher": ("teacher", "school:sch-a1", "tch-1"),
    "champ": ("tech_champion", "school:sch-a1", None),
    "itstaff": ("it_staff", "district", None),
    "vendor": ("vendor_contact", "district", None),
    "parent": ("guardian", "person:stu-1", "gdn-1"),
    "student": ("student", "person:stu-1", "stu-1"),
}


# The district of each login make_district creates outside district 1.
LOGIN_DISTRICT = {"other.admin": 2}


_TEMPLATES = {}


def cached_db(key, tmp, name, build):
    """A database built once per test process and copied for each test:
    build(path) makes it the first time (under a directory of its own);
    every call copies the files it left (the database and anything beside it
    named after it, such as its vault key) into tmp; on PostgreSQL the
    database is a CREATE DATABASE ... TEMPLATE copy of the one the build
    made (nothing may be connected to it then). Building the fixture
    district hashes a password per account (Argon2id), which is most of what
    a test's setUp costs; the copy is byte for byte the same database."""
    src = _TEMPLATES.get(key)
    if src is None:
        src = tempfile.mkdtemp(prefix="ebtest-tpl-")
        atexit.register(shutil.rmtree, src, True)
        build(os.path.join(src, name))
        _TEMPLATES[key] = src
    for f in os.listdir(src):
        shutil.copy2(os.path.join(src, f), os.path.join(tmp, f))
    if BACKEND == "pg":  # a copy of the database the build made on the cluster
        db_arg(os.path.join(tmp, name), template=_pg_name(db_arg(os.path.join(src, name))))
    return os.path.join(tmp, name)


def make_district(tmp):
    """Database with district 1 (fixture roster, one account per role) and
    district 2 (one administrator, 'other.admin'). Returns the db path."""
    return cached_db("district", tmp, "t.db", _build_district)


def _build_district(db):
    run("init", "--district", "Alder County Schools", db=db)
    run("init", "--district", "Other District", db=db)
    run("import", "oneroster", os.path.join(FIXTURES, "district_a"), "--district-id", "1", db=db)
    for login, (role, scope, person) in ACCOUNTS.items():
        args = ["user", "add", "--login", login, "--role", role, "--scope", scope,
                "--name", login.title(), "--district-id", "1"]
        if person:
            args += ["--person", person]
        run(*args, db=db, input=PASSWORD + "\n")
    run("user", "add", "--login", "other.admin", "--role", "district_admin",
        "--district-id", "2", db=db, input=PASSWORD + "\n")
    # the fixture's family speaks Spanish (roster homeLanguage "es"): its
    # 'parent' and 'student' accounts have chosen English, so that the tests
    # of other rooms read the pages they expect; test_family_i18n reads them
    # in Spanish, Arabic and by the roster
    db_execute(db, "INSERT INTO family_language(district_id, account_id, lang, updated_at) "
               "SELECT district_id, id, 'en', 0 FROM account WHERE login IN "
               "('parent', 'student')")
