import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = ("生产方式运行：gunicorn 多进程 WSGI 服务"
            "（默认生产模式，须设置 SECRET_KEY 和 ALLOWED_HOSTS）")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
        parser.add_argument("--threads", type=int, default=1)
        parser.add_argument("--dev", action="store_true", help="不启用生产模式（仅用于本机测试）")
        parser.add_argument("--no-collectstatic", action="store_true")
        parser.add_argument("--access-log", action="store_true",
                            help="每个请求写一行访问日志（证书查询另有审计日志）")

    def handle(self, *args, bind: str, workers: int, threads: int, no_collectstatic: bool,
               access_log: bool, **options) -> None:
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        command = [sys.executable, "-m", "gunicorn", settings.WSGI_APPLICATION.replace(
            ".application", ":application"), "--bind", bind, "--workers", str(workers),
            "--threads", str(threads), "--log-level", "warning",
            *(["--access-logfile", "-"] if access_log else [])]
        self.stdout.write(f"certguard 服务启动：http://{bind}/ （{workers} 个进程）")
        sys.stdout.flush()
        os.execv(sys.executable, command)  # noqa: S606  # replace this process: signals go to gunicorn
