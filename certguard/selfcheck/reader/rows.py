"""One data row → an accepted ``RosterRow`` or a ``RejectedRow`` with the first problem found."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import partial

from certguard.selfcheck.reader import values
from certguard.selfcheck.reader.formats import QuoteBrokenRow
from certguard.selfcheck.reader.headers import ID_FIELD, SheetMapping, match_header
from certguard.selfcheck.reader.result import RejectedRow, RosterRow, RowNote

# Free-text fields copied as cleaned text (None when empty or "无" / "-").
_TEXT_FIELDS = ("post", "issuer", "remark", "department", "employer_code", "employer_name",
                "region_code", "sector")
# Date field -> whether a range or a bare month means its end (validity) or its start.
_DATE_FIELDS = {"valid_from": False, "valid_until": True, "on_post_from": False,
                "on_post_to": False}
# Fields whose text is checked for formula-like content (what ends up in exports).
_FORMULA_CHECKED = ("worker_name", "cert_no", "item") + _TEXT_FIELDS


class RowReader:
    """Converts the data rows of one sheet, given its (possibly overridden) mapping.

    Column positions are worked out once per sheet, so the per-row work is only the cleaning
    of the mapped cells (a 100,000-row file is read in seconds).
    """

    def __init__(self, *, mapping: SheetMapping) -> None:
        self.sheet = mapping.sheet
        self.columns = mapping.field_columns()
        self.width = max(self.columns.values(), default=-1) + 1
        self.headers = {c.field: c.header or f"第{c.index + 1}列" for c in mapping.columns
                        if c.field}
        get = self.columns.get
        self.id_col, self.name_col = get(ID_FIELD), get("worker_name")
        self.cert_col, self.item_col = get("cert_no"), get("item")
        self.text_cols = [(f, j) for f in _TEXT_FIELDS if (j := get(f)) is not None]
        self.date_cols = [(f, j, _date_parser(end)) for f, end in _DATE_FIELDS.items()
                          if (j := get(f)) is not None]
        self.formula_cols = [(f, j) for f in _FORMULA_CHECKED if (j := get(f)) is not None]
        self.today = date.today()

    def read(self, *, row: Sequence[object], row_no: int) -> RosterRow | RejectedRow:
        cells = row
        if isinstance(row, QuoteBrokenRow):
            return RejectedRow(
                sheet=self.sheet, row_no=row_no, raw=tuple(str(c) for c in row),
                code="csv_quote_unpaired", field=None, declared=self._declared(
                    list(row) + [""] * max(0, self.width - len(row))),
                message="引号不配对：本行与相邻的行被一个多余的引号连在一起，无法可靠读取，"
                        "请删除多余的引号后重新上传")
        if len(row) < self.width:  # short CSV lines
            row = list(row) + [""] * (self.width - len(row))
        try:
            return self._convert(row=row, row_no=row_no, cells=cells)
        except values.ValueProblem as problem:
            field = problem.field
            where = f"“{self.headers[field]}”列：" if field in self.headers else ""
            raw = tuple(c if c.__class__ is str else values.cell_text(c) for c in cells)
            return RejectedRow(sheet=self.sheet, row_no=row_no, raw=raw, code=problem.code,
                               message=where + problem.message, field=field,
                               declared=self._declared(row))

    def _declared(self, row: Sequence[object]) -> tuple[tuple[str, str], ...]:
        """What a rejected row says in its mapped columns, as given (for the register, which
        lists every roster row with what is wrong)."""
        return tuple((f, values.cell_text(row[j]).strip()[:100]) for f, j in self.columns.items()
                     if j < len(row) and row[j] not in (None, ""))

    def _at(self, row: Sequence[object], j: int | None) -> object:
        return None if j is None else row[j]

    def _convert(self, *, row: Sequence[object], row_no: int,
                 cells: Sequence[object]) -> RosterRow:
        id_raw = self._at(row, self.id_col)
        name = values.clean_text(self._at(row, self.name_col))
        self._check_person(id_raw=id_raw, name=name)
        field = ID_FIELD  # which column a cleaner's problem is about, for the message
        try:
            id_no = values.clean_id_no(id_raw, today=self.today)
            dates = {}
            for field, j, parse in self.date_cols:
                dates[field] = parse(row[j])
            field = "cert_no"
            cert_no = values.clean_cert_no(self._at(row, self.cert_col))
        except values.ValueProblem as problem:
            problem.field = problem.field or field
            raise
        _check_order(dates)
        code, text = values.split_item(self._at(row, self.item_col))
        return RosterRow(
            sheet=self.sheet, row_no=row_no, worker_name=name, worker_id_no=id_no,
            cert_no=cert_no, required_item_code=code, item_text=text, cells=cells,
            notes=self._notes(row), **dates,
            **{f: values.optional_text(row[j]) for f, j in self.text_cols},
        )

    def _check_person(self, *, id_raw: object, name: str) -> None:
        if not name:
            id_text = values.clean_text(id_raw)
            if not id_text:
                raise _problem(None, "row_no_person",
                               "该行没有姓名和身份证号（可能是说明、合计或签字行）")
            if match_header(id_text) != ID_FIELD:
                raise _problem("worker_name", "name_empty", "姓名为空")
        # A repeated header row (a page break copied along); an ID number starts with a digit.
        if id_raw.__class__ is str and not id_raw[:1].isdigit() \
                and match_header(id_raw) == ID_FIELD:  # type: ignore[arg-type]
            raise _problem(None, "header_repeated", "该行是重复的表头")

    def _notes(self, row: Sequence[object]) -> tuple[RowNote, ...]:
        starts = values.FORMULA_CHARS
        for _, j in self.formula_cols:  # is_formula_like, inlined: this runs for every row
            cell = row[j]
            if cell.__class__ is str and len(cell) > 1 and cell[0] in starts:
                break
        else:
            return ()
        return tuple(
            RowNote(code="formula_like", field=f,
                    message=f"“{self.headers[f]}”列的内容以 = + - @ 开头，"
                            "已按文本保存，导出时不会作为公式执行")
            for f, j in self.formula_cols if values.is_formula_like(row[j])
        )


def _date_parser(end: bool) -> Callable[[object], date | None]:
    return partial(values.parse_date, end=end)  # a C-level wrapper: called for every row


def _problem(field: str | None, code: str, message: str) -> values.ValueProblem:
    return values.ValueProblem(code=code, message=message, field=field)


def _check_order(dates: dict[str, date | None]) -> None:
    start, end = dates.get("on_post_from"), dates.get("on_post_to")
    if start and end and end < start:
        raise _problem("on_post_to", "date_order",
                       f"离岗日期{end.isoformat()}早于上岗日期{start.isoformat()}")
