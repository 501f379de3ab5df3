"""A screening run end to end: files in, a job with progress, clues in the inbox; or a clean
failure that leaves nothing behind."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from certguard.clues.models import Clue
from certguard.core.models import Job
from certguard.rules import screen
from certguard.screening import services
from certguard.screening.inputs import run_dir
from certguard.screening.models import ScreeningRun
from tests.screening.conftest import upload


def _start(cast, capture, by=None, **kwargs) -> ScreeningRun:
    with capture(execute=True):
        run = services.run_create(by=by or cast.inspector_city, **kwargs)
    run.refresh_from_db()
    run.job.refresh_from_db()
    return run


def test_full_run_loads_every_clue_of_the_screen_result(cast, synth_files, tmp_path,
                                                        django_capture_on_commit_callbacks):
    # The synthetic world spans the country: a national-scope runner keeps every clue.
    uploads = {k: upload(p) for k, p in synth_files.files.items()}
    run = _start(cast, django_capture_on_commit_callbacks, by=cast.admin, uploads=uploads,
                 as_of=synth_files.as_of, title="九月比对")
    assert run.job.status == Job.Status.SUCCEEDED, run.job.error
    assert (run.status, run.job.percent) == (ScreeningRun.Status.COMPLETE, 100)
    from certguard.catalog.services import min_training_hours

    expected = screen({k: str(p) for k, p in synth_files.files.items()},
                      out=tmp_path / "clues.parquet", as_of=synth_files.as_of,
                      catalogue_min_hours=min_training_hours())
    saved = Counter(Clue.objects.filter(source_kind="screening", source_id=run.pk)
                    .values_list("rule", flat=True))
    assert dict(saved) == {k: v for k, v in expected.counts().items() if v}
    assert run.clue_count == expected.clue_count
    assert {r["code"]: r["clues"] for r in run.rule_stats} == {
        r.code: r.clues for r in expected.rules}
    fingerprints = {i["kind"]: i["sha256"] for i in run.inputs}
    for kind, path in synth_files.files.items():
        assert fingerprints[kind] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert run.job.result["线索数"] == expected.clue_count
    assert run.clues_outside == 0


def test_a_city_run_keeps_its_own_clues_and_reports_the_rest(
        cast, synth_files, django_capture_on_commit_callbacks):
    uploads = {k: upload(p) for k, p in synth_files.files.items()}
    run = _start(cast, django_capture_on_commit_callbacks, uploads=uploads,
                 as_of=synth_files.as_of)
    assert run.status == ScreeningRun.Status.COMPLETE
    total = sum(r["clues"] for r in run.rule_stats)
    assert run.clues_outside > 0 and run.clue_count + run.clues_outside == total
    placed = Clue.objects.filter(source_id=run.pk).exclude(region__isnull=True)
    assert all(c.region_id.startswith("1405") for c in placed)
    outside = (run_dir(run.pk) / "clues.outside.csv").read_text(encoding="utf-8-sig")
    assert len(outside.splitlines()) == run.clues_outside + 1


def test_rules_without_their_inputs_are_skipped_and_say_why(
        cast, synth_files, django_capture_on_commit_callbacks):
    run = _start(cast, django_capture_on_commit_callbacks,
                 uploads={"certificates": upload(synth_files.files["certificates"])},
                 as_of=synth_files.as_of, rules=["R03", "R04"], params={"outlier_z": "2.5"})
    stats = {r["code"]: r for r in run.rule_stats}
    assert stats["R03"]["status"] == "ok"
    assert stats["R04"]["status"] == "skipped" and stats["R04"]["missing"] == ["roster"]
    assert run.params == {"outlier_z": "2.5"} and run.rules == ["R03", "R04"]


def test_missing_column_fails_the_run_and_saves_no_clue(cast, tmp_path,
                                                         django_capture_on_commit_callbacks):
    bad = tmp_path / "证书.csv"
    bad.write_text("cert_no,id_no,family,item_code,issuer_code,first_issued,valid_from,"
                   "valid_until,status\nT1,110101199003077777,special_ops,1.1,140000-YJ,"
                   "2020-01-01,2020-01-01,2026-01-01,valid\n", encoding="utf-8")
    run = _start(cast, django_capture_on_commit_callbacks, uploads={"certificates": upload(bad)})
    assert run.job.status == Job.Status.FAILED and run.job.result is None
    assert "缺少必填列 name" in run.job.error and "证书.csv" in run.job.error
    assert str(run_dir(run.pk)) not in run.job.error  # no server paths in messages
    assert run.status == ScreeningRun.Status.FAILED and run.error == run.job.error
    assert not Clue.objects.filter(source_kind="screening", source_id=run.pk).exists()
    assert not (run_dir(run.pk) / services.CLUE_FILE).exists()


def test_failure_while_saving_clues_leaves_none(cast, synth_files, monkeypatch,
                                                django_capture_on_commit_callbacks):
    from certguard.clues import services as clue_services

    real = clue_services.insert_clues
    calls = []

    def flaky(rows):
        calls.append(1)
        if len(calls) > 1:  # the first batch is written, then the disk fills up
            raise RuntimeError("disk full")
        return real(rows)

    monkeypatch.setattr(clue_services, "insert_clues", flaky)
    monkeypatch.setattr(clue_services, "BATCH", 5)
    uploads = {k: upload(p) for k, p in synth_files.files.items()}
    run = _start(cast, django_capture_on_commit_callbacks, by=cast.admin, uploads=uploads,
                 as_of=synth_files.as_of)
    assert run.job.status == Job.Status.FAILED and "内部错误" in run.job.error
    assert run.status == ScreeningRun.Status.FAILED
    assert len(calls) == 2
    assert not Clue.objects.filter(source_id=run.pk).exists()


@pytest.mark.parametrize("kwargs, code", [
    ({"uploads": {}}, "certificates_required"),
    ({"uploads": {}, "params": {"outlier_z": "many"}}, "params_invalid"),
    ({"uploads": {}, "rules": ["R99"]}, "rules_unknown"),
])
def test_bad_requests_are_refused_before_any_job(cast, kwargs, code):
    from certguard.core.errors import AppError

    with pytest.raises(AppError) as error:
        services.run_create(by=cast.inspector_a, **kwargs)
    assert error.value.code == code
    assert not ScreeningRun.objects.exists()


@pytest.mark.parametrize("who", ["user_x", "police", "issuer"])
def test_only_analysts_inspectors_and_admins_start_runs(cast, who):
    from certguard.core.errors import Forbidden

    with pytest.raises(Forbidden):
        services.run_create(by=getattr(cast, who), uploads={}, use_registry=True)


def test_bad_rows_can_be_skipped_and_listed(cast, tmp_path, client,
                                            django_capture_on_commit_callbacks):
    from certguard import ids

    good = ids.make_id_no("140521", __import__("datetime").date(1985, 3, 14), 31)
    certs = tmp_path / "certs.csv"
    certs.write_text(
        "cert_no,id_no,name,family,item_code,issuer_code,first_issued,valid_from,valid_until,"
        "status\n"
        f"T{good},{good},李建国,special_ops,1.1,140000-YJ,2020-01-01,2020-01-01,2026-01-01,"
        "valid\n"
        f"T{good},{good},李建国,special_ops,1.2,140000-YJ,2020-13-01,2020-01-01,2026-01-01,"
        "valid\n", encoding="utf-8")
    run = _start(cast, django_capture_on_commit_callbacks, uploads={"certificates": upload(certs)},
                 on_bad_rows="report", as_of=__import__("datetime").date(2024, 9, 1))
    assert run.status == ScreeningRun.Status.COMPLETE, run.error
    assert run.bad_rows == 1
    client.force_login(cast.inspector_city)
    response = client.get(f"/screening/runs/{run.pk}/rejects.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "first_issued" in text and "2020-13-01" in text
    assert text.startswith("文件,行号,列,代码,问题,原值")  # through core.exports, audited
    from certguard.core.models import AuditEntry
    assert AuditEntry.objects.filter(action="export", object_type="screening.screeningrun",
                                     object_id=str(run.pk)).exists()
    client.force_login(cast.inspector_b)
    assert client.get(f"/screening/runs/{run.pk}/rejects.csv").status_code == 404
