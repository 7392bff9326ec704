"""A local stand-in for GOV.UK Notify's HTTP API: it checks each request's JWT and records what it was sent.

It speaks the parts Doorstep uses: POST /v2/notifications/sms and /email (201 with the notification's id,
or Notify's error body), and GET /v2/notifications?reference= (the notifications with that reference).
`down = True` answers every request 500, as an outage would.
"""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"doorstep_test-{SERVICE_ID}-{SECRET}"
SMS_TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"


class FakeNotify:
    def __init__(self):
        self.sent: list[dict] = []  # every notification accepted: its type, body and id
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request that passed auth
        self.down = False
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _error(self, status: int, error: str, message: str) -> None:
                self._answer(status, {"status_code": status, "errors": [{"error": error, "message": message}]})

            def _authorised(self) -> bool:
                header = self.headers.get("Authorization", "")
                try:
                    claims = jwt.decode(header.removeprefix("Bearer "), SECRET, algorithms=["HS256"])
                except jwt.PyJWTError as exc:
                    self._error(403, "AuthError", f"Invalid token: {exc}")
                    return False
                if claims.get("iss") != SERVICE_ID or abs(time.time() - claims.get("iat", 0)) > 30:
                    self._error(403, "AuthError", "Invalid token: iss or iat")
                    return False
                return True

            def do_POST(self):
                if not self._authorised():
                    return
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append(("POST", self.path))
                if fake.down:
                    return self._error(500, "Exception", "Internal server error")
                kind = {"/v2/notifications/sms": "sms", "/v2/notifications/email": "email"}.get(self.path)
                address = body.get("phone_number" if kind == "sms" else "email_address")
                if kind is None or not body.get("template_id") or not address:
                    return self._error(400, "ValidationError", "phone_number or template_id is a required property")
                notification = {"id": str(uuid.uuid4()), "type": kind, "reference": body.get("reference"), **body}
                with fake.lock:
                    fake.sent.append(notification)
                self._answer(201, {"id": notification["id"], "reference": body.get("reference"), "content": {}})

            def do_GET(self):
                if not self._authorised():
                    return
                fake.requests.append(("GET", self.path))
                if fake.down:
                    return self._error(500, "Exception", "Internal server error")
                parts = urlsplit(self.path)
                if parts.path != "/v2/notifications":
                    return self._error(404, "NoResultFound", "No result found")
                reference = parse_qs(parts.query).get("reference", [None])[0]
                found = [n for n in fake.sent if reference is None or n["reference"] == reference]
                self._answer(200, {"notifications": found, "links": {}})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def posts(self) -> list[tuple[str, str]]:
        return [r for r in self.requests if r[0] == "POST"]

    def start(self) -> "FakeNotify":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join()
        self.server.server_close()
