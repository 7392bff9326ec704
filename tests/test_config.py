"""Configuration from the environment, with a safe embedded default."""

import stat

import pytest

from server import config


def test_with_no_configuration_secrets_are_generated_once_and_private(tmp_path):
    first = config.load(str(tmp_path), env={})
    second = config.load(str(tmp_path), env={})

    secrets_file = tmp_path / "secrets.json"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert all(first[name] for name in config.SECRET_NAMES)
    assert {name: first[name] for name in config.SECRET_NAMES} == {name: second[name] for name in config.SECRET_NAMES}


def test_the_default_database_is_sqlite_in_the_instance_folder(tmp_path):
    loaded = config.load(str(tmp_path), env={})

    assert loaded["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'doorstep.sqlite3'}"
    assert loaded["PUBLIC_BASE_URL"] == "http://127.0.0.1:5000"
    assert loaded["RATELIMIT_STORAGE_URI"] == "memory://"


def test_secrets_from_the_environment_win_and_nothing_is_written(tmp_path):
    env = {name: f"{name.lower()}-from-env" for name in config.SECRET_NAMES}

    loaded = config.load(str(tmp_path), env=env)

    assert loaded["JWT_SECRET_KEY"] == "jwt_secret_key-from-env"
    assert not (tmp_path / "secrets.json").exists()


@pytest.mark.parametrize("url", ["postgres://u@db/doorstep", "postgresql://u@db/doorstep"])
def test_database_url_speaks_psycopg_3(tmp_path, url):
    loaded = config.load(str(tmp_path), env={"DATABASE_URL": url})

    assert loaded["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/doorstep"


def test_redis_url_shares_rate_limits_between_workers(tmp_path):
    loaded = config.load(str(tmp_path), env={"REDIS_URL": "redis://127.0.0.1:6379/0"})

    assert loaded["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"


def test_public_base_url_is_an_origin(tmp_path):
    loaded = config.load(str(tmp_path), env={"PUBLIC_BASE_URL": "https://verify.example.org/"})

    assert loaded["PUBLIC_BASE_URL"] == "https://verify.example.org"


@pytest.mark.parametrize("value", ["verify.example.org", "ftp://verify.example.org", "https://example.org/doorstep"])
def test_a_public_base_url_that_is_not_an_origin_stops_start_up(tmp_path, value):
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        config.load(str(tmp_path), env={"PUBLIC_BASE_URL": value})
