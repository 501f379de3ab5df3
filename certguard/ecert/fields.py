"""The certificate-fields CWT claim: what a paper certificate says, in a compact CBOR map."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta, timezone
from typing import Any

from certguard.ecert.errors import EcertError

BEIJING = timezone(timedelta(hours=8))  # certificate dates are China Standard Time dates

# Small integer keys keep the QR code small; the order is the wire format, never reorder.
FIELD_KEYS = {
    "cert_no": 1, "id_no": 2, "name": 3, "family": 4, "item_code": 5, "issuer_code": 6,
    "valid_from": 7, "valid_until": 8, "review_due": 9, "status": 10,
}
DATE_FIELDS = ("valid_from", "valid_until", "review_due")
FIELD_NAMES = tuple(FIELD_KEYS)
_NAME_BY_KEY = {key: name for name, key in FIELD_KEYS.items()}
REQUIRED = ("cert_no", "id_no", "name", "item_code", "issuer_code", "valid_from", "valid_until")


@dataclass(frozen=True)
class CertificateFields:
    cert_no: str
    id_no: str
    name: str
    item_code: str
    issuer_code: str
    valid_from: str  # ISO dates as text: what the paper shows, no timezone games
    valid_until: str
    family: str = ""
    review_due: str = ""
    status: str = "valid"

    def to_dict(self) -> dict[str, str]:
        # Not dataclasses.asdict: its deepcopy costs ~25 µs per verification.
        return {name: getattr(self, name) for name in FIELD_NAMES}

    def to_claim(self) -> dict[int, str]:
        return {FIELD_KEYS[k]: v for k, v in self.to_dict().items() if v != ""}

    def date_of(self, name: str) -> date | None:
        value = getattr(self, name)
        return date.fromisoformat(value) if value else None


def from_mapping(data: Mapping[str, Any]) -> CertificateFields:
    """Build and validate fields from a JSON-like mapping (names as in FIELD_KEYS)."""
    unknown = set(data).difference(FIELD_NAMES)
    if unknown:
        raise EcertError("bad_fields", f"未知字段: {', '.join(sorted(unknown))}")
    missing = [k for k in REQUIRED if not str(data.get(k, "")).strip()]
    if missing:
        raise EcertError("bad_fields", f"缺少字段: {', '.join(missing)}")
    values = {k: str(v).strip() for k, v in data.items() if v is not None}
    for name in DATE_FIELDS:
        if values.get(name):
            try:
                date.fromisoformat(values[name])
            except ValueError:
                raise EcertError("bad_fields", f"{name} 不是 YYYY-MM-DD 日期") from None
    return CertificateFields(**values)


def from_claim(claim: Any) -> CertificateFields:
    """Fields from a decoded claim; on the hot verification path, so checks are kept lean."""
    if not isinstance(claim, Mapping):
        raise EcertError("bad_cose", "证书字段声明不是映射")
    data = {}
    for key, value in claim.items():
        name = _NAME_BY_KEY.get(key)
        if name is None:
            continue  # a newer issuer may add fields; old verifiers ignore them
        if not isinstance(value, str):
            raise EcertError("bad_cose", f"证书字段 {name} 类型错误")
        data[name] = value
    if any(not data.get(name) for name in REQUIRED):
        raise EcertError("bad_cose", "证书字段不完整")
    try:
        for name in DATE_FIELDS:
            if data.get(name):
                date.fromisoformat(data[name])
    except ValueError:
        raise EcertError("bad_cose", "证书日期格式错误") from None
    return CertificateFields(**data)
