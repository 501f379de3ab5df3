"""synth -> screen -> check: every rule finds every planted case and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from certguard.catalog.reference import min_training_hours
from certguard.rules import screen
from certguard.synth.check import check
from certguard.synth.generate import generate

ALL_RULES = {f"R{i:02d}" for i in range(1, 18)}


@pytest.mark.parametrize(("seed", "fmt"), [(1, "csv"), (2, "parquet")])
def test_precision_and_recall_are_one_for_every_rule(tmp_path: Path, seed: int, fmt: str) -> None:
    made = generate(out_dir=tmp_path, certificates=4000, roster=1500, training=800, exams=900,
                    seed=seed, fmt=fmt)
    assert set(made.planted) == ALL_RULES
    out = tmp_path / "clues.csv"
    result = screen(made.files, out=out, as_of=made.as_of,
                    catalogue_min_hours=min_training_hours())
    scores = {s.rule: s for s in check(clues=out, truth=made.truth)}
    assert set(scores) == ALL_RULES
    for rule, score in scores.items():
        assert (rule, score.precision, score.recall) == (rule, 1.0, 1.0), score.as_dict()
    assert sum(result.counts().values()) == sum(s.clues for s in scores.values())


def test_same_seed_same_files(tmp_path: Path) -> None:
    first = generate(out_dir=tmp_path / "a", certificates=500, roster=200, seed=5, fmt="csv")
    second = generate(out_dir=tmp_path / "b", certificates=500, roster=200, seed=5, fmt="csv")
    for name, path in first.files.items():
        assert path.read_bytes() == second.files[name].read_bytes()
    assert first.truth.read_bytes() == second.truth.read_bytes()


def test_same_seed_same_files_when_built_in_chunks_on_several_threads(tmp_path: Path) -> None:
    """Above 262,144 rows the work is split into chunks run on two threads: still the same."""
    sizes = {"certificates": 600_000, "roster": 20_000, "training": 5000, "exams": 5000}
    first = generate(out_dir=tmp_path / "a", seed=6, **sizes)
    second = generate(out_dir=tmp_path / "b", seed=6, **sizes)
    for name, path in first.files.items():
        assert path.read_bytes() == second.files[name].read_bytes(), name
    assert first.truth.read_bytes() == second.truth.read_bytes()


def test_about_three_percent_of_roster_rows_carry_a_fake(tmp_path: Path) -> None:
    made = generate(out_dir=tmp_path, certificates=20_000, roster=10_000, seed=3)
    import duckdb

    fakes = duckdb.sql(f"SELECT count(DISTINCT fraud_id) FROM read_csv('{made.truth}') "
                       "WHERE kind LIKE 'K%'").fetchall()[0][0]
    assert 0.025 <= fakes / made.rows["roster"] <= 0.035
