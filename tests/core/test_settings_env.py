"""Settings come from the environment and fail fast, with a message, never a traceback."""

import os
import subprocess
import sys

import pytest

from certguard.core.env import SettingError, database_from_url, env_bool, env_int


def _certguard(*args, **env):
    full_env = {**os.environ, **env}
    full_env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run([sys.executable, "-m", "certguard", *args], capture_output=True,
                          text=True, env=full_env, timeout=120)


@pytest.mark.parametrize("url", ["mysql://x@y/z", "not a url", "postgres://", "sqlite"])
def test_malformed_database_url_is_refused(url):
    with pytest.raises(SettingError) as failure:
        database_from_url(url)
    assert "DATABASE_URL" in str(failure.value)


def test_sqlite_runs_in_wal_mode():
    config = database_from_url("sqlite:////tmp/x.sqlite3")
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_a_sqlite_wal_is_cut_back_when_it_starts_over(tmp_path):
    """Applied as the product's connections apply it: a busy period's WAL does not stay at its
    largest size on disk."""
    import sqlite3

    config = database_from_url(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    db = sqlite3.connect(config["NAME"])
    db.executescript(config["OPTIONS"]["init_command"])
    assert db.execute("PRAGMA journal_size_limit").fetchone()[0] == 64 * 1024 * 1024
    db.close()


def test_bad_boolean_and_integer(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(SettingError):
        env_bool("DEBUG", False)
    monkeypatch.setenv("SESSION_IDLE_MINUTES", "half an hour")
    with pytest.raises(SettingError):
        env_int("SESSION_IDLE_MINUTES", 30)


def test_cli_reports_bad_database_url_without_traceback():
    result = _certguard("check", DATABASE_URL="mysql://root@localhost/x")
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr and "Traceback" not in result.stderr


def test_production_refuses_debug_and_development_secret():
    debug = _certguard("check", CERTGUARD_PRODUCTION="1", DEBUG="true", SECRET_KEY="x" * 50)
    assert debug.returncode == 2 and "DEBUG" in debug.stderr
    dev_key = _certguard("check", CERTGUARD_PRODUCTION="1", DEBUG="false")
    assert dev_key.returncode == 2 and "SECRET_KEY" in dev_key.stderr
    assert "Traceback" not in dev_key.stderr + debug.stderr


def test_settings_defaults(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
