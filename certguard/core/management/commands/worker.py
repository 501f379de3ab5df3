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


class Command(BaseCommand):
    help = "后台任务进程：执行排队的任务，并每隔几秒封存审计日志"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seal-interval", type=float, default=3.0)
        parser.add_argument("--interval", type=float, default=0.5,
                            help="轮询任务队列的间隔（秒）")

    def handle(self, *args, seal_interval: float, interval: float, **options) -> None:
        stop = threading.Event()
        sealer = threading.Thread(target=_seal_forever, args=(seal_interval, stop), daemon=True)
        sealer.start()
        # Periodic jobs (rechecks of handed-over sites …) are started once a minute.
        threading.Thread(target=_schedule_forever, args=(60.0, stop), daemon=True).start()
        try:
            if settings.REDIS_URL:
                call_command("rqworker", "default", job_class="django_tasks_rq.Job")
            else:
                call_command("db_worker", interval=interval)
        finally:
            stop.set()
            audit_seal()
