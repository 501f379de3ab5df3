"""Screening parameters (spec: Parameters) and their parsing from ``name=value`` strings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace


class ParamError(ValueError):
    """A --param that is unknown or has an unusable value (message in Chinese, with the name)."""


@dataclass(frozen=True, slots=True)
class Params:
    retirement_age_male: int = 60
    retirement_age_female: int = 50
    # Overrides on top of the catalogue minimums the caller passes to screen().
    min_training_hours: Mapping[str, float] = field(default_factory=dict)
    exam_validity_months: int = 12
    min_exam_minutes: float = 20.0
    outlier_z: float = 3.0
    outlier_min_sittings: int = 30


def _parse_hours(text: str) -> dict[str, float]:
    hours: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        item, sep, value = part.rpartition(":")
        if not sep or not item:
            raise ParamError("min_training_hours 的格式应为 ITEM:HOURS[,ITEM:HOURS…]，"
                             f"实际为 {part}")
        try:
            hours[item.strip()] = float(value)
        except ValueError as exc:
            raise ParamError(f"min_training_hours 中 {item} 的学时不是数字：{value}") from exc
    return hours


def parse_params(pairs: Iterable[str] | Mapping[str, str], *, base: Params | None = None) -> Params:
    """``["outlier_z=2.5", "min_training_hours=1.2:40"]`` (or a mapping) to Params."""
    items = pairs.items() if isinstance(pairs, Mapping) else (_split(p) for p in pairs)
    kinds = {f.name: f.type for f in fields(Params)}
    changes: dict[str, object] = {}
    for name, value in items:
        if name not in kinds:
            raise ParamError(f"未知参数 {name}（可用：{', '.join(kinds)}）")
        if name == "min_training_hours":
            changes[name] = _parse_hours(str(value))
            continue
        caster = int if kinds[name] == "int" else float
        try:
            changes[name] = caster(value)
        except ValueError as exc:
            raise ParamError(f"参数 {name} 的值应为数字，实际为 {value}") from exc
    return replace(base or Params(), **changes)


def _split(pair: str) -> tuple[str, str]:
    name, sep, value = pair.partition("=")
    if not sep:
        raise ParamError(f"参数应写成 name=value，实际为 {pair}")
    return name.strip(), value.strip()
