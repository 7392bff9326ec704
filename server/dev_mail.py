"""A catch-all SMTP server for development: every message it is given is kept as an .eml file, none is sent on.

`make run` starts it beside the app (`python -m server.dev_mail`), listening where the default SMTP_URL
points (smtp://127.0.0.1:1025), and writes into instance/mail/. The tests start it on a free port.
"""

import argparse
import os
import time
import uuid
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller


class Sink:
    """Keep each message's bytes as <time>-<id>.eml in a folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
        (self.folder / name).write_bytes(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"

    def messages(self) -> list:
        """Every message caught so far, oldest first, as email.message objects."""
        return [
            message_from_bytes(path.read_bytes(), policy=policy.default) for path in sorted(self.folder.glob("*.eml"))
        ]


def start(folder: Path, host: str = "127.0.0.1", port: int = 1025) -> Controller:
    """Start the catch-all in a background thread; the caller stops it with .stop()."""
    controller = Controller(Sink(folder), hostname=host, port=port)
    controller.start()
    return controller


def main() -> None:
    default = urlsplit(os.environ.get("SMTP_URL", "smtp://127.0.0.1:1025"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=default.hostname or "127.0.0.1")
    parser.add_argument("--port", type=int, default=default.port or 1025)
    parser.add_argument("--dir", type=Path, default=Path(os.environ.get("INSTANCE_PATH") or "instance") / "mail")
    args = parser.parse_args()
    controller = start(args.dir, args.host, args.port)
    print(f"Catching mail at smtp://{args.host}:{args.port}; each message is kept in {args.dir}/", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
