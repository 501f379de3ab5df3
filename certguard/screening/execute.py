"""The body of a screening job: screen the inputs, then load the clue set in one transaction.

A run is marked complete only together with its clues; on any failure it is marked failed,
its clue file is removed and no clue of it remains."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.utils import timezone

from certguard.core.errors import AppError
from certguard.core.scoping import COMMAND_LINE
from certguard.screening import inputs as files
from certguard.screening.models import ScreeningRun
from certguard.screening.progress import ProgressMapper
from certguard.screening.services import CLUE_FILE, REGISTRY_FILE, run_inputs, run_mark_failed


def _registry_input(run: ScreeningRun) -> None:
    from certguard.screening.registry_export import export_registry_certificates

    path = files.run_dir(run.pk) / REGISTRY_FILE
    export_registry_certificates(user=run.owner, path=path)
    run.inputs = [files.describe(kind="certificates", name="平台证书库", path=path),
                  *[i for i in run.inputs if i["kind"] != "certificates"]]
    run.save(update_fields=["inputs", "updated_at"])


def _input_message(exc: Exception, run: ScreeningRun) -> str:
    """The engine's message, naming the uploaded file as the user called it."""
    message = str(exc)
    for item in run.inputs:
        message = message.replace(item["path"], f"{files.KIND_LABELS[item['kind']]}文件 "
                                                f"{item['name']}")
    return message


def _screen(run: ScreeningRun, mapper: ProgressMapper):
    from certguard.catalog.services import min_training_hours
    from certguard.rules import screen

    return screen({k: str(v) for k, v in run_inputs(run).items()},
                  out=files.run_dir(run.pk) / CLUE_FILE, as_of=run.as_of,
                  rules=run.rules or None, params=run.params or None,
                  catalogue_min_hours=min_training_hours(), engine=run.engine,
                  progress=mapper, on_bad_rows=run.on_bad_rows)


def _rule_stats(result) -> list[dict]:
    return [{"code": r.code, "name": r.name, "status": r.status, "clues": r.clues,
             "seconds": round(r.seconds, 3), "missing": list(r.missing)} for r in result.rules]


def _save_clues(run: ScreeningRun, result, mapper: ProgressMapper) -> dict[str, int]:
    from certguard.clues.services import clue_bulk_create
    from certguard.screening.hints import clue_hints

    out = Path(result.out)
    hints = clue_hints(clues=out, inputs=run_inputs(run))
    with transaction.atomic():
        runner = run.owner if run.owner_id else COMMAND_LINE
        intake = clue_bulk_create(by=runner, path=out, source_kind="screening",
                                  source_id=run.pk, organisation_id=run.organisation_id,
                                  hints=hints, progress=mapper.saving)
        counts = intake.counts
        files.write_outside(run.pk, intake.rejected)
        run.status, run.finished_at = ScreeningRun.Status.COMPLETE, timezone.now()
        run.rule_stats, run.clue_count = _rule_stats(result), intake.written
        run.clues_outside = len(intake.rejected)
        run.seconds = round(result.total_seconds, 3)
        run.bad_rows = result.skipped_rows  # rejected rows and identical copies, all listed
        run.save(update_fields=["status", "finished_at", "rule_stats", "clue_count", "seconds",
                                "bad_rows", "clues_outside", "updated_at"])
    return counts


def run_execute(*, run_id: int, progress) -> dict:
    from certguard.rules import InputError, ParamError

    run = ScreeningRun.objects.select_related("owner").get(pk=run_id)
    run.status = ScreeningRun.Status.RUNNING
    run.save(update_fields=["status", "updated_at"])
    mapper = ProgressMapper(progress)
    try:
        if run.source == ScreeningRun.Source.REGISTRY:
            progress(0, 100, "正在导出平台证书库")
            _registry_input(run)
        result = _screen(run, mapper)
        counts = _save_clues(run, result, mapper)
    except InputError as exc:
        message = "输入数据有误，筛查未完成：" + _input_message(exc, run)
        run_mark_failed(run=run, message=message)
        raise AppError(f"screening_{exc.code.lower()}", message) from exc
    except ParamError as exc:
        run_mark_failed(run=run, message=f"参数有误：{exc}")
        raise AppError("screening_param", f"参数有误：{exc}") from exc
    except AppError as exc:
        run_mark_failed(run=run, message=exc.message)
        raise
    except Exception:
        run_mark_failed(run=run, message="筛查失败（内部错误），已记录，请联系管理员")
        raise
    return {"筛查批次": run.pk, "线索数": sum(counts.values()),
            "运行规则": sum(1 for r in run.rule_stats if r["status"] == "ok"),
            "跳过规则": sum(1 for r in run.rule_stats if r["status"] == "skipped")}
