"""What a roster read returns: the mapping to preview, accepted rows, rejected rows with reasons."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from certguard.selfcheck.reader.headers import SheetMapping
from certguard.selfcheck.reader.values import cell_text


@dataclass(frozen=True, slots=True)
class RowNote:
    """A remark on an accepted row that the UI shows, e.g. formula-like text kept inert."""

    code: str
    field: str
    message: str


@dataclass(slots=True)  # not frozen: frozen __init__ costs ~1 s per 100,000 rows
class RosterRow:
    sheet: str
    row_no: int  # 1-based row number as the spreadsheet program shows it
    worker_name: str
    worker_id_no: str
    cert_no: str | None = None
    post: str | None = None
    required_item_code: str | None = None  # a catalogue code such as "1.2" or "N1"
    item_text: str | None = None  # an item given in words, for the caller to resolve
    valid_from: date | None = None
    valid_until: date | None = None
    on_post_from: date | None = None
    on_post_to: date | None = None
    issuer: str | None = None
    remark: str | None = None
    department: str | None = None
    employer_code: str | None = None
    employer_name: str | None = None
    region_code: str | None = None
    sector: str | None = None
    cells: Sequence[object] = ()  # the row's cells as the file gave them
    notes: tuple[RowNote, ...] = ()

    @property
    def raw(self) -> tuple[str, ...]:
        """Every cell of the row as text, in column order (made when asked: rarely needed)."""
        return tuple(c if c.__class__ is str else cell_text(c) for c in self.cells)


@dataclass(frozen=True, slots=True)
class RejectedRow:
    sheet: str
    row_no: int
    raw: tuple[str, ...]
    code: str  # stable reason code, e.g. "id_lost_digits", "date_invalid"
    message: str  # Chinese reason, naming the column
    field: str | None = None
    declared: tuple[tuple[str, str], ...] = ()  # (field, text as given) of the mapped columns


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """A row that lists no worker: a total (合计, 小计), a signature or note line (制表人 …)."""

    sheet: str
    row_no: int
    text: str  # the row's text, shortened
    message: str


@dataclass(frozen=True, slots=True)
class SkippedSheet:
    sheet: str
    code: str
    message: str


@dataclass(slots=True)
class RosterReadResult:
    file_kind: str  # "xlsx" | "xls" | "csv"
    encoding: str | None = None  # CSV only: "utf-8", "utf-8-sig", "gb18030", "utf-16"
    mappings: list[SheetMapping] = field(default_factory=list)
    accepted: list[RosterRow] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)
    skipped_sheets: list[SkippedSheet] = field(default_factory=list)
    skipped_rows: list[SkippedRow] = field(default_factory=list)  # totals, signature lines
    blank_rows: int = 0
    truncated: bool = False  # True when a row limit (preview) stopped the read early

    @property
    def data_rows(self) -> int:
        """Rows that were neither blank nor header: each one is accepted or rejected."""
        return len(self.accepted) + len(self.rejected)
