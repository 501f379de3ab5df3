"""The engines built from the database's versioned data, kept in memory per version: the
domain scorer per allow-list version, the ad classifier per keyword-list fingerprint (its
model is trained once and cached on disk by the engine itself)."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings

from certguard.catalog.services import official_hosts_current
from certguard.netwatch.keywords import KeywordList, default_keyword_list, keyword_list_from_dict
from certguard.netwatch.officials import OfficialHost, official_hosts_from_dicts

if TYPE_CHECKING:  # scikit-learn and pypinyin take seconds to import: only when first used
    from certguard.netwatch.adclassifier import AdClassifier
    from certguard.netwatch.domainscore import DomainScorer

_lock = threading.Lock()


def officials() -> tuple[int, tuple[OfficialHost, ...]]:
    version, entries = official_hosts_current()
    return version, _officials(version, _freeze(entries))


def _freeze(entries: list[dict]) -> str:
    import json

    return json.dumps(entries, ensure_ascii=False, sort_keys=True)


@lru_cache(maxsize=4)
def _officials(version: int, frozen: str) -> tuple[OfficialHost, ...]:
    import json

    return official_hosts_from_dicts(json.loads(frozen))


def scorer() -> tuple[int, DomainScorer]:
    version, hosts = officials()
    with _lock:
        return version, _scorer(version, hosts)


@lru_cache(maxsize=2)
def _scorer(version: int, hosts: tuple[OfficialHost, ...]) -> DomainScorer:
    from certguard.netwatch.domainscore import DomainScorer

    return DomainScorer(hosts)


def keyword_list(data: dict | None) -> KeywordList:
    return keyword_list_from_dict(data) if data else default_keyword_list()


def classifier(data: dict | None) -> AdClassifier:
    keywords = keyword_list(data)
    with _lock:
        return _classifier(keywords.fingerprint(), keywords)


@lru_cache(maxsize=4)
def _classifier(fingerprint: str, keywords: KeywordList) -> AdClassifier:
    from certguard.netwatch.adclassifier import AdClassifier

    return AdClassifier(keywords=keywords, cache_dir=settings.VAR_DIR / "netwatch")
