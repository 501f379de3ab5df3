"""What is behind a QR code on a paper certificate: one of our signed payloads, a genuine official
query site, or a look-alike built to sell fake certificates a fake "verification".

Registrable domains come from tldextract's bundled public-suffix snapshot; it is never allowed to
fetch (no suffix-list URLs, no cache directory), so the check works offline and deterministically.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import tldextract

DEFAULT_OFFICIAL_HOSTS = ("cx.mem.gov.cn", "zlaq.mohurd.gov.cn", "cnse.samr.gov.cn",
                          "cnse.e-cqs.cn")
URL_SHORTENERS = frozenset({
    "t.cn", "url.cn", "w.url.cn", "dwz.cn", "suo.im", "suo.nz", "mrw.so", "0x3.me", "6du.in",
    "tb.cn", "u.nu", "bit.ly", "tinyurl.com", "goo.gl", "is.gd", "ow.ly", "t.co", "rebrand.ly",
    "cutt.ly", "s.id", "reurl.cc", "dwz.mk", "kks.me",
})
# Letters that render like Latin ones (Cyrillic, Greek) and ASCII look-alike sequences.
_CONFUSABLES = str.maketrans({
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "ɡ": "g", "ո": "n", "м": "m", "т": "t", "в": "b", "к": "k", "н": "h",
    "α": "a", "ο": "o", "ν": "v", "ρ": "p", "τ": "t", "ι": "i", "κ": "k", "ε": "e",
    "0": "o", "1": "l", "i": "l", "|": "l",
})
_ASCII_SEQUENCES = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("nn", "m"))
_PAYLOAD_RE = re.compile(r"[A-Z]{2}[0-9]:[0-9A-Z $%*+\-./:]+")

MESSAGES = {
    "ecert_payload": "这是电子证书签名载荷，请使用核验功能验证签名",
    "ecert_valid": "电子证书签名有效",
    "ecert_invalid": "电子证书签名载荷无效",
    "official_host": "指向官方证书查询网站",
    "official_domain": "属于官方机构域名，但不是已知的证书查询网址，请到官方查询网站核实",
    "insecure_http": "使用 http 而非 https，内容可能被篡改",
    "ip_address": "网址是 IP 地址而非官方域名",
    "url_shortener": "使用短链接隐藏了真实网址",
    "embedded_official_name": "域名中嵌入了官方网址名称，但实际属于其他域名",
    "homoglyph": "域名使用形近字符仿冒官方网址",
    "edit_distance": "域名与官方网址仅相差个别字符",
    "fake_gov_suffix": "冒用 gov.cn 字样，但并非政府域名",
    "not_official_host": "不是已知的官方证书查询网站",
    "userinfo_trick": "网址用 @ 把真实域名藏在官方网址名称之后",
    "not_a_url": "二维码内容既不是电子证书，也不是网址",
}


@dataclass
class QrCheck:
    kind: str  # "ecert" | "url" | "text"
    verdict: str  # "genuine" | "warning" | "suspicious" | "invalid" | "unverified" | "unknown"
    code: str
    message: str
    reasons: list[dict[str, str]] = field(default_factory=list)
    host: str | None = None
    registrable_domain: str | None = None
    resembles: str | None = None
    verification: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def registrable_domain(host: str) -> str:
    parts = _extractor()(host)
    return f"{parts.domain}.{parts.suffix}" if parts.suffix else parts.domain


def check_qr_text(text: str, *, official_hosts: Iterable[str] = DEFAULT_OFFICIAL_HOSTS,
                  trust: Any = None, prefixes: Iterable[str] | None = None) -> QrCheck:
    """Classify decoded QR text; with ``trust`` a signed payload is also verified."""
    from certguard.ecert.codec import clean_scanned, split_verification_url

    wrapped = split_verification_url(text) if "#" in text else None
    if wrapped is not None:
        # A verification URL is a payload only on an official host: a copy of a genuine
        # payload behind a look-alike address is still a fake site.
        check = check_url(text.strip(), official_hosts=official_hosts)
        if check.verdict != "genuine":
            return check
        return _check_payload(wrapped[1], trust, prefixes)
    if _PAYLOAD_RE.fullmatch(clean_scanned(text)):
        return _check_payload(clean_scanned(text), trust, prefixes)
    text = text.strip()
    url = _as_url(text)
    if url is None:
        return QrCheck("text", "unknown", "not_a_url", MESSAGES["not_a_url"])
    return check_url(url, official_hosts=official_hosts)


def _check_payload(text: str, trust: Any, prefixes: Iterable[str] | None) -> QrCheck:
    if trust is None:
        return QrCheck("ecert", "unverified", "ecert_payload", MESSAGES["ecert_payload"])
    from certguard.ecert.verifier import verify_payload

    result = verify_payload(text, trust=trust, prefixes=set(prefixes) if prefixes else None)
    code = "ecert_valid" if result.valid else "ecert_invalid"
    return QrCheck("ecert", "genuine" if result.valid else "invalid", code,
                   MESSAGES[code] + ("" if result.valid else f"：{result.message}"),
                   verification=result.to_dict())


def _as_url(text: str) -> str | None:
    if re.match(r"(?i)https?://", text):
        return text
    # Scanners often show bare hosts ("cx.mem.gov.cn/..."): treat a dotted first word as a URL.
    if re.match(r"(?i)[a-z0-9\-.\u0080-\uffff]+\.[a-z\u0080-\uffff]{2,}(/|$|:|\?)", text):
        return "http://" + text if " " not in text else None
    return None


def check_url(url: str, *, official_hosts: Iterable[str] = DEFAULT_OFFICIAL_HOSTS) -> QrCheck:
    parts = urlsplit(url)
    host = _normalise_host(parts.hostname or "")
    officials = tuple(_normalise_host(h) for h in official_hosts)
    check = QrCheck("url", "suspicious", "not_official_host", MESSAGES["not_official_host"],
                    host=host, registrable_domain=registrable_domain(host) if host else None)
    insecure = parts.scheme.lower() != "https"
    if host in officials:
        return _official(check, "official_host", insecure, resembles=host)
    official_domains = {registrable_domain(h): h for h in officials}
    if check.registrable_domain in official_domains:
        return _official(check, "official_domain", insecure,
                         resembles=official_domains[check.registrable_domain])
    reasons = _lookalike_reasons(host, check.registrable_domain or "", officials)
    if parts.username or parts.password:
        # "https://cx.mem.gov.cn@evil.com/" opens evil.com; the official name is bait.
        reasons.insert(0, ("userinfo_trick", None))
    if insecure:
        reasons.append(("insecure_http", None))
    return _suspicious(check, reasons)


def _official(check: QrCheck, code: str, insecure: bool, *, resembles: str) -> QrCheck:
    check.code, check.message, check.resembles = code, MESSAGES[code], resembles
    check.reasons = [_reason(code)]
    check.verdict = "genuine" if code == "official_host" else "warning"
    if insecure:
        check.verdict = "warning"
        check.reasons.append(_reason("insecure_http"))
        check.message += "；" + MESSAGES["insecure_http"]
    return check


def _suspicious(check: QrCheck, reasons: list[tuple[str, str | None]]) -> QrCheck:
    primary = [r for r in reasons if r[0] != "insecure_http"]
    check.reasons = [_reason(code) for code, _ in reasons] or [_reason("not_official_host")]
    if primary:
        check.code, check.resembles = primary[0][0], primary[0][1]
    elif reasons:
        check.reasons.insert(0, _reason("not_official_host"))
    check.message = "；".join(r["message"] for r in check.reasons)
    if check.resembles:
        check.message += f"（疑似仿冒 {check.resembles}）"
    return check


def _reason(code: str) -> dict[str, str]:
    return {"code": code, "message": MESSAGES[code]}


def _normalise_host(host: str) -> str:
    host = host.strip().rstrip(".").lower()
    try:
        host = ".".join(label.encode("ascii").decode("idna") if label.startswith("xn--")
                        else label for label in host.split("."))
    except UnicodeError:
        pass  # an undecodable punycode label stays as written; it cannot match an official
    return host[4:] if host.startswith("www.") else host


def _lookalike_reasons(host: str, domain: str, officials: tuple[str, ...]
                       ) -> list[tuple[str, str | None]]:
    if _is_ip(host):
        return [("ip_address", None)]
    if host in URL_SHORTENERS or domain in URL_SHORTENERS:
        return [("url_shortener", None)]
    reasons: list[tuple[str, str | None]] = []
    for official in officials:
        code = _resemblance(host, domain, official)
        if code:
            reasons.append((code, official))
            break
    if _fakes_gov(host, domain):
        reasons.append(("fake_gov_suffix", None))
    return reasons


def _resemblance(host: str, domain: str, official: str) -> str | None:
    if skeleton(host) == skeleton(official) or skeleton(domain) == skeleton(
            registrable_domain(official)):
        return "homoglyph"
    if levenshtein(host, official) <= 2:
        return "edit_distance"
    if any(token in _compact(host) for token in _official_tokens(official)):
        return "embedded_official_name"
    if levenshtein(domain, registrable_domain(official)) <= 1:
        return "edit_distance"
    return None


def _fakes_gov(host: str, domain: str) -> bool:
    if domain.endswith(".gov.cn"):
        return False
    return "gov" in host.split(".") or "govcn" in _compact(host) or "gov-cn" in host


def _official_tokens(official: str) -> set[str]:
    # Distinctive parts of an official host: "cxmem", "zlaqmohurd", "mohurd", "cnseecqs"...
    parts = _extractor()(official)
    tokens = {_compact(f"{parts.subdomain}.{parts.domain}")}
    if len(_compact(parts.domain)) >= 5:
        tokens.add(_compact(parts.domain))
    return {t for t in tokens if len(t) >= 5}


def _compact(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def skeleton(host: str) -> str:
    """A crude confusable skeleton: NFKC, look-alike letters and sequences folded to one form."""
    text = unicodedata.normalize("NFKC", host).lower().translate(_CONFUSABLES)
    for sequence, replacement in _ASCII_SEQUENCES:
        text = text.replace(sequence, replacement)
    return text


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return bool(re.fullmatch(r"\d+", host))  # decimal-encoded IPv4 such as 3232235777
    return True


def levenshtein(a: str, b: str) -> int:
    if a == b:
        return 0
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
