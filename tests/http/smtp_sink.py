"""A real local SMTP server for the delivery tests and the benchmark
(Debian python3-aiosmtpd), run as its own process:

    python3 smtp_sink.py DIR [--refuse ADDR]... [--busy ADDR]... [--discard]

It listens on 127.0.0.1 (a free port), writes DIR/port when ready, and
keeps every message it accepts as DIR/NNNNNN.eml (unless --discard: a
sink that only counts, for the benchmark). --refuse ADDR answers RCPT TO
for ADDR with a permanent 550; --busy ADDR answers 451 to its first
attempt only. DIR/connections counts the SMTP sessions (EHLO or HELO),
DIR/accepted the messages. Stops on SIGTERM."""
import argparse
import os
import signal
import socket
import threading

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, d, refuse, busy, discard):
        self.dir, self.refuse, self.busy, self.discard = d, set(refuse), set(busy), discard
        self.lock = threading.Lock()
        self.n = 0
        self.sessions = 0

    def _count(self, name, value):
        with open(os.path.join(self.dir, name + ".tmp"), "w") as f:
            f.write(str(value))
        os.replace(os.path.join(self.dir, name + ".tmp"), os.path.join(self.dir, name))

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.sessions += 1
            self._count("connections", self.sessions)
        session.host_name = hostname
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        with self.lock:
            self.sessions += 1
            self._count("connections", self.sessions)
        session.host_name = hostname
        return "250 {}".format(server.hostname)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        if address in self.busy:
            self.busy.discard(address)
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.n += 1
            n = self.n
            if not self.discard or n % 100 == 0:
                self._count("accepted", n)
        if not self.discard:
            path = os.path.join(self.dir, "%06d.eml" % n)
            with open(path + ".tmp", "wb") as f:
                f.write(envelope.original_content or envelope.content)
            os.replace(path + ".tmp", path)
        return "250 Message accepted for delivery"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--refuse", action="append", default=[])
    ap.add_argument("--busy", action="append", default=[])
    ap.add_argument("--discard", action="store_true")
    a = ap.parse_args()
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    h = Handler(a.dir, a.refuse, a.busy, a.discard)
    c = Controller(h, hostname="127.0.0.1", port=port, decode_data=False,
                   data_size_limit=8 << 20)
    c.start()
    # written whole, then renamed: a reader never sees an empty or half file
    tmp = os.path.join(a.dir, "port.tmp")
    with open(tmp, "w") as f:
        f.write(str(port))
    os.rename(tmp, os.path.join(a.dir, "port"))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    if a.discard:
        h._count("accepted", h.n)
    c.stop()


if __name__ == "__main__":
    main()
