"""Holder names as people type them: full-width letters, spaces, several kinds of middle dot."""

from __future__ import annotations

import re
import unicodedata

_DOTS = re.compile(r"[·•・‧∙．.⋅]")
_SPACE = re.compile(r"\s+")


def normalise_name(raw: object) -> str:
    text = unicodedata.normalize("NFKC", str(raw or ""))
    text = _SPACE.sub("", text)
    return _DOTS.sub("·", text)


def normalise_cert_no(raw: object) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(raw or ""))).upper()
