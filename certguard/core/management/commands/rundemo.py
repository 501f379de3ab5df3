import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the worker gets SIGTERM when rundemo dies, even by SIGKILL."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _stop(signum, frame) -> None:
    raise SystemExit(0)


class Command(BaseCommand):
    help = ("演示运行：后台任务进程 + 开发服务器（127.0.0.1:8000）；"
            "收到 SIGTERM 时一并停止后台任务进程")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, addrport: str, **options) -> None:
        # SIGTERM (systemd, docker stop, kill) ends the server like Ctrl-C, so the worker
        # below is stopped too instead of being left running without its parent.
        signal.signal(signal.SIGTERM, _stop)
        worker = subprocess.Popen([sys.executable, "-m", "certguard", "worker", "--dev"],
                                  preexec_fn=_die_with_parent if sys.platform == "linux" else None)
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            worker.terminate()  # the worker finishes its current job, then exits
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()  # its job is failed by the next worker's lease check
                worker.wait()
