"""Precision and recall per rule of a clue file against a synth truth file."""

# ruff: noqa: S608 - SQL is built from code constants, spec column names and quoted
# literals; user text only ever reaches it through sql_str() / quote_ident().
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from certguard.rules.readers import sql_str

KEYS = ("cert_no", "id_no", "employer_code", "institution_code", "exam_center_code")


@dataclass(frozen=True, slots=True)
class RuleScore:
    rule: str
    clues: int  # distinct clue keys the engine reported
    truth: int  # distinct keys the truth file expects
    matched: int

    @property
    def precision(self) -> float:
        return self.matched / self.clues if self.clues else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.truth if self.truth else 1.0

    def as_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "clues": self.clues, "truth": self.truth,
                "matched": self.matched, "precision": round(self.precision, 6),
                "recall": round(self.recall, 6)}


def _source(path: Path) -> str:
    if path.name.lower().endswith((".parquet", ".pq")):
        return f"read_parquet({sql_str(str(path))})"
    return f"read_csv({sql_str(str(path))}, header = true, all_varchar = true)"


def _keys(path: Path) -> str:
    cols = ", ".join(f"coalesce(CAST({k} AS VARCHAR), '') AS {k}" for k in KEYS)
    return f"(SELECT DISTINCT rule, {cols} FROM {_source(path)})"


def check(*, clues: str | Path, truth: str | Path) -> list[RuleScore]:
    """Scores per rule, matching clue and truth rows on (rule, cert_no, id_no, employer_code,
    institution_code, exam_center_code); names are not part of the key (R04 changes them)."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    try:
        on = " AND ".join(f"c.{k} = t.{k}" for k in KEYS)
        rows = con.execute(f"""
            WITH c AS {_keys(Path(clues))}, t AS {_keys(Path(truth))},
            r AS (SELECT rule FROM c UNION SELECT rule FROM t)
            SELECT r.rule,
              (SELECT count(*) FROM c WHERE c.rule = r.rule),
              (SELECT count(*) FROM t WHERE t.rule = r.rule),
              (SELECT count(*) FROM c JOIN t ON c.rule = t.rule AND {on} WHERE c.rule = r.rule)
            FROM r ORDER BY r.rule""").fetchall()
    finally:
        con.close()
    return [RuleScore(*row) for row in rows]
