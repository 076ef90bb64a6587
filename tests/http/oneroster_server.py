"""A local OneRoster REST provider for the tests and the bench (standard library only).

Serves a OneRoster CSV sample set (a .zip or a folder, e.g. ../shared/data/oneroster/*.zip,
read once at start) over the REST binding of its version:

  1.1  GET /ims/oneroster/v1p1/{orgs,academicSessions,courses,classes,users,enrollments,
                                 demographics}
  1.2  GET /ims/oneroster/rostering/v1p2/{same}   (users carry roles[], booleans are JSON)
  both POST /oauth/token  (client credentials, HTTP Basic client id:secret; tokens expire)

Each collection answers {"<name>": [...]} with limit (default 100) / offset paging,
X-Total-Count and Link rel="next" (switchable), and `filter=dateLastModified>'ISO'` (also
>=) for deltas. Objects keep the CSV's status and dateLastModified (a bulk file's blank
status reads "active", a blank date the sample's default).

Switches (attributes of OneRosterServer, change them while it runs):
  page_cap      largest limit the server honours (answers shorter pages than asked)
  total_header  send X-Total-Count (default True);  link_header  send Link (default False)
  fail          {collection: offset} -> 500 for that page; fail_times (default: always)
  expire_after  the current token expires after this many more data requests
  token_life    expires_in of new tokens (seconds)
  slow_ms       sleep before each data answer
  retry_after   Retry-After seconds on the 500s (None: no header)
Counters: requests (list of (path, query)), token_requests, fails_sent.
Data: set(collection, obj) adds or replaces an object (bench and delta tests; the
Gradebook's lineItems and results are served under /ims/oneroster/gradebook/v1p2/);
collections maps name -> list of objects.

As a program (bench, manual runs):
  python3 oneroster_server.py --data X.zip|DIR|FILE.json [--version 1.1|1.2] [--port N]
      [--client-id ID --secret-file F] [--cert C --key K] [--prerender]
  prints `listening: http(s)://127.0.0.1:PORT/ims/oneroster/...` and serves until killed.
  A FILE.json is {"version": "1.1", "<collection>": [objects], ...} as served.
"""
import base64
import csv
import io
import json
import os
import re
import secrets
import ssl
import sys
import threading
import time
import urllib.parse
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

COLLECTIONS = ["orgs", "academicSessions", "courses", "classes", "users", "enrollments",
               "demographics"]
DEFAULT_DLM = "2024-01-01T00:00:00Z"
# the Gradebook service (1.2): collections added with set("lineItems", obj) ...
GRADEBOOK_PREFIX = "/ims/oneroster/gradebook/v1p2"


def read_csv_set(path):
    """{stem (lower): [rows as dicts]} and the version from manifest.csv."""
    files = {}
    if os.path.isdir(path):
        for n in os.listdir(path):
            if n.lower().endswith(".csv"):
                with open(os.path.join(path, n), encoding="utf-8-sig", newline="") as f:
                    files[n[:-4].lower()] = f.read()
    else:
        with zipfile.ZipFile(path) as z:
            for n in z.namelist():
                base = n.rsplit("/", 1)[-1]
                if base.lower().endswith(".csv"):
                    files[base[:-4].lower()] = z.read(n).decode("utf-8-sig")
    rows = {k: list(csv.DictReader(io.StringIO(v))) for k, v in files.items()}
    version = "1.1"
    for r in rows.get("manifest", []):
        vals = list(r.values())
        if len(vals) >= 2 and str(vals[0]).strip() == "oneroster.version":
            version = "1.2" if str(vals[1]).strip().startswith("1.2") else "1.1"
    return rows, version


def _ref(sid, typ):
    return {"href": "", "sourcedId": sid, "type": typ} if sid else None


def _list(v):
    return [x.strip() for x in (v or "").split(",") if x.strip()]


def _bool(v, v12):
    b = (v or "").strip().lower()
    if b not in ("true", "false"):
        return None
    return (b == "true") if v12 else b


def _base(r):
    return {"sourcedId": r.get("sourcedId", ""),
            "status": (r.get("status") or "active").strip() or "active",
            "dateLastModified": (r.get("dateLastModified") or "").strip() or DEFAULT_DLM}


