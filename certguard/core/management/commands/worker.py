"""The background worker: jobs, audit sealing every few seconds, scheduled jobs, and the reaper
of jobs whose worker died.

A database error must never end the worker or leave one of its loops stuck: on SQLite under
load a ``BEGIN`` or ``COMMIT`` can time out on the lock, and the connection may be left inside
a transaction that every later pass would trip over ("cannot start a transaction within a
transaction"). So each loop, after an error, drops its thread's connection and carries on
with a fresh one on the next pass, and the job loop is started again.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connection

from certguard.core.audit_chain import audit_seal

log = logging.getLogger(__name__)


def _fresh_connection() -> None:
    """After an error: this thread's next query opens a new connection."""
    try:
        connection.close()
    except DatabaseError:  # closing a broken connection may fail: it is dropped anyway
        pass


def _every(interval: float, stop: threading.Event, work, *, first: bool = False) -> None:
    """Run ``work`` every ``interval`` seconds until ``stop``; errors are logged, never fatal."""
    if not first and stop.wait(interval):
        return
    while True:
        try:
            work()
        except Exception:  # a busy database must not stop the worker; the next pass retries
            log.exception("background pass %s failed; retried", work.__name__)
            _fresh_connection()
        finally:
            close_old_connections()
        if stop.wait(interval):
            return


def _schedule_due() -> None:
    from certguard.core.schedule import schedule_due

    schedule_due()


def _job_reap() -> None:
    """Fail jobs whose worker died (their lease ran out)."""
    from certguard.core.jobs import job_reap

    job_reap()


def _run_jobs(interval: float) -> None:
    """The database job queue, started again after a database error (a lock timeout)."""
    while True:
        try:
            # No autoreload: it would run the jobs in a child process that outlives this
            # one when it is killed, and that SIGTERM does not reach.
            call_command("db_worker", interval=interval, reload=False)
            return  # stopped by a signal
        except DatabaseError:
            log.exception("job queue: database error; the queue is read again")
            _fresh_connection()
            time.sleep(max(interval, 1.0))


class Command(BaseCommand):
    help = "后台任务进程：执行排队的任务，每隔几秒封存审计日志，并把进程意外中断的任务标记为失败"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seal-interval", type=float, default=3.0)
        parser.add_argument("--interval", type=float, default=0.5,
                            help="轮询任务队列的间隔（秒）")
        parser.add_argument("--dev", action="store_true",
                            help="不启用生产模式（演示环境和本机测试）")

    def handle(self, *args, seal_interval: float, interval: float, dev: bool,
               **options) -> None:
        stop = threading.Event()
        loops = [(seal_interval, audit_seal, False),
                 # Periodic jobs (rechecks of handed-over sites …) are started once a minute.
                 (60.0, _schedule_due, False),
                 # Jobs of a dead worker are failed within a minute (a third of the lease).
                 (settings.JOB_LEASE_SECONDS / 3, _job_reap, True)]
        for every, work, first in loops:
            threading.Thread(target=_every, args=(every, stop, work), kwargs={"first": first},
                             daemon=True).start()
        try:
            if settings.REDIS_URL:
                call_command("rqworker", "default", job_class="django_tasks_rq.Job")
            else:
                _run_jobs(interval)
        finally:
            stop.set()
            audit_seal()
