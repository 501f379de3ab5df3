"""GB 11643 resident ID numbers and GB 32100 unified social credit codes.

Pure functions, no Django: the registry, the roster importer, the screening rules and the
synthetic-data generator all use this one implementation.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

ID_WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"  # index = (sum of digit × weight) mod 11

# Residence permits for Hong Kong, Macao and Taiwan residents use these address codes.
RESIDENCE_PERMIT_CODES = frozenset({"810000", "820000", "830000"})

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V
# GB 32100-2015 (代码结构): positions 3-8 are the registering authority's GB/T 2260 code; 100000
# stands for registration at national level (central government bodies).
NATIONAL_REGION_CODE = "100000"
CREDIT_WEIGHTS: tuple[int, ...] = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# What a spreadsheet makes of an 18-digit number typed into a numeric cell: 1.10105E+17.
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
# ASCII only: \d would also match full-width digits, which must be normalised first.
_ID18 = re.compile(r"^[0-9]{17}[0-9X]$")
_ID15 = re.compile(r"^[0-9]{15}$")
_NOISE = re.compile(r"[\s\u200b\ufeff'\"]")
_FLOAT_DIGITS = re.compile(r"\d{15,18}\.0+")


@dataclass(frozen=True, slots=True)
class IdCheck:
    """Outcome of checking one ID number; ``code`` is stable, ``message`` is for people."""

    id_no: str
    ok: bool
    code: str
    message: str
    birth_date: date | None = None
    sex: str | None = None  # "男" / "女"
    region_code: str | None = None


@dataclass(frozen=True, slots=True)
class CreditCheck:
    code: str
    ok: bool
    error: str
    message: str


def normalise_id_no(raw: object) -> str:
    """Undo the harmless damage people and spreadsheets do: full-width digits, spaces, lower x.

    Damage that lost information (scientific notation) is *not* repaired here: the checker
    reports it, so nobody guesses the missing digits.
    """
    if raw is None:
        return ""
    if type(raw) is str and _ID18.match(raw):  # the common case, already clean: skip the work
        return raw
    text = unicodedata.normalize("NFKC", str(raw))
    return _NOISE.sub("", text).upper()


def looks_like_lost_digits(raw: object) -> bool:
    """True for an ID a spreadsheet stored as a float (1.10105E+17, 110105194912310000.0)."""
    if type(raw) is str and _ID18.match(raw):
        return False
    text = normalise_id_no(raw)
    return bool(_SCIENTIFIC.match(text)) or bool(_FLOAT_DIGITS.fullmatch(text))


def id_check_char(first17: str) -> str:
    d = first17.encode()  # ASCII codes: digit + 48
    if len(d) != 17:
        raise ValueError("id_check_char needs the first 17 digits")
    total = (7 * d[0] + 9 * d[1] + 10 * d[2] + 5 * d[3] + 8 * d[4] + 4 * d[5] + 2 * d[6]
             + d[7] + 6 * d[8] + 3 * d[9] + 7 * d[10] + 9 * d[11] + 10 * d[12] + 5 * d[13]
             + 8 * d[14] + 4 * d[15] + 2 * d[16])  # ID_WEIGHTS, unrolled: a hot path
    return ID_CHECK_CHARS[(total - 48 * 100) % 11]  # the weights sum to 100


@cache
def region_code_years() -> dict[str, tuple[int | None, int | None]]:
    """Address code -> (first year in use, year abolished); None = open-ended.

    The abolition year is inclusive: whoever was born in it, before the change, holds a number
    with the old code (certguard/data/README.md). Every check of an address code, here and in
    the screening SQL, compares the birth year with it as ``year <= end``.
    """
    table: dict[str, tuple[int | None, int | None]] = {}
    source = resources.files("certguard.data").joinpath("gbt2260_region_codes.csv")
    with source.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            start = int(row["start_year"]) if row["start_year"] else None
            end = int(row["end_year"]) if row["end_year"] else None
            if row["code"] in table:
                old_start, old_end = table[row["code"]]
                start = None if start is None or old_start is None else min(start, old_start)
                end = None if end is None or old_end is None else max(end, old_end)
            table[row["code"]] = (start, end)
    return table


@cache
def region_names() -> dict[str, str]:
    """Address code -> its most recent name."""
    names: dict[str, tuple[int, str]] = {}
    source = resources.files("certguard.data").joinpath("gbt2260_region_codes.csv")
    with source.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rank = int(row["end_year"]) if row["end_year"] else 10_000
            if row["code"] not in names or rank >= names[row["code"]][0]:
                names[row["code"]] = (rank, row["name"])
    return {code: name for code, (_, name) in names.items()}


def _fail(id_no: str, code: str, message: str, **parts: object) -> IdCheck:
    return IdCheck(id_no=id_no, ok=False, code=code, message=message, **parts)  # type: ignore[arg-type]


def _parse_birth(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def _region_valid_for(region: str, birth: date) -> bool:
    if region in RESIDENCE_PERMIT_CODES:
        return True
    years = region_code_years().get(region)
    if years is None:
        return False
    _, end = years
    # An abandoned code stays valid for people born up to and including its abolition year.
    return end is None or birth.year <= end


def _region_message(region: str) -> str:
    years = region_code_years().get(region)
    if years is None or years[1] is None:
        return f"身份证号的地址码{region}不是有效的行政区划代码"
    end = years[1]
    return (f"身份证号的地址码{region}（{region_names()[region]}）已于{end}年撤销，"
            f"{end + 1}年及以后出生的人不会有这个地址码")


def check_id_no(raw: object, *, as_of: date | None = None) -> IdCheck:
    """Validate an ID number per GB 11643-1999 (18 characters) or the legacy 15-digit form."""
    if type(raw) is str and _ID18.match(raw):
        id_no = raw  # the common case, already clean: the checks below are all that is left
    else:
        if looks_like_lost_digits(raw):
            return _fail(str(raw), "id_lost_digits",
                         "身份证号被表格软件存成了数字，末尾数字已丢失（如 1.10105E+17），"
                         "请按文本格式重新录入")
        id_no = normalise_id_no(raw)
        if not id_no:
            return _fail(id_no, "id_empty", "身份证号为空")
        if _ID15.match(id_no):
            return _check_legacy(id_no, as_of=as_of)
        if len(id_no) != 18:
            return _fail(id_no, "id_length", f"身份证号应为18位，实际为{len(id_no)}位")
        if not _ID18.match(id_no):
            return _fail(id_no, "id_chars", "身份证号只能由数字和末位的X组成")
    birth = _parse_birth(id_no[6:14])
    region = id_no[:6]
    parts = {"region_code": region, "birth_date": birth,
             "sex": "男" if int(id_no[16]) % 2 else "女"}
    if birth is None or birth.year < 1900 or birth > (as_of or date.today()):
        return _fail(id_no, "id_birth_date",
                     f"身份证号中的出生日期{id_no[6:14]}不存在", **parts)
    if not _region_valid_for(region, birth):
        return _fail(id_no, "id_region", _region_message(region), **parts)
    expected = id_check_char(id_no[:17])
    if id_no[17] != expected:
        return _fail(id_no, "id_check_char",
                     f"身份证号校验位错误：末位应为{expected}，实际为{id_no[17]}", **parts)
    return IdCheck(id_no=id_no, ok=True, code="ok", message="身份证号有效",
                   **parts)  # type: ignore[arg-type]


def _check_legacy(id_no: str, *, as_of: date | None) -> IdCheck:
    birth = _parse_birth("19" + id_no[6:12])
    region = id_no[:6]
    parts = {"region_code": region, "birth_date": birth,
             "sex": "男" if int(id_no[14]) % 2 else "女"}
    if birth is None or birth > (as_of or date.today()):
        return _fail(id_no, "id_birth_date",
                     f"15位身份证号中的出生日期{id_no[6:12]}不存在", **parts)
    if not _region_valid_for(region, birth):
        return _fail(id_no, "id_region", _region_message(region), **parts)
    return IdCheck(id_no=id_no, ok=True, code="ok", message="15位旧版身份证号有效",
                   **parts)  # type: ignore[arg-type]


def upgrade_legacy_id(id_no: str) -> str:
    """The 18-character form of a valid 15-digit number (insert century 19, add check)."""
    first17 = id_no[:6] + "19" + id_no[6:15]
    return first17 + id_check_char(first17)


def make_id_no(region_code: str, birth: date, seq: int) -> str:
    """Build a valid 18-character ID number (for synthetic data and tests)."""
    first17 = f"{region_code}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_check_char(first17)


def mask_id_no(id_no: str) -> str:
    """Public answers show the first 4 and last 4 characters: 4403**********1512."""
    if len(id_no) <= 8:
        return "*" * len(id_no)
    return id_no[:4] + "*" * (len(id_no) - 8) + id_no[-4:]


def credit_check_char(first17: str) -> str:
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def normalise_credit_code(raw: object) -> str:
    return normalise_id_no(raw)


def check_credit_code(raw: object) -> CreditCheck:
    """Validate a unified social credit code per GB 32100-2015."""
    code = normalise_credit_code(raw)
    if len(code) != 18:
        return CreditCheck(code, False, "credit_length",
                           f"统一社会信用代码应为18位，实际为{len(code)}位")
    bad = sorted({c for c in code if c not in CREDIT_ALPHABET})
    if bad:
        return CreditCheck(code, False, "credit_chars",
                           f"统一社会信用代码含有不允许的字符：{'、'.join(bad)}（不使用I、O、Z、S、V）")
    region = _credit_region_problem(code[2:8])
    if region is not None:
        return CreditCheck(code, False, region[0], region[1])
    expected = credit_check_char(code[:17])
    if code[17] != expected:
        return CreditCheck(code, False, "credit_check_char",
                           f"统一社会信用代码校验位错误：末位应为{expected}，实际为{code[17]}")
    return CreditCheck(code, True, "ok", "统一社会信用代码有效")


def _credit_region_problem(region: str) -> tuple[str, str] | None:
    if not region.isdigit():
        return ("credit_region_chars",
                f"统一社会信用代码第3至8位应为登记管理机关的行政区划代码（6位数字），实际为{region}")
    if region != NATIONAL_REGION_CODE and region not in region_code_years():
        return ("credit_region",
                f"统一社会信用代码第3至8位{region}不是有效的行政区划代码")
    return None


def make_credit_code(region_code: str, serial: int, *, kind: str = "91") -> str:
    """A valid code: registration kind (91 = enterprise), region, 9-character organisation code."""
    body = "".join(CREDIT_ALPHABET[(serial // 31**i) % 31] for i in range(8, -1, -1))
    first17 = f"{kind}{region_code}{body}"
    return first17 + credit_check_char(first17)
