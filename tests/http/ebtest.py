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

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("EDBRIDGE_BIN", os.path.join(ROOT, "build", "edbridge"))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
SHARED = os.path.join(ROOT, "..", "shared", "data")
PASSWORD = "test-password-1"
# tests/run.py --backend pg: every database path a test names becomes a
# database of its own on the PostgreSQL cluster the runner started
# (EDBRIDGE_TEST_PG: the URL of its first database, whose host and port
# the others share)
BACKEND = "pg" if os.environ.get("EDBRIDGE_TEST_BACKEND") == "pg" else "sqlite"
_pg_created = set()


def db_arg(db):
    """What --db gets for the database path db: the path itself on SQLite, a
    fresh database's URL (created on first use) on PostgreSQL."""
    if BACKEND != "pg" or db.startswith(("postgresql://", "postgres://")):
        return db
    base = os.environ["EDBRIDGE_TEST_PG"]
    name = "t_" + hashlib.sha1(os.path.abspath(db).encode()).hexdigest()[:20]
    head, query = base.split("?", 1)
    url = head.rsplit("/", 1)[0] + "/" + name + "?" + query
    if name not in _pg_created:
        q = dict(kv.split("=", 1) for kv in query.split("&"))
        psql = "/usr/bin/psql" if os.path.exists("/usr/bin/psql") else "psql"
        subprocess.run([psql, "-h", q["host"], "-p", q["port"], "-U", "postgres", "-qAt",
                        "-c", f'DROP DATABASE IF EXISTS "{name}"', "-c",
                        f'CREATE DATABASE "{name}"'], check=True, capture_output=True,
                       timeout=60)
        _pg_created.add(name)
    return url


def db_execute(db, statement, *params):
    """Runs one SQL statement on the test's database, on either backend;
    returns the rows as tuples. params fill `?` or `?N` placeholders (on
    PostgreSQL as quoted literals). The statement is sent as written, so it
    must be SQL both run (no INSERT OR IGNORE, no datetime('now')). A SELECT
    or WITH gives typed values on both (numbers as int or float, text as str;
    on PostgreSQL true/false for booleans and bytea as its '\\x..' text);
    other statements' RETURNING rows are text on PostgreSQL."""
    if BACKEND != "pg":
        with sqlite3.connect(db) as con:
            return con.execute(statement, params).fetchall()
    sql = _pg_inline(statement, params)
    typed = re.match(r"\s*(select|with)\b", sql, re.I) is not None
    if typed:
        sql = ("SELECT coalesce(json_agg(row_to_json(eb_q)), '[]') FROM ("
               + sql.rstrip().rstrip(";") + ") eb_q")
    p = subprocess.run(["psql", db_arg(db), "-v", "ON_ERROR_STOP=1", "-qAt", "-F", "\t",
                        "-c", sql], capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise AssertionError(f"psql: {statement}: {p.stderr}")
    if typed:
        # object_pairs_hook keeps every column, also two of the same name
        return [tuple(r) for r in json.loads(p.stdout, object_pairs_hook=lambda kv: [v for _, v in kv])]
    return [tuple(line.split("\t")) for line in p.stdout.splitlines()]


def db_bytes(db):
    """Everything the test's database holds, as bytes, to check that a secret
    is stored nowhere in clear: the SQLite file itself, or pg_dump's output."""
    if BACKEND != "pg":
        with open(db, "rb") as f:
            return f.read()
    p = subprocess.run(["pg_dump", "--data-only", db_arg(db)], capture_output=True,
                       timeout=120)
    if p.returncode != 0:
        raise AssertionError(f"pg_dump: {p.stderr.decode(errors='replace')}")
    return p.stdout


def _pg_literal(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, (bytes, bytearray)):
        return "'\\x" + bytes(v).hex() + "'::bytea"
    return "'" + str(v).replace("'", "''") + "'"


def _pg_inline(statement, params):
    """statement with its ? / ?N placeholders replaced by params as literals
    (never inside a quoted literal or name)."""
    if not params:
        return statement
    out, i, n = [], 0, 0
    while i < len(statement):
        ch = statement[i]
        if ch in "'\"":
            j = i + 1
            while j < len(statement):
                if statement[j] == ch:
                    if j + 1 < len(statement) and statement[j + 1] == ch:
                        j += 2
                        continue
                    break
                j += 1
            out.append(statement[i:j + 1])
            i = j + 1
            continue
        if ch == "?":
            m = re.match(r"\?(\d*)", statement[i:])
            # as SQLite: a bare ? is one more than the largest number before it
            k = int(m.group(1)) - 1 if m.group(1) else n
            n = max(n, k + 1)
            out.append(_pg_literal(params[k]))
            i += len(m.group(0))
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def db_env(db):
    """The environment for an edbridge command on the database path db. On
    PostgreSQL there is no database file beside which the vault key lives, so
    EDBRIDGE_VAULT_KEY_FILE names the file SQLite would use (DB.key), unless
    the environment names one already."""
    env = dict(os.environ)
    if BACKEND == "pg" and db and not env.get("EDBRIDGE_VAULT_KEY_FILE") \
            and not db.startswith(("postgresql://", "postgres://")):
        env["EDBRIDGE_VAULT_KEY_FILE"] = db + ".key"
    return env


def run(*args, db=None, input=None, check=True):
    """Runs `edbridge ARGS --db DB`; returns CompletedProcess (text)."""
    cmd = [BIN] + list(args)
    if db:
        cmd += ["--db", db_arg(db)]
    p = subprocess.run(cmd, input=input, capture_output=True, text=True, timeout=300,
                       env=db_env(db))
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
    named after it, such as its vault key) into tmp. Building the fixture
    district hashes a password per account (Argon2id), which is most of what
    a test's setUp costs; the copy is byte for byte the same database."""
    if BACKEND == "pg":  # a database on the cluster, not a file to copy
        build(os.path.join(tmp, name))
        return os.path.join(tmp, name)
    src = _TEMPLATES.get(key)
    if src is None:
        src = tempfile.mkdtemp(prefix="ebtest-tpl-")
        atexit.register(shutil.rmtree, src, True)
        build(os.path.join(src, name))
        _TEMPLATES[key] = src
    for f in os.listdir(src):
        shutil.copy2(os.path.join(src, f), os.path.join(tmp, f))
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
