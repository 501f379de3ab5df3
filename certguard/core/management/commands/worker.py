import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from certguard.core.audit_chain import audit_seal


def _seal_forever(interval: float, stop: threading.Event) -> None:
    while not stop.wait(interval):
        try:
            audit_seal()
        except Exception:  # a busy database must not stop the worker; next pass retries
            time.sleep(interval)
        finally:
            close_old_connections()


def _schedule_forever(interval: float, stop: threading.Event) -> None:
    from certguard.core.schedule import schedule_due

    while not stop.wait(interval):
        try:
            schedule_due()
        except Exception:  # noqa: S112  a busy database must not stop the worker; retried
            continue
        finally:
            close_old_connections()


def _reap_forever(interval: float, stop: threading.Event) -> None:
    """Fail jobs whose worker died (their lease ran out): a few passes per lease."""
    from certguard.core.jobs import job_reap

    while True:
        try:
            job_reap()
        except Exception:  # noqa: S110  a busy database must not stop the worker; retried
            pass
        finally:
            close_old_connections()
        if stop.wait(interval):
            return


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
        sealer = threading.Thread(target=_seal_forever, args=(seal_interval, stop), daemon=True)
        sealer.start()
        # Periodic jobs (rechecks of handed-over sites …) are started once a minute.
        threading.Thread(target=_schedule_forever, args=(60.0, stop), daemon=True).start()
        # Jobs of a dead worker are failed within a minute (JOB_LEASE_SECONDS + a third).
        threading.Thread(target=_reap_forever, args=(settings.JOB_LEASE_SECONDS / 3, stop),
                         daemon=True).start()
        try:
            if settings.REDIS_URL:
                call_command("rqworker", "default", job_class="django_tasks_rq.Job")
            else:
                # No autoreload: it would run the jobs in a child process that outlives this
                # one when it is killed, and that SIGTERM does not reach.
                call_command("db_worker", interval=interval, reload=False)
        finally:
            stop.set()
            audit_seal()
