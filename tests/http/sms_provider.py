"""A local text-message provider for the tests: speaks the Twilio-style
Messages API (POST /2010-04-01/Accounts/{sid}/Messages.json, form fields,
HTTP Basic auth) and makes the provider's signed webhook requests
(X-Twilio-Signature) to edbridge. Standard library only."""
import base64
import hashlib
import hmac
import http.client
import http.server
import json
import threading
import urllib.parse


def signature(token, url, params):
    """base64(HMAC-SHA1(token, url + each name and value, sorted by name))."""
    s = url + "".join(k + v for k, v in sorted(params.items()))
    return base64.b64encode(hmac.new(token.encode(), s.encode(), hashlib.sha1).digest()).decode()


# GSM 03.38: the default alphabet and its extension table (2 septets)
GSM_BASIC = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
                "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXT = set("\f^{}\\[~]|€")


def segments(text):
    """(encoding, segments) of a text as a provider bills it."""
    if all(c in GSM_BASIC or c in GSM_EXT for c in text):
        widths = [2 if c in GSM_EXT else 1 for c in text]
        single, multi, enc = 160, 153, "gsm7"
    else:
        widths = [2 if ord(c) > 0xFFFF else 1 for c in text]
        single, multi, enc = 70, 67, "ucs2"
    total = sum(widths)
    if total <= single:
        return enc, 1 if total else 0
    segs, room = 1, multi
    for w in widths:
        if w > room:
            segs, room = segs + 1, multi
        room -= w
    return enc, segs


class Provider:
    """The provider on 127.0.0.1 (a thread). `messages` holds what arrived;
    `answers` maps a To number to a list of (status, body, headers) to give
    in turn (the last one repeats); others get 201 with a new sid."""

    def __init__(self, account, token):
        self.account = account
        self.token = token
        self.messages = []
        self.refused = []  # requests with wrong credentials
        self.answers = {}
        self.lock = threading.Lock()
        prov = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n).decode()
                want = "Basic " + base64.b64encode(
                    f"{prov.account}:{prov.token}".encode()).decode()
                path = f"/2010-04-01/Accounts/{prov.account}/Messages.json"
                if self.path != path or self.headers.get("Authorization") != want:
                    with prov.lock:
                        prov.refused.append(self.path)
                    self.reply(401, {"code": 20003, "message": "Authenticate"})
                    return
                form = {k: v[0] for k, v in urllib.parse.parse_qs(body, keep_blank_values=True)
                        .items()}
                with prov.lock:
                    prov.messages.append(form)
                    plan = prov.answers.get(form.get("To"))
                    if plan:
                        status, obj, hdrs = plan[0] if len(plan) == 1 else plan.pop(0)
                    else:
                        status, obj, hdrs = 201, None, {}
                    if obj is None:
                        obj = {"sid": "SM%032x" % len(prov.messages), "status": "queued"}
                self.reply(status, obj, hdrs)

            def reply(self, status, obj, hdrs=None):
                data = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (hdrs or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def to(self, number):
        with self.lock:
            return [m for m in self.messages if m.get("To") == number]

    def webhook(self, port, public_url, path, params, token=None, sig=None):
        """POSTs params to edbridge (on port) as the provider would call
        public_url + path, signed with token (default: the account's); sig
        overrides the signature (None: computed; "": no header)."""
        params = dict(params)
        params.setdefault("AccountSid", self.account)
        if sig is None:
            sig = signature(token or self.token, public_url + path, params)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if sig:
            headers["X-Twilio-Signature"] = sig
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("POST", path, body=urllib.parse.urlencode(params), headers=headers)
        r = conn.getresponse()
        data = r.read().decode("utf-8", "replace")
        conn.close()
        return r.status, data
