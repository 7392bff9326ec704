"""A real SMTP server and a Notify stand-in (the development ones, on free ports), for the outbox's tests."""

import socket

import pytest

from server import dev_mail, dev_notify
from server.delivery import providers

API_KEY = "doorstep_test-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"
SMS_TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"


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
def fake_notify(tmp_path):
    """The Notify stand-in on a free port; `.sent` what it accepted, each also kept in `.folder`."""
    notify = dev_notify.StandIn(API_KEY, tmp_path / "texts").start()
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
    """The providers the worker would build, pointed at the test's SMTP server and Notify stand-in."""
    config = delivery_config(
        SMTP_URL=mail_sink.url,
        NOTIFY_BASE_URL=fake_notify.url,
        NOTIFY_API_KEY=API_KEY,
        NOTIFY_SMS_TEMPLATE_ID=SMS_TEMPLATE,
        DELIVERY_TIMEOUT_SECONDS=5,
    )
    return providers(config)
