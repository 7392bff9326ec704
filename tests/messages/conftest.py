"""A real SMTP server (the development catch-all on a free port) and a fake Notify, for the outbox's tests."""

import socket

import pytest

from server import dev_mail
from server.delivery import providers
from tests.messages.fake_notify import API_KEY, SMS_TEMPLATE, FakeNotify


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mail_sink(tmp_path):
    """The catch-all SMTP server on a free port; `.url` to send to, `.messages()` what it caught."""
    port = free_port()
    controller = dev_mail.start(tmp_path / "mail", port=port)
    sink = controller.handler
    sink.url = f"smtp://127.0.0.1:{port}"
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def fake_notify():
    notify = FakeNotify().start()
    try:
        yield notify
    finally:
        notify.stop()


@pytest.fixture
def delivery_config(app):
    """Set delivery configuration for one test (restored afterwards)."""
    saved = dict(app.config)

    def configure(**values):
        app.config.update(values)
        return app.config

    yield configure
    app.config.clear()
    app.config.update(saved)


@pytest.fixture
def channels(app, delivery_config, mail_sink, fake_notify):
    """The providers the worker would build, pointed at the test's SMTP server and fake Notify."""
    config = delivery_config(
        SMTP_URL=mail_sink.url,
        NOTIFY_BASE_URL=fake_notify.url,
        NOTIFY_API_KEY=API_KEY,
        NOTIFY_SMS_TEMPLATE_ID=SMS_TEMPLATE,
        DELIVERY_TIMEOUT_SECONDS=5,
    )
    return providers(config)
