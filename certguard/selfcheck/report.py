"""REPORT.xlsx: the self-check results as a workbook (XlsxWriter, every user text made inert).

Three sheets: 汇总 (counts per result), 核验结果 (every roster row: who, which certificate, the
result and what the registry says it is valid until) and 问题明细 (rows with a problem or a
reading error, the declared values beside the registry's, with the rules that fired). Valid
rows matched the registry, so repeating the registry's copy of their values would only double
the workbook: a 100,000-row roster writes about 0.6 M cells instead of 1.8 M.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from certguard.core import exports
from certguard.core.exports import FORMULA_PREFIXES, inert_text
from certguard.selfcheck import outcomes as o

Column = tuple[str, str, int]  # (header, source, width); "v:x" value read, "r:x" registry

ALL_ROWS_COLUMNS: tuple[Column, ...] = (
    ("行号", "row_no", 6), ("姓名", "v:worker_name", 10), ("身份证号", "v:worker_id_no", 20),
    ("证书编号", "v:cert_no", 22), ("核验结果", "label", 18),
    ("有效期至（证书库）", "r:valid_until", 11), ("说明", "details", 50),
)
# The registry's copy of the holder's name and ID number is not repeated: a self-check never
# shows who holds a certificate unless the roster named that person (see classify.redacted).
DETAIL_COLUMNS: tuple[Column, ...] = (
    ("行号", "row_no", 6), ("核验结果", "label", 16),
    ("姓名（申报）", "v:worker_name", 10), ("身份证号（申报）", "v:worker_id_no", 20),
    ("证书编号（申报）", "v:cert_no", 22), ("岗位", "v:post", 10),
    ("作业项目（岗位要求）", "v:required_item_code", 9),
    ("有效期至（申报）", "v:valid_until", 11), ("上岗日期", "v:on_post_from", 11),
    ("证书编号（证书库）", "r:cert_no", 22), ("作业项目（证书库）", "r:item_code", 9),
    ("有效期至（证书库）", "r:valid_until", 11), ("证书状态（证书库）", "r:status_label", 10),
    ("触发规则", "rules", 9), ("说明", "details", 40),
)
WRAPPED = ("details",)
SHEET_COLUMN: Column = ("工作表", "sheet", 10)


def _safe(text: str) -> str:
    return inert_text(text) if text.startswith(FORMULA_PREFIXES) else text


def column_of(outcomes: Sequence[o.WorkerOutcome], source: str) -> list[str] | list[int]:
    """One column's cells ("" = empty), built column-wise: cheaper than cell by cell."""
    key = source[2:]
    if source == "row_no":
        return [x.row_no for x in outcomes]
    if source.startswith("v:"):
        values = [x.values.get(key) for x in outcomes]
    elif source.startswith("r:"):
        values = [x.registry.get(key) if x.registry else None for x in outcomes]
    elif source == "label":
        return [o.LABELS[x.result] for x in outcomes]
    elif source == "rules":
        values = ["、".join(x.rules) for x in outcomes]
    elif source == "details":
        values = ["；".join(x.details) or x.reason for x in outcomes]
    else:
        values = [getattr(x, source) for x in outcomes]
    return [_safe(v) if v else "" for v in values]


def is_declared(source: str) -> bool:
    """Known once the roster is read: the row's place and the values read."""
    return source in ("row_no", "sheet") or source.startswith("v:")


def declared_column(rows: Sequence[object], source: str) -> list[str] | list[int]:
    """A declared column from the roster's rows, before any result is known (the same cells
    ``column_of`` gives from the outcomes): a rejected row has no values read."""
    if source == "row_no":
        return [row.row_no for row in rows]
    key = source[2:] if source.startswith("v:") else source
    return [_safe(v) if (v := getattr(row, key, None)) else "" for row in rows]


