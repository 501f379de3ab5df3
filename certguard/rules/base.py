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
class Step:
    """A relation that several rules read, computed once per run from the inputs (before the
    rules), instead of once in each rule's query."""

    name: str
    needs: tuple[str, ...]  # the inputs it is made from
    sql: str


# The registry rows of the certificate numbers that the roster declares: the rules that look up
# the roster's certificates by number join these (about one row per roster row) instead of the
# whole registry, which is then read once per run rather than once per rule. Only the columns
# those rules use (reading every column of the registry costs half as much again).
DECLARED_CERTIFICATES = Step(
    "declared_certificates", ("roster", "certificates"),
    "SELECT cert_no, id_no, name, valid_until, review_due, last_review, status "
    "FROM certificates WHERE cert_no IN (SELECT cert_no FROM roster WHERE cert_no IS NOT NULL)")


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: str
    # The rule runs when every table of ``needs`` and at least one of ``needs_any`` is given.
    needs: tuple[str, ...]
    build: Callable[[Context], str]
    needs_any: tuple[str, ...] = ()
    reads: tuple[Step, ...] = ()  # shared steps its SQL may read (made when their inputs are)

    def missing(self, available: frozenset[str]) -> list[str]:
        missing = [t for t in self.needs if t not in available]
        if self.needs_any and not any(t in available for t in self.needs_any):
            missing.append(" 或 ".join(self.needs_any))
        return missing


RULES: dict[str, Rule] = {}


def rule(code: str, name: str, severity: str, *, needs: Sequence[str],
         needs_any: Sequence[str] = (), reads: Sequence[Step] = ()
         ) -> Callable[[Callable[[Context], str]], Rule]:
    def register(build: Callable[[Context], str]) -> Rule:
        RULES[code] = Rule(code, name, severity, tuple(needs), build, tuple(needs_any),
                           tuple(reads))
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


# Middle dots that separate the parts of a transcribed name (阿依古丽·买买提): people and
# input methods type any of these; they compare equal (as U+00B7) wherever names are compared.
NAME_DOTS = "\u2022\u30fb\u2027\u2219\u22c5\uff65\u0387\u2e31\u318d\u2024\u00b7"
_MIDDLE_DOTS = "\u00b7" * len(NAME_DOTS)


def name_key(expr: str) -> str:
    """A name with every middle-dot variant made U+00B7 (for comparisons only; clue text keeps
    the name as written)."""
    return f"translate({expr}, '{NAME_DOTS}', '{_MIDDLE_DOTS}')"


def id_key(d: Dialect, expr: str) -> str:
    """An ID number in the form that identifies a person: a 15-digit legacy number becomes its
    18-character form (century 19 inserted, check character computed), so a roster's 18-digit
    number and a registry's 15-digit number of the same person compare equal."""
    from certguard import ids

    first17 = f"(substr({expr}, 1, 6) || '19' || substr({expr}, 7, 9))"
    terms = " + ".join(f"{d.to_int(f'substr({first17}, {i + 1}, 1)')} * {w}"
                       for i, w in enumerate(ids.ID_WEIGHTS))
    check = f"substr('{ids.ID_CHECK_CHARS}', (({terms}) % 11) + 1, 1)"
    return f"(CASE WHEN length({expr}) = 15 THEN {first17} || {check} ELSE {expr} END)"


def union(parts: Sequence[str]) -> str:
    return "\nUNION ALL\n".join(f"SELECT * FROM ({p}) AS part_{i}" for i, p in enumerate(parts))
