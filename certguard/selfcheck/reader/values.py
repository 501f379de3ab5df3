"""Cell values as employers' spreadsheets hold them, made into clean text and dates.

Each function takes a raw cell (str, float, date… as calamine or the csv module gives it) and
either returns a clean value or raises ``ValueProblem`` with a stable code and Chinese message.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, datetime, timedelta

from certguard.core.exports import inert_text as core_inert_text
from certguard.ids import check_id_no, looks_like_lost_digits

# Excel's day 0 is 1899-12-30 once its fictitious 1900-02-29 is accounted for.
_EXCEL_EPOCH = date(1899, 12, 30)
# Serial numbers accepted: 1927-05-18 .. 2099-12-31. Smaller numbers are more likely a bare
# year or a typo than a date, and guessing would be worse than asking.
_SERIAL_MIN, _SERIAL_MAX = 10000, 73050
_YEAR_MIN, _YEAR_MAX = 1900, 2099

# A float of 16 or more digits cannot hold an 18-digit ID exactly (doubles keep ~15.9 digits).
_EXACT_FLOAT_LIMIT = 10**15

# OWASP CSV injection: cells starting with these are run as formulas by spreadsheet programs.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
FORMULA_CHARS = frozenset("".join(_FORMULA_PREFIXES))

# What people type to mean "nothing here".
_NULL_MARKERS = frozenset({"", "-", "--", "—", "——", "/", "\\", "无", "暂无", "空", "null",
                           "NULL", "None", "N/A", "n/a", "NA", "#N/A"})

_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff\u00b7])\s+(?=[\u3400-\u9fff\u00b7])")
_SPACES = re.compile(r"\s+")
_NEEDS_SPACE_WORK = re.compile(r"[\s\u200b]")
_YMD = re.compile(r"^(\d{4})[.\-/年](\d{1,2})[.\-/月](\d{1,2})日?$")
_TIME_TAIL = re.compile(r"(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_YM = re.compile(r"^(\d{4})[.\-/年](\d{1,2})月?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_RANGE_SPLIT = re.compile(r"\s*(?:至|到|~|～|—+|--|－|―|\s-\s|(?<=\d)-(?=\d{4}))\s*")
_ITEM_CODE = re.compile(r"^(?:\d{1,2}\.\d{1,2}|[A-Z]{1,2}\d{0,2})$")


class ValueProblem(ValueError):
    """A cell that cannot be used; ``field`` is set by the row reader to name the column."""

    def __init__(self, *, code: str, message: str, field: str | None = None) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message
        self.field = field


def cell_text(value: object) -> str:
    """A cell as the text a person sees: integral floats without '.0', dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < _EXACT_FLOAT_LIMIT:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        midnight = value.time() == datetime.min.time()
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def clean_text(value: object) -> str:
    """NFKC (full-width letters and digits, NBSP, ideographic space), trimmed, runs of space
    collapsed; spaces typed between Chinese characters to align names (张  三) removed."""
    text = value if value.__class__ is str else cell_text(value)
    if not text:
        return ""
    # Fast paths (100,000-row files): most cells are already normalised and without spaces.
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    if _NEEDS_SPACE_WORK.search(text) is None:
        return text  # type: ignore[return-value]
    text = _SPACES.sub(" ", text.replace("\u200b", "")).strip()
    return _CJK_GAP.sub("", text)


def optional_text(value: object) -> str | None:
    text = clean_text(value)
    return None if text in _NULL_MARKERS else text


def is_formula_like(value: object) -> bool:
    """Text a spreadsheet would run as a formula (a lone "-" meaning "none" is not)."""
    return value.__class__ is str and len(value) > 1 and value[0] in FORMULA_CHARS  # type: ignore[arg-type,index]


def inert_text(value: object) -> str:
    """Text safe to put in an exported cell: a leading formula character gets an apostrophe,
    so Excel, WPS and LibreOffice show it as text instead of running it (OWASP advice)."""
    return core_inert_text(cell_text(value))


