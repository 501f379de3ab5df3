"""Screening pages: list of runs, a new run, a run with its progress and per-rule table."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from certguard.clues import selectors as clue_selectors
from certguard.clues.reference import RULE_NAMES
from certguard.core import exports
from certguard.core.errors import AppError, NotFound
from certguard.core.policy import allows, requires
from certguard.screening import selectors, services
from certguard.screening.forms import RunForm
from certguard.screening.inputs import KIND_LABELS, OUTSIDE_FILE, run_dir

# The columns of the engine's rejects file (rules.output.write_rejects), in Chinese.
REJECT_HEADER = ("文件", "行号", "列", "代码", "问题", "原值")


@requires("screening.view")
def run_list(request):
    page = Paginator(selectors.runs_for(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "screening/run_list.html", {
        "page": page, "query": {}, "can_start": selectors.can_start(user=request.user)})


@requires("screening.run")
def run_new(request):
    form = RunForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.run_create(
                by=request.user, uploads=form.uploads(),
                use_registry=form.cleaned_data["use_registry"],
                as_of=form.cleaned_data["as_of"], rules=form.cleaned_data["rules"],
                params=form.params(), title=form.cleaned_data["title"],
                on_bad_rows=form.cleaned_data["on_bad_rows"] or "error")
        except AppError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("screening:run", pk=run.pk)
    return render(request, "screening/run_form.html", {"form": form})


@requires("screening.run")
@require_POST
def run_retry(request, pk: int):
    """Start a failed run (e.g. its worker died) again from a clean state."""
    try:
        run = selectors.run_to_retry(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    try:
        services.run_retry(by=request.user, run=run)
    except AppError as exc:
        messages.error(request, exc.message)
    return redirect("screening:run", pk=run.pk)


def _run(request, pk: int):
    try:
        return selectors.run_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc


def _context(request, run) -> dict:
    visible = clue_selectors.clues_for(user=request.user).filter(
        source_kind="screening", source_id=run.pk).count()
    return {"run": run, "job": run.job, "visible_clues": visible,
            "can_retry": allows(request.user, "screening.run", run),
            "hidden_clues": max(run.clue_count - visible, 0),
            "inputs": [{**i, "label": KIND_LABELS.get(i["kind"], i["kind"])} for i in run.inputs],
            "rule_rows": [{**r, "label": RULE_NAMES.get(r["code"], r["name"])}
                          for r in run.rule_stats]}


@requires("screening.view")
def run_detail(request, pk: int):
    run = _run(request, pk)
    return render(request, "screening/run_detail.html", _context(request, run))


@requires("screening.view")
def run_rules(request, pk: int):
    """The per-rule table alone, polled by the run page until the run has finished."""
    run = _run(request, pk)
    return render(request, "screening/_run_rules.html", _context(request, run))


@requires("screening.view")
def run_outside(request, pk: int):
    """The clues the run found outside its runner's scope (not written), with the reason."""
    run = _run(request, pk)
    path = run_dir(run.pk) / OUTSIDE_FILE
    if run.status != run.Status.COMPLETE or not path.exists():
        raise Http404
    return exports.download(
        user=request.user, path=path, filename=f"screening-{run.pk}-outside.csv",
        export=exports.Export(object_type="screening.screeningrun", object_id=run.pk,
                              summary="下载不在本单位范围内未写入的线索",
                              data={"count": run.clues_outside}))


@requires("screening.view")
def run_rejects(request, pk: int):
    """The rows a run skipped as unusable (file, line, column, problem, value)."""
    run = _run(request, pk)
    path = run_dir(run.pk) / services.REJECTS_FILE
    if run.status != run.Status.COMPLETE or not path.exists():
        raise Http404
    records = exports.csv_records(path)
    next(records, None)  # the engine's English header: replaced by the Chinese one
    return exports.download(
        user=request.user, filename=f"screening-{run.pk}-rejects.csv",
        chunks=exports.csv_chunks(REJECT_HEADER, records),
        export=exports.Export(object_type="screening.screeningrun", object_id=run.pk,
                              summary="下载筛查跳过的有误数据行",
                              data={"bad_rows": run.bad_rows}))
