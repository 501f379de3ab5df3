import json

from django.core.management.base import BaseCommand, CommandError

from certguard.core.audit import audit_seal, audit_verify


class Command(BaseCommand):
    help = "审计日志：seal 封存待处理日志；verify 校验哈希链，报告第一条被修改、插入或删除的日志"

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["verify", "seal"])
        parser.add_argument("--no-seal", action="store_true",
                            help="verify 前不封存待处理日志")

    def handle(self, *args, action: str, no_seal: bool, **options) -> None:
        sealed = 0 if (action == "verify" and no_seal) else audit_seal(force_ingest=True)
        if action == "seal":
            self.stdout.write(json.dumps({"sealed": sealed}))
            return
        report = audit_verify()
        self.stdout.write(json.dumps({"sealed": sealed, **report.as_dict()}, ensure_ascii=False))
        if not report.ok:
            raise CommandError(report.message, returncode=1)