def clean_id_no(value: object, *, today: date | None = None) -> str:
    """The worker's ID number, or ``ValueProblem`` with the code of ``ids.check_id_no``
    (``today`` bounds the birth date; a reader passes it once instead of asking per row)."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        if abs(value) >= _EXACT_FLOAT_LIMIT:
            # Stored as a number: the last digits are gone even when the cell shows 18 digits.
            raise _lost_digits()
        value = cell_text(float(value))
    result = check_id_no(value, as_of=today)
    if result.ok:
        return result.id_no
    if result.code == "id_check_char" and result.id_no.endswith("000"):
        # 18 digits ending 000 that fail the check: what Excel's 15 significant digits leave.
        raise _lost_digits()
    raise ValueProblem(code=result.code, message=result.message)


def _lost_digits() -> ValueProblem:
    # Code and message come from ids.check_id_no, the one place they are worded.
    result = check_id_no("1E+17")
    return ValueProblem(code=result.code, message=result.message)


def clean_cert_no(value: object) -> str | None:
    """The declared certificate number: trimmed, no inner spaces, upper case (t → T)."""
    if isinstance(value, float) and abs(value) >= _EXACT_FLOAT_LIMIT:
        raise _cert_lost_digits()
    text = optional_text(value)
    if text is None:
        return None
    # looks_like_lost_digits needs an "e" or a "."; the test skips its cost on most rows.
    if ("." in text or "e" in text or "E" in text) and looks_like_lost_digits(text):
        raise _cert_lost_digits()
    return text.replace(" ", "").upper()


def _cert_lost_digits() -> ValueProblem:
    return ValueProblem(code="cert_no_lost_digits",
                        message="证书编号被表格软件存成了数字，末尾数字已丢失，请按文本格式重新录入")


def split_item(value: object) -> tuple[str | None, str | None]:
    """(catalogue code, free text): '1.2' or 'N1' is a code, '低压电工作业' is text to resolve."""
    text = optional_text(value)
    if text is None:
        return None, None
    upper = text.upper()
    return (upper, None) if _ITEM_CODE.match(upper) else (None, text)


def parse_date(value: object, *, end: bool = False) -> date | None:
    """A date from a date cell, an Excel serial number or Chinese-style text; None if empty.

    ``end`` picks the end of a range ("2019.5.6-2025.5.5") and the last day of a bare month
    ("2019.05"), as a validity column means; otherwise the start and the first day.
    """
    if value.__class__ is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        # ISO text, as exchange files and most exports have it: no cleaning needed.
        try:
            day = date.fromisoformat(value)
        except ValueError:
            pass  # the general path below words the problem
        else:
            if _YEAR_MIN <= day.year <= _YEAR_MAX:
                return day
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, float | int) and not isinstance(value, bool):
        return _from_number(value)
    text = optional_text(value)
    if text is None:
        return None
    parts = [p for p in _RANGE_SPLIT.split(text) if p]
    if len(parts) == 2:
        text = parts[1] if end else parts[0]
    return _from_text(text, end=end)


def _from_number(value: float) -> date:
    if float(value).is_integer() and 19000101 <= value <= 20991231:
        return _from_text(str(int(value)), end=False)  # 20190506 typed into a number cell
    if _SERIAL_MIN <= value <= _SERIAL_MAX:
        return _EXCEL_EPOCH + timedelta(days=int(value))
    raise _bad_date(cell_text(value))


def _from_text(text: str, *, end: bool) -> date:
    if len(text) == 10 and text[4] == "-" and text[7] == "-":  # ISO, as exchange files have it
        try:
            return _make_date(text, int(text[:4]), int(text[5:7]), int(text[8:]))
        except ValueError:
            pass  # ValueProblem included: the general path below words the problem
    text = _TIME_TAIL.sub("", text).replace(" ", "")
    match = _YMD.match(text) or _COMPACT.match(text)
    if match:
        return _make_date(text, int(match[1]), int(match[2]), int(match[3]))
    match = _YM.match(text)
    if match:
        year, month = int(match[1]), int(match[2])
        day = calendar.monthrange(year, month)[1] if end and 1 <= month <= 12 else 1
        return _make_date(text, year, month, day)
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return _from_number(float(text))  # a serial number that reached us as text (CSV)
    raise _bad_date(text)


def _make_date(text: str, year: int, month: int, day: int) -> date:
    if not _YEAR_MIN <= year <= _YEAR_MAX:
        raise _bad_date(text)
    try:
        return date(year, month, day)
    except ValueError:
        raise _bad_date(text) from None


def _bad_date(text: str) -> ValueProblem:
    return ValueProblem(code="date_invalid", message=f"无法识别的日期“{text}”")
