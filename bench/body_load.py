#!/usr/bin/env python3
"""body_load - the memory of a running server under request-body load and
after it (issue 9, item 6). Prints `name: value` lines.

  body_load.py PID PORT anon            150 clients send 16 MiB each with no
                                        credential (wrong tool key, no session)
  body_load.py PID PORT admin COOKIE CSRF
                                        an administrator's 16 MiB uploads, 16 at
                                        once, three rounds

RSS is sampled every 20 ms while the load runs (its maximum is the figure
"under load") and read again 2 s after the last connection has closed; the
anonymous part (RssAnon, without the database file's mapped pages) is the
server's own."""
import socket
import sys
import threading
import time
import uuid

MIB = 1 << 20


def mem(pid):
    """(VmRSS, RssAnon) in bytes: all resident memory, and the part that is
    not the database file's pages (SQLite maps the file; those pages are
    the page cache's, shared and given back under pressure)."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "RssAnon"):
                out[k] = int(v.split()[0]) * 1024
    return out.get("VmRSS", 0), out.get("RssAnon", 0)


class Sampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.peak_anon, self.done = pid, 0, 0, False

    def run(self):
        while not self.done:
            rss, anon = mem(self.pid)
            self.peak, self.peak_anon = max(self.peak, rss), max(self.peak_anon, anon)
            time.sleep(0.02)


def send(port, head, body, out):
    """Sends head and body; records the status, or 0 when the server closed
    the connection before taking the body."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=120)
        s.sendall(head)
        s.sendall(body)
        data = s.recv(200)
        out.append(int(data.split()[1]) if data.startswith(b"HTTP/") else 0)
        s.close()
    except OSError:
        out.append(0)


def load(port, requests):
    out = []
    threads = [threading.Thread(target=send, args=(port, h, b, out)) for h, b in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def main():
    pid, port, mode = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    body = b"x" * (16 * MIB)
    # settle: the server's first housekeeping (and, between 2 and 5 at night,
    # its refit) runs right after it starts
    prev, still = mem(pid)[1], 0
    for _ in range(150):
        time.sleep(0.2)
        cur = mem(pid)[1]
        still = still + 1 if abs(cur - prev) < MIB else 0
        prev = cur
        if still >= 10:  # 2 s without change
            break
    before, before_anon = mem(pid)
    sampler = Sampler(pid)
    sampler.start()
    t0 = time.time()
    if mode == "anon":
        reqs = []
        for i in range(150):
            if i % 2:
                head = (b"POST /xapi/statements HTTP/1.1\r\nHost: x\r\nAuthorization: Basic eDp5\r\n"
                        b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body))
            else:
                head = (b"POST /admin/import HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data;"
                        b" boundary=b\r\nContent-Length: %d\r\n\r\n" % len(body))
            reqs.append((head, body))
        statuses = load(port, reqs)
    else:
        cookie, csrf = sys.argv[4], sys.argv[5]
        b = uuid.uuid4().hex
        payload = (f"--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n"
                   f"--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.zip\"\r\n"
                   f"Content-Type: application/zip\r\n\r\n").encode()
        payload += b"x" * (16 * MIB - len(payload) - 200) + f"\r\n--{b}--\r\n".encode()
        head = (f"POST /admin/import HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nContent-Type: "
                f"multipart/form-data; boundary={b}\r\nContent-Length: {len(payload)}\r\n\r\n").encode()
        statuses = []
        for _ in range(3):
            statuses += load(port, [(head, payload)] * 16)
    took = time.time() - t0
    time.sleep(2)
    sampler.done = True
    sampler.join()
    after, after_anon = mem(pid)
    counts = {}
    for s in statuses:
        counts[s] = counts.get(s, 0) + 1
    name = "unauth_body" if mode == "anon" else "admin_upload"
    print(f"{name}_requests: {len(statuses)} x 16 MiB in {took:.1f} s, answers "
          + ", ".join(f"{k or 'closed'}: {v}" for k, v in sorted(counts.items())))
    print(f"{name}_rss_before_mb: {before / MIB:.0f} (anonymous {before_anon / MIB:.0f})")
    print(f"{name}_rss_under_load_mb: {sampler.peak / MIB:.0f} (anonymous {sampler.peak_anon / MIB:.0f})")
    print(f"{name}_rss_after_mb: {after / MIB:.0f} (anonymous {after_anon / MIB:.0f})")


if __name__ == "__main__":
    main()