def _meta(r, obj):
    meta = {k[9:]: v for k, v in r.items() if k and k.startswith("metadata.") and v}
    if meta:
        obj["metadata"] = meta
    return obj


def csv_to_rest(rows, version):
    """The CSV rows as REST binding objects, per collection."""
    v12 = version == "1.2"
    out = {c: [] for c in COLLECTIONS}
    for r in rows.get("orgs", []):
        o = _base(r)
        o.update(name=r.get("name", ""), type=r.get("type", ""),
                 identifier=r.get("identifier", ""),
                 parent=_ref(r.get("parentSourcedId"), "org"), children=[])
        out["orgs"].append(_meta(r, o))
    for r in rows.get("academicsessions", []):
        o = _base(r)
        o.update(title=r.get("title", ""), type=r.get("type", ""),
                 startDate=r.get("startDate", ""), endDate=r.get("endDate", ""),
                 parent=_ref(r.get("parentSourcedId"), "academicSession"),
                 schoolYear=r.get("schoolYear", ""))
        out["academicSessions"].append(_meta(r, o))
    for r in rows.get("courses", []):
        o = _base(r)
        o.update(title=r.get("title", ""), courseCode=r.get("courseCode", ""),
                 schoolYear=_ref(r.get("schoolYearSourcedId"), "academicSession"),
                 grades=_list(r.get("grades")), subjects=_list(r.get("subjects")),
                 subjectCodes=_list(r.get("subjectCodes")),
                 org=_ref(r.get("orgSourcedId"), "org"))
        out["courses"].append(_meta(r, o))
    for r in rows.get("classes", []):
        o = _base(r)
        o.update(title=r.get("title", ""), classCode=r.get("classCode", ""),
                 classType=r.get("classType", ""), location=r.get("location", ""),
                 grades=_list(r.get("grades")), subjects=_list(r.get("subjects")),
                 subjectCodes=_list(r.get("subjectCodes")), periods=_list(r.get("periods")),
                 course=_ref(r.get("courseSourcedId"), "course"),
                 school=_ref(r.get("schoolSourcedId"), "org"),
                 terms=[_ref(t, "academicSession") for t in _list(r.get("termSourcedIds"))])
        out["classes"].append(_meta(r, o))
    roles = {}
    for r in rows.get("roles", []):
        roles.setdefault(r.get("userSourcedId", ""), []).append(
            {"roleType": r.get("roleType", ""), "role": r.get("role", ""),
             "org": _ref(r.get("orgSourcedId"), "org"),
             "beginDate": r.get("beginDate") or None, "endDate": r.get("endDate") or None})
    for r in rows.get("users", []):
        o = _base(r)
        ids = []
        for m in re.finditer(r"\{([^:}]*):([^}]*)\}", r.get("userIds") or ""):
            ids.append({"type": m.group(1), "identifier": m.group(2)})
        o.update(username=r.get("username", ""), userIds=ids,
                 enabledUser=_bool(r.get("enabledUser"), v12),
                 givenName=r.get("givenName", ""), familyName=r.get("familyName", ""),
                 middleName=r.get("middleName", ""), identifier=r.get("identifier", ""),
                 email=r.get("email", ""), sms=r.get("sms", ""), phone=r.get("phone", ""),
                 agents=[_ref(a, "user") for a in _list(r.get("agentSourcedIds"))],
                 grades=_list(r.get("grades")))
        if v12:
            o["roles"] = roles.get(o["sourcedId"], [])
            if r.get("primaryOrgSourcedId"):
                o["primaryOrg"] = _ref(r.get("primaryOrgSourcedId"), "org")
            if r.get("preferredGivenName"):
                o["preferredGivenName"] = r["preferredGivenName"]
        else:
            o["role"] = r.get("role", "")
            o["orgs"] = [_ref(s, "org") for s in _list(r.get("orgSourcedIds"))]
        out["users"].append(_meta(r, o))
    for r in rows.get("enrollments", []):
        o = _base(r)
        o.update(role=r.get("role", ""), primary=_bool(r.get("primary"), v12),
                 beginDate=r.get("beginDate") or None, endDate=r.get("endDate") or None,
                 user=_ref(r.get("userSourcedId"), "user"),
                 **{"class": _ref(r.get("classSourcedId"), "class")},
                 school=_ref(r.get("schoolSourcedId"), "org"))
        out["enrollments"].append(_meta(r, o))
    for r in rows.get("demographics", []):
        o = _base(r)
        for k, val in r.items():
            if k and k not in o and val:
                o[k] = _bool(val, v12) if val.strip().lower() in ("true", "false") else val
        out["demographics"].append(o)
    return out


