"""Host names from feed lines: IDN decoding, validation, registrable domain, confusable folding.

Registrable domains come from tldextract's bundled public-suffix snapshot and it never fetches
(no suffix-list URLs, no cache directory). Confusable letters are folded with dnstwist's own
homoglyph tables (accented Latin, Cyrillic) plus the ASCII sequences that render alike in an
address bar (``rn``→``m``, ``vv``→``w``, ``cl``→``d``, ``0``→``o``, ``1``/``i``→``l``).
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

MAX_HOST = 253
_ASCII_LABEL = re.compile(r"[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?")
_ASCII_HOST = re.compile(r"(?=.{3,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+"
                         r"([a-z]{2,63}|xn--[a-z0-9-]{1,59})")
_SEQUENCES = (("rn", "m"), ("vv", "w"), ("cl", "d"))
_FIELD_SPLIT = re.compile(r"[\s,;|\t]+")
_PLAIN_HOST = re.compile(r"[A-Za-z0-9._-]+")


class HostProblem(ValueError):
    """A line that holds no host name; ``code`` and a Chinese ``message``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def split_host(host: str) -> tuple[str, str, str]:
    """(subdomain, registrable label, public suffix) of a normalised host."""
    parts = _extractor()(host)
    return parts.subdomain, parts.domain, parts.suffix


def registrable_domain(host: str) -> str:
    _, domain, suffix = split_host(host)
    return f"{domain}.{suffix}" if suffix and domain else host


def host_from_line(text: str) -> str:
    """The normalised host of a feed line: a bare host, a URL, or a host with extra columns."""
    text = text.strip().strip("\ufeff")
    if _PLAIN_HOST.fullmatch(text):
        return normalise_host(text)
    if "://" in text:
        try:
            host = urlsplit(text).hostname or ""
        except ValueError:
            raise HostProblem("not_a_domain", "网址格式无效，无法取出域名") from None
    else:
        host = _FIELD_SPLIT.split(text, maxsplit=1)[0]
        host = host.split("/", 1)[0].rsplit("@", 1)[-1]
        if host.count(":") == 1:
            host = host.split(":", 1)[0]
    try:
        return normalise_host(host)
    except HostProblem as problem:
        if host == text or problem.code != "not_a_domain":
            raise
        raise HostProblem("not_a_domain", f"“{_shown(text)}”不是域名或网址") from None


def normalise_host(host: str) -> str:
    if not host.isascii():
        host = unicodedata.normalize("NFKC", host)
        # Ideographic full stops separate labels in pasted Chinese text.
        host = host.replace("。", ".").replace("｡", ".")
    host = host.strip().strip("[]").rstrip(".").lower()
    if not host:
        raise HostProblem("not_a_domain", "没有域名")
    if is_ip(host):
        return host
    if "xn--" in host:
        host = decode_idn(host)
    if len(host) > MAX_HOST:
        raise HostProblem("not_a_domain", f"域名超过 {MAX_HOST} 个字符")
    if host.isascii():
        if not _ASCII_HOST.fullmatch(host):
            raise HostProblem("not_a_domain", f"“{_shown(host)}”不是有效的域名")
        return host
    try:
        encoded = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise HostProblem("not_a_domain", f"“{_shown(host)}”不是有效的域名") from None
    if not _ASCII_HOST.fullmatch(encoded):
        raise HostProblem("not_a_domain", f"“{_shown(host)}”不是有效的域名")
    return host


def decode_idn(host: str) -> str:
    labels = []
    for label in host.split("."):
        if label.startswith("xn--"):
            try:
                label = label.encode("ascii").decode("idna")
            except UnicodeError:
                raise HostProblem("bad_idn", f"国际化域名标签“{label[:63]}”无法解码"
                                  "（punycode 无效）") from None
        labels.append(label)
    return ".".join(labels)


def is_ip(host: str) -> bool:
    if not (host[:1].isdigit() or ":" in host):
        return False  # a host name: skip the costly parse
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _shown(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "…"


@lru_cache(maxsize=1)
def _confusables() -> dict[int, str]:
    """Non-ASCII letters that render like ASCII ones, from dnstwist's own tables."""
    from dnstwist import Fuzzer

    fuzzer = Fuzzer("example.com")
    table: dict[int, str] = {}
    for latin, glyphs in fuzzer.glyphs_unicode.items():
        for glyph in glyphs:
            if len(glyph) == 1 and not glyph.isascii():
                table[ord(glyph)] = latin
    for latin, cyrillic in fuzzer.latin_to_cyrillic.items():
        table[ord(cyrillic)] = latin
    for glyph, latin in (("ο", "o"), ("α", "a"), ("ε", "e"), ("ι", "i"), ("κ", "k"),
                         ("ν", "v"), ("ρ", "p"), ("τ", "t"), ("υ", "u"), ("χ", "x")):
        table[ord(glyph)] = latin
    ascii_folds = {ord("0"): "o", ord("1"): "l", ord("i"): "l", ord("|"): "l"}
    # Values are folded too, so Cyrillic "і" and ASCII "i" end as the same "l".
    table = {k: v.translate(ascii_folds) for k, v in table.items()}
    table.update(ascii_folds)
    return table


@lru_cache(maxsize=1)
def _letter_confusables() -> dict[int, str]:
    table = dict(_confusables())
    del table[ord("0")], table[ord("1")]
    return table


def fold(text: str, *, digits: bool = True) -> str:
    """A skeleton in which look-alike spellings of one name become equal.

    With ``digits=False`` the digits 0 and 1 stay digits (``mem2010`` is a name and a year,
    ``g0v`` is a disguised ``gov``): the scorer reads a label both ways.
    """
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text)
                       if not unicodedata.combining(c))
    text = text.translate(_confusables() if digits else _letter_confusables())
    for sequence, replacement in _SEQUENCES:
        if sequence in text:
            text = text.replace(sequence, replacement)
    return text
