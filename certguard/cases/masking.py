"""Masking of personal data in published texts, by rule: a person's name becomes its surname
and 某某, ID numbers and phone numbers are removed; ``unmasked`` finds what is left."""

from __future__ import annotations

import re
from collections.abc import Iterable

# 18-digit (or 15-digit) ID numbers, mobile and fixed-line phone numbers.
ID_PATTERN = re.compile(r"(?<![0-9])(?:[1-9][0-9]{5}(?:19|20)[0-9]{2}[0-9]{7}[0-9Xx]|"
                        r"[1-9][0-9]{14})(?![0-9])")
PHONE_PATTERN = re.compile(r"(?<![0-9])(?:1[3-9][0-9]{9}|0[1-9][0-9]{1,2}-?[0-9]{7,8})"
                           r"(?![0-9])")
REMOVED = "（已删除）"


def mask_name(name: str) -> str:
    return (name[:1] + "某某") if name else "某某"


def mask_text(text: str, *, names: Iterable[str] = ()) -> str:
    for name in sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    text = ID_PATTERN.sub(REMOVED, text)
    return PHONE_PATTERN.sub(REMOVED, text)


def unmasked(text: str) -> list[str]:
    """What a published text must not contain: ID and phone numbers (their kinds)."""
    found = []
    if ID_PATTERN.search(text):
        found.append("身份证号")
    if PHONE_PATTERN.search(text):
        found.append("电话号码")
    return found