class ReportBook:
    """The workbook being written: sheets and headers at once, then cells column by column
    (the declared values may come before the results), then the summary and ``close``.
    Every sheet prints on A4 fitted to its width with the header repeated (core.exports)."""

    def __init__(self, path: str | Path, *, title: str, as_of: str, several_sheets: bool) -> None:
        # Shared strings (not constant_memory): faster here, repeated texts stored once; about
        # 1 MB of memory per 1,000 rows. Cells may be written in any order.
        self.book = exports.workbook(path, title="三项岗位人员持证情况核验报告")
        self.title, self.as_of = title, as_of
        self.bold = self.book.add_format({"bold": True})
        head = self.book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        wrap = self.book.add_format({"text_wrap": True, "valign": "top"})
        top = self.book.add_format({"valign": "top"})  # a row grown for a note reads as one
        self.summary = self.book.add_worksheet("汇总")
        columns = table_columns(several_sheets=several_sheets)
        self.tables = {"all": (self.book.add_worksheet("核验结果"), columns["all"]),
                       "detail": (self.book.add_worksheet("问题明细"), columns["detail"])}
        for sheet, columns in self.tables.values():
            widths = [width for _h, _s, width in columns]
            exports.print_setup(sheet, widths=widths, header_rows=(0, 0), landscape=True,
                                formats=[wrap if s in WRAPPED else top for _h, s, _w in columns])
            sheet.set_row(0, exports.row_height([h for h, _s, _w in columns], widths))
            for j, (header, _source, _width) in enumerate(columns):
                sheet.write_string(0, j, header, head)

    def sources(self, table: str) -> list[str]:
        return [source for _h, source, _w in self.tables[table][1]]

    def write_column(self, table: str, source: str, cells: Sequence[str] | Sequence[int],
                     rows: Sequence[int] | None = None) -> None:
        """Cells of one column, at data rows ``rows`` (0-based; default: from the first)."""
        sheet, columns = self.tables[table]
        j = self.sources(table).index(source)
        write = sheet.write_number if source == "row_no" else sheet.write_string
        at = range(len(cells)) if rows is None else rows
        for i, cell in zip(at, cells, strict=True):
            if cell:
                write(i + 1, j, cell)
        if source in WRAPPED:
            _grow_rows(sheet, cells, at, width=columns[j][2])

    def close(self, *, counts: dict[str, int], rows: dict[str, int]) -> None:
        """``rows``: how many data rows each table got (for its filter). The file appears only
        here: a book abandoned after an error leaves nothing on disk."""
        _summary(self.summary, book=self.book, bold=self.bold, title=self.title,
                 as_of=self.as_of, counts=counts)
        for table, (sheet, columns) in self.tables.items():
            if rows.get(table):
                sheet.autofilter(0, 0, rows[table], len(columns) - 1)
        self.book.close()


def _grow_rows(sheet, cells: Sequence, rows: Iterable[int], *, width: float) -> None:
    """Height for the rows whose wrapped text needs more than one line (most cells are empty
    or short: only those are measured)."""
    short = width - exports.CELL_PADDING
    for i, cell in zip(rows, cells, strict=True):
        if cell and len(cell) * 2 > short:
            lines = exports.line_count(cell, width)
            if lines > 1:
                sheet.set_row(i + 1, lines * exports.LINE_POINTS + 4)


def table_columns(*, several_sheets: bool) -> dict[str, tuple[Column, ...]]:
    """The columns of the two tables; a roster read from several sheets names the sheet."""
    lead = (SHEET_COLUMN,) if several_sheets else ()
    return {"all": lead + ALL_ROWS_COLUMNS, "detail": lead + DETAIL_COLUMNS}


def several_sheets(items: Sequence[object]) -> bool:
    return len({x.sheet for x in items}) > 1


def write_report(*, path: str | Path, outcomes: Sequence[o.WorkerOutcome], as_of: str,
                 title: str, counts: dict[str, int]) -> Path:
    """Write the workbook in this process; ``title`` names the roster (a file name or an
    employer). ``report_process.ReportProcess`` writes the same workbook alongside the check."""
    book = ReportBook(path, title=title, as_of=as_of, several_sheets=several_sheets(outcomes))
    problems = [x for x in outcomes if x.result != o.VALID]
    for table, rows in (("all", outcomes), ("detail", problems)):
        for source in book.sources(table):
            book.write_column(table, source, column_of(rows, source))
    book.close(counts=counts, rows={"all": len(outcomes), "detail": len(problems)})
    return Path(path)


NOTE = ("说明：核验依据平台证书库，按规则 R01–R10 比对；“证书不存在”等结果请逐人核实证件原件；"
        "问题人员的申报信息与证书库信息对照见“问题明细”表。")


def _summary(sheet, *, book, bold, title: str, as_of: str, counts: dict[str, int]) -> None:
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    exports.print_setup(sheet, widths=[26, 40], header_rows=None, landscape=False)
    sheet.write_string(0, 0, "三项岗位人员持证情况核验报告", bold)
    sheet.write_string(1, 0, "花名册")
    sheet.write_string(1, 1, inert_text(title), wrap)
    sheet.set_row(1, exports.row_height([title], [40]))
    sheet.write_string(2, 0, "核验基准日")
    sheet.write_string(2, 1, as_of)
    sheet.write_string(3, 0, "行数合计")
    sheet.write_number(3, 1, sum(counts.values()))
    sheet.write_string(5, 0, "核验结果", bold)
    sheet.write_string(5, 1, "人数", bold)
    for i, (code, label) in enumerate(o.LABELS.items(), start=6):
        sheet.write_string(i, 0, label)
        sheet.write_number(i, 1, counts.get(code, 0))
    last = len(o.LABELS) + 7
    sheet.merge_range(last, 0, last, 1, NOTE, wrap)
    sheet.set_row(last, exports.row_height([NOTE], [66]))
