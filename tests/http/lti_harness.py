"""A real LTI 1.3 tool for the HTTP tests: a PostgreSQL 15 cluster in a
temporary directory and the ltijs tool of tests/http/lti_tool (index.js) on
loopback. Shared by test_lti.py (launches, deep linking) and the services'
tests (scores, memberships).

    with LtiTool(platform_url, client_id="tool-1") as tool:
        tool.login_url, tool.launch_url, tool.jwks_url   # register these
        tool.seen()                                      # what it accepted

Standard library only. skip_reason() says why the harness cannot run here
(no PostgreSQL 15, no node, npm packages not installed), None when it can."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

from pg_harness import PG_BIN, Postgres, free_port  # noqa: F401 (one copy, shared)

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL_DIR = os.path.join(HERE, "lti_tool")


def skip_reason():
    if not os.path.exists(os.path.join(PG_BIN, "initdb")):
        return "PostgreSQL 15 is not installed (Debian postgresql-15; scripts/install-deps.sh)"
    if not shutil.which("node"):
        return "node is not installed (scripts/install-deps.sh)"
    if not os.path.isdir(os.path.join(TOOL_DIR, "node_modules", "ltijs")):
        return "tests/http/lti_tool's npm packages are not installed (scripts/install-deps.sh)"
    return None


class LtiTool:
    """PostgreSQL + the ltijs tool registered with platform_url (edbridge's
    issuer) under client_id. deep_items: the content items it answers a
    deep-linking request with."""

    def __init__(self, platform_url, client_id="edbridge-test-tool", deep_items=()):
        self.platform_url = platform_url
        self.client_id = client_id
        self.deep_items = list(deep_items)
        self.pg = None
        self.proc = None

    def __enter__(self):
        self.pg = Postgres("ltijs").__enter__()
        try:
            self._start_tool()
        except BaseException:
            self.pg.__exit__(None, None, None)
            raise
        return self

    def _start_tool(self):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, TOOL_PORT=str(self.port), PG_HOST=self.pg.dir,
                   PG_PORT=str(self.pg.port), PG_DB=self.pg.dbname, PG_USER="postgres",
                   PLATFORM_URL=self.platform_url, CLIENT_ID=self.client_id,
                   DEEP_ITEMS=json.dumps(self.deep_items))
        self.errlog = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(["node", "index.js"], cwd=TOOL_DIR, env=env,
                                     stdout=subprocess.PIPE, stderr=self.errlog, text=True)
        # ltijs-sequelize's migrations print first; then the tool says it listens
        line = ""
        for _ in range(200):
            line = self.proc.stdout.readline()
            if not line or "listening" in line:
                break
        if "listening" not in line:
            self.proc.kill()
            self.proc.wait()
            self.errlog.seek(0)
            raise AssertionError("the LTI test tool did not start: " + line
                                 + self.errlog.read())
        # whatever it prints later must not fill the pipe and stop it
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()

    def __exit__(self, *exc):
        if self.proc:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc.stdout.close()
            self.errlog.close()
        if self.pg:
            self.pg.__exit__(None, None, None)

    def stderr(self):
        self.errlog.seek(0)
        return self.errlog.read()

    @property
    def login_url(self):
        return self.base + "/login"

    @property
    def launch_url(self):
        return self.base + "/"

    @property
    def jwks_url(self):
        return self.base + "/keys"

    def _call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return json.loads(r.read().decode())
        except urllib.error.HTTPError as e:
            return json.loads(e.read().decode() or "{}")

    def seen(self):
        """Every launch the tool accepted: kind ('launch' or 'deep'), the
        id_token's header and claims as they arrived, the ltik, the context."""
        return self._call("GET", "/_seen")

    def forget(self):
        self._call("POST", "/_forget", {})

    def set_items(self, items):
        self._call("POST", "/_items", list(items))

    def grade(self, ltik, score, max_score=100, user_id=None):
        """Posts a score through ltijs' Grade service (AGS) for the launch
        whose ltik is given; the tool's answer as JSON."""
        body = {"score": score, "max": max_score}
        if user_id:
            body["userId"] = user_id
        req = urllib.request.Request(self.base + "/grade?ltik=" + urllib.request.quote(ltik),
                                     data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return json.loads(r.read().decode())
        except urllib.error.HTTPError as e:
            return json.loads(e.read().decode() or "{}")


def wait_for(fn, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        v = fn()
        if v:
            return v
        time.sleep(0.1)
    return fn()
