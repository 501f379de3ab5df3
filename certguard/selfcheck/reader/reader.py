"""Read a roster file into accepted and rejected rows: the entry point of this package."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence

from certguard.selfcheck.reader import errors
from certguard.selfcheck.reader.formats import DEFAULT_MAX_BYTES, SheetGrid, open_roster_file
from certguard.selfcheck.reader.headers import (
    HEADER_SCAN_ROWS,
    SheetMapping,
    apply_overrides,
    find_header,
    mapping_at,
)
from certguard.selfcheck.reader.result import (
    RosterReadResult,
    RosterRow,
    SkippedRow,
    SkippedSheet,
)
from certguard.selfcheck.reader.rows import RowReader

Overrides = Mapping[str, Mapping[int, str | None]]


def read_roster(
    *,
    source: str | os.PathLike[str] | bytes,
    max_bytes: int = DEFAULT_MAX_BYTES,
    overrides: Overrides | None = None,
    header_rows: Mapping[str, int] | None = None,
    max_rows: int | None = None,
) -> RosterReadResult:
    """Read every sheet with a recognisable header; every data row is accepted or rejected.

    ``overrides`` maps sheet name -> {0-based column index: field or None}, the user's
    corrections of the previewed mapping; ``header_rows`` maps sheet name -> 1-based header row
    when detection picked the wrong one. ``max_rows`` stops after that many data rows (a
    preview). Raises ``RosterReadError`` for a file that cannot be read at all.
    """
    opened = open_roster_file(source=source, max_bytes=max_bytes)
    result = RosterReadResult(file_kind=opened.kind, encoding=opened.encoding)
    for grid in opened.sheets:
        mapping = _sheet_mapping(grid=grid, overrides=overrides or {},
                                 header_rows=header_rows or {})
        if mapping is None:
            result.skipped_sheets.append(_skipped(grid))
            continue
        result.mappings.append(mapping)
        _read_rows(grid=grid, mapping=mapping, result=result, max_rows=max_rows)
        if max_rows is not None and result.data_rows >= max_rows:
            result.truncated = True
            break
    if not result.mappings:
        raise errors.no_id_column()
    return result


def preview_roster(*, source: str | os.PathLike[str] | bytes, rows: int = 20,
                   max_bytes: int = DEFAULT_MAX_BYTES) -> RosterReadResult:
    """The detected mapping and the first rows, for the UI to show before anything is saved."""
    return read_roster(source=source, max_bytes=max_bytes, max_rows=rows)


def _sheet_mapping(*, grid: SheetGrid, overrides: Overrides,
                   header_rows: Mapping[str, int]) -> SheetMapping | None:
    top = [list(row) for row in grid.rows[:HEADER_SCAN_ROWS]]
    _fill_merged_top(rows=top, merged=grid.merged)
    if grid.name in header_rows:
        wanted = header_rows[grid.name]
        mapping = mapping_at(sheet=grid.name, rows=top if wanted <= len(top) else grid.rows,
                             header_row=wanted)
    else:
        mapping = find_header(sheet=grid.name, rows=top)
    if mapping is not None and grid.name in overrides:
        mapping = apply_overrides(mapping=mapping, overrides=overrides[grid.name])
    return mapping


def _skipped(grid: SheetGrid) -> SkippedSheet:
    if not any(any(str(c).strip() for c in row) for row in grid.rows):
        return SkippedSheet(sheet=grid.name, code="sheet_empty", message="工作表为空")
    return SkippedSheet(sheet=grid.name, code="no_id_column",
                        message="工作表中没有找到含身份证号列的表头，已跳过")


def _read_rows(*, grid: SheetGrid, mapping: SheetMapping, result: RosterReadResult,
               max_rows: int | None) -> None:
    rows = grid.rows
    start = mapping.data_start
    _fill_merged_down(rows=rows, merged=grid.merged, data_start=start)
    if start < len(rows) and _is_column_numbering(rows[start]):
        start += 1  # the "1 2 3 4 …" row some forms put under the header
    reader = RowReader(mapping=mapping)
    accepted, rejected = result.accepted, result.rejected
    for i in range(start, len(rows)):
        row = rows[i]
        if _is_blank(row):
            result.blank_rows += 1
            continue
        if max_rows is not None and len(accepted) + len(rejected) >= max_rows:
            return
        summary = summary_row(row, id_col=reader.id_col)
        if summary:
            result.skipped_rows.append(SkippedRow(
                sheet=grid.name, row_no=i + 1, text=summary[:60],
                message=f"第 {i + 1} 行是合计、说明或签字行（“{summary[:20]}”），不是人员，已跳过"))
            continue
        out = reader.read(row=row, row_no=i + 1)
        if isinstance(out, RosterRow):
            accepted.append(out)
        else:
            rejected.append(out)


# Rows of a form that list no worker: totals, notes and the signature lines under the table.
SUMMARY_WORDS = ("合计", "小计", "总计", "共计", "累计", "总数", "制表", "填表", "填报", "审核",
                 "审批", "负责人", "签字", "签名", "盖章", "备注", "说明", "注：", "注:",
                 "以下空白", "以下无", "联系人", "联系电话", "日期")
_ID_LIKE = re.compile(r"[0-9０-９]{15}([0-9０-９]{2}[0-9０-９Xx]?)?")


def summary_row(row: Sequence[object], *, id_col: int | None) -> str:
    """The text of a row that lists no worker ("" for a worker's row): its first text cell
    starts with a word of totals, notes or signatures, and it carries no ID number."""
    first = next((c for c in row if c is not None and str(c).strip()), None)
    if not isinstance(first, str):
        return ""
    text = re.sub(r"\s+", "", first)
    if not text.startswith(SUMMARY_WORDS):
        return ""
    id_cell = row[id_col] if id_col is not None and id_col < len(row) else None
    if id_cell is not None and _ID_LIKE.search(re.sub(r"\s", "", str(id_cell))):
        return ""
    return " | ".join(str(c).strip() for c in row if c is not None and str(c).strip())


def _is_blank(row: Sequence[object]) -> bool:
    for cell in row:
        if cell is None or cell == "":
            continue
        if not isinstance(cell, str) or cell.strip():
            return False
    return True


def _is_column_numbering(row: Sequence[object]) -> bool:
    cells = [str(c).strip().removesuffix(".0") for c in row if str(c).strip()]
    return len(cells) >= 3 and cells == [str(n) for n in range(1, len(cells) + 1)]


def _fill_merged_top(*, rows: list[list[object]], merged: Sequence) -> None:
    """Header area: a merged cell's text belongs to every cell it covers, across and down."""
    for (r0, c0), (r1, c1) in merged:
        if r0 >= len(rows):
            continue
        value = rows[r0][c0] if c0 < len(rows[r0]) else ""
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            _pad(rows[r], c1 + 1)
            for c in range(c0, c1 + 1):
                rows[r][c] = value


def _fill_merged_down(*, rows: list[list[object]], merged: Sequence, data_start: int) -> None:
    """Data area: a cell merged down several rows (a department name) fills each row's cell in
    its first column; cells merged only across are left as they are (a note, a total)."""
    for (r0, c0), (r1, _c1) in merged:
        if r0 < data_start or r1 == r0 or r0 >= len(rows):
            continue
        value = rows[r0][c0] if c0 < len(rows[r0]) else ""
        for r in range(r0 + 1, min(r1, len(rows) - 1) + 1):
            _pad(rows[r], c0 + 1)
            rows[r][c0] = value


def _pad(row: list[object], width: int) -> None:
    if len(row) < width:
        row.extend([""] * (width - len(row)))
