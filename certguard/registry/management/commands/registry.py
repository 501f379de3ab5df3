import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certguard.core.errors import AppError
from certguard.core.scoping import COMMAND_LINE
from certguard.orgs.models import User
from certguard.registry.importer import certificates_import


class Command(BaseCommand):
    help = "证书库：import 导入交换格式的证书文件（CSV、CSV.GZ、XLSX、Parquet），逐行报告"

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="导入证书文件（全部成功或全部不写入）")
        load.add_argument("file", help="证书文件")
        load.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        load.add_argument("--report", help="被拒绝的行写入此 CSV 文件（默认：当前目录下 "
                                           "<文件名>.rejected.csv，有被拒绝的行时才保留）")
        load.add_argument("--user",
                          help="以该用户身份导入（默认：命令行操作员，可导入所有发证机关）")
        load.add_argument("--quiet", action="store_true", help="不显示进度")

    def handle(self, *args, action: str, file: str, dry_run: bool, report: str | None,
               user: str | None, quiet: bool = False, **options) -> None:
        by = COMMAND_LINE
        if user:
            by = User.objects.filter(username=user).first()
            if by is None:
                raise CommandError(f"[E_USER] 用户 {user} 不存在", returncode=2)
        report_path = Path(report) if report else Path(Path(file).name.split(".")[0]
                                                       + ".rejected.csv")
        try:
            result = certificates_import(by=by, path=file, dry_run=dry_run,
                                         progress=None if quiet else self._progress,
                                         report_path=report_path)
        except AppError as exc:
            self._drop_empty(report_path, keep=bool(report))
            raise CommandError(f"[{exc.code}] {exc.message}", returncode=2) from None
        if not quiet:
            self.stderr.write("")
        self._drop_empty(report_path, keep=bool(report) or result.rejected_count > 0)
        out = result.as_dict(limit=50)
        if result.rejected_count:
            out["report"] = str(report_path.resolve())
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
        self.stderr.write(result.summary + (f"：{report_path}" if result.rejected_count else ""))

    @staticmethod
    def _drop_empty(path: Path, *, keep: bool) -> None:
        if not keep:
            path.unlink(missing_ok=True)

    def _progress(self, done: int, total: int | None, message: str) -> None:
        self.stderr.write(f"\r{message}", ending="")
