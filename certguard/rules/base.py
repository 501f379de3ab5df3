"""What a rule is: a code, its place in the contract, and a small SQL unit built per run."""

# ruff: noqa: S608 - SQL is built from code constants, spec column names and quoted
# literals; user text only ever reaches it through sql_str() / quote_ident().
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from certguard.rules.dialect import Dialect
from certguard.rules.params import Params


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a rule's SQL depends on besides the tables."""

    d: Dialect
    as_of: date
    params: Params
    available: frozenset[str]  # input tables that were given

    @property
    def as_of_sql(self) -> str:
        return f"DATE '{self.as_of.isoformat()}'"

    def on_post(self, alias: str = "r") -> str:
        a = self.as_of_sql
        return (f"({alias}.on_post_from <= {a} AND "
                f"({alias}.on_post_to IS NULL OR {alias}.on_post_to >= {a}))")


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: str
    # The rule runs when every table of ``needs`` and at least one of ``needs_any`` is given.
    needs: tuple[str, ...]
    build: Callable[[Context], str]
    needs_any: tuple[str, ...] = ()

    def missing(self, available: frozenset[str]) -> list[str]:
        missing = [t for t in self.needs if t not in available]
        if self.needs_any and not any(t in available for t in self.needs_any):
            missing.append(" 或 ".join(self.needs_any))
        return missing


RULES: dict[str, Rule] = {}


def rule(code: str, name: str, severity: str, *, needs: Sequence[str],
         needs_any: Sequence[str] = ()) -> Callable[[Callable[[Context], str]], Rule]:
    def register(build: Callable[[Context], str]) -> Rule:
        RULES[code] = Rule(code, name, severity, tuple(needs), build, tuple(needs_any))
        return RULES[code]
    return register


def clue(ctx: Context, code: str, *, subject: str, source: str, detail: str,
         evidence: Sequence[tuple[str, str]], severity: str | None = None,
         cert_no: str = "NULL", id_no: str = "NULL", name: str = "NULL",
         employer_code: str = "NULL", institution_code: str = "NULL",
         exam_center_code: str = "NULL", ctes: Sequence[tuple[str, str]] = ()) -> str:
    """One SELECT producing clue rows in the contract's column order. ``ctes`` are named
    steps used more than once (DuckDB computes such a step once instead of per reference)."""
    sev = severity or RULES[code].severity
    keys = (("cert_no", cert_no), ("id_no", id_no), ("name", name),
            ("employer_code", employer_code), ("institution_code", institution_code),
            ("exam_center_code", exam_center_code))
    cols = ", ".join(f"CAST({expr} AS STRING) AS {col}" for col, expr in keys)
    with_ = ("WITH " + ", ".join(f"{name} AS ({sql})" for name, sql in ctes) + " ") if ctes else ""
    return (f"{with_}SELECT DISTINCT '{code}' AS rule, '{sev}' AS severity, "
            f"'{subject}' AS subject, "
            f"{cols}, {detail} AS detail, {ctx.d.json_object(evidence)} AS evidence {source}")


def union(parts: Sequence[str]) -> str:
    return "\nUNION ALL\n".join(f"SELECT * FROM ({p}) AS part_{i}" for i, p in enumerate(parts))
