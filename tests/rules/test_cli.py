"""certguard screen / certguard synth: thin commands, exit 2 with file, line and column."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from certguard.screening.management.commands.screen import Command as ScreenCommand
from certguard.synth.management.commands.synth import Command as SynthCommand
from tests.rules.conftest import cert, read_clues, worker, write_csv

# The screen command reads R12's minimum hours from the platform's catalogue.
pytestmark = pytest.mark.django_db


def _call(command, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_screen_shows_progress_and_a_table(tmp_path: Path) -> None:
    certs = write_csv(tmp_path / "c.csv", [cert()])
    roster = write_csv(tmp_path / "r.csv", [worker(cert_no="T1")])
    out = tmp_path / "clues.csv"
    text = _call(ScreenCommand(), "--certificates", str(certs), "--roster", str(roster),
                 "--out", str(out), "--as-of", "2024-06-01", "--rules", "R01,R12",
                 "--param", "outlier_z=2")
    assert "[1/2] R01 线索 1 条" in text
    assert "R12" in text and "跳过：缺少 training" in text
    assert [c["rule"] for c in read_clues(out)] == ["R01"]


def test_screen_bad_input_exits_2_naming_file_line_column(tmp_path: Path) -> None:
    certs = write_csv(tmp_path / "c.csv", [cert(), cert(cert_no="T2", valid_from="2020-13-01")])
    with pytest.raises(CommandError) as caught:
        _call(ScreenCommand(), "--certificates", str(certs), "--out", str(tmp_path / "o.csv"))
    assert caught.value.returncode == 2
    assert "c.csv" in str(caught.value) and "第3行" in str(caught.value)
    assert "valid_from" in str(caught.value)
    assert not (tmp_path / "o.csv").exists()


def test_screen_input_too_large_for_memory_exits_2_naming_the_file(tmp_path: Path) -> None:
    _call(SynthCommand(), "--out", str(tmp_path / "in"), "--certificates", "5000",
          "--format", "csv")
    certs = tmp_path / "in" / "certificates.csv"
    with pytest.raises(CommandError) as caught:
        _call(ScreenCommand(), "--certificates", str(certs), "--out", str(tmp_path / "o.csv"),
              "--memory-limit", "1MB")
    assert caught.value.returncode == 2
    assert "[E_TOO_LARGE]" in str(caught.value) and str(certs) in str(caught.value)
    assert not (tmp_path / "o.csv").exists()


def test_screen_bad_param_exits_2(tmp_path: Path) -> None:
    certs = write_csv(tmp_path / "c.csv", [cert()])
    with pytest.raises(CommandError) as caught:
        _call(ScreenCommand(), "--certificates", str(certs), "--out", str(tmp_path / "o.csv"),
              "--param", "nope=1")
    assert caught.value.returncode == 2 and "nope" in str(caught.value)


def test_synth_then_check_reports_perfect_scores(tmp_path: Path) -> None:
    text = _call(SynthCommand(), "--out", str(tmp_path), "--certificates", "3000",
                 "--roster", "1000", "--training", "500", "--exams", "600", "--seed", "9",
                 "--format", "csv")
    assert "certificates" in text
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    out = tmp_path / "clues.parquet"
    _call(ScreenCommand(), *[a for name in ("certificates", "roster", "training", "exams")
                             for a in (f"--{name}", str(tmp_path / f"{name}.csv"))],
          "--out", str(out), "--as-of", manifest["as_of"])
    report = _call(SynthCommand(), "--check", str(out))
    scores = json.loads(report.strip().splitlines()[-1])["scores"]
    assert len(scores) == 17
    assert all(s["precision"] == 1.0 and s["recall"] == 1.0 for s in scores)


def test_synth_check_without_truth_exits_2(tmp_path: Path) -> None:
    clues = write_csv(tmp_path / "clues.csv", [{"rule": "R01"}])
    with pytest.raises(CommandError) as caught:
        _call(SynthCommand(), "--check", str(clues))
    assert caught.value.returncode == 2
