"""The tablet's line to the server: JSON over HTTP, signed in, retried with backoff when the signal drops.

A failed attempt (no network, a time-out, a dropped connection, 429, 502, 503, 504) is tried again
after an exponentially growing, jittered pause, up to `attempts` times; then `Offline` is raised and
the caller keeps what it holds for next time. An expired access token is refreshed, or the operative
signed in again with the credentials given; a refused sign-in raises `SessionExpired`, which never
touches the outbox: after signing in, the same device pushes what it holds.
"""

import gzip
import http.client
import json
import random
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

RETRIED_STATUSES = {429, 502, 503, 504}


class Offline(Exception):
    """The server could not be reached, even after retrying."""


class SessionExpired(Exception):
    """The server no longer accepts this device's session; sign in again."""


@dataclass
class Answer:
    status: int
    body: dict
    headers: dict[str, str]

    @property
    def server_time(self):
        return parsedate_to_datetime(self.headers["date"]) if "date" in self.headers else None


def _open(request: urllib.request.Request, timeout: float) -> Answer:
    """Send one request; an HTTP error status is an answer, not an exception."""
    try:
        response = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 (the scheme is checked in Connection)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        raw = response.read()
        headers = {key.lower(): value for key, value in response.headers.items()}
    if headers.get("content-encoding") == "gzip":
        raw = gzip.decompress(raw)
    return Answer(response.status, json.loads(raw) if raw else {}, headers)


class Connection:
    def __init__(
        self,
        base_url: str,
        email: str,
        password: str | None,
        device_id: str,
        *,
        attempts: int = 8,
        first_pause: float = 0.5,
        longest_pause: float = 30.0,
        timeout: float = 30.0,
        send: Callable[[urllib.request.Request, float], Answer] = _open,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"{base_url} is not an http(s) address")
        self.base_url = base_url.rstrip("/")
        self.email, self.password, self.device_id = email, password, device_id
        self.attempts, self.first_pause, self.longest_pause, self.timeout = (
            attempts,
            first_pause,
            longest_pause,
            timeout,
        )
        self._send, self._sleep = send, sleep
        self._access: str | None = None
        self._refresh: str | None = None

    def sign_in(self, password: str | None = None) -> None:
        """Sign in as the operative on this device (again, after a SessionExpired, with the password)."""
        self.password = password or self.password
        if self.password is None:
            raise SessionExpired("No password to sign in with.")
        body = {"email": self.email, "password": self.password, "device_id": self.device_id}
        answer = self._retried("POST", "/api/v1/auth/login", body, None)
        if answer.status != 200:
            raise SessionExpired(answer.body.get("detail", "The sign-in was refused."))
        self._access, self._refresh = answer.body["access_token"], answer.body["refresh_token"]

    def _renew(self) -> None:
        if self._refresh is not None:
            answer = self._retried("POST", "/api/v1/auth/refresh", None, self._refresh)
            if answer.status == 200:
                self._access, self._refresh = answer.body["access_token"], answer.body["refresh_token"]
                return
        self._access = self._refresh = None
        self.sign_in()

    def call(self, method: str, path: str, body: dict | None = None, query: dict | None = None) -> Answer:
        """Send a signed-in request, retrying on a poor signal; signs in again once if the token has expired."""
        if query:
            path = f"{path}?{urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})}"
        if self._access is None:
            self.sign_in()
        answer = self._retried(method, path, body, self._access)
        if answer.status == 401:
            self._renew()
            answer = self._retried(method, path, body, self._access)
        return answer

    def _retried(self, method: str, path: str, body: dict | None, token: str | None) -> Answer:
        headers = {"Accept": "application/json", "Accept-Encoding": "gzip"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        pause = self.first_pause
        for attempt in range(1, self.attempts + 1):
            url = self.base_url + path  # http(s), checked in __init__
            request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
            try:
                answer = self._send(request, self.timeout)
            except (OSError, http.client.HTTPException, json.JSONDecodeError) as error:  # TimeoutError is an OSError
                problem = error
            else:
                if answer.status not in RETRIED_STATUSES:
                    return answer
                problem = Exception(f"HTTP {answer.status}")
                if retry_after := answer.headers.get("retry-after", "").strip():
                    pause = max(pause, float(retry_after)) if retry_after.isdigit() else pause
            if attempt == self.attempts:
                raise Offline(f"{method} {path}: {problem}") from None
            self._sleep(min(pause, self.longest_pause) * random.uniform(0.5, 1.0))  # noqa: S311 (jitter, not secrecy)
            pause *= 2
        raise AssertionError("unreachable")
