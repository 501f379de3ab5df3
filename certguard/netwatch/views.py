"""Pages of network governance: thin, each guarded by its action, calling the services."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from certguard.catalog.services import official_hosts_current, official_hosts_versions
from certguard.core.errors import AppError, NotFound
from certguard.core.jobs import job_start
from certguard.core.policy import allows, requires
from certguard.core.scoping import actor_of
from certguard.netwatch import figures as nw_figures
from certguard.netwatch import handover as ho
from certguard.netwatch import selectors, services
from certguard.netwatch.reference import RECIPIENTS, SUSPECT_STATUSES, VERDICTS


def _fail(request, exc: AppError, to: str, **kwargs):
    messages.error(request, exc.message)
    return redirect(to, **kwargs)


def _found(callable_, *args, **kwargs):
    try:
        return callable_(*args, **kwargs)
    except NotFound as exc:
        raise Http404 from exc


def _upload(request, field: str) -> tuple[Path, str] | None:
    upload = request.FILES.get(field)
    if upload is None:
        return None
    if upload.size > settings.NETWATCH_FEED_MAX_BYTES:
        raise AppError("file_too_large", f"文件 {upload.size / 1e9:.1f} GB，超过上限 "
                                         f"{settings.NETWATCH_FEED_MAX_BYTES / 1e9:.1f} GB")
    folder = Path(settings.VAR_DIR) / "netwatch" / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".txt")
    with handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return Path(handle.name), upload.name[:200]


@requires("netwatch.view", post="netwatch.work")
def home(request):
    return render(request, "netwatch/home.html", {
        "counts": selectors.counts(user=request.user),
        "can_work": allows(request.user, "netwatch.work"),
        "handovers": selectors.handovers_for(user=request.user)[:10]})


@requires("netwatch.view", post="netwatch.work")
def domains(request):
    results, run = None, None
    if request.method == "POST":
        try:
            stored = _upload(request, "file")
            if stored:
                job = job_start(kind="netwatch_feed", title=f"评估域名清单 {stored[1]}",
                                owner=request.user,
                                organisation_id=actor_of(request.user).organisation_id,
                                params={"path": str(stored[0]), "file_name": stored[1]})
                return redirect("core:job", pk=job.pk)
            run = services.domains_score(by=request.user, source="paste",
                                         lines=services.text_lines(request.POST.get("text", "")))
            results = run.results
            if not run.counts and not run.rejected:
                raise AppError("input_empty", "没有需要评估的域名（全是空行）")
        except AppError as exc:
            messages.error(request, exc.message)
    status = request.GET.get("status", "")
    suspects = selectors.domains_for(user=request.user, q=request.GET.get("q", ""),
                                     status=status)
    if status and status not in SUSPECT_STATUSES:
        messages.error(request, f"筛选条件有误（状态：“{status[:20]}”不是有效的状态，可选："
                       f"{'、'.join(SUSPECT_STATUSES.values())}）")
        suspects = suspects.none()
    page = Paginator(suspects, 50).get_page(request.GET.get("page"))
    return render(request, "netwatch/domains.html", {
        "page": page, "results": results, "run": run, "verdicts": VERDICTS,
        "text": request.POST.get("text", ""), "query": request.GET,
        "can_work": allows(request.user, "netwatch.work")})


@requires("netwatch.view")
def domain_detail(request, pk: int):
    suspect = _found(selectors.domain_get, user=request.user, pk=pk)
    return render(request, "netwatch/domain.html", {
        "suspect": suspect, "captures": suspect.captures.order_by("-captured_at")[:20],
        "recipients": RECIPIENTS, "can_work": selectors.can_work(user=request.user,
                                                                  obj=suspect)})


@requires("netwatch.work")
@require_POST
def domain_act(request, pk: int):
    _found(selectors.domain_get, user=request.user, pk=pk, action="netwatch.work")
    action = request.POST.get("action", "")
    try:
        if action == "capture":
            url = request.POST.get("url", "").strip()
            if not url:
                raise AppError("url_required", "请填写要取证的网址")
            capture = services.capture_site(by=request.user, url=url, suspect_id=pk)
            return redirect("netwatch:capture", pk=capture.pk)
        if action == "clue":
            clue = services.clue_from_suspect(by=request.user, kind="domain", pk=pk)
            messages.success(request, f"已转为线索 #{clue}")
        elif action == "dismiss":
            services.suspect_dismiss(by=request.user, kind="domain", pk=pk,
                                     reason=request.POST.get("reason", ""))
            messages.success(request, "已排除")
        elif action == "handover":
            handover = ho.handover_create(by=request.user, domain_id=pk,
                                          recipient=request.POST.get("recipient", ""),
                                          recipient_name=request.POST.get("recipient_name", ""),
                                          facts=request.POST.get("facts", ""))
            return redirect("netwatch:handover", pk=handover.pk)
        else:
            raise AppError("action_unknown", "请选择要执行的操作")
    except NotFound as exc:
        raise Http404 from exc
    except AppError as exc:
        return _fail(request, exc, "netwatch:domain", pk=pk)
    return redirect("netwatch:domain", pk=pk)


@requires("netwatch.view", post="netwatch.work")
def ads(request):
    results, run = None, None
    lists = selectors.keyword_lists()
    if request.method == "POST":
        keywords_id = request.POST.get("keywords") or None
        keywords_id = int(keywords_id) if str(keywords_id or "").isdigit() else None
        try:
            stored = _upload(request, "file")
            if stored:
                job = job_start(kind="netwatch_ads", title=f"识别售证广告 {stored[1]}",
                                owner=request.user,
                                organisation_id=actor_of(request.user).organisation_id,
                                params={"path": str(stored[0]), "file_name": stored[1],
                                        "keywords_id": keywords_id,
                                        "where": request.POST.get("where", "")[:300]})
                return redirect("core:job", pk=job.pk)
            run = services.ads_classify(
                by=request.user, texts=services.texts_from_paste(request.POST.get("text", "")),
                source="paste", where=request.POST.get("where", ""), keywords_id=keywords_id)
            results = run.results
        except AppError as exc:
            messages.error(request, exc.message)
    page = Paginator(selectors.ads_for(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "netwatch/ads.html", {
        "page": page, "results": results, "run": run, "lists": lists, "verdicts": VERDICTS,
        "text": request.POST.get("text", ""), "can_work": allows(request.user,
                                                                  "netwatch.work")})


@requires("netwatch.view")
def ad_detail(request, pk: int):
    ad = _found(selectors.ad_get, user=request.user, pk=pk)
    return render(request, "netwatch/ad.html", {
        "ad": ad, "recipients": RECIPIENTS,
        "can_work": selectors.can_work(user=request.user, obj=ad)})


@requires("netwatch.work")
@require_POST
def ad_act(request, pk: int):
    _found(selectors.ad_get, user=request.user, pk=pk, action="netwatch.work")
    action = request.POST.get("action", "")
    try:
        if action == "clue":
            clue = services.clue_from_suspect(by=request.user, kind="ad", pk=pk)
            messages.success(request, f"已转为线索 #{clue}")
        elif action == "dismiss":
            services.suspect_dismiss(by=request.user, kind="ad", pk=pk,
                                     reason=request.POST.get("reason", ""))
            messages.success(request, "已排除")
        elif action == "handover":
            handover = ho.handover_create(by=request.user, ad_id=pk,
                                          recipient=request.POST.get("recipient", ""),
                                          recipient_name=request.POST.get("recipient_name", ""),
                                          facts=request.POST.get("facts", ""))
            return redirect("netwatch:handover", pk=handover.pk)
        else:
            raise AppError("action_unknown", "请选择要执行的操作")
    except NotFound as exc:
        raise Http404 from exc
    except AppError as exc:
        return _fail(request, exc, "netwatch:ad", pk=pk)
    return redirect("netwatch:ad", pk=pk)


@requires("netwatch.view", post="netwatch.work")
def captures(request):
    if request.method == "POST":
        try:
            url = request.POST.get("url", "").strip()
            if not url:
                raise AppError("url_required", "请填写要取证的网址")
            capture = services.capture_site(by=request.user, url=url,
                                            reference_host=request.POST.get("reference", ""))
            return redirect("netwatch:capture", pk=capture.pk)
        except AppError as exc:
            messages.error(request, exc.message)
    _, hosts = official_hosts_current()
    page = Paginator(selectors.captures_for(user=request.user), 50).get_page(
        request.GET.get("page"))
    return render(request, "netwatch/captures.html", {
        "page": page, "hosts": [h["host"] for h in hosts],
        "can_work": allows(request.user, "netwatch.work")})


@requires("netwatch.view")
def capture_detail(request, pk: int):
    capture = _found(selectors.capture_get, user=request.user, pk=pk)
    return render(request, "netwatch/capture.html", {"capture": capture})


@requires("netwatch.view")
def capture_screenshot(request, pk: int):
    capture = _found(selectors.capture_get, user=request.user, pk=pk)
    path = services.capture_dir(capture.pk) / "screenshot.png"
    if not capture.screenshot_sha256 or not path.exists():
        raise Http404
    return FileResponse(open(path, "rb"), content_type="image/png")


@requires("netwatch.view")
def handovers(request):
    page = Paginator(selectors.handovers_for(user=request.user), 50).get_page(
        request.GET.get("page"))
    return render(request, "netwatch/handovers.html", {"page": page})


@requires("netwatch.view")
def handover_detail(request, pk: int):
    handover = _found(selectors.handover_get, user=request.user, pk=pk)
    return render(request, "netwatch/handover.html", {
        "handover": handover, "events": handover.events.all(),
        "can_work": selectors.can_work(user=request.user, obj=handover)})


@requires("netwatch.view")
def handover_file(request, pk: int, name: str):
    handover = _found(selectors.handover_get, user=request.user, pk=pk)
    path = ho.handover_dir(handover.pk) / (ho.LETTER if name == "letter" else ho.PACKAGE)
    if not path.exists():
        raise Http404
    selectors.download_logged(user=request.user, handover=handover, name=path.name)
    kind = "application/pdf" if name == "letter" else "application/zip"
    filename = f"{handover.number}-{'移交函.pdf' if name == 'letter' else '证据包.zip'}"
    return FileResponse(open(path, "rb"), content_type=kind, as_attachment=True,
                        filename=filename)


@requires("netwatch.work")
@require_POST
def handover_act(request, pk: int):
    _found(selectors.handover_get, user=request.user, pk=pk, action="netwatch.work")
    action, note = request.POST.get("action", ""), request.POST.get("note", "")
    try:
        if action == "dispose":
            ho.handover_dispose(by=request.user, pk=pk, note=note)
        elif action == "reappear":
            ho.handover_reappear(by=request.user, pk=pk, note=note)
        elif action == "recheck":
            handover = selectors.handover_get(user=request.user, pk=pk, action="netwatch.work")
            if not handover.domain_id:
                raise AppError("not_a_site", "广告无法复查访问情况")
            ho.recheck_one(handover, by=request.user)
        else:
            raise AppError("action_unknown", "请选择要执行的操作")
    except NotFound as exc:
        raise Http404 from exc
    except AppError as exc:
        return _fail(request, exc, "netwatch:handover", pk=pk)
    messages.success(request, "已记录")
    return redirect("netwatch:handover", pk=pk)


@requires("netwatch.view", post="netwatch.keywords")
def keywords(request):
    if request.method == "POST":
        upload = request.FILES.get("file")
        text = upload.read(2 * 1024 * 1024).decode("utf-8", "replace") if upload else \
            request.POST.get("json", "")
        try:
            made = services.keyword_list_publish(by=request.user, text=text,
                                                 note=request.POST.get("note", ""))
            messages.success(request, f"已发布 {made}")
            return redirect("netwatch:keywords")
        except AppError as exc:
            messages.error(request, exc.message)
    return render(request, "netwatch/keywords.html", {"lists": selectors.keyword_lists()})


@requires("netwatch.view", post="netwatch.officials")
def officials(request):
    if request.method == "POST":
        try:
            version = services.officials_publish(by=request.user,
                                                 text=request.POST.get("json", ""),
                                                 note=request.POST.get("note", ""))
            messages.success(request, f"已发布第 {version} 版官方网址清单")
            return redirect("netwatch:officials")
        except AppError as exc:
            messages.error(request, exc.message)
    import json

    version, entries = official_hosts_current()
    return render(request, "netwatch/officials.html", {
        "version": version, "entries": entries, "versions": official_hosts_versions(),
        "json": request.POST.get("json") or json.dumps({"hosts": entries}, ensure_ascii=False,
                                                       indent=1),
        "can_edit": allows(request.user, "netwatch.officials")})


@requires("netwatch.figures")
def figures(request):
    try:
        f = nw_figures.filter_from(request.GET)
        data = nw_figures.netwatch_figures(user=request.user, filters=f, group_by="region")
        figure = request.GET.get("figure", "")
        records = nw_figures.figure_records(user=request.user, figure=figure, filters=f)[:200] \
            if figure else None
    except AppError as exc:
        messages.error(request, exc.message)
        data, records, figure = None, None, ""
    return render(request, "netwatch/figures.html", {"data": data, "records": records,
                                                     "figure": figure, "query": request.GET})