FILTER = re.compile(r"^dateLastModified(>=|>)'([^']*)'$")


class OneRosterServer:
    """Runs on 127.0.0.1 (a free port) in a thread for a with-block or start()/stop()."""

    def __init__(self, data=None, version=None, client_id="sis-client",
                 client_secret="sis-secret-1", cert=None, key=None, token_life=3600,
                 prerender=False):
        self.client_id, self.client_secret = client_id, client_secret
        self.collections = {c: [] for c in COLLECTIONS}
        self.version = version or "1.1"
        if data and data.endswith(".json"):
            with open(data, encoding="utf-8") as f:
                j = json.load(f)
            self.version = version or j.get("version", "1.1")
            for c in COLLECTIONS:
                self.collections[c] = j.get(c, [])
        elif data:
            rows, v = read_csv_set(data)
            self.version = version or v
            self.collections = csv_to_rest(rows, self.version)
        # prerender (large sets, the bench): each object kept as its JSON text
        # with its dateLastModified; pages are joined, not encoded, per request
        self.rendered = {}
        if prerender:
            for c in COLLECTIONS:
                self.rendered[c] = [(o.get("dateLastModified", ""),
                                     json.dumps(o, separators=(",", ":")))
                                    for o in self.collections[c]]
                self.collections[c] = []
        self.cert, self.key = cert, key
        self.token_life = token_life
        self.page_cap = 10000
        self.total_header = True
        self.link_header = False
        self.fail = {}
        self.fail_times = None
        self.fails_sent = 0
        self.retry_after = None
        self.expire_after = None
        self.slow_ms = 0
        self.tokens = {}  # token -> expiry (time.time())
        self.requests = []
        self.token_requests = 0
        self.lock = threading.Lock()
        self.httpd = None

    @property
    def prefix(self):
        return "/ims/oneroster/rostering/v1p2" if self.version == "1.2" else "/ims/oneroster/v1p1"

    @property
    def url(self):
        scheme = "https" if self.cert else "http"
        return f"{scheme}://127.0.0.1:{self.port}{self.prefix}"

    @property
    def token_url(self):
        scheme = "https" if self.cert else "http"
        return f"{scheme}://127.0.0.1:{self.port}/oauth/token"

    def set(self, collection, obj):
        with self.lock:
            lst = self.collections.setdefault(collection, [])
            for i, o in enumerate(lst):
                if o.get("sourcedId") == obj.get("sourcedId"):
                    lst[i] = obj
                    return
            lst.append(obj)

    def expire_tokens(self):
        with self.lock:
            self.tokens.clear()

    def start(self):
        srv = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *a):
                pass

            def reply(self, status, body, headers=()):
                self.reply_raw(status, json.dumps(body).encode(), headers)

            def reply_raw(self, status, data, headers=()):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers:
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                form = urllib.parse.parse_qs(self.rfile.read(n).decode())
                if self.path != "/oauth/token":
                    return self.reply(404, {"error": "not found"})
                with srv.lock:
                    srv.token_requests += 1
                auth = self.headers.get("Authorization") or ""
                try:
                    cid, _, sec = base64.b64decode(auth[6:]).decode().partition(":")
                except Exception:
                    cid = sec = None
                if not auth.startswith("Basic ") or cid != srv.client_id \
                        or sec != srv.client_secret:
                    return self.reply(401, {"error": "invalid_client"})
                if form.get("grant_type") != ["client_credentials"]:
                    return self.reply(400, {"error": "unsupported_grant_type"})
                tok = secrets.token_urlsafe(24)
                with srv.lock:
                    srv.tokens[tok] = time.time() + srv.token_life
                self.reply(200, {"access_token": tok, "token_type": "bearer",
                                 "expires_in": srv.token_life,
                                 "scope": (form.get("scope") or [""])[0]})

            def do_GET(self):
                u = urllib.parse.urlsplit(self.path)
                q = urllib.parse.parse_qs(u.query)
                auth = self.headers.get("Authorization") or ""
                tok = auth[7:] if auth.startswith("Bearer ") else None
                with srv.lock:
                    srv.requests.append((u.path, u.query))
                    ok = tok in srv.tokens and srv.tokens[tok] > time.time()
                    if ok and srv.expire_after is not None:
                        srv.expire_after -= 1
                        if srv.expire_after < 0:
                            srv.tokens.pop(tok, None)
                            srv.expire_after = None
                            ok = False
                if not ok:
                    return self.reply(401, {"imsx_codeMajor": "failure",
                                            "imsx_description": "token expired or unknown"})
                if u.path.startswith(GRADEBOOK_PREFIX + "/"):
                    name = u.path[len(GRADEBOOK_PREFIX) + 1:]
                elif u.path.startswith(srv.prefix + "/"):
                    name = u.path[len(srv.prefix) + 1:]
                else:
                    return self.reply(404, {"imsx_codeMajor": "failure"})
                if name not in srv.collections and name not in srv.rendered:
                    return self.reply(404, {"imsx_codeMajor": "failure"})
                try:
                    limit = int((q.get("limit") or ["100"])[0])
                    offset = int((q.get("offset") or ["0"])[0])
                except ValueError:
                    return self.reply(400, {"imsx_codeMajor": "failure"})
                limit = max(1, min(limit, srv.page_cap))
                if srv.slow_ms:
                    time.sleep(srv.slow_ms / 1000)
                with srv.lock:
                    if srv.fail.get(name) == offset and \
                            (srv.fail_times is None or srv.fails_sent < srv.fail_times):
                        srv.fails_sent += 1
                        h = [("Retry-After", str(srv.retry_after))] \
                            if srv.retry_after is not None else []
                        fail = True
                    else:
                        fail = False
                    rendered = srv.rendered.get(name)
                    items = rendered if rendered is not None else list(srv.collections[name])
                if fail:
                    return self.reply(500, {"imsx_codeMajor": "failure"}, h)
                flt = (q.get("filter") or [None])[0]
                if flt:
                    m = FILTER.match(flt)
                    if not m:
                        return self.reply(400, {"imsx_codeMajor": "failure",
                                                "imsx_description": "unsupported filter"})
                    op, since = m.groups()
                    dlm = (lambda o: o[0]) if rendered is not None else \
                        (lambda o: o.get("dateLastModified", ""))
                    items = [o for o in items
                             if (dlm(o) > since if op == ">" else dlm(o) >= since)]
                page = items[offset:offset + limit]
                headers = []
                if srv.total_header:
                    headers.append(("X-Total-Count", str(len(items))))
                if srv.link_header and offset + limit < len(items):
                    nq = dict(q)
                    nq["offset"] = [str(offset + limit)]
                    nq["limit"] = [str(limit)]
                    headers.append(("Link", f'<{u.path}?{urllib.parse.urlencode(nq, True)}>; '
                                            'rel="next"'))
                if rendered is not None:
                    return self.reply_raw(200, ('{"%s":[' % name + ",".join(
                        t for _, t in page) + "]}").encode(), headers)
                self.reply(200, {name: page}, headers)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        if self.cert:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(self.cert, self.key)
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self.httpd:
            self.httpd.shutdown()
            self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def main(argv):
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--version")
    ap.add_argument("--client-id", default="sis-client")
    ap.add_argument("--secret-file")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--prerender", action="store_true")
    a = ap.parse_args(argv)
    secret = "sis-secret-1"
    if a.secret_file:
        with open(a.secret_file, encoding="utf-8") as f:
            secret = f.read().strip()
    s = OneRosterServer(a.data, a.version, a.client_id, secret, a.cert, a.key,
                        prerender=a.prerender).start()
    print(f"listening: {s.url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        s.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
