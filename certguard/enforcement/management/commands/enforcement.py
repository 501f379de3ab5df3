"""``certguard enforcement draw-verify DRAW_ID | --all | --files DIR``: re-run published draws
and say whether the result is the one published, or name what differs (exit 1)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from certguard.core.errors import AppError


class Command(BaseCommand):
    help = "执法检查：draw-verify 复核已公布的双随机抽取（按编号、--all 全部，或 --files 目录）"

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        verify = sub.add_parser("draw-verify", help="复核已公布的双随机抽取")
        verify.add_argument("draw_id", nargs="?", type=int)
        verify.add_argument("--all", action="store_true", help="复核全部已公布的抽取")
        verify.add_argument("--files", help="公布文件所在目录（manifest.json、units.csv、"
                                            "inspectors.csv），不读数据库")
        verify.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, verb: str, **options) -> None:
        try:
            failed = self._verify(options)
        except AppError as exc:
            raise CommandError(f"[{exc.code}] {exc.message}", returncode=2) from None
        if failed:
            raise CommandError(f"{failed} 次抽取复核不一致", returncode=1)

    def _verify(self, options: dict) -> int:
        from certguard.enforcement import draw as algorithm
        from certguard.enforcement import services

        checks: list[tuple[str, algorithm.Check]] = []
        if options.get("files"):
            folder = Path(options["files"])
            try:
                manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
                units = (folder / "units.csv").read_text(encoding="utf-8")
                inspectors = (folder / "inspectors.csv").read_text(encoding="utf-8")
            except (OSError, ValueError):
                raise AppError("files_unreadable", "读不到公布的文件：目录中应有 manifest.json、"
                               "units.csv、inspectors.csv") from None
            checks.append((f"文件 {folder.name}", algorithm.verify(
                manifest=manifest, units=units, inspectors=inspectors)))
        elif options.get("all"):
            ids = services.published_draw_ids()
            if not ids:
                self.stdout.write("没有已公布的抽取")
            checks += [(f"抽取 #{i}", services.draw_verify(draw_id=i)) for i in ids]
        elif options.get("draw_id"):
            checks.append((f"抽取 #{options['draw_id']}",
                           services.draw_verify(draw_id=options["draw_id"])))
        else:
            raise AppError("draw_required", "请给出抽取编号，或用 --all、--files")
        failed = 0
        for label, check in checks:
            if options.get("json"):
                self.stdout.write(json.dumps({"draw": label, "ok": check.ok,
                                              "differences": check.differences},
                                             ensure_ascii=False))
            elif check.ok:
                self.stdout.write(f"{label}：一致（重新抽取的结果与公布的相同）")
            else:
                self.stdout.write(f"{label}：不一致")
                for line in check.differences:
                    self.stdout.write(f"  - {line}")
            failed += not check.ok
        return failed
