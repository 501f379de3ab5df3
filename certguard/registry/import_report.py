"""The per-row report of an import: every rejected row goes to a CSV file on disk as it is found
(a file with a million bad rows costs no memory), the first few are kept for the screen, and
rows read = accepted + rejected always holds."""

from __future__ import annotations

import errno
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from certguard.core.errors import AppError
from certguard.core.exports import CsvFile

SHOWN = 1000


@dataclass
class Rejected:
    line: int
    column: str
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "code": self.code,
                "message": self.message}


def disk_error(exc: OSError, what: str) -> AppError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return AppError("E_DISK_FULL",
                        f"磁盘空间已满，无法写出{what}；导入已取消，证书库未作任何改动")
    return AppError("E_REPORT_WRITE", f"无法写出{what}（没有写入权限或路径无效）；导入已取消，"
                                      "证书库未作任何改动")


@dataclass
class ImportReport:
    file: str
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected_count: int = 0
    rejected: list[Rejected] = field(default_factory=list)  # the first SHOWN, for the screen
    codes: Counter = field(default_factory=Counter)
    batch_id: int | None = None
    dry_run: bool = False
    report_path: str = ""
    bulk_load: bool = False

    @property
    def accepted(self) -> int:
        return self.rows_read - self.rejected_count

    @property
    def summary(self) -> str:
        done = "检查完成（只检查，未写入）" if self.dry_run else "导入完成"
        text = (f"{done}：读取 {self.rows_read} 行，接受 {self.accepted} 行"
                f"（新增 {self.inserted}，更新 {self.updated}，无变化 {self.unchanged}），"
                f"拒绝 {self.rejected_count} 行")
        if self.bulk_load:
            text += "；证书库原有数据少于本次新增，按批量首次装载处理（写入期间证书查询需等待）"
        if self.rejected_count and self.report_path:
            text += f"，被拒绝的行（共 {self.rejected_count} 行）已写入报告文件"
        return text

    def as_dict(self, *, limit: int = 1000) -> dict:
        return {"file": self.file, "rows_read": self.rows_read, "accepted": self.accepted,
                "inserted": self.inserted, "updated": self.updated, "unchanged": self.unchanged,
                "rejected_count": self.rejected_count, "batch_id": self.batch_id,
                "dry_run": self.dry_run, "summary": self.summary,
                "rejected_by_code": dict(self.codes.most_common()),
                "rejected": [r.as_dict() for r in self.rejected[:limit]]}


class RejectWriter:
    """Streams rejected rows to ``path`` (UTF-8 with BOM, so Excel opens it)."""

    HEADER = ("行号", "列", "代码", "原因")

    def __init__(self, report: ImportReport, path: Path) -> None:
        self.report, self.path = report, path
        try:  # the export helper's CSV: BOM for Excel, every cell inert
            self.out = CsvFile(path, self.HEADER)
        except OSError as exc:
            raise disk_error(exc, "被拒绝行的报告") from None

    def add(self, line: int, column: str, code: str, message: str) -> None:
        report = self.report
        report.rejected_count += 1
        report.codes[code] += 1
        if len(report.rejected) < SHOWN:
            report.rejected.append(Rejected(line, column, code, message))
        try:
            self.out.write((line, column, code, message))
        except OSError as exc:
            raise disk_error(exc, "被拒绝行的报告") from None

    def close(self) -> None:
        try:
            self.out.close()
        except OSError as exc:
            raise disk_error(exc, "被拒绝行的报告") from None
