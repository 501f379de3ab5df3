from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from certguard.netwatch import cli
from certguard.netwatch.errors import NetwatchError


class Command(BaseCommand):
    help = ("网络治理：domains 评估域名清单（官方 / 仿冒 / 无关）；ads 识别售证广告；"
            "generate 生成仿冒域名监视清单；ads-eval 报告广告识别的查准率和查全率")

    def add_arguments(self, parser) -> None:
        cli.add_arguments(parser)

    def handle(self, *args, **options) -> None:
        try:
            code = cli.run(options, out=self.stdout, err=self.stderr,
                           cache_dir=settings.VAR_DIR / "netwatch")
        except BrokenPipeError:
            raise  # output piped into `head`: the console entry point stops quietly
        except NetwatchError as exc:
            raise CommandError(f"[{exc.code}] {exc.message}", returncode=2) from None
        except Exception as exc:
            # Never a traceback to a user; the type name is enough to file a bug.
            raise CommandError(f"内部错误 [internal_error]: {type(exc).__name__}",
                               returncode=2) from None
        if code:
            raise CommandError("部分行无法识别，详见上面的逐行说明", returncode=code)
