from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def scorer():
    from certguard.netwatch.domainscore import DomainScorer

    return DomainScorer()


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("netwatch-model")


@pytest.fixture(scope="session")
def classifier(model_cache):
    from certguard.netwatch.adclassifier import AdClassifier

    return AdClassifier(cache_dir=model_cache)


@pytest.fixture
def site():
    from certguard.netwatch.fixtures import FixtureSite

    server = FixtureSite()
    yield server
    server.close()


@pytest.fixture
def netgov(world):
    """County A's network-governance officer (网信办)."""
    return world.user("netgov_officer", "A")
