"""Thin pages: the checklist answers of one upload, and downloads of the official tables."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from certguard.core.errors import AppError
from certguard.core.policy import allows, requires
from certguard.core.scoping import UserLike
from certguard.selfcheck import official_fill, selectors
from certguard.selfcheck.models import RosterUpload
from certguard.selfcheck.official.data import CHECKLIST
from certguard.selfcheck.official.layout import CHECKLIST_FORM, MANAGEMENT_FORM, REGISTER

TABLE_NAMES = {"register": REGISTER, "checklist": CHECKLIST_FORM, "management": MANAGEMENT_FORM}
DETAILS = ("principal", "contact", "phone", "project", "period", *official_fill.COUNT_FIELDS)


def _upload(request, pk: int) -> RosterUpload:
    upload = selectors.upload_for(user=request.user, pk=pk)
    if upload is None or upload.status != RosterUpload.Status.VERIFIED:
        raise Http404
    return upload


def _posted_checklist(post) -> list[dict[str, str]]:
    return [{k: post.get(f"{k}_{i}", "") for k in ("situation", "problems", "measures")}
            for i in range(len(CHECKLIST))]


@requires("selfcheck.view", post="selfcheck.file")
def official_form(request, pk: int):
    upload = _upload(request, pk)
    if request.method == "POST":
        try:
            official_fill.official_answers_save(
                by=request.user, upload=upload, checklist=_posted_checklist(request.POST),
                details={k: request.POST.get(k, "") for k in DETAILS})
            messages.success(request, "自查表已保存")
        except AppError as exc:
            messages.error(request, exc.message)
        return redirect("selfcheck:official", pk=upload.pk)
    data = official_fill.official_data(upload=upload)
    answers = official_fill.answers_of(upload)
    items = [(i, text, data.checked(i), data.answer(i)) for i, text in enumerate(CHECKLIST)]
    ledger = official_fill.ledger_counts(upload=upload,
                                         results=official_fill.worker_results(upload))
    offered = official_fill.applicable_tables(upload=upload)
    return render(request, "selfcheck/official.html", {
        "upload": upload, "data": data, "answers": answers, "items": items,
        "figures": data.figures, "tables": [(k, TABLE_NAMES[k]) for k in offered],
        "ledger_counts": ledger, "can_edit": allows(request.user, "selfcheck.file", upload)})


def table_file(*, user: UserLike, upload: RosterUpload, table: str, fmt: str) -> object:
    """One official table of the upload as a download (the page and the API serve the same
    file) with its audit entry; raises AppError when it cannot be written."""
    return official_fill.official_download(user=user, upload=upload, table=table, fmt=fmt)


@requires("selfcheck.view")
def official_download(request, pk: int, table: str, fmt: str):
    upload = _upload(request, pk)
    if table not in TABLE_NAMES or fmt not in official_fill.FORMATS:
        raise Http404
    try:
        return table_file(user=request.user, upload=upload, table=table, fmt=fmt)
    except AppError as exc:
        messages.error(request, exc.message)
        return redirect("selfcheck:official", pk=upload.pk)
