"""SMS (and optionally email) through GOV.UK Notify's HTTP API, or any service that speaks it.

Notify sends its own templates, so each channel uses one template whose content is ((body)) (an email's
subject ((subject))): the words stay in our wording files. Every request is signed with a fresh JWT
(HS256, `iss` the service id, `iat` now) made from the API key, which reads
`{key name}-{service id}-{secret}`. Each message's idempotency key is its Notify `reference`; Notify
does not refuse a repeated reference, so before sending again anything that may have been handed over
we ask `GET /v2/notifications?reference=` whether Notify has it already.
"""

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

import jwt

from server.delivery.providers import PermanentFailure, TemporaryFailure
from server.models import Channel, Message

UUID_LENGTH = 36


def parse_key(api_key: str) -> tuple[str, str]:
    """(service id, secret) from a Notify API key."""
    secret = api_key[-UUID_LENGTH:]
    service_id = api_key[-(2 * UUID_LENGTH + 1) : -(UUID_LENGTH + 1)]
    if len(api_key) < 2 * UUID_LENGTH + 1 or len(service_id) != UUID_LENGTH:
        raise ValueError("NOTIFY_API_KEY must read {key name}-{service id}-{secret}")
    return service_id, secret


def _errors(body: bytes) -> str:
    try:
        return "; ".join(f"{e['error']}: {e['message']}" for e in json.loads(body)["errors"])
    except (ValueError, KeyError, TypeError):
        return body[:200].decode(errors="replace")


class NotifyProvider:
    name = "notify"

    def __init__(self, base_url: str, api_key: str, templates: dict[Channel, str], timeout: float):
        if urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
            raise ValueError(f"NOTIFY_BASE_URL must be an http(s) URL, not {base_url!r}")
        self.base_url, self.templates, self.timeout = base_url.rstrip("/"), templates, timeout
        self.service_id, self.secret = parse_key(api_key)

    def _request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        token = jwt.encode({"iss": self.service_id, "iat": int(time.time())}, self.secret, algorithm="HS256")
        request = urllib.request.Request(  # noqa: S310 (base_url is http(s), checked in __init__)
            self.base_url + path,
            data=json.dumps(body).encode() if body is not None else None,
            method=method,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "User-Agent": "doorstep",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (as above)
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def send(self, message: Message, handing_over: Callable[[], None]) -> str:
        template_id = self.templates.get(message.channel)
        if not template_id:
            raise PermanentFailure(f"Not sendable: no Notify template is set for {message.channel.value}")
        if message.channel == Channel.SMS:
            path = "/v2/notifications/sms"
            body = {"phone_number": message.recipient, "personalisation": {"body": message.body}}
        else:
            path = "/v2/notifications/email"
            body = {
                "email_address": message.recipient,
                "personalisation": {"subject": message.subject or "", "body": message.body},
            }
        body |= {"template_id": template_id, "reference": message.idempotency_key}
        handing_over()
        try:
            status, answer = self._request("POST", path, body)
        except OSError as exc:  # timed out or dropped: Notify may have it; the next try asks first
            raise TemporaryFailure(f"Notify: {exc}", definite=False) from exc
        if status == 201:
            return json.loads(answer)["id"]
        reason = f"Notify {status}: {_errors(answer)}"
        if status == 429:
            raise TemporaryFailure(reason)
        if status >= 500:
            raise TemporaryFailure(reason, definite=False)
        raise PermanentFailure(reason)  # 400 bad number or template, 403 bad key: no retry will help

    def find(self, message: Message) -> str | None:
        query = urllib.parse.urlencode({"reference": message.idempotency_key})
        try:
            status, answer = self._request("GET", f"/v2/notifications?{query}")
        except OSError as exc:
            raise TemporaryFailure(f"Notify: {exc}", definite=False) from exc
        if status != 200:
            raise TemporaryFailure(f"Notify {status}: {_errors(answer)}", definite=False)
        found = json.loads(answer).get("notifications") or []
        return found[0]["id"] if found else None
