"""Document numbers: one sequence per authority, document kind and year, taken from a counter
row locked in the caller's transaction — so a number is never skipped or given twice, and a
rolled-back document gives its number back. The format is a setting per authority."""

from __future__ import annotations

from certguard.core.errors import AppError
from certguard.enforcement.models import AuthoritySettings, DocumentCounter
from certguard.enforcement.reference import DEFAULT_NUMBER_FORMAT, DOC_WORDS

PLACEHOLDERS = ("{short}", "{word}", "{year}", "{n}")


def short_name(authority) -> str:
    settings = AuthoritySettings.objects.filter(organisation=authority).first()
    if settings is not None:
        return settings.short_name
    name = authority.name
    for tail in ("应急管理局", "应急管理厅", "住房和城乡建设局", "市场监督管理局", "局", "厅"):
        if name.endswith(tail):
            name = name[: -len(tail)]
            break
    return name[:4] or authority.name[:4]


def number_format(authority) -> str:
    settings = AuthoritySettings.objects.filter(organisation=authority).first()
    return settings.number_format if settings is not None else DEFAULT_NUMBER_FORMAT


def check_format(fmt: str) -> str:
    if "{n}" not in fmt or "{year}" not in fmt:
        raise AppError("number_format_invalid", "文书编号格式须包含 {year}（年度）和 {n}（序号）",
                       fields={"number_format": ["缺少占位符"]})
    try:
        fmt.format(short="甲", word="乙", year=2024, n=1)
    except (KeyError, IndexError, ValueError):
        raise AppError("number_format_invalid", "文书编号格式只能使用 {short} {word} {year} {n}",
                       fields={"number_format": ["占位符无效"]}) from None
    return fmt


def number_take(*, authority, kind: str, year: int) -> tuple[int, str]:
    """The next number of the sequence (call inside the transaction that saves the
    document: the counter row stays locked until it commits)."""
    DocumentCounter.objects.get_or_create(authority=authority, kind=kind, year=year)
    counter = DocumentCounter.objects.select_for_update().get(authority=authority, kind=kind,
                                                              year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    text = number_format(authority).format(short=short_name(authority), word=DOC_WORDS[kind],
                                           year=year, n=counter.last)
    return counter.last, text
