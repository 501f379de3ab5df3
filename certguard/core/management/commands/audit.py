import json

from django.core.management.base import BaseCommand, CommandError

from certguard.core.audit_anchor import anchor_path
from certguard.core.audit_chain import audit_seal, audit_verify


class Command(BaseCommand):
    help = ("审计日志：seal 封存待处理日志并导出锚点；verify 校验签名、哈希链与锚点，"
            "报告第一条被修改、插入或删除的日志；reanchor 在恢复数据库后重置锚点（须说明原因）")

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=["verify", "seal", "reanchor"])
        parser.add_argument("--no-seal", action="store_true",
                            help="verify 前不封存待处理日志")
        parser.add_argument("--reason", default="",
                            help="reanchor 的原因（写入审计日志），例如“已从备份恢复数据库”")

    def handle(self, *args, action: str, no_seal: bool, reason: str, **options) -> None:
        if action == "reanchor":
            if not reason.strip():
                raise CommandError("reanchor 须用 --reason 说明原因（将写入审计日志）",
                                   returncode=2)
            sealed = audit_seal(force_ingest=True, reanchor_reason=reason.strip()[:200])
            self.stdout.write(json.dumps({"sealed": sealed, "anchor": str(anchor_path())},
                                         ensure_ascii=False))
            return
        sealed = 0 if (action == "verify" and no_seal) else audit_seal(force_ingest=True)
        if action == "seal":
            self.stdout.write(json.dumps({"sealed": sealed, "anchor": str(anchor_path())},
                                         ensure_ascii=False))
            return
        report = audit_verify()
        self.stdout.write(json.dumps({"sealed": sealed, **report.as_dict()}, ensure_ascii=False))
        if not report.ok:
            raise CommandError(report.message, returncode=1)
