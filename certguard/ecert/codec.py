"""Transport layers of a payload: context prefix, base45 (RFC 9285) and zlib.

Hand-written base45 because the PyPI ``base45`` decoder is a per-character Python loop (~55 µs per
payload here); ``bytes.translate`` plus numpy does the same in ~8 µs (pure Python fallback ~22 µs),
which matters for the 5,000 verifications/s target.
"""

from __future__ import annotations

import re
import sys
import zlib
from array import array
from collections.abc import Collection
from urllib.parse import quote, unquote

from certguard.ecert.errors import EcertError

try:  # numpy is a project dependency; the pure path keeps the codec usable without it
    import numpy as _np
except ImportError:  # pragma: no cover
    _np = None  # type: ignore[assignment]

OUR_PREFIX = "CG1:"
# The contexts a payload may carry: ours, and the EU DCC's HC1 (the only context of its spec;
# the DCC vectors H1 "HL0:" and H2 "HC2:" must fail). Anything else is refused, so a genuine
# payload relabelled with another context never verifies.
OUR_CONTEXT, DCC_CONTEXT = "CG1", "HC1"
KNOWN_CONTEXTS = frozenset({OUR_CONTEXT, DCC_CONTEXT})
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
# A context identifier as in the DCC spec: two upper-case letters, a version digit, a colon.
_PREFIX_RE = re.compile(r"([A-Z]{2}[0-9]):")
_DECODE_TABLE = bytes(ALPHABET.index(chr(i)) if chr(i) in ALPHABET else 255 for i in range(256))
_ENCODE_TABLE = ALPHABET.encode("ascii")
_WEIGHTS = _np.array([1, 45, 2025], dtype=_np.uint32) if _np is not None else None
# A genuine payload is a few hundred bytes; refuse to inflate anything absurd (zip bombs).
MAX_INFLATED = 64 * 1024


# The printed QR opens the platform's verification page with the payload in the fragment
# (https://<host>/v/#CG1:...), which a browser never sends to the server.
VERIFY_PATH = "/v/"
_URL_RE = re.compile(r"(?i)https?://([^/#?\s]+)/v/?#(.+)")
# Base45 characters kept as they are in the fragment; the space and "%" are percent-encoded.
_FRAGMENT_SAFE = "$*+-./:"


def verification_url(payload: str, *, host: str) -> str:
    """The URL a printed QR carries: the verification page, the payload in its fragment."""
    return f"https://{host}{VERIFY_PATH}#{quote(payload, safe=_FRAGMENT_SAFE)}"


def split_verification_url(text: str) -> tuple[str, str] | None:
    """(host, payload) of a verification URL, or None when the text is not one."""
    match = _URL_RE.fullmatch(text.strip())
    if match is None:
        return None
    return match.group(1).lower(), unquote(match.group(2))


def clean_scanned(text: str) -> str:
    """Drop what scanners add around a payload: leading whitespace and trailing line breaks;
    a verification URL gives its payload (the old bare ``CG1:`` text stays accepted).

    Never spaces: the space is a base45 digit, so trimming one would silently change the data
    (a truncated payload would then fail as a different layer than it really does).
    """
    found = split_verification_url(text) if "#" in text else None
    if found is not None:
        return found[1]
    return text.lstrip().rstrip("\r\n")


def split_prefix(text: str, *, accept: Collection[str] | None = None) -> tuple[str, str]:
    """Return (context, body). ``accept`` limits the known contexts further (e.g. {"CG1"})."""
    allowed = KNOWN_CONTEXTS if accept is None else KNOWN_CONTEXTS & normalise_contexts(accept)
    match = _PREFIX_RE.match(text)
    if match is None:
        raise EcertError("bad_prefix", f"缺少前缀，应以 {_shown(allowed)} 开头")
    context = match.group(1)
    if context not in allowed:
        raise EcertError("bad_prefix", f"不支持的前缀 {context}:，只接受 {_shown(allowed)}")
    return context, text[match.end():]


