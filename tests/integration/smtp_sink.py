#!/usr/bin/python3
"""smtp_sink.py - a loopback SMTP sink for tests/integration/notify.sh.

usage: smtp_sink.py DIR PORTFILE

Listens on 127.0.0.1 (a free port, written to PORTFILE once it accepts),
stores each message exactly as received in DIR/NNN-RCPT.eml (and the
name the client gave in EHLO in DIR/NNN-RCPT.ehlo), and stops by
itself after 300 seconds or 100 messages. Nothing is relayed.
"""
import os
import socket
import sys
import time

from aiosmtpd.controller import Controller

MAX_MESSAGES = 100
LIFETIME = 300


class Sink:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        rcpt = ",".join(envelope.rcpt_tos).replace("/", "_")
        path = os.path.join(self.outdir, "%03d-%s.eml" % (self.count, rcpt))
        with open(path + ".tmp", "wb") as f:
            f.write(envelope.original_content)
        with open(path[:-4] + ".ehlo", "w") as f:
            f.write("%s\n" % session.host_name)
        os.rename(path + ".tmp", path)
        return "250 stored"


def main():
    outdir, portfile = sys.argv[1], sys.argv[2]
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    sink = Sink(outdir)
    ctl = Controller(sink, hostname="127.0.0.1", port=port)
    ctl.start()
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % port)
    os.rename(portfile + ".tmp", portfile)
    deadline = time.time() + LIFETIME
    while time.time() < deadline and sink.count < MAX_MESSAGES:
        time.sleep(0.2)
    ctl.stop()


if __name__ == "__main__":
    main()
