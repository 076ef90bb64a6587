"""Shared helpers for black-box tests: run the real binary, talk HTTP to it.

Standard library only. EDBRIDGE_BIN names the binary (set by tests/run.py)."""
import atexit
import hashlib
import http.client
import json
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

import pg_harness

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
    return subprocess.run([pg_harness.client("psql"), "-h", host, "-p", port, "-U", "postgres", "-d", dbname,
                           "-v", "ON_ERROR_STOP=1", "-qAt"] + list(args),
                          capture_output=True, text=True, timeout=timeout)


def _pg_name(db):
    prefix = os.environ.get("EDBRIDGE_TEST_PG_PREFIX", "t_")
    return prefix + hashlib.sha1(os.path.abspath(db).encode()).hexdigest()[:20]


def db_arg(db, template=True, copy_of=None):
    """What --db gets for the database path db: the path itself on SQLite, a
    fresh database's URL (created on first use) on PostgreSQL: a copy of the
    database of the path copy_of when given (db_copy), else of the runner's
    migrated template when there is one and template is true (what the first
    open would make anyway), else empty."""
    if BACKEND != "pg" or db.startswith(("postgresql://", "postgres://")):
        return db
    base = os.environ["EDBRIDGE_TEST_PG"]
    name = _pg_name(db)
    head, query = base.split("?", 1)
    url = head.rsplit("/", 1)[0] + "/" + name + "?" + query
    if name not in _pg_created:
        tpl = os.environ.get("EDBRIDGE_TEST_PG_TEMPLATE") if template else None
        if copy_of:
            tpl = _pg_name(copy_of)
        create = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{tpl}"' if tpl else "")
        p = pg_psql("-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', "-c", create)
        if p.returncode != 0:
            raise AssertionError(f"psql: {create}: {p.stderr}")
        _pg_created.add(name)
    return url


def db_env(db):
    """The environment an edbridge process on database path db gets: on
    PostgreSQL, where no file holds the database, its vault key file is the
    path's DB.key, as it is beside a SQLite file (so that a copy of a database
    with sealed secrets, cached_db or db_copy, takes its key along; the
    runner's EDBRIDGE_VAULT_KEY_FILE serves a process without a database)."""
    if BACKEND != "pg" or not db or db.startswith(("postgresql://", "postgres://")):
        return None
    return dict(os.environ, EDBRIDGE_VAULT_KEY_FILE=os.path.abspath(db) + ".key")


def _sql_literal(v):
    """A parameter written into the statement as a PostgreSQL literal."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return "'\\x" + bytes(v).hex() + "'::bytea"
    return "'" + str(v).replace("'", "''") + "'"


def _bind(statement, params):
    """statement with each ? outside quotes replaced by its parameter."""
    out, it, quote = [], iter(params), None
    for ch in statement:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "?":
            out.append(_sql_literal(next(it)))
            continue
        out.append(ch)
    return "".join(out)


_BYTEA = re.compile(r"\\x(?:[0-9a-f]{2})*")


def _pg_value(v):
    # as sqlite3 gives them: booleans as 1/0, BYTEA ('\\x..' in JSON) as bytes
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, str) and v.startswith("\\x") and _BYTEA.fullmatch(v):
        return bytes.fromhex(v[2:])
    return v


def db_execute(db, statement, params=()):
    """Runs one SQL statement on the test's database, on either backend, and
    returns its rows as tuples. ? in statement takes the next of params. On
    PostgreSQL a SELECT, WITH or ... RETURNING comes back typed as sqlite3
    gives it (integers, floats, text, bytes, None; booleans as 1/0) through
    row_to_json, so a test's assertions read the same on both. Write the
    portable SQL both run (no PRAGMA, hex(), INSERT OR IGNORE or lastrowid:
    RETURNING id)."""
    if BACKEND != "pg":
        con = sqlite3.connect(db, timeout=30)
        try:
            with con:
                return [tuple(r) for r in con.execute(statement, tuple(params)).fetchall()]
        finally:
            con.close()
    sql = _bind(statement, params).strip().rstrip(";")
    query = (re.match(r"(?is)\s*(select|with|values)\b", sql) is not None
             or re.search(r"(?i)\breturning\b", sql) is not None)
    if query:
        sql = f"WITH eb_r AS ({sql}) SELECT row_to_json(eb_r) FROM eb_r"
    p = subprocess.run([pg_harness.client("psql"), db_arg(db), "-v", "ON_ERROR_STOP=1", "-1", "-qAt", "-f", "-"],
                       input=sql + ";\n", capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise AssertionError(f"psql: {statement[:2000]}: {p.stderr}")
    if not query:
        return []
    return [tuple(_pg_value(v) for v in json.loads(line, object_pairs_hook=lambda kv: [
        v for _, v in kv])) for line in p.stdout.splitlines() if line]


class _Rows(list):
    def fetchone(self):
        return self[0] if self else None

    def fetchall(self):
        return list(self)


class _PgConnection:
    """sqlite3.Connection's few calls the tests make, over psql: writes wait
    and go in one transaction at the next read, commit, close or the end of
    the with-block (as sqlite3 holds them until commit)."""

    def __init__(self, db):
        self.db = db
        self.pending = []

    def execute(self, statement, params=()):
        if re.match(r"(?is)\s*(select|with|values)\b", statement) or re.search(
                r"(?i)\breturning\b", statement):
            self.commit()
            return _Rows(db_execute(self.db, statement, params))
        self.pending.append(_bind(statement, params).strip().rstrip(";"))
        return _Rows()

    def executemany(self, statement, seq):
        for params in seq:
            self.execute(statement, params)

    def commit(self):
        if self.pending:
            sql, self.pending = ";\n".join(self.pending), []
            db_execute(self.db, sql)

    def close(self):
        self.commit()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.commit()
        return False


def db_connect(db, **kw):
    """A connection to the test's database on either backend: sqlite3's on
    SQLite; on PostgreSQL one whose execute(sql, params) runs db_execute
    (fetchone, fetchall, iteration; every statement commits by itself)."""
    if BACKEND != "pg":
        return sqlite3.connect(db, **kw)
    return _PgConnection(db)


def db_dump(db):
    """Everything the database holds, as bytes to search (a secret must not be
    in it): the SQLite file itself, or pg_dump's plain output."""
    if BACKEND != "pg":
        with open(db, "rb") as f:
            return f.read()
    p = subprocess.run([pg_harness.client("pg_dump"), "--no-owner", db_arg(db)], capture_output=True, timeout=120)
    if p.returncode != 0:
        raise AssertionError(f"pg_dump: {p.stderr.decode(errors='replace')}")
    return p.stdout


def db_copy(src, dst):
    """Copies the database of path src (no process using it) to path dst,
    with its vault key file: sqlite3's backup API (a file copy would miss the
    WAL), or CREATE DATABASE ... TEMPLATE on PostgreSQL."""
    if os.path.exists(src + ".key"):
        shutil.copy2(src + ".key", dst + ".key")
    if BACKEND == "pg":
        _pg_created.discard(_pg_name(dst))
        db_arg(dst, copy_of=src)
        return
    s, d = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        s.backup(d)
    finally:
        s.close()
        d.close()


class db_write_lock:
    """A with-block during which another process holds the database's write
    lock (as a long writer would): SQLite's BEGIN IMMEDIATE, or on
    PostgreSQL the advisory lock db_begin takes (src/store/db.c), held by a
    psql session."""

    def __init__(self, db):
        self.db = db

    def __enter__(self):
        if BACKEND != "pg":
            self.con = sqlite3.connect(self.db, timeout=1, isolation_level=None)
            self.con.execute("BEGIN IMMEDIATE")
            return self
        self.proc = subprocess.Popen([pg_harness.client("psql"), db_arg(self.db), "-qAt"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        self.proc.stdin.write("BEGIN;\nSELECT pg_advisory_xact_lock(7301880428);\n"
                              "SELECT 'locked';\n")
        self.proc.stdin.flush()
        while self.proc.stdout.readline().strip() != "locked":
            pass
        return self

    def __exit__(self, *exc):
        if BACKEND != "pg":
            self.con.execute("ROLLBACK")
            self.con.close()
            return False
        self.proc.communicate("ROLLBACK;\n", timeout=30)
        return False


def db_tables(db):
    """The names of the database's tables, on either backend."""
    if BACKEND != "pg":
        return [r[0] for r in db_execute(db, "SELECT name FROM sqlite_master WHERE type='table'"
                                         " ORDER BY name")]
    return [r[0] for r in db_execute(
        db, "SELECT table_name FROM information_schema.tables WHERE table_schema ="
        " current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")]


def db_columns(db, table):
    """The names of table's columns, on either backend."""
    if BACKEND != "pg":
        return [r[1] for r in db_execute(db, f"PRAGMA table_info('{table}')")]
    return [r[0] for r in db_execute(
        db, "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
        "AND table_schema = current_schema() ORDER BY ordinal_position", (table,))]


def db_schema(db):
    """{table: [column, ...]} of every table, in one query on either backend
    (a loop of db_columns costs a psql per table on PostgreSQL)."""
    if BACKEND != "pg":
        out = {}
        for t in db_tables(db):
            out[t] = db_columns(db, t)
        return out
    out = {}
    for t, c in db_execute(
            db, "SELECT c.table_name, c.column_name FROM information_schema.columns c"
            " JOIN information_schema.tables t ON t.table_name = c.table_name AND"
            " t.table_schema = c.table_schema WHERE c.table_schema = current_schema()"
            " AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position"):
        out.setdefault(t, []).append(c)
    return out


def run(*args, db=None, input=None, check=True):
    """Runs `edbridge ARGS --db DB`; returns CompletedProcess (text)."""
    cmd = [BIN] + list(args)
    env = db_env(db)
    for i in range(1, len(cmd) - 1):  # a test that names --db itself
        if cmd[i] == "--db":
            env = db_env(cmd[i + 1])
            cmd[i + 1] = db_arg(cmd[i + 1])
    if db:
        cmd += ["--db", db_arg(db)]
    p = subprocess.run(cmd, input=input, capture_output=True, text=True, timeout=300, env=env)
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
                                     stderr=self.errlog, text=True, env=db_env(self.db))
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
        keep = os.environ.get("EDBRIDGE_TEST_SERVER_LOG")  # a file to append stderr to
        if keep:
            self.errlog.seek(0)
            with open(keep, "a") as f:
                f.write(self.errlog.read())
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
    a test's setUp costs; the copy is byte for byte the same database (on
    PostgreSQL a CREATE DATABASE ... TEMPLATE of the one built)."""
    src = _TEMPLATES.get(key)
    if src is None:
        src = tempfile.mkdtemp(prefix="ebtest-tpl-")
        atexit.register(shutil.rmtree, src, True)
        build(os.path.join(src, name))
        _TEMPLATES[key] = src
    for f in os.listdir(src):
        shutil.copy2(os.path.join(src, f), os.path.join(tmp, f))
    if BACKEND == "pg":  # the database on the cluster: CREATE DATABASE ... TEMPLATE
        _pg_created.discard(_pg_name(os.path.join(tmp, name)))
        db_arg(os.path.join(tmp, name), copy_of=os.path.join(src, name))
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
