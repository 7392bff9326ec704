"""Email over SMTP (stdlib smtplib), each message with a stable Message-ID made from its idempotency key."""

import smtplib
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from urllib.parse import urlsplit

from server.delivery.providers import CannotTell, PermanentFailure, TemporaryFailure
from server.models import Message


def message_id(message: Message, mail_from: str) -> str:
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "doorstep.localhost"
    return f"<{message.idempotency_key}@{domain}>"


def _failure(code: int, text: str, *, definite: bool = True):
    kind = PermanentFailure if 500 <= code < 600 else TemporaryFailure
    return kind(f"SMTP {code}: {text}", definite=definite)


class SmtpProvider:
    name = "smtp"

    def __init__(self, url: str, mail_from: str, timeout: float):
        parts = urlsplit(url)
        self.ssl = parts.scheme == "smtps"
        self.host, self.port = parts.hostname, parts.port or (465 if self.ssl else 25)
        self.user, self.password = parts.username, parts.password
        self.mail_from, self.timeout = mail_from, timeout

    def build(self, message: Message) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.mail_from
        email["To"] = message.recipient
        email["Subject"] = message.subject or ""
        email["Date"] = format_datetime(message.created_at)
        email["Message-ID"] = message_id(message, self.mail_from)
        email.set_content(message.body)
        return email

    def send(self, message: Message, handing_over: Callable[[], None]) -> str:
        email = self.build(message)
        handed = False
        try:
            connect = smtplib.SMTP_SSL if self.ssl else smtplib.SMTP
            with connect(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.ehlo()
                if not self.ssl and smtp.has_extn("starttls"):
                    smtp.starttls()
                    smtp.ehlo()
                if self.user:
                    smtp.login(self.user, self.password or "")
                code, text = smtp.mail(parseaddr(self.mail_from)[1])
                if code != 250:
                    raise _failure(code, text.decode(errors="replace"))
                code, text = smtp.rcpt(message.recipient)
                if code not in (250, 251):
                    raise _failure(code, text.decode(errors="replace"))
                # Nothing is delivered before the server answers the end of DATA; from here it may be.
                handing_over()
                handed = True
                code, text = smtp.data(email.as_bytes())
                if code != 250:
                    raise _failure(code, text.decode(errors="replace"))
        except smtplib.SMTPResponseException as exc:
            raise _failure(exc.smtp_code, str(exc.smtp_error)) from exc
        except (OSError, smtplib.SMTPException) as exc:
            # The line dropped: before DATA nothing went; during it, the server may have kept the message.
            raise TemporaryFailure(f"SMTP: {exc or type(exc).__name__}", definite=not handed) from exc
        return email["Message-ID"]

    def find(self, message: Message) -> str | None:
        raise CannotTell("an SMTP server keeps no record we can ask")
