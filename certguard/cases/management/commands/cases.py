"""``certguard cases``: daily upkeep and exports of the cases app, as the server's operator.

- ``expire-listings``: remove dishonesty listings whose period has ended (run daily);
- ``overdue``: the overdue clocks of 行刑衔接, one JSON line each (for a daily report);
- ``credit-export --fmt csv|json --out FILE``: individuals' credit records (docs/credit-records.md).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from certguard.cases import exports, selectors, services
from certguard.core.audit import audit_record
from certguard.core.errors import AppError
from certguard.core.scoping import COMMAND_LINE


class Command(BaseCommand):
    help = ("案件：expire-listings 移出期满的失信名单；overdue 列出超期的移送期限；"
            "credit-export 导出个人信用记录")

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        sub.add_parser("expire-listings", help="移出列入期满的失信名单")
        sub.add_parser("overdue", help="超期未完成的移送期限（每行一个 JSON）")
        export = sub.add_parser("credit-export", help="导出个人信用记录")
        export.add_argument("--fmt", choices=["csv", "json"], default="json")
        export.add_argument("--out", required=True, help="输出文件")

    def handle(self, *args, verb: str, **options) -> None:
        try:
            if verb == "expire-listings":
                count = services.listings_expire(by=COMMAND_LINE)
                self.stdout.write(f"已移出期满的失信名单 {count} 条")
            elif verb == "overdue":
                for clock in selectors.overdue_clocks(user=COMMAND_LINE):
                    self.stdout.write(json.dumps({
                        "case": clock.case.number, "kind": clock.kind,
                        "owner": clock.owner_org.name, "due_at": timezone.localtime(
                            clock.due_at).isoformat(timespec="minutes")}, ensure_ascii=False))
            else:
                self._export(options["fmt"], Path(options["out"]))
        except AppError as exc:
            raise CommandError(f"[{exc.code}] {exc.message}", returncode=2) from None
        except OSError as exc:
            raise CommandError(f"[output_failed] 无法写入输出文件（{exc.strerror}）",
                               returncode=2) from None

    def _export(self, fmt: str, out: Path) -> None:
        rows = selectors.credit_records(user=COMMAND_LINE)
        if fmt == "csv":
            with open(out, "w", encoding="utf-8", newline="") as text:
                for chunk in exports.csv_chunks(rows.iterator()):
                    text.write(chunk)
        else:
            with open(out, "wb") as binary:
                shutil.copyfileobj(exports.json_file(rows), binary)
        audit_record(action="export", object_type="cases.listing", object_id="credit-records",
                     summary=f"命令行导出个人信用记录（{fmt}）", data={"format": fmt},
                     user=COMMAND_LINE)
        self.stdout.write(f"已写入 {out}")
