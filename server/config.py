"""Configuration from the environment, with a safe embedded default.

With no configuration at all, Doorstep runs on an SQLite file under ``instance/`` and generates
its secrets there once (file mode 0600). In production every secret comes from the environment.
"""

import base64
import json
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

SECRETS_FILE = "secrets.json"
SECRET_NAMES = ("SECRET_KEY", "JWT_SECRET_KEY", "DATA_ENCRYPTION_KEY", "BADGE_SIGNING_KEY")


def _generate_secrets() -> dict:
    badge_key = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "JWT_SECRET_KEY": secrets.token_urlsafe(48),
        "DATA_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "BADGE_SIGNING_KEY": base64.urlsafe_b64encode(badge_key).decode(),
    }


def instance_secrets(instance_path: str) -> dict:
    """Read the instance's generated secrets, creating them (mode 0600) on first use."""
    path = Path(instance_path) / SECRETS_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(_generate_secrets(), f)
    return json.loads(path.read_text())


def _public_base_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise RuntimeError(f"PUBLIC_BASE_URL must be a full origin such as https://verify.example.org, not {value!r}")
    return f"{parts.scheme}://{parts.netloc}"


def _smtp_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise RuntimeError(f"SMTP_URL must look like smtp://host:port, not {value!r}")
    return value


def _database_url(value: str) -> str:
    # Heroku-style URLs name the old driver; Doorstep speaks psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if value.startswith(prefix):
            return "postgresql+psycopg://" + value[len(prefix) :]
    return value


def load(instance_path: str, env=os.environ) -> dict:
    """Build the Flask configuration from the environment."""
    missing = [name for name in SECRET_NAMES if not env.get(name)]
    generated = instance_secrets(instance_path) if missing else {}
    secret = {name: env.get(name) or generated[name] for name in SECRET_NAMES}
    database_url = env.get("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'doorstep.sqlite3'}"
    redis_url = env.get("REDIS_URL")
    return {
        **secret,
        "SQLALCHEMY_DATABASE_URI": _database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "PUBLIC_BASE_URL": _public_base_url(env.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")),
        "STORAGE_DIR": env.get("STORAGE_DIR") or str(Path(instance_path) / "storage"),
        # JSON bodies are small; uploads that need more raise their own limit.
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH", 1024 * 1024)),
        # A photo or signature upload may be larger, up to this.
        "ATTACHMENT_MAX_BYTES": int(env.get("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)),
        "JWT_ACCESS_TOKEN_EXPIRES": int(env.get("JWT_ACCESS_TOKEN_SECONDS", 15 * 60)),
        "JWT_REFRESH_TOKEN_EXPIRES": int(env.get("JWT_REFRESH_TOKEN_SECONDS", 30 * 24 * 3600)),
        "REFRESH_RETRY_GRACE_SECONDS": int(env.get("REFRESH_RETRY_GRACE_SECONDS", 30)),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # Off only for load tests from one address (bench/verify.py); never in production.
        "RATELIMIT_ENABLED": env.get("RATELIMIT_ENABLED", "1") != "0",
        "LOGIN_LIMIT_PER_ACCOUNT": env.get("LOGIN_LIMIT_PER_ACCOUNT", "10 per minute;50 per hour"),
        "LOGIN_LIMIT_PER_ADDRESS": env.get("LOGIN_LIMIT_PER_ADDRESS", "30 per minute"),
        "PROXY_COUNT": int(env.get("PROXY_COUNT", 0)),
        "ARGON2_PARAMETERS": {},
        "LOG_JSON": env.get("LOG_JSON", "1") != "0",
        "SYNC_VISIT_DAYS_BACK": int(env.get("SYNC_VISIT_DAYS_BACK", 14)),
        # Deletes are kept this long; a device whose cursor is older starts again (410 resync_required).
        "SYNC_TOMBSTONE_DAYS": int(env.get("SYNC_TOMBSTONE_DAYS", 90)),
        # A pull page's JSON stays about this size (before gzip), whatever its row limit.
        "SYNC_PAGE_BYTES": int(env.get("SYNC_PAGE_BYTES", 1024 * 1024)),
        # The feed waits behind the oldest open transaction; say so in the logs past this.
        "SYNC_LAG_WARN_SECONDS": float(env.get("SYNC_LAG_WARN_SECONDS", 30)),
        # PostgreSQL: no statement, and no transaction left idle, holds the sync feed (or locks) back for long.
        "DATABASE_STATEMENT_TIMEOUT_MS": int(env.get("DATABASE_STATEMENT_TIMEOUT_MS", 30_000)),
        "DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS": int(env.get("DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS", 60_000)),
        # Messages (server/delivery): SMTP for email; in development the local catch-all `make run` starts.
        "SMTP_URL": _smtp_url(env.get("SMTP_URL", "smtp://127.0.0.1:1025")),
        "MAIL_FROM": env.get("MAIL_FROM", "Doorstep <no-reply@doorstep.localhost>"),
        # SMS through GOV.UK Notify (or a compatible service); unset, an SMS is kept as failed "not set up".
        "NOTIFY_BASE_URL": env.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk").rstrip("/"),
        "NOTIFY_API_KEY": env.get("NOTIFY_API_KEY") or None,
        # Notify sends its own templates: one whose whole content is ((body)) (an email's: subject ((subject))).
        "NOTIFY_SMS_TEMPLATE_ID": env.get("NOTIFY_SMS_TEMPLATE_ID") or None,
        "NOTIFY_EMAIL_TEMPLATE_ID": env.get("NOTIFY_EMAIL_TEMPLATE_ID") or None,
        # Email through Notify instead of SMTP when its email template is set (NOTIFY_EMAIL=1).
        "NOTIFY_EMAIL": env.get("NOTIFY_EMAIL", "0") == "1",
        "DELIVERY_MAX_ATTEMPTS": int(env.get("DELIVERY_MAX_ATTEMPTS", 8)),
        "DELIVERY_BACKOFF_SECONDS": int(env.get("DELIVERY_BACKOFF_SECONDS", 30)),
        "DELIVERY_BACKOFF_CAP_SECONDS": int(env.get("DELIVERY_BACKOFF_CAP_SECONDS", 3600)),
        # Longer than any one send may take (SMTP and HTTP time out at DELIVERY_TIMEOUT_SECONDS).
        "DELIVERY_LEASE_SECONDS": int(env.get("DELIVERY_LEASE_SECONDS", 120)),
        "DELIVERY_TIMEOUT_SECONDS": float(env.get("DELIVERY_TIMEOUT_SECONDS", 20)),
        "DELIVERY_POLL_SECONDS": float(env.get("DELIVERY_POLL_SECONDS", 2)),
        # Sent, cancelled and failed messages are kept this long (what a tenant was told, and when), then pruned.
        "MESSAGE_RETENTION_DAYS": int(env.get("MESSAGE_RETENTION_DAYS", 180)),
        # Managers are warned once when an open concern is this close to its due time.
        "CONCERN_WARNING_HOURS": int(env.get("CONCERN_WARNING_HOURS", 4)),
    }
