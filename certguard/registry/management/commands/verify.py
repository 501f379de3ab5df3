import json

from django.core.management.base import BaseCommand, CommandError

from certguard.core.cli import cli_date
from certguard.core.errors import AppError
from certguard.registry.verification import VerifyQuery, verify_certificate


class Command(BaseCommand):
    help = "核验证书：--id-no 或 --cert-no，加 --name；输出与 POST /api/v1/verify 相同的 JSON"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--id-no", default="")
        parser.add_argument("--cert-no", default="")
        parser.add_argument("--name", default="")
        parser.add_argument("--at", default="", help="按哪一天判断状态（YYYY-MM-DD），默认今天")

    def handle(self, *args, id_no: str, cert_no: str, name: str, at: str, **options) -> None:
        query = VerifyQuery(name=name, id_no=id_no, cert_no=cert_no,
                            on=cli_date(at) if at else None)
        try:
            answer = verify_certificate(query=query, channel="cli")
        except AppError as exc:
            self.stdout.write(json.dumps(exc.as_dict(), ensure_ascii=False))
            raise CommandError(f"[{exc.code}] {exc.message}", returncode=2) from None
        self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))
