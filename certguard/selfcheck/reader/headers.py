"""Find the header row of a roster sheet and map its columns to canonical fields.

Employers' sheets start with a title (or several), may spread the header over two rows with
merged cells (证书信息 over 证书编号 | 有效期), and name columns in many ways. Every row near the
top is scored by how many distinct known fields its cells name; the best row (or pair of rows)
wins, and it must name the ID column, the one column nothing can be matched without.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from certguard.selfcheck.reader.values import cell_text

ID_FIELD = "worker_id_no"
HEADER_SCAN_ROWS = 30
# Containment matching ("特种作业操作证号" → 证号) only for cells this short: longer cells are
# titles or notes ("三项岗位人员持证情况自查登记表" must not become the 岗位 column).
_CONTAINS_MAX_LEN = 12

# Canonical field -> header texts seen in employers' forms; exchange-format names included.
FIELD_VARIANTS: dict[str, tuple[str, ...]] = {
    "worker_name": ("姓名", "人员姓名", "员工姓名", "持证人", "持证人姓名", "name", "worker_name"),
    "worker_id_no": ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证", "证件号",
                     "身份证件号码", "id_no", "worker_id_no"),
    "cert_no": ("证书编号", "证号", "操作证号", "证书号", "证书号码", "操作证编号", "cert_no"),
    "post": ("岗位", "工种", "岗位名称", "从事岗位", "post"),
    "item": ("作业类别", "操作项目", "准操项目", "作业项目", "操作类别", "准操类别",
             "required_item_code", "item_code"),
    "valid_until": ("有效期", "有效期至", "证书有效期", "有效期限", "有效日期", "有效截止日期",
                    "有效期止", "有效期截止", "有效期截止日期", "有效期终止日期", "valid_until"),
    # Named so that "有效期起" is not read as the end of validity by containment.
    "valid_from": ("有效期起", "有效期自", "有效期开始", "有效期起始日期", "有效期开始日期",
                   "发证日期", "初领日期", "取证日期", "valid_from"),
    "on_post_from": ("上岗日期", "入职日期", "进场日期", "上岗时间", "入职时间", "进场时间",
                     "on_post_from"),
    "on_post_to": ("离岗日期", "离职日期", "离场日期", "离岗时间", "退场日期", "on_post_to"),
    "issuer": ("发证机关", "发证单位", "发证部门", "issuer", "issuer_code"),
    "remark": ("备注", "说明", "remark"),
    "department": ("部门", "所在部门", "班组", "车间", "项目部", "所属部门", "department"),
    "employer_code": ("统一社会信用代码", "employer_code"),
    "employer_name": ("单位名称", "用人单位", "企业名称", "employer_name"),
    "region_code": ("region_code",),
    "sector": ("sector",),
}
FIELDS: tuple[str, ...] = tuple(FIELD_VARIANTS)

_EXACT: dict[str, str] = {}
for _field, _names in FIELD_VARIANTS.items():
    for _name in _names:
        _EXACT[_name.lower()] = _field
_BY_LENGTH = sorted(_EXACT.items(), key=lambda item: -len(item[0]))
# "身份证件类型" names the kind of ID, not the number, whatever it contains.
_NOT_FIELDS = ("类型", "序号", "性别", "年龄", "电话", "手机")
_NOISE = re.compile(r"[\s*※#:：]|\(.*?\)|（.*?）|【.*?】|\[.*?\]")


@dataclass(frozen=True, slots=True)
class MappedColumn:
    index: int  # 0-based column index (A = 0)
    header: str  # header text as shown in the file; "upper/lower" for a two-row header
    field: str | None  # canonical field, None = ignored
    source: str = "auto"  # "auto" | "override"


@dataclass(frozen=True, slots=True)
class SheetMapping:
    sheet: str
    header_rows: tuple[int, ...]  # 1-based row numbers of the header (one or two rows)
    columns: tuple[MappedColumn, ...]

    @property
    def data_start(self) -> int:
        """0-based index of the first data row."""
        return self.header_rows[-1]

    def field_columns(self) -> dict[str, int]:
        return {c.field: c.index for c in self.columns if c.field is not None}


def match_header(text: str) -> str | None:
    """Canonical field a header cell names, or None."""
    key = _NOISE.sub("", unicodedata.normalize("NFKC", text)).lower()
    if not key:
        return None
    if key in _EXACT:
        return _EXACT[key]
    if len(key) > _CONTAINS_MAX_LEN or key.endswith(_NOT_FIELDS):
        return None
    for name, field in _BY_LENGTH:
        if len(name) >= 2 and name in key:
            return field
    return None


def find_header(*, sheet: str, rows: Sequence[Sequence[object]]) -> SheetMapping | None:
    """The best-scoring header among the first rows, or None when no row names the ID column."""
    top = [[cell_text(c).strip() for c in row] for row in rows[:HEADER_SCAN_ROWS]]
    best: tuple[int, SheetMapping] | None = None
    for r in range(len(top)):
        candidates = [(_labels_one(top[r]), (r + 1,))]
        if r + 1 < len(top):
            candidates.append((_labels_two(top[r], top[r + 1]), (r + 1, r + 2)))
        for labels, header_rows in candidates:
            mapping = _mapping(sheet=sheet, labels=labels, header_rows=header_rows)
            pair = (top[r], top[r + 1]) if len(header_rows) == 2 else None
            score = _score(mapping, pair=pair)
            # Strictly better only: ties keep the earlier reading.
            if score and (best is None or score > best[0]):
                best = (score, mapping)
    return best[1] if best else None


def mapping_at(*, sheet: str, rows: Sequence[Sequence[object]],
               header_row: int) -> SheetMapping | None:
    """The mapping read from a header row the caller chose (1-based), without scoring."""
    if not 1 <= header_row <= len(rows):
        return None
    labels = _labels_one([cell_text(c).strip() for c in rows[header_row - 1]])
    return _mapping(sheet=sheet, labels=labels, header_rows=(header_row,))


Label = tuple[str, str | None]  # (header text as shown, field it names)


def _labels_one(row: Sequence[str]) -> list[Label]:
    return [(text, match_header(text) if text else None) for text in row]


def _labels_two(upper: Sequence[str], lower: Sequence[str]) -> list[Label]:
    """Under a group cell (证书信息) the lower cell names the column; where the lower cell is
    empty (an unmerged two-row header) the upper one does."""
    labels: list[Label] = []
    for j in range(max(len(upper), len(lower))):
        up = upper[j] if j < len(upper) else ""
        low = lower[j] if j < len(lower) else ""
        if low and up and up != low:
            labels.append((f"{up}/{low}", match_header(low)))
        else:
            text = low or up
            labels.append((text, match_header(text) if text else None))
    return labels


def _mapping(*, sheet: str, labels: Sequence[Label], header_rows: tuple[int, ...]) -> SheetMapping:
    seen: set[str] = set()
    columns = []
    for j, (text, field) in enumerate(labels):
        if field in seen:
            field = None  # first column of a field wins; the preview shows the other as ignored
        if field:
            seen.add(field)
        if text:
            columns.append(MappedColumn(index=j, header=text, field=field))
    return SheetMapping(sheet=sheet, header_rows=header_rows, columns=tuple(columns))


def _score(mapping: SheetMapping, *, pair: tuple[Sequence[str], Sequence[str]] | None) -> int:
    """Two points per distinct field named; the ID column is required.

    A two-row reading (``pair`` given) needs a lower row that names a field itself (else it is
    a header over its first data row), and loses a point unless its upper row names one too
    (姓名 merged down over both rows): a title above a complete header never pulls the header
    up, while a real two-row header is reported as two rows.
    """
    fields = mapping.field_columns()
    if ID_FIELD not in fields or len(fields) < 2:
        return 0
    score = 2 * len(fields)
    if pair is not None:
        upper, lower = pair
        # One distinct text across the upper row is a title (merged across or not), never
        # half of a header, even when it contains a field word (岗位人员名单).
        if not _names_a_field(lower) or len({text for text in upper if text}) < 2:
            return 0
        score += 1 if _names_a_field(upper) else -1
    return score


def _names_a_field(row: Sequence[str]) -> bool:
    return any(match_header(text) for text in row if text)


def apply_overrides(*, mapping: SheetMapping, overrides: Mapping[int, str | None]) -> SheetMapping:
    """The caller's corrections (column index -> field, None = ignore) over the detected mapping."""
    for field in overrides.values():
        if field is not None and field not in FIELD_VARIANTS:
            raise ValueError(f"unknown field {field!r}")
    forced = {f for f in overrides.values() if f is not None}
    columns = {c.index: c for c in mapping.columns}
    result = []
    for index in sorted(set(columns) | set(overrides)):
        header = columns[index].header if index in columns else ""
        if index in overrides:
            result.append(MappedColumn(index=index, header=header, field=overrides[index],
                                       source="override"))
        else:
            field = columns[index].field
            # A field the caller moved elsewhere is taken off the column that had it.
            result.append(MappedColumn(index=index, header=header,
                                       field=None if field in forced else field))
    return SheetMapping(sheet=mapping.sheet, header_rows=mapping.header_rows,
                        columns=tuple(result))
