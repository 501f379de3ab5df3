"""Jobs that run on a schedule (e.g. rechecking handed-over sites): each kind registers an
interval; ``schedule_due`` starts those whose last run is older than it. The worker calls it
every minute, so the schedule survives restarts (the last run is a Job row)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from certguard.core.jobs import job_start
from certguard.core.models import Job


@dataclass(frozen=True)
class Periodic:
    kind: str
    every: timedelta
    title: str


_periodic: dict[str, Periodic] = {}


def periodic(kind: str, *, every: timedelta, title: str) -> None:
    """Run job ``kind`` (registered with ``job_handler``) every ``every``, as the platform."""
    _periodic[kind] = Periodic(kind, every, title)


def schedule_due(*, now=None) -> list[Job]:
    """Start each periodic job whose last run began longer ago than its interval (and none is
    waiting or running)."""
    now = now or timezone.now()
    started = []
    for item in _periodic.values():
        last = Job.objects.filter(kind=item.kind).order_by("-created_at").first()
        if last is not None and (not last.finished or last.created_at > now - item.every):
            continue
        started.append(job_start(kind=item.kind, title=item.title))
    return started
