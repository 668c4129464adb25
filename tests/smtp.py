"""A local SMTP server on 127.0.0.1 for e-mail tests: just enough of the protocol for smtplib."""

from __future__ import annotations

import socketserver
import threading

import pytest


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO, MAIL, RCPT, DATA, QUIT."""

    def handle(self) -> None:
        self.wfile.write(b"220 127.0.0.1 test SMTP\r\n")
        recipients, data, reading = [], [], False
        for line in self.rfile:
            if reading:
                if line in (b".\r\n", b".\n"):
                    self.server.received.append((recipients, b"".join(data)))
                    recipients, data, reading = [], [], False
                    self.wfile.write(b"250 queued\r\n")
                else:
                    data.append(line[1:] if line.startswith(b"..") else line)
                continue
            command = line.strip().upper()
            if command.startswith(b"EHLO"):
                self.wfile.write(b"250-127.0.0.1\r\n250 8BITMIME\r\n")
            elif command.startswith(b"RCPT TO:"):
                recipients.append(line.strip()[8:].strip(b"<> ").decode())
                self.wfile.write(b"250 ok\r\n")
            elif command == b"DATA":
                reading = True
                self.wfile.write(b"354 go ahead\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # HELO, MAIL FROM, RSET, NOOP
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server():
    """A running server; `server.received` holds (recipients, raw message) pairs."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
    server.daemon_threads = True
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
