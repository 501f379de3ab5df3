import json

from django.core.management.base import BaseCommand, CommandError

from certguard.ecert import cli


class Command(BaseCommand):
    help = ("电子证书：verify 离线核验；keygen 生成密钥；sign 签发；trustlist build/sign/show "
            "信任列表；revocations 吊销列表；checkqr 判断二维码内容。输出 JSON")

    def add_arguments(self, parser) -> None:
        cli.add_arguments(parser)

    def handle(self, *args, **options) -> None:
        try:
            code, output = cli.dispatch(options)
        except cli.UsageError as exc:
            raise CommandError(str(exc), returncode=2) from None
        except Exception as exc:
            # Never a traceback to a user; the type name is enough to file a bug.
            raise CommandError(f"内部错误 [internal_error]: {type(exc).__name__}: {exc}",
                               returncode=2) from None
        self.stdout.write(json.dumps(output, ensure_ascii=False, default=str))
        if code != 0:
            message = output.get("message", "") if isinstance(output, dict) else ""
            raise CommandError(message or "未通过", returncode=code)
