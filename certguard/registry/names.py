"""Holder names as people type them: full-width letters, spaces, several kinds of middle dot."""

from __future__ import annotations

import re
import unicodedata

_DOTS = re.compile(r"[·•・‧∙．.⋅]")
_SPACE = re.compile(r"\s+")
# A name as the ID card prints it: Han characters (any CJK block, including the extensions
# for rare characters), or Latin letters for foreigners, parts joined by the middle dot.
_NAME_PART = r"[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134fA-Za-z]+"
_NAME = re.compile(rf"{_NAME_PART}(?:·{_NAME_PART})*")


def normalise_name(raw: object) -> str:
    text = unicodedata.normalize("NFKC", str(raw or ""))
    text = _SPACE.sub("", text)
    return _DOTS.sub("·", text)


def is_person_name(name: str) -> bool:
    """A normalised name (``normalise_name``) of at least two letters, without digits,
    symbols or markup."""
    letters = len(name.replace("·", ""))
    return 2 <= letters and len(name) <= 50 and _NAME.fullmatch(name) is not None


def normalise_cert_no(raw: object) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(raw or ""))).upper()
