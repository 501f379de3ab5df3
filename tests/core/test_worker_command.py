"""`certguard worker` survives database errors: the job queue is read again after a lock
timeout, and a background pass that failed drops its connection (which may have been left
inside a transaction) instead of failing every later pass."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError

from certguard.core.management.commands import worker


def test_the_job_queue_is_started_again_after_a_database_error(monkeypatch):
    calls: list[str] = []

    def db_worker(name, **options):
        calls.append(name)
        if len(calls) == 1:
            raise OperationalError("database is locked")

    closed: list[bool] = []
    monkeypatch.setattr(worker, "call_command", db_worker)
    monkeypatch.setattr(worker, "_fresh_connection", lambda: closed.append(True))
    monkeypatch.setattr(worker.time, "sleep", lambda seconds: None)
    worker._run_jobs(0.01)
    assert calls == ["db_worker", "db_worker"] and closed == [True]


def test_a_failed_pass_drops_its_connection_and_the_next_pass_runs(monkeypatch):
    stop = threading.Event()
    passes: list[int] = []
    closed: list[int] = []

    def work():
        passes.append(1)
        if len(passes) == 1:
            raise OperationalError("cannot start a transaction within a transaction")
        stop.set()

    monkeypatch.setattr(worker, "_fresh_connection", lambda: closed.append(len(passes)))
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)  # no database here
    worker._every(0.001, stop, work, first=True)
    assert len(passes) == 2 and closed == [1]


def test_other_errors_of_the_job_queue_are_not_swallowed(monkeypatch):
    def db_worker(name, **options):
        raise ValueError("a bug, not a busy database")

    monkeypatch.setattr(worker, "call_command", db_worker)
    with pytest.raises(ValueError, match="a bug"):  # seen and fixed, not retried forever
        worker._run_jobs(0.01)
