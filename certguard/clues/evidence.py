"""The evidence of a clue as rows a person reads: labelled pairs, and known shapes side by side."""

from __future__ import annotations

from dataclasses import dataclass

from certguard.clues.reference import EVIDENCE_LABELS, REASON_LABELS


@dataclass(frozen=True)
class Comparison:
    """Two accounts of the same thing, side by side (declared vs registry, period A vs B)."""

    title: str
    left_title: str
    right_title: str
    rows: list[tuple[str, str, str]]  # label, left, right


def _text(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def evidence_rows(evidence: dict) -> list[tuple[str, str]]:
    """Every key of the evidence, labelled in Chinese where the key is known."""
    rows = []
    for key, value in evidence.items():
        shown = REASON_LABELS.get(value, value) if key == "reason" else value
        rows.append((EVIDENCE_LABELS.get(key, key), _text(shown)))
    return rows


def _declared_vs_registry(evidence: dict) -> Comparison | None:
    pairs = [("姓名", "declared_name", ("registry_name", "holder_name")),
             ("证书编号", "declared_cert_no", ("registry_cert_no",)),
             ("身份证号", "declared_id_no", ("registry_id_no", "holder_id_no"))]
    rows = [(label, _text(evidence.get(a)), _text(evidence.get(b)))
            for label, a, keys in pairs for b in keys if a in evidence and b in evidence]
    if not rows:
        return None
    return Comparison("申报信息与证书库对比", "用人单位申报", "证书库记录", rows)


def _split_periods(text: str) -> list[tuple[str, str, str]]:
    """R06: ``employer:from~to;employer:from~to`` (an empty end means still on post)."""
    periods = []
    for part in filter(None, str(text).split(";")):
        who, _, span = part.rpartition(":")
        start, _, end = span.partition("~")
        periods.append((who or "—", start or "—", end or "至今"))
    return periods


def _periods(evidence: dict) -> Comparison | None:
    if "periods" in evidence:
        periods = _split_periods(evidence["periods"])
        if len(periods) >= 2:
            rows = [(f"期间{i}", f"{who}", f"{start} 至 {end}")
                    for i, (who, start, end) in enumerate(periods, start=1)]
            return Comparison("重叠的在岗期间", "用人单位", "在岗期间", rows)
    if "class_a" in evidence and "class_b" in evidence:
        return Comparison("重叠的培训班", "培训班甲", "培训班乙",
                          [("机构/班级 日期", _text(evidence["class_a"]),
                            _text(evidence["class_b"]))])
    return None


def _variants(evidence: dict) -> Comparison | None:
    """R17: ``source:name:birth;source:name:birth`` across registries."""
    if "variants" not in evidence:
        return None
    rows = []
    for part in filter(None, str(evidence["variants"]).split(";")):
        source, _, rest = part.partition(":")
        name, _, birth = rest.partition(":")
        rows.append((source or "—", name or "—", birth or "—"))
    return Comparison("各证书库中的持证人信息", "姓名", "出生日期", rows) if rows else None


def comparisons(evidence: dict) -> list[Comparison]:
    found = (_declared_vs_registry(evidence), _periods(evidence), _variants(evidence))
    return [c for c in found if c is not None]
