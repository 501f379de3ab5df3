"""The audit key: its own (never SECRET_KEY), required in production, rotatable."""

import os
import subprocess
import sys

import pytest

from certguard.core.audit import audit_record
from certguard.core.audit_chain import audit_seal, audit_verify
from certguard.core.audit_keys import key_id
from certguard.core.env import SettingError, audit_key
from certguard.core.models import AuditEntry

GOOD = "k3y-for-the-audit-log-0123456789abcdefghijklmnop"


def _certguard(*args, **env):
    full_env = {**os.environ, **env}
    full_env.pop("DJANGO_SETTINGS_MODULE", None)
    full_env.pop("AUDIT_KEY", None)
    full_env.update(env)
    return subprocess.run([sys.executable, "-m", "certguard", *args], capture_output=True,
                          text=True, env=full_env, timeout=120)


def test_production_requires_its_own_audit_key():
    base = {"CERTGUARD_PRODUCTION": "1", "DEBUG": "false", "SECRET_KEY": "s" * 20 + GOOD,
            "ALLOWED_HOSTS": "example.org"}
    missing = _certguard("check", **base)
    assert missing.returncode == 2 and "AUDIT_KEY" in missing.stderr
    same = _certguard("check", **base, AUDIT_KEY=base["SECRET_KEY"])
    assert same.returncode == 2 and "不能与 SECRET_KEY 相同" in same.stderr
    weak = _certguard("check", **base, AUDIT_KEY="a" * 40)
    assert weak.returncode == 2 and "AUDIT_KEY" in weak.stderr
    assert "Traceback" not in missing.stderr + same.stderr + weak.stderr


def test_development_makes_a_random_key_once(tmp_path, monkeypatch):
    monkeypatch.delenv("AUDIT_KEY", raising=False)
    first = audit_key(production=False, secret_key="x", var_dir=tmp_path)
    assert len(first) >= 48 and (tmp_path / "audit.key").stat().st_mode & 0o777 == 0o600
    assert audit_key(production=False, secret_key="x", var_dir=tmp_path) == first
    monkeypatch.setenv("AUDIT_KEY", "short")
    with pytest.raises(SettingError):
        audit_key(production=False, secret_key="x", var_dir=tmp_path)


def _log(n):
    for i in range(n):
        audit_record(action="update", object_type="test.thing", object_id=i, summary="x")
    audit_seal()


@pytest.mark.django_db
def test_rotating_secret_key_leaves_the_log_intact(settings):
    _log(5)
    settings.SECRET_KEY = "a-brand-new-secret-key-" + "z" * 40
    assert audit_verify().ok


@pytest.mark.django_db
def test_rotating_the_audit_key_keeps_old_entries_verifiable(settings):
    _log(5)
    old = settings.AUDIT_KEY
    settings.AUDIT_KEY, settings.AUDIT_OLD_KEYS = GOOD, [old]
    _log(3)
    assert audit_verify().ok
    newest = AuditEntry.objects.exclude(seq=None).order_by("-seq").first()
    oldest = AuditEntry.objects.exclude(seq=None).order_by("seq").first()
    assert (newest.key_id, oldest.key_id) == (key_id(GOOD), key_id(old))


@pytest.mark.django_db
def test_a_retired_key_that_is_dropped_is_named_not_called_tampering(settings):
    _log(3)
    settings.AUDIT_KEY, settings.AUDIT_OLD_KEYS = GOOD, []
    report = audit_verify()
    assert report.problem == "key_unknown" and "AUDIT_OLD_KEYS" in report.message


@pytest.mark.django_db
def test_pending_entries_signed_before_a_rotation_are_sealed_after_it(settings):
    audit_record(action="update", object_type="test.thing", object_id="p", summary="x")
    settings.AUDIT_OLD_KEYS, settings.AUDIT_KEY = [settings.AUDIT_KEY], GOOD
    audit_seal()
    assert AuditEntry.objects.get(object_id="p").seq is not None
    assert audit_verify().ok
