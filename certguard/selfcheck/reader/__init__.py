"""Roster reader of the employer self-inspection: spreadsheets as employers keep them → clean rows.

Pure Python, no Django: ``read_roster`` opens .xlsx / .xls (python-calamine) or .csv (UTF-8 or
GBK), finds the header, maps columns to canonical fields and returns every data row either
accepted (cleaned) or rejected with a stable reason code and a Chinese message.
"""

from certguard.selfcheck.reader.errors import RosterReadError
from certguard.selfcheck.reader.formats import DEFAULT_MAX_BYTES
from certguard.selfcheck.reader.headers import FIELDS, MappedColumn, SheetMapping, match_header
from certguard.selfcheck.reader.reader import preview_roster, read_roster
from certguard.selfcheck.reader.result import (
    RejectedRow,
    RosterReadResult,
    RosterRow,
    RowNote,
    SkippedRow,
    SkippedSheet,
)
from certguard.selfcheck.reader.values import inert_text

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FIELDS",
    "MappedColumn",
    "RejectedRow",
    "RosterReadError",
    "RosterReadResult",
    "RosterRow",
    "RowNote",
    "SheetMapping",
    "SkippedRow",
    "SkippedSheet",
    "inert_text",
    "match_header",
    "preview_roster",
    "read_roster",
]
