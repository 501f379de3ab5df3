"""Pages of tip-offs: the public form and follow-up (no account, phone width), and the
handling office's inbox, report page, overdue list and figures."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from certguard.core.errors import AppError, NotFound
from certguard.core.middleware import client_ip
from certguard.core.policy import allows, requires
from certguard.tips import figures as tip_figures
from certguard.tips import intake, selectors, services
from certguard.tips.models import Tip
from certguard.tips.reference import (
    ACCIDENT_GRADES,
    FAMILIES,
    REFUSALS,
    STATUSES,
    SUBJECT_KINDS,
)

SESSION_KEY = "tips_follow"


def _input(request) -> intake.TipInput:
    post = request.POST
    return intake.TipInput(
        subject_kind=post.get("subject_kind", ""), subject_name=post.get("subject_name", ""),
        subject_code=post.get("subject_code", ""), description=post.get("description", ""),
        place=post.get("place", "").strip(), family=post.get("family", ""),
        sector=post.get("sector", "")[:30], anonymous=post.get("anonymous", "1") == "1",
        insider=post.get("insider") == "1", name=post.get("name", ""),
        contact=post.get("contact", ""), channel="web",
        # One byte past the limit is enough to refuse an oversized file without reading it all.
        files=[(f.name, f.read(settings.TIPS_ATTACHMENT_MAX_BYTES + 1))
               for f in request.FILES.getlist("attachments")[:20]])


@requires("tips.submit")
def submit(request):
    context = {"kinds": SUBJECT_KINDS, "families": FAMILIES,
               "max_chars": settings.TIPS_TEXT_MAX_CHARS}
    try:
        context["form"] = request.POST
    except RequestDataTooBig:
        context.update(form={}, error="提交的内容超过 8 MB，未能读取：举报内容请控制在 "
                                      f"{settings.TIPS_TEXT_MAX_CHARS} 字以内，材料作为附件上传")
        return render(request, "tips/submit.html", context, status=400)
    if request.method == "POST":
        try:
            tip, receipt = intake.tip_submit(data=_input(request), source=client_ip(request))
        except AppError as exc:
            context["error"] = exc.message
            return render(request, "tips/submit.html", context, status=exc.status)
        return render(request, "tips/receipt.html", {
            "receipt": " ".join(receipt[i:i + 4] for i in range(0, 16, 4)),
            "routed": tip.organisation is not None})
    return render(request, "tips/submit.html", context)


def _followed(request) -> Tip | None:
    pk = request.session.get(SESSION_KEY)
    return Tip.objects.filter(pk=pk).first() if pk else None


@requires("tips.submit")
def follow(request):
    tip, error = _followed(request), ""
    if request.method == "POST":
        action = request.POST.get("action", "open")
        try:
            if action == "open":
                tip = intake.tip_by_receipt(receipt=request.POST.get("receipt", ""),
                                            source=client_ip(request))
                request.session[SESSION_KEY] = tip.pk
                request.session.set_expiry(900)
            elif tip is None:
                raise AppError("receipt_required", "请先输入回执编号")
            elif action == "answer":
                intake.tip_answer(tip=tip, text=request.POST.get("text", ""))
                messages.success(request, "答复已提交")
            elif action == "claim":
                services.reward_claim(tip=tip, payee=request.POST.get("payee", ""))
                messages.success(request, "奖励申请已提交")
            elif action == "close":
                request.session.pop(SESSION_KEY, None)
                tip = None
        except AppError as exc:
            error = exc.message
    progress = intake.progress_for_reporter(tip) if tip else None
    can_claim = bool(tip) and not services.reward_eligibility(tip)
    return render(request, "tips/follow.html", {"progress": progress, "error": error,
                                                "can_claim": can_claim},
                  status=429 if "暂停查询" in error else 200)


@requires("tips.view")
def inbox(request):
    tips = selectors.tips_for(user=request.user)
    status = request.GET.get("status", "")
    if status and status not in STATUSES:
        # A value that does not exist says so instead of showing an empty or unfiltered list.
        messages.error(request, f"筛选条件有误（状态：“{status[:20]}”不是有效的状态，可选："
                       f"{'、'.join(STATUSES.values())}）")
        tips = tips.none()
    elif status:
        tips = tips.filter(status=status)
    page = Paginator(tips, 50).get_page(request.GET.get("page"))
    return render(request, "tips/inbox.html", {"page": page, "status": status})


def _tip(request, pk: int, action: str = "tips.view") -> Tip:
    """The report, or 404 when it is outside what ``action`` reaches for this user."""
    try:
        tip = selectors.tip_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    if action != "tips.view" and not Tip.objects.restrict(request.user, action).filter(
            pk=pk).exists():
        raise Http404
    return tip


@requires("tips.view")
def detail(request, pk: int):
    tip = _tip(request, pk)
    return render(request, "tips/detail.html", {
        "tip": tip, "messages_": tip.messages.all(), "clocks": selectors.open_clocks(tip=tip),
        "can_handle": selectors.can_handle(user=request.user, tip=tip),
        "can_extend": allows(request.user, "tips.extend"),
        "can_reward": allows(request.user, "tips.reward_approve"),
        "reward": getattr(tip, "reward", None), "refusals": REFUSALS, "grades": ACCIDENT_GRADES,
        "duplicates": selectors.possible_duplicates(user=request.user, tip=tip),
        "attachments": tip.attachments.all()})


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise AppError("date_invalid", "日期格式应为 YYYY-MM-DD") from None


def act_on(request, tip_pk: int, action: str, post) -> object:
    by = request.user
    actions = {
        "accept": lambda: services.tip_accept(by=by, pk=tip_pk),
        "refuse": lambda: services.tip_refuse(
            by=by, pk=tip_pk, reason=post.get("reason", ""), note=post.get("note", ""),
            duplicate_of=int(post["duplicate_of"]) if str(post.get("duplicate_of", ""))
            .isdigit() else None),
        "ask": lambda: services.tip_ask(by=by, pk=tip_pk, text=post.get("text", "")),
        "close": lambda: services.tip_close(by=by, pk=tip_pk, result=post.get("result", "")),
        "extend_request": lambda: services.tip_extension_request(
            by=by, pk=tip_pk, reason=post.get("reason", "")),
        "penalty": lambda: services.penalty_record(
            by=by, pk=tip_pk, decision_no=post.get("decision_no", ""),
            final_on=_day(post.get("final_on", "")), fine=post.get("fine", ""),
            deaths=int(post.get("deaths") or 0) if str(post.get("deaths") or "0").isdigit()
            else 0, grade=post.get("grade", ""), enforcement_ref=post.get("enforcement_ref", "")),
    }
    if action not in actions:
        raise AppError("action_unknown", "请选择要执行的操作")
    return actions[action]()


@requires("tips.handle")
@require_POST
def act(request, pk: int):
    _tip(request, pk, "tips.handle")
    try:
        act_on(request, pk, request.POST.get("action", ""), request.POST)
    except NotFound as exc:
        raise Http404 from exc
    except AppError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已保存")
    return redirect("tips:detail", pk=pk)


@requires("tips.handle")
@require_POST
def identity(request, pk: int):
    tip = _tip(request, pk, "tips.handle")
    try:
        who = services.identity_read(by=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    except AppError as exc:
        messages.error(request, exc.message)
        return redirect("tips:detail", pk=pk)
    return render(request, "tips/identity.html", {"tip": tip, "who": who})


@requires("tips.handle")
def attachment(request, pk: int, attachment_pk: int):
    _tip(request, pk, "tips.handle")
    try:
        item, data = services.attachment_read(by=request.user, pk=pk,
                                              attachment_id=attachment_pk)
    except NotFound as exc:
        raise Http404 from exc
    kind = "application/pdf" if item.kind == "pdf" else f"image/{item.kind}"
    response = HttpResponse(data, content_type=kind)
    response["Content-Disposition"] = f'inline; filename="tip-{pk}-{item.pk}.{item.kind}"'
    response["Cache-Control"] = "no-store"
    return response


@requires("tips.extend")
@require_POST
def extend(request, pk: int):
    _tip(request, pk)
    try:
        services.tip_extension_approve(by=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    except AppError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已批准延期")
    return redirect("tips:detail", pk=pk)


@requires("tips.reward_approve")
@require_POST
def reward(request, pk: int):
    _tip(request, pk, "tips.reward_approve")
    action = request.POST.get("action", "")
    try:
        if action in ("approve", "refuse"):
            services.reward_decide(by=request.user, pk=pk, approve=action == "approve",
                                   note=request.POST.get("note", ""))
        elif action == "pay":
            services.reward_pay(by=request.user, pk=pk,
                                voucher_no=request.POST.get("voucher_no", ""))
        elif action == "payee":
            messages.info(request, "收款信息：" + services.payee_read(by=request.user, pk=pk))
        else:
            raise AppError("action_unknown", "请选择要执行的操作")
    except NotFound as exc:
        raise Http404 from exc
    except AppError as exc:
        messages.error(request, exc.message)
    return redirect("tips:detail", pk=pk)


@requires("tips.overdue")
def overdue(request):
    return render(request, "tips/overdue.html",
                  {"clocks": selectors.overdue_clocks(user=request.user)[:500]})


@requires("tips.figures")
def figures(request):
    try:
        f = tip_figures.filter_from(request.GET)
        data = tip_figures.tips_figures(user=request.user, filters=f, group_by="region")
        figure = request.GET.get("figure", "")
        records = tip_figures.figure_records(user=request.user, figure=figure,
                                             filters=f)[:200] if figure else None
    except AppError as exc:
        messages.error(request, exc.message)
        data, records, figure = None, None, ""
    return render(request, "tips/figures.html", {"data": data, "records": records,
                                                 "query": request.GET})
