"""The live badge on the operative's tablet: a QR that changes every 30 seconds, made offline.

The tablet holds its badge's secret (from sync, or GET /api/v1/badges/{id}/live-secret) and how far
the server's clock is from its own, learned at its last sync; it never trusts its raw clock. The
server checks a live code with these same functions, and accepts one for at most 90 seconds, so a
screenshot or photo of it goes stale.

The reference client, for trying it from a terminal:
    python -m sync.live_badge http://127.0.0.1:5000 <operative email> <password> [--qr live.png]
prints the address the live QR holds and the match number the tablet shows beside it.
"""

import argparse
import base64
import hashlib
import hmac
import json
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta

STEP_SECONDS = 30


def step_at(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def live_code(secret: str, badge_id: uuid.UUID, step: int) -> str:
    """`<step>.<HMAC-SHA-256(secret, badge id ‖ step), first 12 bytes, base64url>`."""
    mac = hmac.new(secret.encode(), badge_id.bytes + step.to_bytes(8, "big"), hashlib.sha256).digest()[:12]
    return f"{step}.{base64.urlsafe_b64encode(mac).decode()}"


def match_number(code: str) -> str:
    """Three digits the tenant compares between their phone and the tablet."""
    return f"{int.from_bytes(hashlib.sha256(code.encode()).digest()[:4], 'big') % 1000:03d}"


def live_url(verify_url: str, code: str) -> str:
    return f"{verify_url}?live={code}"


class LiveBadge:
    """What a tablet keeps after a sync: the badge, its secret, and the server's clock offset."""

    def __init__(self, badge_id: uuid.UUID, verify_url: str, secret: str, server_time: datetime, device_time: datetime):
        self.badge_id, self.verify_url, self.secret = badge_id, verify_url, secret
        self.offset: timedelta = server_time - device_time

    def current(self, device_now: datetime) -> tuple[str, str]:
        """(the address for the QR, the match number) at this moment of the device's clock."""
        code = live_code(self.secret, self.badge_id, step_at(device_now + self.offset))
        return live_url(self.verify_url, code), match_number(code)


def _call(base_url: str, path: str, token: str | None = None, body: dict | None = None) -> dict:
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    url = base_url.rstrip("/") + path
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"{base_url} is not an http(s) address")
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 (checked to be http(s) above)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.load(response)


def sync_badge(base_url: str, email: str, password: str) -> LiveBadge:
    """Sign in as the operative and fetch what the tablet keeps for its genuine badge."""
    token = _call(base_url, "/api/v1/auth/login", body={"email": email, "password": password})["access_token"]
    badge = next(b for b in _call(base_url, "/api/v1/badges", token)["items"] if b["verdict"] == "genuine")
    asked = datetime.now(UTC)
    secret = _call(base_url, f"/api/v1/badges/{badge['id']}/live-secret", token)
    answered = datetime.now(UTC)
    server_time = datetime.fromisoformat(secret["server_time"])
    return LiveBadge(
        uuid.UUID(badge["id"]), badge["verify_url"], secret["secret"], server_time, asked + (answered - asked) / 2
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Show an operative's live badge, as their tablet would.")
    parser.add_argument("base_url")
    parser.add_argument("email")
    parser.add_argument("password")
    parser.add_argument("--qr", help="also write the live QR to this PNG file")
    args = parser.parse_args()
    url, number = sync_badge(args.base_url, args.email, args.password).current(datetime.now(UTC))
    print(f"Live badge: {url}\nMatch number: {number} (valid for 90 seconds)")
    if args.qr:
        from server.services import qr_codes

        with open(args.qr, "wb") as f:
            f.write(qr_codes.png(url)[0])


if __name__ == "__main__":
    main()
