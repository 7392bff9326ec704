"""Configuration from the environment, with a safe embedded default."""

import json
import stat

import pytest

from server import config, create_app


def _secrets(loaded: dict) -> dict:
    return {name: loaded[name] for name in config.SECRET_NAMES}


def test_with_no_configuration_secrets_are_generated_in_a_private_file(tmp_path):
    instance = tmp_path / "instance"  # not there yet: made on first start

    loaded = config.load(str(instance), env={})

    secrets_file = instance / "secrets.json"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert json.loads(secrets_file.read_text()) == _secrets(loaded)
    assert all(loaded[name] for name in config.SECRET_NAMES)


def test_generated_secrets_are_reused_on_the_next_start(tmp_path):
    first = config.load(str(tmp_path), env={})
    written = (tmp_path / "secrets.json").read_bytes()

    second = config.load(str(tmp_path), env={})

    assert _secrets(second) == _secrets(first)
    assert (tmp_path / "secrets.json").read_bytes() == written


def test_secrets_from_the_environment_win_and_nothing_is_written(tmp_path):
    env = {name: f"{name.lower()}-from-env" for name in config.SECRET_NAMES}

    loaded = config.load(str(tmp_path), env=env)

    assert _secrets(loaded) == env
    assert not (tmp_path / "secrets.json").exists()


def test_a_secret_from_the_environment_overrides_the_generated_one(tmp_path):
    generated = config.load(str(tmp_path), env={})

    loaded = config.load(str(tmp_path), env={"JWT_SECRET_KEY": "rotated-by-the-operator"})

    assert loaded["JWT_SECRET_KEY"] == "rotated-by-the-operator"
    assert loaded["SECRET_KEY"] == generated["SECRET_KEY"]


def test_the_defaults_are_an_sqlite_file_a_local_origin_and_memory_rate_limits(tmp_path):
    loaded = config.load(str(tmp_path), env={})

    assert loaded["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'doorstep.sqlite3'}"
    assert loaded["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"
    assert loaded["RATELIMIT_STORAGE_URI"] == "memory://"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u:p@db:5432/doorstep", "postgresql+psycopg://u:p@db:5432/doorstep"),
        ("postgresql://u@db/doorstep", "postgresql+psycopg://u@db/doorstep"),
        ("postgresql+psycopg://u@db/doorstep", "postgresql+psycopg://u@db/doorstep"),
        ("sqlite:////var/lib/doorstep/doorstep.sqlite3", "sqlite:////var/lib/doorstep/doorstep.sqlite3"),
    ],
)
def test_database_url_speaks_psycopg_3(tmp_path, url, expected):
    loaded = config.load(str(tmp_path), env={"DATABASE_URL": url})

    assert loaded["SQLALCHEMY_DATABASE_URI"] == expected


def test_redis_url_shares_rate_limits_between_workers(tmp_path):
    loaded = config.load(str(tmp_path), env={"REDIS_URL": "redis://127.0.0.1:6379/0"})

    assert loaded["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://verify.example.org", "https://verify.example.org"),
        ("https://verify.example.org/", "https://verify.example.org"),
        ("http://localhost:8080", "http://localhost:8080"),
    ],
)
def test_public_base_url_is_an_origin(tmp_path, value, expected):
    loaded = config.load(str(tmp_path), env={"PUBLIC_BASE_URL": value})

    assert loaded["PUBLIC_BASE_URL"] == expected


@pytest.mark.parametrize(
    "value",
    [
        "verify.example.org",
        "ftp://verify.example.org",
        "javascript:alert(1)",
        "https://example.org/doorstep",
        "https://",
    ],
)
def test_a_public_base_url_that_is_not_an_origin_is_refused(tmp_path, value):
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        config.load(str(tmp_path), env={"PUBLIC_BASE_URL": value})


def test_the_app_does_not_start_with_a_public_base_url_that_has_a_path(monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://example.org/doorstep")

    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        create_app({"TESTING": True})
