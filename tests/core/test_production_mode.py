"""Production mode (issue 10, item 6): no demo accounts, no guessable keys, no wildcard host,
HSTS on every answer, and `certguard check --deploy` clean."""

import os
import secrets
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

from certguard.core.env import fernet_key_problem, weak_key_problem


def _production_env(tmp_path, **overrides) -> dict:
    env = {**os.environ,
           "CERTGUARD_PRODUCTION": "1", "DEBUG": "false",
           "SECRET_KEY": secrets.token_urlsafe(48), "AUDIT_KEY": secrets.token_urlsafe(48),
           "TIPS_KEYS": Fernet.generate_key().decode(),
           "ALLOWED_HOSTS": "certguard.example.gov.cn",
           "CERTGUARD_VAR_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(overrides)
    return env


def _certguard(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "certguard", *args], capture_output=True,
                          text=True, env=env, timeout=180)


def test_production_refuses_the_demo_world(tmp_path):
    result = _certguard(_production_env(tmp_path), "demo")
    assert result.returncode == 2
    assert "demo_refused" in result.stderr and "生产模式" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "db.sqlite3").exists() or "demo_admin" not in _users(tmp_path)


def _users(tmp_path) -> str:
    import sqlite3

    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        try:
            return " ".join(row[0] for row in db.execute("SELECT username FROM orgs_user"))
        except sqlite3.OperationalError:
            return ""


@pytest.mark.parametrize(("variable", "value"), [
    ("SECRET_KEY", "a" * 36),  # the key: long, one repeated letter
    ("SECRET_KEY", "abc" * 16),
    ("SECRET_KEY", "short-but-random-Zq8"),
    ("AUDIT_KEY", "b" * 40),
    ("ECERT_KEY_SECRET", "c" * 40),
    ("TIPS_KEYS", "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE="),  # 32 × "A"
    ("ALLOWED_HOSTS", "*"),
    ("ALLOWED_HOSTS", "certguard.example.gov.cn,*"),
    ("ALLOWED_HOSTS", ""),
    ("TRUSTED_PROXIES", "the-proxy"),
])
def test_production_refuses_weak_keys_and_wildcard_hosts(tmp_path, variable, value):
    result = _certguard(_production_env(tmp_path, **{variable: value}), "check")
    assert result.returncode == 2, result.stdout + result.stderr
    assert variable in result.stderr and "config_invalid" in result.stderr
    assert "Traceback" not in result.stderr


def test_key_checks():
    assert weak_key_problem("a" * 36) and weak_key_problem("ab" * 20)
    assert not weak_key_problem(secrets.token_urlsafe(48))
    assert fernet_key_problem("not base64!") and not fernet_key_problem(
        Fernet.generate_key().decode())


HSTS_PROBE = (
    "from django.test import Client\n"
    "c = Client(REMOTE_ADDR='10.0.0.9')\n"
    "r = c.get('/no-such-page/', HTTP_HOST='certguard.example.gov.cn', secure=True)\n"
    "print('HSTS', r.headers.get('Strict-Transport-Security'))\n"
    "r = c.get('/no-such-page/', HTTP_HOST='certguard.example.gov.cn')\n"
    "print('PLAIN', r.status_code, r.headers.get('Location'))\n"
    "r = c.get('/no-such-page/', HTTP_HOST='certguard.example.gov.cn',\n"
    "          HTTP_X_FORWARDED_PROTO='https')\n"
    "print('FORGED', r.status_code)\n"
)


def test_production_sends_hsts_and_redirects_plain_http(tmp_path):
    result = _certguard(_production_env(tmp_path, TRUSTED_PROXIES="10.0.0.1"),
                        "shell", "-c", HSTS_PROBE)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert lines["HSTS"] == "max-age=31536000; includeSubDomains; preload"
    assert lines["PLAIN"].startswith("301 https://certguard.example.gov.cn/")
    # a client that is not the trusted proxy cannot claim HTTPS with a header
    assert lines["FORGED"] == "301"


def test_check_deploy_passes_without_warnings_in_production(tmp_path):
    result = _certguard(_production_env(tmp_path), "check", "--deploy", "--fail-level",
                        "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_worker_runs_in_production_mode_unless_told_dev(tmp_path):
    """A worker left in development mode would run with DEBUG on (every query's SQL kept in
    memory) and the development key: `certguard worker` is production like `serve`."""
    env = {k: v for k, v in _production_env(tmp_path).items()
           if k not in ("CERTGUARD_PRODUCTION", "SECRET_KEY")}
    result = _certguard(env, "worker")
    assert result.returncode == 2
    assert "配置错误 [config_invalid]" in result.stderr and "SECRET_KEY" in result.stderr


def test_help_of_the_production_commands_needs_no_production_keys(tmp_path):
    env = {k: v for k, v in _production_env(tmp_path).items()
           if k not in ("CERTGUARD_PRODUCTION", "SECRET_KEY")}
    for command in ("serve", "worker"):
        result = _certguard(env, command, "--help")
        assert result.returncode == 0, result.stderr
        assert "--dev" in result.stdout and "配置错误" not in result.stderr
