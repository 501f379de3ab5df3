"""Screening runs: start one (uploaded files or the platform's registry) as a background job;
the job screens, then loads the clue file into the inbox in one transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from certguard.core.errors import AppError
from certguard.core.jobs import job_start
from certguard.core.policy import require
from certguard.core.scoping import UserLike, actor_of
from certguard.screening import inputs as files
from certguard.screening.models import ScreeningRun

CLUE_FILE = "clues.parquet"
REJECTS_FILE = "clues.rejects.csv"  # rules.output.rejects_path of CLUE_FILE
REGISTRY_FILE = "registry-certificates.parquet"


def _check_rules_and_params(rules: Sequence[str], params: Mapping[str, str]) -> None:
    from certguard.rules.base import RULES
    from certguard.rules.params import ParamError, parse_params

    unknown = [r for r in rules if r not in RULES]
    if unknown:
        raise AppError("rules_unknown", f"未知规则：{'、'.join(unknown)}",
                       fields={"rules": ["未知规则"]})
    try:
        parse_params(dict(params))
    except ParamError as exc:
        raise AppError("params_invalid", str(exc), fields={"params": [str(exc)]}) from exc


@transaction.atomic
def run_create(*, by: UserLike, uploads: Mapping[str, object], use_registry: bool = False,
               as_of: date | None = None, rules: Sequence[str] = (),
               params: Mapping[str, str] | None = None, title: str = "",
               on_bad_rows: str = "error") -> ScreeningRun:
    """Store the files, record the run with its parameters, start the job (after commit)."""
    require(by, "screening.run")
    rules, params = sorted({r.strip().upper() for r in rules if r.strip()}), dict(params or {})
    _check_rules_and_params(rules, params)
    given = {k: v for k, v in uploads.items() if v is not None and k in files.KINDS}
    if use_registry and "certificates" in given:
        raise AppError("certificates_twice", "请上传证书数据文件，或选择使用平台证书库，二者择一",
                       fields={"certificates": ["二者择一"]})
    if not use_registry and "certificates" not in given:
        raise AppError("certificates_required", "必须提供证书数据：上传文件或使用平台证书库",
                       fields={"certificates": ["必须提供证书数据"]})
    for upload in given.values():
        files.check_name(upload.name)
    actor = actor_of(by)
    run = ScreeningRun.objects.create(
        owner_id=actor.user_id, organisation_id=actor.organisation_id, title=title[:200],
        source=ScreeningRun.Source.REGISTRY if use_registry else ScreeningRun.Source.UPLOAD,
        as_of=as_of or timezone.localdate(), rules=rules, params=params,
        on_bad_rows="report" if on_bad_rows == "report" else "error")
    run.inputs = [files.store_upload(run_id=run.pk, kind=k, upload=v)
                  for k, v in sorted(given.items())]
    run.job = job_start(kind="screening_run", title=f"交叉比对筛查 #{run.pk}", owner=by,
                        organisation_id=actor.organisation_id, params={"run_id": run.pk})
    run.save(update_fields=["inputs", "job", "updated_at"])
    return run


def run_inputs(run: ScreeningRun) -> dict[str, Path]:
    return {item["kind"]: Path(item["path"]) for item in run.inputs}


def run_mark_failed(*, run: ScreeningRun, message: str) -> None:
    """The run ends failed with its reason; whatever clue file the engine left is removed."""
    for name in (CLUE_FILE, REJECTS_FILE):
        (files.run_dir(run.pk) / name).unlink(missing_ok=True)
    run.status, run.error, run.finished_at = (ScreeningRun.Status.FAILED, message[:4000],
                                              timezone.now())
    run.save(update_fields=["status", "error", "finished_at", "updated_at"])


def run_job_lost(*, job_id: int, reason: str) -> bool:
    """The run's worker died mid-job: the run ends failed with the reason (the clue file is
    loaded in one transaction at the end, so no clue of it is in the inbox). False when the
    run had already completed (the worker died just after)."""
    runs = ScreeningRun.objects.filter(job_id=job_id)
    unfinished = list(runs.filter(
        status__in=(ScreeningRun.Status.PENDING, ScreeningRun.Status.RUNNING)))
    for run in unfinished:
        run_mark_failed(run=run, message=reason)
    return bool(unfinished) or not runs.exists()


@transaction.atomic
def run_retry(*, by: object, run: ScreeningRun) -> ScreeningRun:
    """Start a failed run again from a clean state: the same stored inputs and parameters,
    no clue file, no rule results of the failed attempt."""
    require(by, "screening.run", run)
    run = ScreeningRun.objects.select_for_update().get(pk=run.pk)
    if run.status != ScreeningRun.Status.FAILED:
        raise AppError("run_not_failed", "只有失败的筛查批次可以重新运行")
    missing = [item["name"] for item in run.inputs if not Path(item["path"]).is_file()]
    if missing:
        raise AppError("run_inputs_missing",
                       f"输入文件已不在服务器上（{'、'.join(missing)}），请重新发起筛查")
    for name in (CLUE_FILE, REJECTS_FILE):
        (files.run_dir(run.pk) / name).unlink(missing_ok=True)
    actor = actor_of(by)
    run.status, run.error, run.finished_at = ScreeningRun.Status.PENDING, "", None
    run.rule_stats, run.clue_count, run.clues_outside, run.bad_rows, run.seconds = [], 0, 0, 0, None
    run.job = job_start(kind="screening_run", title=f"交叉比对筛查 #{run.pk}（重新运行）",
                        owner=by, organisation_id=actor.organisation_id,
                        params={"run_id": run.pk})
    run.save()
    return run
