"""Shared fixtures: keys are generated once per session (RSA and SM2 generation is slow-ish)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from certguard.ecert import algorithms, keys
from certguard.ecert.fields import CertificateFields, from_mapping

ISSUED = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
CHECKED = datetime(2026, 1, 15, 8, 0, tzinfo=UTC)
FIELDS = {
    "cert_no": "T110101199003076515", "id_no": "110101199003076515", "name": "张三丰",
    "family": "special_ops", "item_code": "DG01", "issuer_code": "110000",
    "valid_from": "2025-03-01", "valid_until": "2031-02-28", "review_due": "2028-03-01",
    "status": "valid",
}


@pytest.fixture(scope="session")
def signing_keys() -> dict[int, keys.SigningKey]:
    return {alg: keys.generate(alg=alg, authority="110000") for alg in algorithms.ALG_NAMES}


@pytest.fixture(scope="session")
def ed_key(signing_keys) -> keys.SigningKey:
    return signing_keys[algorithms.ALG_EDDSA]


@pytest.fixture(scope="session")
def root_key() -> keys.SigningKey:
    return keys.generate(alg=algorithms.ALG_EDDSA, authority="ROOT")


@pytest.fixture()
def fields() -> CertificateFields:
    return from_mapping(FIELDS)



class _SettingsStandIn:
    """Provides ``settings`` when pytest-django is disabled (``-p no:django``).

    The project's root conftest has autouse fixtures that tweak ``settings``; the ecert core is
    pure, so its tests must also run without Django. Under pytest-django nothing is replaced.
    """

    @pytest.fixture()
    def settings(self):
        from types import SimpleNamespace

        return SimpleNamespace()


def pytest_configure(config) -> None:
    if not config.pluginmanager.hasplugin("django"):
        config.pluginmanager.register(_SettingsStandIn(), "ecert-settings-stand-in")


# Fixtures of the platform (Django) tests; they import Django lazily, so the pure core's
# tests above still run with ``-p no:django``.
from .platform import authority_key, cert  # noqa: E402, F401
