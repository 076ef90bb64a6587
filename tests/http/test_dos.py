"""Denial of service (issue 9, items 6-10), against the real binary with raw
sockets: bodies only for callers the headers identify, a server-wide body
budget, memory given back, one address cannot hold every connection, idle
connections are closed, zip bombs are refused unread, ambiguous framing is
refused, and a stop is quick and loses nothing that was acknowledged."""
import io
import json
import os
import random
import re
import resource
import select
import signal
import socket
import subprocess
import threading
import time
import uuid
import zipfile
import zlib

from ebtest import (BIN, Client, Server, TempDir, db_arg, db_env, db_execute, db_write_lock,
                    make_district, run)
from test_ingest import basic, credentials, statement
from test_import_upload import multipart

MIB = 1 << 20
# Under AddressSanitizer or ThreadSanitizer (make asan, make tsan) the
# allocator is the sanitizer's: it keeps freed memory in quarantine and its
# shadow grows with use, so figures of resident memory say nothing there.
SANITIZED = any(k in os.environ for k in ("ASAN_OPTIONS", "TSAN_OPTIONS")) or \
    any(b in BIN for b in ("build-asan", "build-tsan"))


def mem(pid):
    """(VmRSS, VmHWM) of a process, in bytes."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                out[k] = int(v.split()[0]) * 1024
    return out["VmRSS"], out["VmHWM"]


def connect(port, source="127.0.0.1", timeout=10):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def read_response(s):
    """Reads one response (headers and a Content-Length body); returns
    (status, headers dict lower-cased, body) or (None, {}, b"") when the
    server closed the connection without one."""
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            d = s.recv(65536)
            if not d:
                return None, {}, b""
            data += d
    except ConnectionResetError:
        return None, {}, b""
    head, _, body = data.partition(b"\r\n\r\n")
    if head.startswith(b"HTTP/1.1 100"):
        data = body
        while b"\r\n\r\n" not in data:
            d = s.recv(65536)
            if not d:
                return None, {}, b""
            data += d
        head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    n = int(hdrs.get("content-length", "0"))
    try:
        while len(body) < n:
            d = s.recv(65536)
            if not d:
                break
            body += d
    except (ConnectionResetError, socket.timeout):
        pass
    return status, hdrs, body


def post(port, head, body, wait=0.5):
    """Sends the headers; if the server answers within `wait` s (a refusal
    from the headers alone), returns that; else sends the body and returns
    the answer."""
    s = connect(port, timeout=wait)
    s.sendall(head)
    try:
        early = read_response(s)
    except socket.timeout:
        early = None
    if early and early[0]:
        s.close()
        return early
    s.settimeout(60)
    try:
        s.sendall(body)
    except OSError:
        s.close()
        return None, {}, b""
    r = read_response(s)
    s.close()
    return r


def raw(port, request, source="127.0.0.1"):
    s = connect(port, source)
    s.sendall(request)
    r = read_response(s)
    s.close()
    return r


def start(db, *extra):
    p = subprocess.Popen([BIN, "serve", "--db", db_arg(db), "--port", "0", "--quiet"]
                         + list(extra), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True, env=db_env(db))
    m = re.search(r"listening: http://[\d.]+:(\d+)/", p.stdout.readline())
    if not m:
        p.kill()
        p.wait()
        raise AssertionError("server did not start")
    return p, int(m.group(1))


def stop_time(p, limit=40):
    """Sends SIGTERM; returns the seconds until the process had exited."""
    t0 = time.time()
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout=limit)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    p.stdout.close()
    return time.time() - t0


class Bodies(TempDir):
    """Item 6: a body is read only for a caller the headers identify, within a
    server-wide budget, and its memory goes back to the system."""

    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.dir = tempfile.mkdtemp(prefix="ebdos-")
        cls.db = make_district(cls.dir)
        cls.tid, cls.creds = credentials(cls.db, "Practice App")

    @classmethod
    def tearDownClass(cls):
        import shutil
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_credentials_are_checked_before_the_body(self):
        # each request announces a large body and sends none of it: the
        # answer must come from the headers alone, at once
        bad = "Basic " + "eDp5"  # x:y
        cases = [
            (b"POST /admin/import HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; "
             b"boundary=b\r\nContent-Length: 16000000\r\n\r\n", 303),
            (b"POST /xapi/statements HTTP/1.1\r\nHost: x\r\nAuthorization: " + bad.encode()
             + b"\r\nContent-Type: application/json\r\nContent-Length: 16000000\r\n\r\n", 401),
            (b"POST /caliper HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             b"Content-Length: 16000000\r\n\r\n", 401),
            (b"POST /caliper HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", 401),
            (b"POST /tools/new HTTP/1.1\r\nHost: x\r\nCookie: eb_session=" + b"A" * 43
             + b"\r\nContent-Length: 9000000\r\n\r\n", 303),
            # a public form: a few fields, not megabytes
            (b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
             b"\r\nContent-Length: 1000000\r\n\r\n", 413),
            (b"POST /no/such/page HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n", 404),
        ]
        with Server(self.db) as srv:
            for request, want in cases:
                t0 = time.time()
                status, hdrs, _ = raw(srv.port, request)
                self.assertEqual(status, want, request[:40])
                self.assertLess(time.time() - t0, 3, request[:40])
            # a logged-in administrator still uploads, a tool still posts
            c = srv.client()
            c.login("teacher")
            r = c.post("/tools/request", {"name": "Some App", "purpose": "practice"})
            self.assertNotIn(r.status, (401, 413, 503), r.text[:200])
            r = c.request("POST", "/xapi/statements", json.dumps(statement(str(uuid.uuid4()))),
                          basic(self.creds))
            self.assertEqual(r.status, 200, r.text)

    def test_unauthenticated_bodies_do_not_grow_the_server(self):
        if SANITIZED:
            self.skipTest("memory figures mean nothing under a sanitizer")
        # 40 clients send 16 MiB each with wrong credentials (the finding: 150
        # took the server from 167 MB to 2.56 GB)
        with Server(self.db) as srv:
            time.sleep(0.3)
            _, hwm0 = mem(srv.proc.pid)
            body = b"x" * (16 * MIB - 1)

            def flood():
                try:
                    s = connect(srv.port)
                    s.sendall(b"POST /xapi/statements HTTP/1.1\r\nHost: x\r\nAuthorization: "
                              b"Basic eDp5\r\nContent-Length: %d\r\n\r\n" % len(body))
                    s.sendall(body)
                    read_response(s)
                    s.close()
                except OSError:
                    pass  # refused and closed before the body was read: good
            threads = [threading.Thread(target=flood) for _ in range(40)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(120)
            _, hwm1 = mem(srv.proc.pid)
            self.assertLess(hwm1 - hwm0, 64 * MIB, f"peak grew from {hwm0} to {hwm1} bytes")
            self.assertEqual(srv.client().get("/healthz").status, 200)

    def test_body_budget_answers_503_and_memory_goes_back(self):
        p, port = start(self.db, "--body-budget", "16")
        try:
            auth = basic(self.creds)["Authorization"].encode()
            head = (b"POST /xapi/statements HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth
                    + b"\r\nContent-Type: application/json\r\nX-Experience-API-Version: 1.0.3"
                    + b"\r\nContent-Length: %d\r\n\r\n")
            # A and A2 hold 15 of the 16 MiB while they send slowly
            a = connect(port)
            a.sendall(head % (8 * MIB) + b"[")
            a2 = connect(port)
            a2.sendall(head % (7 * MIB) + b"[")
            # until the server has read both heads and reserved their shares
            # (on PostgreSQL under a loaded make check, 0.3 s was not always
            # enough: the third body got in and was read)
            time.sleep(1.0)
            status, hdrs, body = post(port, head % (8 * MIB), b"{" * (8 * MIB))
            self.assertEqual(status, 503, body)
            self.assertIn("retry-after", hdrs)
            # a small one still fits
            small = json.dumps(statement(str(uuid.uuid4()))).encode()
            status, _, body = raw(port, head % len(small) + small)
            self.assertEqual(status, 200, body)
            a.close()  # A gives up: its share comes back
            a2.sendall(b"x" * 100)
            deadline = time.time() + 5
            while True:
                status, _, _ = post(port, head % (8 * MIB), b"{" * (8 * MIB))
                if status != 503 or time.time() > deadline:
                    break
                time.sleep(0.2)
            self.assertEqual(status, 400)
            a2.close()
        finally:
            stop_time(p)

    def test_memory_goes_back_after_large_bodies(self):
        if SANITIZED:
            self.skipTest("memory figures mean nothing under a sanitizer")
        # an administrator's uploads of 16 MiB, 16 at once, twice: glibc
        # kept what the first round freed for the next ones (the finding: 1.6
        # GB stayed after the load)
        p, port = start(self.db)
        try:
            c = Client(port)
            c.login("admin")
            c.get("/admin/import")
            cookie = "; ".join(f"{k}={v}" for k, v in c.cookies.items())
            body, ct = multipart({"csrf": c.csrf}, "r.zip", b"x" * (16 * MIB - 400))
            time.sleep(0.3)
            rss0, _ = mem(p.pid)
            for rnd in range(2):
                socks = []
                for _ in range(16):
                    s = connect(port, timeout=60)
                    s.sendall(f"POST /admin/import HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\n"
                              f"Content-Type: {ct}\r\nContent-Length: {len(body)}\r\n\r\n".encode())
                    socks.append(s)
                for s in socks:
                    s.sendall(body[:-1])
                _, hwm = mem(p.pid)
                for s in socks:
                    s.sendall(body[-1:])
                for s in socks:
                    self.assertEqual(read_response(s)[0], 400)  # not a zip
                    s.close()
                time.sleep(1)
                rss1, _ = mem(p.pid)
                self.assertGreater(hwm - rss0, 200 * MIB)  # the bodies were held at once
                self.assertLess(rss1 - rss0, 48 * MIB,
                                f"round {rnd}: RSS {rss0} before, {hwm} at the peak, {rss1} after")
        finally:
            stop_time(p)


class Connections(TempDir):
    """Item 7: one client address cannot hold every connection; connections
    that send nothing are closed."""

    def setUp(self):
        super().setUp()
        self.db = os.path.join(self.tmp, "c.db")
        run("init", "--district", "D", db=self.db)

    def test_one_address_cannot_hold_every_connection(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard != resource.RLIM_INFINITY and hard < 5000:
            self.skipTest(f"needs 5,000 open files (hard limit {hard})")
        if soft != resource.RLIM_INFINITY and soft < 5000:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192) if hard != resource.RLIM_INFINITY else 8192, hard))
        p, port = start(self.db)
        socks = []
        try:
            # the finding: 4,100 idle connections from one address
            for _ in range(4100):
                try:
                    socks.append(connect(port, timeout=5))
                except OSError:
                    break
            time.sleep(1)
            t0 = time.time()
            status, _, _ = raw(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                               source="127.0.0.2")
            self.assertEqual(status, 200)
            self.assertLess(time.time() - t0, 5)
            # the server closed all but its per-address share
            open_ = 0
            for s in socks:
                s.setblocking(False)
                try:
                    open_ += s.recv(1) != b""
                except BlockingIOError:
                    open_ += 1
                except OSError:
                    pass
            self.assertLessEqual(open_, 256)
        finally:
            for s in socks:
                s.close()
            stop_time(p)

    def test_per_address_cap(self):
        p, port = start(self.db, "--max-conn-per-addr", "8")
        try:
            socks = [connect(port) for _ in range(12)]
            time.sleep(0.5)
            # the server sends nothing to an idle connection: a readable one
            # is one it closed
            readable, _, _ = select.select(socks, [], [], 0)
            self.assertEqual(len(socks) - len(readable), 8)
            status, _, _ = raw(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
                               source="127.0.0.2")
            self.assertEqual(status, 200)
            for s in socks:
                s.close()
            time.sleep(0.3)
            # closed ones free their places
            self.assertEqual(raw(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")[0], 200)
        finally:
            stop_time(p)

    def test_idle_connections_are_closed(self):
        p, port = start(self.db, "--idle-timeout", "2")
        try:
            idle = [connect(port) for _ in range(3)]
            # one that has sent a request keeps the longer timeout
            busy = connect(port)
            busy.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(read_response(busy)[0], 200)
            time.sleep(0.5)
            self.assertEqual(select.select(idle, [], [], 0)[0], [])
            time.sleep(3)
            self.assertEqual(len(select.select(idle, [], [], 0)[0]), 3)
            for s in idle:
                try:
                    self.assertEqual(s.recv(1), b"")
                except ConnectionResetError:
                    pass
            busy.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            self.assertEqual(read_response(busy)[0], 200)
            for s in idle + [busy]:
                s.close()
        finally:
            stop_time(p)


def bomb_zip(csv_bytes):
    """A OneRoster zip whose users.csv expands to csv_bytes of one repeated line."""
    buf = io.BytesIO()
    line = b"u,active,,true,o,student,n,,A,B,,,,,,,,\n"
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("manifest.csv", "propertyName,value\noneroster.version,1.1\nfile.users,bulk\n")
        with z.open("users.csv", "w", force_zip64=True) as f:
            chunk = line * (MIB // len(line))
            left = csv_bytes
            while left > 0:
                f.write(chunk[:left])
                left -= len(chunk)
    return buf.getvalue()


class ZipBomb(TempDir):
    """Item 8: the roster upload refuses a zip that would expand far beyond
    its size, before inflating it."""

    def test_zip_bomb_is_refused_unread(self):
        db = make_district(self.tmp)
        payload = bomb_zip(300 * MIB)
        self.assertLess(len(payload), 2 * MIB)
        with Server(db) as srv:
            c = srv.client()
            c.login("admin")
            c.get("/admin/import")
            time.sleep(0.3)
            _, hwm0 = mem(srv.proc.pid)
            body, ct = multipart({"csrf": c.csrf}, "roster.zip", payload)
            t0 = time.time()
            r = c.request("POST", "/admin/import", body=body, headers={"Content-Type": ct})
            took = time.time() - t0
            _, hwm1 = mem(srv.proc.pid)
            self.assertEqual(r.status, 400)
            if not SANITIZED:
                self.assertLess(hwm1 - hwm0, 64 * MIB, f"peak grew from {hwm0} to {hwm1}")
            self.assertIn("times the archive", r.text)
            self.assertIn("nothing was changed", r.text)
            self.assertLess(took, 5)


class Framing(TempDir):
    """Item 9: requests whose body boundary a proxy could read differently
    are refused with 400, not guessed."""

    def test_ambiguous_framing_is_refused(self):
        db = os.path.join(self.tmp, "f.db")
        run("init", "--district", "D", db=db)
        bad = {
            "two Content-Length": b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                                  b"Content-Length: 40\r\n\r\nlogin",
            "space before colon": b"POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked"
                                  b"\r\n\r\n5\r\nlogin\r\n0\r\n\r\n",
            "tab before colon": b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length\t: 5\r\n\r\nlogin",
            "length and chunked": b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                                  b"Transfer-Encoding: chunked\r\n\r\n5\r\nlogin\r\n0\r\n\r\n",
            "unknown coding": b"POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked"
                              b"\r\n\r\n5\r\nlogin\r\n0\r\n\r\n",
            "two codings headers": b"POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                                   b"Transfer-Encoding: chunked\r\n\r\n5\r\nlogin\r\n0\r\n\r\n",
        }
        with Server(db) as srv:
            for name, request in bad.items():
                status, hdrs, body = raw(srv.port, request)
                self.assertEqual(status, 400, name)
                self.assertEqual(hdrs.get("connection", "").lower(), "close", name)
            # well-formed framings still pass: one length, or chunked alone
            ok = [b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
                  b"\r\nContent-Length: 5\r\n\r\nlogin",
                  b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
                  b"\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nlogin",
                  b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
                  b"\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nlogin\r\n0\r\n\r\n"]
            for request in ok:
                status, _, body = raw(srv.port, request)
                self.assertEqual(status, 403, body[:200])  # the login form's CSRF pair


class Stop(TempDir):
    """Item 10: SIGTERM stops the server within 5 s; what was acknowledged is
    stored, what was not finished is refused."""

    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.dir = tempfile.mkdtemp(prefix="ebstop-")
        cls.db = make_district(cls.dir)
        cls.tid, cls.creds = credentials(cls.db, "Practice App")

    @classmethod
    def tearDownClass(cls):
        import shutil
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_stop_right_after_start_is_quick(self):
        # a signal that came while the server did its first housekeeping was
        # noticed only after a 30 s sleep
        rnd = random.Random(9)
        for i in range(16):
            p = subprocess.Popen([BIN, "serve", "--db", db_arg(self.db), "--port", "0",
                                  "--quiet"], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True, env=db_env(self.db))
            p.stdout.readline()
            time.sleep(rnd.uniform(0, 0.004))
            self.assertLess(stop_time(p, limit=10), 5, f"try {i}")

    def _post(self, port, sid, out):
        body = json.dumps(statement(sid)).encode()
        try:
            s = connect(port, timeout=60)
            auth = basic(self.creds)["Authorization"].encode()
            s.sendall(b"POST /xapi/statements HTTP/1.1\r\nHost: x\r\nAuthorization: " + auth
                      + b"\r\nContent-Type: application/json\r\nX-Experience-API-Version: 1.0.3"
                      + b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
            out[sid] = read_response(s)[0]
            s.close()
        except (OSError, ValueError, IndexError):
            # ValueError: a connection to the closed port may meet itself (a
            # TCP self-connect) and read its own request
            out[sid] = None
        return out[sid]

    def stored(self, ids):
        have = {r[0] for r in db_execute(self.db, "SELECT id FROM xapi_statement")}
        return {i for i in ids if i in have}

    def test_stop_with_the_database_locked(self):
        p, port = start(self.db)
        results = {}
        with db_write_lock(self.db):  # another process writes for a long time
            first, second = str(uuid.uuid4()), str(uuid.uuid4())
            t1 = threading.Thread(target=self._post, args=(port, first, results))
            t1.start()
            time.sleep(0.5)  # the writer has taken the first and waits for the lock
            t2 = threading.Thread(target=self._post, args=(port, second, results))
            t2.start()
            time.sleep(0.5)
            took = stop_time(p)
            t1.join(10)
            t2.join(10)
        self.assertLess(took, 5)
        self.assertNotEqual(results.get(first), 200)
        self.assertEqual(results.get(second), 503)  # waiting in the queue: refused
        self.assertEqual(self.stored([first, second]), set())

    def test_stop_under_load_keeps_what_was_acknowledged(self):
        p, port = start(self.db)
        results = {}
        go = threading.Event()

        def client():
            while not go.is_set():
                if self._post(port, str(uuid.uuid4()), results) is None:
                    break  # the server is gone
        threads = [threading.Thread(target=client) for _ in range(6)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        took = stop_time(p)
        go.set()
        for t in threads:
            t.join(30)
        self.assertLess(took, 5)
        acked = [sid for sid, st in results.items() if st == 200]
        self.assertGreater(len(acked), 20)
        self.assertEqual(self.stored(acked), set(acked))
        for st in results.values():
            self.assertIn(st, (200, 503, None))


if __name__ == "__main__":
    import unittest
    unittest.main()
