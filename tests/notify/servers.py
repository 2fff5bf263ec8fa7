"""Real servers for the reminders' channels, on loopback: an SMTP server (aiosmtpd) that keeps
every e-mail it receives, and an HTTP server standing in for WeCom's robots' webhook that keeps
every JSON payload posted to it. Either can be stopped and started again on its port, and the
webhook can be made to answer 500 or to hang past the client's timeout."""

import email
import email.policy
import json
import socket
import threading
import time
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    """aiosmtpd on 127.0.0.1:port; `messages` holds each e-mail received, parsed."""

    def __init__(self):
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []
        self.recipients: list[list[str]] = []
        self._controller = None

    async def handle_DATA(self, server, session, envelope):
        self.raw.append(envelope.content)
        self.recipients.append(list(envelope.rcpt_tos))
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def start(self):
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def texts(self) -> list[str]:
        """Every message's headers and every part decoded (attachments too), one string each."""
        found = []
        for message in self.messages:
            parts = [str(value) for value in message.values()]
            for part in message.walk():
                payload = part.get_payload(decode=True)
                if payload:
                    parts.append(
                        payload.decode("utf-8", "replace")
                        if part.get_content_maintype() == "text"
                        else repr(payload)
                    )
            found.append("\n".join(parts))
        return found


class WeComServer:
    """A stand-in for WeCom's webhook on 127.0.0.1:port: `posts` holds (path with query, payload)
    of each post it took, `arrivals` how many posts arrived (taken or not); `mode` is "ok"
    (errcode 0), "error" (HTTP 500), "hang" (answers too late) or "list" (answers a JSON list)."""

    def __init__(self):
        self.port = free_port()
        self.posts: list[tuple[str, dict]] = []
        self.arrivals = 0
        self.mode = "ok"
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                payload = json.loads(self.rfile.read(length))
                server.arrivals += 1
                if server.mode == "hang":
                    time.sleep(3)
                if server.mode == "error":
                    self.send_response(500)
                    self.end_headers()
                    return
                if server.mode == "list":
                    body = b"[]"
                else:
                    server.posts.append((self.path, payload))
                    body = json.dumps({"errcode": 0, "errmsg": "ok"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def url(self, key: str) -> str:
        return f"http://127.0.0.1:{self.port}/cgi-bin/webhook/send?key={key}"

    def start(self):
        self._thread.start()

    def stop(self):
        self._httpd.shutdown()
        self._httpd.server_close()
