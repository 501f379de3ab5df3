"""The issuing officer's screens: list, detail with history, and one form per workflow.

Views only translate: form → service call → redirect, or the service's AppError back onto the
form (the services run in one transaction, so a refusal leaves nothing half-saved)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from certguard.catalog.models import Family
from certguard.catalog.services import item_names
from certguard.core.errors import AppError
from certguard.core.filters import page_filters
from certguard.core.policy import requires
from certguard.core.scoping import actor_of
from certguard.orgs.models import Organisation
from certguard.orgs.reference import DEPARTMENTS
from certguard.registry import issuer_forms as f
from certguard.registry import selectors, services
from certguard.registry.filters import CertificateFilterSet
from certguard.registry.lifecycle import STATUS_LABELS


@dataclass(frozen=True)
class Action:
    title: str
    form: type[f.ActionForm]
    service: Callable
    statuses: tuple[str, ...]  # record statuses under which the service accepts it


_VALID, _SUSPENDED, _REVOKED = "valid", "suspended", "revoked"
ACTIONS = {
    "review": Action("复审", f.ReviewForm, services.certificate_review, (_VALID,)),
    "extend": Action("延期换证", f.ExtendForm, services.certificate_extend, (_VALID,)),
    "revoke": Action("撤销", f.RevokeForm, services.certificate_revoke, (_VALID, _SUSPENDED)),
    "cancel": Action("注销", f.CancelForm, services.certificate_cancel,
                     (_VALID, _SUSPENDED, _REVOKED)),
    "suspend": Action("暂扣", f.SuspendForm, services.certificate_suspend, (_VALID,)),
    "reinstate": Action("恢复", f.ReinstateForm, services.certificate_reinstate,
                        (_SUSPENDED, _REVOKED)),
}


def actions_for(cert, state) -> dict[str, Action]:
    """The workflows the certificate's state allows (no 复审 or 撤销 on a revoked one; no
    复审 without a review due; no 复审 or 延期 once the validity has lapsed)."""
    shown = {key: a for key, a in ACTIONS.items() if cert.status in a.statuses}
    if cert.review_due is None or state.code != "valid":
        shown.pop("review", None)
    if state.code != "valid":
        shown.pop("extend", None)
    return shown


def _families(request) -> frozenset[str] | None:
    actor = actor_of(request.user)
    if actor.is_admin:
        return None
    org = Organisation.objects.filter(pk=actor.organisation_id).first()
    return DEPARTMENTS.get(org.department if org else "", ("", frozenset(), frozenset()))[1]


def _put_error(form, exc: AppError) -> None:
    """The service's message on top of the form; short field notes next to their fields."""
    form.add_error(None, exc.message)
    for name, problems in exc.fields.items():
        extra = [p for p in problems if p != exc.message]
        if name in form.fields and extra:
            form.add_error(name, extra)


@requires("certificates.view")
def certificate_list(request):
    on = services.today()
    rows, filter_error = page_filters(CertificateFilterSet, request=request,
                                      queryset=selectors.certificates_for(user=request.user,
                                                                          on=on))
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    query = {k: request.GET.get(k, "") for k in CertificateFilterSet.base_filters}
    shown = list(page.object_list)
    families = _families(request)
    names = item_names()
    return render(request, "registry/issuer/list.html", {
        "page": page, "query": query, "on": on, "statuses": STATUS_LABELS,
        "filter_error": filter_error,
        "rows": [(c, c.status_on(on), names.get((c.family_id, c.item_code), ""))
                 for c in shown],
        "families": Family.objects.filter(**({"key__in": families} if families is not None
                                             else {})).order_by("key")})


@requires("certificates.view")
def certificate_detail(request, pk: int):
    cert = selectors.certificate_for(user=request.user, pk=pk)
    if cert is None:
        raise Http404
    state = cert.status_on(services.today())
    return render(request, "registry/issuer/detail.html", {
        "cert": cert, "state": state, "actions": actions_for(cert, state),
        "item_name": item_names().get((cert.family_id, cert.item_code), ""),
        "events": selectors.certificate_history(certificate=cert)})


@requires("certificates.issue")
def certificate_issue(request):
    choices = f.item_choices(families=_families(request), on=services.today())
    form = f.IssueForm(request.POST or None, item_choices=choices,
                       initial={"first_issued": services.today()})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                cert = services.certificate_issue(by=request.user, **form.service_kwargs())
            except AppError as exc:
                _put_error(form, exc)
            else:
                messages.success(request, f"已发证：{cert.cert_no}")
                return redirect("issuer:detail", pk=cert.pk)
    return render(request, "registry/issuer/form.html",
                  {"form": form, "title": "发证"}, status=status)


@requires("certificates.change")
def certificate_action(request, pk: int, action: str):
    spec = ACTIONS.get(action)
    cert = selectors.certificate_for(user=request.user, pk=pk, action="certificates.change")
    if spec is None or cert is None:
        raise Http404
    # Opening a workflow the state does not allow goes back to the certificate with the
    # reason; a posted form still reaches the service, whose refusal is more specific.
    if request.method != "POST" and action not in actions_for(cert,
                                                              cert.status_on(services.today())):
        messages.error(request, f"证书当前为“{cert.get_status_display()}”，不能办理{spec.title}")
        return redirect("issuer:detail", pk=cert.pk)
    form = spec.form(request.POST or None, initial={"on": services.today()})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                spec.service(by=request.user, certificate=cert, **form.service_kwargs())
            except AppError as exc:
                _put_error(form, exc)
            else:
                messages.success(request, f"已办理{spec.title}：{cert.cert_no}")
                return redirect("issuer:detail", pk=cert.pk)
    return render(request, "registry/issuer/form.html",
                  {"form": form, "cert": cert, "title": spec.title}, status=status)
