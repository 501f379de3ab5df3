import json

from django.core.management.base import BaseCommand, CommandError

from certguard.core.errors import AppError
from certguard.core.scoping import COMMAND_LINE
from certguard.orgs.models import User
from certguard.registry.importer import certificates_import


class Command(BaseCommand):
    help = "证书库：import 导入交换格式的证书文件（CSV、CSV.GZ、XLSX、Parquet），逐行报告"

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="导入证书文件")
        load.add_argument("file")
        load.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        load.add_argument("--report", help="把被拒绝的行写入此 CSV 文件")
        load.add_argument("--user", help="以该用户身份导入（默认：命令行操作员）")

    def handle(self, *args, action: str, file: str, dry_run: bool, report: str | None,
               user: str | None, **options) -> None:
        by = COMMAND_LINE
        if user:
            by = User.objects.filter(username=user).first()
            if by is None:
                raise CommandError(f"用户 {user} 不存在", returncode=2)
        try:
            result = certificates_import(by=by, path=file, dry_run=dry_run,
                                         progress=self._progress)
        except AppError as exc:
            raise CommandError(f"[{exc.code}] {exc.message}", returncode=2) from None
        if report:
            result.write_csv(report)
        self.stdout.write(json.dumps(result.as_dict(limit=50), ensure_ascii=False, indent=2))

    def _progress(self, done: int, total: int | None, message: str) -> None:
        self.stderr.write(f"\r{message} {min(done, total or done)}/{total or '?'}", ending="")
