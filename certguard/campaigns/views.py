"""Pages of campaigns: the list (and loading a seed campaign), one campaign with its live
board, the supervision of lagging departments, and the 工作总结 draft."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from certguard.campaigns import exports, selectors, services
from certguard.campaigns.reference import DOC_KINDS, SEED_CAMPAIGNS, STAGES
from certguard.core.errors import AppError, NotFound
from certguard.core.exports import Export, download, temporary_copy
from certguard.core.policy import allows, requires
from certguard.core.scoping import actor_of
from certguard.orgs.reference import DEPARTMENTS
from certguard.orgs.selectors import organisations_for


def _campaign(request, pk: int):
    try:
        return selectors.campaign_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc


@requires("campaigns.view", post="campaigns.manage")
def campaign_list(request):
    if request.method == "POST":
        try:
            campaign = services.campaign_install(by=request.user,
                                                 key=request.POST.get("seed", ""))
            messages.success(request, f"已建立：{campaign}")
            return redirect("campaigns:detail", pk=campaign.pk)
        except AppError as exc:
            messages.error(request, exc.message)
        return redirect("campaigns:list")
    return render(request, "campaigns/list.html", {
        "campaigns": selectors.campaigns_for(user=request.user),
        "seeds": {k: v["name"] + "（" + v["doc_no"] + "）" for k, v in SEED_CAMPAIGNS.items()},
        "can_manage": allows(request.user, "campaigns.manage")})


@requires("campaigns.view", post="campaigns.supervise")
def detail(request, pk: int):
    campaign = _campaign(request, pk)
    if request.method == "POST":
        try:
            step = services.supervision_open(
                by=request.user, campaign_id=pk,
                target_id=int(request.POST.get("target") or 0),
                stage=request.POST.get("stage", ""), reason=request.POST.get("reason", ""),
                deadline=request.POST.get("deadline") or None,
                previous_id=int(request.POST.get("previous") or 0) or None,
                lagging=[line for line in request.POST.get("lagging", "").splitlines()
                         if line.strip()])
            messages.success(request, f"已{step.stage_label}")
            return redirect("campaigns:supervision", pk=step.pk)
        except ValueError:
            messages.error(request, "请选择被督办部门")
        except NotFound as exc:
            messages.error(request, exc.message)
        except AppError as exc:
            messages.error(request, exc.message)
        return redirect("campaigns:detail", pk=pk)
    can_supervise = allows(request.user, "campaigns.supervise", campaign)
    return render(request, "campaigns/detail.html", {
        "campaign": campaign, "phases": selectors.board(user=request.user, campaign=campaign),
        "current": selectors.current_phase(campaign=campaign),
        "responsibilities": campaign.responsibilities.all(), "departments": DEPARTMENTS,
        "forms": campaign.forms.select_related("version__form"),
        "supervisions": selectors.supervisions_for(user=request.user, campaign=campaign),
        "can_supervise": can_supervise, "stages": STAGES,
        "targets": organisations_for(user=request.user, kind="department").exclude(
            pk=actor_of(request.user).organisation_id or 0) if can_supervise else []})


@requires("campaigns.view")
def summary(request, pk: int):
    campaign = _campaign(request, pk)
    data = selectors.summary_data(user=request.user, campaign=campaign)
    handle = temporary_copy(lambda path: exports.write_summary(campaign, path, **data),
                            suffix=".docx")
    record = Export(object_type="campaigns.campaign", object_id=campaign.pk,
                    summary="导出工作总结草稿（DOCX）", data={"name": campaign.name})
    return download(user=request.user, export=record, file=handle,
                    filename=f"summary-{campaign.pk}-{timezone.localdate():%Y%m%d}.docx")


@requires("campaigns.view", post="campaigns.supervise")
def supervision(request, pk: int):
    try:
        step = selectors.supervision_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    if request.method == "POST":
        by, post, action = request.user, request.POST, request.POST.get("action", "")
        try:
            if action == "meeting":
                services.interview_meeting(by=by, supervision_id=pk,
                                           meeting_at=post.get("meeting_at", ""))
                messages.success(request, "已记录约谈时间")
            elif action == "minutes":
                services.interview_minutes(by=by, supervision_id=pk, text=post.get("text", ""))
                messages.success(request, "已记录约谈纪要")
            elif action == "report":
                _, message = services.rectification_report(by=by, supervision_id=pk,
                                                           text=post.get("text", ""))
                level = messages.WARNING if "逾期" in message else messages.SUCCESS
                messages.add_message(request, level, message)
            elif action == "publish":
                services.listing_publish(by=by, supervision_id=pk)
                messages.success(request, "已公开")
            elif action == "extend":
                services.extension_request(by=by, supervision_id=pk,
                                           until=post.get("until", ""),
                                           reason=post.get("reason", ""))
                messages.success(request, "已记录延期申请")
            elif action == "close":
                services.supervision_close(by=by, supervision_id=pk, note=post.get("note", ""))
                messages.success(request, "已办结")
            else:
                messages.error(request, "请选择要办理的事项")
        except NotFound as exc:
            raise Http404 from exc
        except AppError as exc:
            messages.error(request, exc.message)
        return redirect("campaigns:supervision", pk=pk)
    return render(request, "campaigns/supervision.html", {
        "step": step, "documents": step.documents.all(), "doc_kinds": DOC_KINDS,
        "can_act": allows(request.user, "campaigns.supervise", step),
        "chain": _chain(step)})


def _chain(step):
    chain = []
    current = step.previous
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.previous
    return list(reversed(chain))
