"""Rate limits with leases (core.ratelimit): a process admits only units the shared counter
granted it, so a limit holds across any number of processes, while a busy key costs one
statement per many requests (issue 16.4: the verify path at the speed the bench asks)."""

from __future__ import annotations

import itertools
import random
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from certguard.core import ratelimit
from certguard.core.models import RateCounter
from certguard.core.ratelimit import Limit, RateLimited, rate_limits

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_window(monkeypatch):
    """Every call of a test in the same minute and day (a test may run across a boundary)."""
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))


def _admitted(limits: list[Limit], *, calls: int, cost: int = 1) -> int:
    passed = 0
    for _ in range(calls):
        try:
            rate_limits(limits, cost=cost)
            passed += 1
        except RateLimited:
            pass
    return passed


@pytest.mark.parametrize(("limit", "cost"), [(1, 1), (5, 1), (60, 1), (1000, 1), (2000, 1000),
                                             (10_000, 7)])
def test_one_process_is_admitted_exactly_its_limit(limit, cost):
    calls = limit // cost + 50
    assert _admitted([Limit("t", "k", limit)], calls=calls, cost=cost) == limit // cost


@pytest.mark.parametrize("processes", [2, 4, 9])
@pytest.mark.parametrize("limit", [60, 1000, 20_000])
def test_processes_sharing_a_counter_never_pass_the_limit(monkeypatch, processes, limit):
    """Each simulated worker has its own leases; requests land on them at random. Never more
    than the limit in all; at most what the processes hold unused is refused early."""
    leases = [{} for _ in range(processes)]
    rng = random.Random(limit + processes)
    passed, calls = 0, limit + 500
    for _ in range(calls):
        mine = rng.choice(leases)
        monkeypatch.setattr(ratelimit, "_leases", mine)
        try:
            rate_limits([Limit("t", "shared", limit)])
            passed += 1
        except RateLimited:
            pass
    unused = sum(lease.units for held in leases for lease in held.values())
    assert passed + unused <= limit
    assert passed >= limit - processes * min(ratelimit.LEASE_MAX, limit // ratelimit.LEASE_SHARE)
    assert RateCounter.objects.get(bucket__startswith="t:shared:").count >= passed


def test_every_limit_of_a_call_counts_and_the_first_exceeded_answers():
    minute, day = Limit("m", "k", 3, 60, "每分钟"), Limit("d", "k", 5, 86_400, "每日")
    answers = []
    for _ in range(7):
        try:
            rate_limits([minute, day])
            answers.append("ok")
        except RateLimited as exc:
            answers.append(exc.message)
    assert answers == ["ok"] * 3 + ["每分钟"] * 4  # the first limit exceeded answers
    with pytest.raises(RateLimited, match="每日"):  # the minute's refusals counted for the day
        rate_limits([day])


def test_a_busy_key_costs_a_statement_per_many_requests():
    with CaptureQueriesContext(connection) as queries:
        assert _admitted([Limit("busy", "k", 10**9), Limit("busy-day", "k", 10**9, 86_400)],
                         calls=5000) == 5000
    assert len(queries) <= 20  # leases double up to LEASE_MAX: ~15 refills, not 5,000


def test_a_full_window_refuses_without_writing():
    assert _admitted([Limit("full", "k", 2)], calls=2) == 2
    assert _admitted([Limit("full", "k", 2)], calls=1) == 0  # the counter said: full
    with CaptureQueriesContext(connection) as queries:
        assert _admitted([Limit("full", "k", 2)], calls=100) == 0
    assert len(queries) == 0


def test_nothing_is_leased_inside_a_transaction_that_may_roll_back():
    for _ in range(50):
        with transaction.atomic():
            rate_limits([Limit("tx", "k", 10**6)])
    assert RateCounter.objects.get(bucket__startswith="tx:k:").count == 50
    assert all(lease.units == 0 for lease in ratelimit._leases.values())


def test_reading_a_count_sees_what_other_processes_added(monkeypatch):
    """``cost=0`` (the tip-off receipt check) always asks the counter."""
    reader: dict = {}
    tries = Limit("receipt", "k", 2)
    monkeypatch.setattr(ratelimit, "_leases", reader)
    rate_limits([tries], cost=0)  # nothing counted yet
    monkeypatch.setattr(ratelimit, "_leases", {})  # another worker records 2 wrong receipts
    rate_limits([tries])
    rate_limits([tries])
    monkeypatch.setattr(ratelimit, "_leases", reader)
    rate_limits([tries], cost=0)  # 2 of 2: still readable, the next wrong one is refused
    monkeypatch.setattr(ratelimit, "_leases", {})
    with pytest.raises(RateLimited):
        rate_limits([tries])
    monkeypatch.setattr(ratelimit, "_leases", reader)
    with pytest.raises(RateLimited):
        rate_limits([tries], cost=0)


def test_leases_end_with_their_window(monkeypatch):
    clock = itertools.count(1_000_000, 20)
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: float(next(clock))))
    # calls every 20 s against 1 a minute: the windows hold 1, 3, 3, 3 and 2 calls
    assert _admitted([Limit("w", "k", 1, 60)], calls=12) == 5
