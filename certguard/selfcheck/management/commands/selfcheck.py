import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from certguard.core.cli import cli_date
from certguard.core.errors import AppError
from certguard.selfcheck.cli import as_json as json_of
from certguard.selfcheck.cli import selfcheck_file


class Command(BaseCommand):
    help = "花名册核验：按平台证书库逐人核验花名册（.xlsx/.xls/.csv），写出核验报告"

    def add_arguments(self, parser) -> None:
        parser.add_argument("roster_file", help="花名册文件")
        parser.add_argument("--out", help="核验报告 REPORT.xlsx 的保存路径")
        parser.add_argument("--json", dest="as_json", action="store_true",
                            help="在标准输出逐行输出 JSON 结果")
        parser.add_argument("--as-of", help="核验基准日 YYYY-MM-DD（默认今天）")

    def handle(self, *args, roster_file: str, out: str | None, as_json: bool,
               as_of: str | None, **options) -> None:
        if not out and not as_json:
            raise CommandError("请用 --out 指定报告文件，或用 --json 输出结果", returncode=2)
        day = cli_date(as_of) if as_of else date.today()
        try:
            outcome = selfcheck_file(path=roster_file, out=out, as_of=day)
        except AppError as exc:
            raise CommandError(f"花名册核验未完成 [{exc.code}]：{exc.message}", returncode=2) \
                from None
        if as_json:
            self.stdout.write(json.dumps(json_of(outcome, file=roster_file),
                                         ensure_ascii=False, indent=1))
        counts = outcome.run.counts()
        problems = sum(n for k, n in counts.items() if k not in ("valid", "rejected"))
        written = f"；报告已写入 {out}" if out else ""
        self.stderr.write(f"核验 {len(outcome.run.outcomes)} 行：发现问题 {problems} 人，"
                          f"有误行 {counts['rejected']} 行{written}")

