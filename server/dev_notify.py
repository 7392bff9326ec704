"""A stand-in for GOV.UK Notify's HTTP API, for development and tests: it keeps what it is sent, none is sent on.

It speaks the parts Doorstep uses: POST /v2/notifications/sms and /email (201 with the notification's id,
or Notify's error body), and GET /v2/notifications?reference= (the notifications with that reference).
Like Notify, it checks each request's JWT, against the API key it is given (the client is given the same
key, so there is no fixed secret); unlike Notify, it takes any template id. `down = True` answers
every request 500, as an outage would.

`make run` starts it beside the app (`python -m server.dev_notify`) on 127.0.0.1:1026 with a key made up
for that run (NOTIFY_API_KEY in the environment, shared with the app and the worker), and keeps each
notification as a JSON file in instance/texts/. The tests start it on a free port.
"""

import argparse
import json
import os
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt

from server.delivery.notify import parse_key

CLOCK_SKEW_SECONDS = 30  # Notify refuses a token whose `iat` is further than this from its clock


class StandIn:
    """Notify's API on host:port (0: a free port, read `.url`), accepting `api_key`'s tokens."""

    def __init__(self, api_key: str, folder: Path | None = None, host: str = "127.0.0.1", port: int = 0):
        self.service_id, self.secret = parse_key(api_key)
        self.folder = folder  # where each notification is kept as <time>-<id>.json, if set
        if folder:
            folder.mkdir(parents=True, exist_ok=True)
        self.sent: list[dict] = []  # every notification accepted: its type, body and id
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request that passed auth
        self.down = False
        self.lock = threading.Lock()
        stand_in = self

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
                    claims = jwt.decode(header.removeprefix("Bearer "), stand_in.secret, algorithms=["HS256"])
                except jwt.PyJWTError as exc:
                    self._error(403, "AuthError", f"Invalid token: {exc}")
                    return False
                if (
                    claims.get("iss") != stand_in.service_id
                    or abs(time.time() - claims.get("iat", 0)) > CLOCK_SKEW_SECONDS
                ):
                    self._error(403, "AuthError", "Invalid token: iss or iat")
                    return False
                return True

            def do_POST(self):
                if not self._authorised():
                    return
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stand_in.requests.append(("POST", self.path))
                if stand_in.down:
                    return self._error(500, "Exception", "Internal server error")
                kind = {"/v2/notifications/sms": "sms", "/v2/notifications/email": "email"}.get(self.path)
                address = body.get("phone_number" if kind == "sms" else "email_address")
                if kind is None or not body.get("template_id") or not address:
                    return self._error(400, "ValidationError", "phone_number or template_id is a required property")
                notification = {"id": str(uuid.uuid4()), "type": kind, "reference": body.get("reference"), **body}
                stand_in.keep(notification)
                self._answer(201, {"id": notification["id"], "reference": body.get("reference"), "content": {}})

            def do_GET(self):
                if not self._authorised():
                    return
                stand_in.requests.append(("GET", self.path))
                if stand_in.down:
                    return self._error(500, "Exception", "Internal server error")
                parts = urlsplit(self.path)
                if parts.path != "/v2/notifications":
                    return self._error(404, "NoResultFound", "No result found")
                reference = parse_qs(parts.query).get("reference", [None])[0]
                found = [n for n in stand_in.sent if reference is None or n["reference"] == reference]
                self._answer(200, {"notifications": found, "links": {}})

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.url = f"http://{host}:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def keep(self, notification: dict) -> None:
        """Record a notification (and write its file) before it is answered, as Notify keeps it before its 201."""
        with self.lock:
            self.sent.append(notification)
            if self.folder:
                name = f"{time.strftime('%Y%m%dT%H%M%S')}-{notification['id'][:8]}.json"
                text = json.dumps(notification, indent=2, ensure_ascii=False) + "\n"
                (self.folder / name).write_text(text, encoding="utf-8")

    def posts(self) -> list[tuple[str, str]]:
        return [r for r in self.requests if r[0] == "POST"]

    def start(self) -> "StandIn":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join()
        self.server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], epilog="It accepts the tokens of the key in NOTIFY_API_KEY."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1026)
    parser.add_argument("--dir", type=Path, default=Path(os.environ.get("INSTANCE_PATH") or "instance") / "texts")
    args = parser.parse_args()
    try:
        stand_in = StandIn(os.environ.get("NOTIFY_API_KEY", ""), args.dir, args.host, args.port).start()
    except ValueError as exc:
        sys.exit(str(exc))
    print(f"Catching text messages at {stand_in.url}; each is kept in {args.dir}/", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        stand_in.stop()


if __name__ == "__main__":
    main()
