from collections import Counter

import pytest

from certguard.netwatch.hostnames import normalise_host, registrable_domain
from certguard.netwatch.lookalike import generate
from certguard.netwatch.officials import default_official_hosts


@pytest.fixture(scope="module")
def candidates():
    return list(generate(default_official_hosts()))


def test_every_technique_is_used_for_every_active_host(candidates) -> None:
    techniques = Counter((c.imitates, c.technique.split(":")[0]) for c in candidates)
    for official in ("cx.mem.gov.cn", "zlaq.mohurd.gov.cn", "cnse.samr.gov.cn"):
        for technique in ("flatten", "embed", "pinyin", "latin", "dnstwist"):
            assert techniques[official, technique] > 0, (official, technique)


@pytest.mark.parametrize("domain", [
    "cx-mem-gov.cn", "cxmem-gov.xyz", "cx.memgov.com", "mem.gov.cn.chaxun.vip",
    "chinasafety-gov.com", "yjglb-cx.com", "anquanshengchan-chaxun.top", "tzzy-cx.com",
    "cx-rnem-gov.cn", "ch1nasafety-gov.com", "zlaq-mohurd.com",
])
def test_domain_md_examples_are_generated(candidates, domain) -> None:
    assert domain in {c.domain for c in candidates}


def test_no_candidate_is_official_or_under_an_official_domain(candidates) -> None:
    officials = default_official_hosts()
    registrables = {registrable_domain(o.host) for o in officials}
    for candidate in candidates:
        assert candidate.domain not in {o.host for o in officials}
        assert not any(candidate.domain == r or candidate.domain.endswith("." + r)
                       for r in registrables), candidate
    assert len({c.domain for c in candidates}) == len(candidates)


def test_candidates_are_valid_host_names_and_deterministic(candidates) -> None:
    for candidate in candidates[:3000]:
        assert normalise_host(candidate.domain) == candidate.domain
    again = list(generate(default_official_hosts()))
    assert [c.domain for c in again] == [c.domain for c in candidates]


def test_dnstwist_can_be_left_out() -> None:
    plain = list(generate(default_official_hosts(), dnstwist=False))
    assert plain and not any(c.technique.startswith("dnstwist") for c in plain)


def test_scorer_recognises_everything_the_generator_makes(candidates, scorer) -> None:
    wrong = []
    for candidate in candidates:
        verdict = scorer.score(candidate.domain)
        if verdict.verdict != "lookalike" or verdict.imitates != candidate.imitates:
            wrong.append((candidate, verdict.verdict, verdict.imitates))
    assert wrong == []
