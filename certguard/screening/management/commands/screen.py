"""certguard screen: run rules R01–R17 over exchange files (a thin wrapper over rules.screen)."""

from __future__ import annotations

import errno
import logging
from datetime import date

import duckdb
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from certguard.catalog.services import min_training_hours
from certguard.rules import InputError, ParamError, ProgressEvent, ScreenResult, screen

log = logging.getLogger(__name__)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"[E_AS_OF] --as-of 应为 YYYY-MM-DD，实际为 {text}",
                           returncode=2) from exc


def _catalogue_min_hours() -> dict[str, float]:
    """R12's minimums come from the platform's catalogue (the database), as for runs started
    in the platform, so an administrator's correction applies to both."""
    try:
        return min_training_hours()
    except DatabaseError:
        raise CommandError("[E_CATALOG] 无法读取证书目录中的最低培训学时："
                           "请先运行 certguard migrate", returncode=2) from None


class Command(BaseCommand):
    help = "交叉比对筛查：按规则 R01–R17 比对证书、花名册、培训和考试数据，输出线索文件"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--certificates", required=True,
                            help="证书数据（CSV、CSV.GZ 或 Parquet）")
        parser.add_argument("--roster", help="从业人员花名册")
        parser.add_argument("--training", help="培训记录")
        parser.add_argument("--exams", help="考试记录")
        parser.add_argument("--out", required=True, help="线索输出文件 clues.csv 或 clues.parquet")
        parser.add_argument("--as-of", help="筛查基准日 YYYY-MM-DD（默认今天）")
        parser.add_argument("--rules", help="只运行这些规则，如 R01,R04")
        parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb")
        parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                            help="规则参数，可重复，如 outlier_z=2.5")
        parser.add_argument("--bad-rows", choices=["error", "report"], default="error",
                            help="有错误的数据行：error 停止（默认），"
                                 "report 跳过并写入 *.rejects.csv")
        parser.add_argument("--memory-limit", help="DuckDB 内存上限，如 6GB")

    def handle(self, *args, **options) -> None:
        inputs = {k: options[k] for k in ("certificates", "roster", "training", "exams")}
        rules = ([r.strip().upper() for r in options["rules"].split(",")]
                 if options["rules"] else None)
        try:
            result = screen(inputs, out=options["out"],
                            as_of=_date(options["as_of"]) if options["as_of"] else None,
                            rules=rules, params=options["param"],
                            catalogue_min_hours=_catalogue_min_hours(), engine=options["engine"],
                            progress=self._progress, on_bad_rows=options["bad_rows"],
                            memory_limit=options["memory_limit"])
        except (InputError, ParamError) as exc:
            code = getattr(exc, "code", "E_PARAM")
            message = str(exc) if isinstance(exc, InputError) else f"[{code}] {exc}"
            raise CommandError(message, returncode=2) from exc
        except (OSError, RuntimeError, ValueError, duckdb.Error) as exc:  # disk full, engine
            # The library's own text stays in the log; the user reads a Chinese reason.
            log.exception("certguard screen failed")
            reason = ("磁盘空间不足" if isinstance(exc, OSError) and exc.errno == errno.ENOSPC
                      else "无法读写文件" if isinstance(exc, OSError)
                      else "筛查引擎内部错误，详情已记入日志")
            raise CommandError(f"[E_SCREEN] 筛查失败，未输出线索文件：{reason}",
                               returncode=1) from exc
        self._table(result)

    def _progress(self, event: ProgressEvent) -> None:
        if event.stage == "load":
            self.stdout.write(f"读取 {event.message}")
        elif event.stage == "rule_done":
            self.stdout.write(f"[{event.done}/{event.total}] {event.rule} 线索 {event.clues} 条 "
                              f"（{event.seconds:.2f} 秒）")
        elif event.stage == "rule_skipped":
            self.stdout.write(f"[{event.done}/{event.total}] {event.rule} 跳过：{event.message}")
        self.stdout.flush()

    def _table(self, result: ScreenResult) -> None:
        self.stdout.write("")
        self.stdout.write(f"{'规则':<6}{'线索':>10}{'秒':>10}  说明")
        for run in result.rules:
            note = "跳过：缺少 " + "、".join(run.missing) if run.status == "skipped" else run.name
            clues = "-" if run.status == "skipped" else str(run.clues)
            self.stdout.write(f"{run.code:<6}{clues:>10}{run.seconds:>10.2f}  {note}")
        self.stdout.write(f"{'合计':<6}{result.clue_count:>10}{result.total_seconds:>10.2f}  "
                          f"→ {result.out}")
        for load in result.loads:
            self.stdout.write(f"{load.name}：读取 {load.rows_read} 行，采用 {load.rows_loaded} 行，"
                              f"有误 {load.bad_row_count} 行，完全重复 {load.duplicate_count} 行"
                              "（只计一次）")
        if result.rejects:
            self.stdout.write(f"未采用的行（有误或重复）已逐行列入 {result.rejects}")