def _shown(contexts: frozenset[str]) -> str:
    ordered = sorted(contexts, key=lambda c: (c != OUR_CONTEXT, c))
    return "、".join(f"{c}:" for c in ordered) or "（无）"


def normalise_contexts(values: Collection[str]) -> frozenset[str]:
    """{"CG1:", "cg1"} -> {"CG1"}: how people type a prefix on a command line."""
    return frozenset(v.strip().rstrip(":").upper() for v in values)


def b45encode(data: bytes) -> str:
    out = bytearray()
    for i in range(0, len(data) - 1, 2):
        x = (data[i] << 8) | data[i + 1]
        e, rest = divmod(x, 2025)
        d, c = divmod(rest, 45)
        out += bytes((_ENCODE_TABLE[c], _ENCODE_TABLE[d], _ENCODE_TABLE[e]))
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        out += bytes((_ENCODE_TABLE[c], _ENCODE_TABLE[d]))
    return out.decode("ascii")


def b45decode(text: str) -> bytes:
    try:
        values = text.encode("ascii").translate(_DECODE_TABLE)
    except UnicodeEncodeError:
        raise EcertError("bad_base45", "含有非 ASCII 字符") from None
    if b"\xff" in values:
        raise EcertError("bad_base45", "含有 Base45 字母表以外的字符")
    size = len(values)
    if size % 3 == 1:
        raise EcertError("bad_base45", "长度不合法")
    full = size - size % 3
    result = _words_numpy(values, full) if _np is not None else _words_python(values, full)
    if size % 3 == 2:
        last = values[-2] + 45 * values[-1]
        if last > 0xFF:
            raise EcertError("bad_base45", "数值越界")
        result += bytes((last,))
    return result


def _words_numpy(values: bytes, full: int) -> bytes:
    triples = _np.frombuffer(values, dtype=_np.uint8, count=full).reshape(-1, 3)
    words = triples.astype(_np.uint32) @ _WEIGHTS
    if words.size and int(words.max()) > 0xFFFF:
        raise EcertError("bad_base45", "数值越界")
    return words.astype(">u2").tobytes()


def _words_python(values: bytes, full: int) -> bytes:
    words = [a + 45 * b + 2025 * c for a, b, c in
             zip(values[0:full:3], values[1:full:3], values[2:full:3], strict=True)]
    if words and max(words) > 0xFFFF:
        raise EcertError("bad_base45", "数值越界")
    packed = array("H", words)
    if sys.byteorder == "little":
        packed.byteswap()
    return packed.tobytes()


def inflate(data: bytes) -> bytes:
    """zlib-decompress strictly: a complete stream, nothing after it, bounded size."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_INFLATED)
    except zlib.error as exc:
        raise EcertError("bad_zlib", _zlib_detail(str(exc))) from None
    if inflater.unconsumed_tail:
        raise EcertError("bad_zlib", "解压后数据过大")
    if not inflater.eof or inflater.unused_data:
        raise EcertError("bad_zlib", "压缩数据不完整")
    return out


# zlib's own text ("Error -3 while decompressing data: incorrect data check") is for
# programmers: people get what it means, in Chinese (RFC 1950 header, deflate data, Adler-32).
_ZLIB_DETAILS = {
    "incorrect header check": "不是 zlib 压缩数据",
    "unknown compression method": "不是 zlib 压缩数据",
    "invalid window size": "不是 zlib 压缩数据",
    "incorrect data check": "校验和不符，内容已被改动",
}


def _zlib_detail(text: str) -> str:
    return next((v for k, v in _ZLIB_DETAILS.items() if k in text), "压缩数据已损坏")


def deflate(data: bytes) -> bytes:
    return zlib.compress(data, 9)


def encode_payload(cose_bytes: bytes, *, prefix: str = OUR_PREFIX) -> str:
    return prefix + b45encode(deflate(cose_bytes))
