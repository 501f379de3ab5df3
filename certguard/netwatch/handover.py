"""Handover for takedown: a suspect site or ad becomes a numbered 移交函 with its evidence
package, followed until it is disposed of (已处置) or seen again (复现). Handed-over sites are
rechecked on a schedule; the day a site goes dark is recorded."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from certguard.core.audit import audit_record
from certguard.core.errors import AppError, NotFound
from certguard.core.policy import require
from certguard.core.scoping import UserLike
from certguard.netwatch import letters
from certguard.netwatch.fetch import FetchProblem, fetch
from certguard.netwatch.models import Handover, HandoverEvent, SuspectAd, SuspectDomain
from certguard.netwatch.reference import RECIPIENTS
from certguard.netwatch.services import _actor, _org, capture_dir
from certguard.orgs.selectors import own_organisation

LETTER, PACKAGE = "letter.pdf", "evidence.zip"


def handover_dir(pk: int) -> Path:
    return Path(settings.VAR_DIR) / "netwatch" / "handovers" / str(pk)


def _target(by: UserLike, *, domain_id: int | None, ad_id: int | None):
    if bool(domain_id) == bool(ad_id):
        raise AppError("target_required", "请指定一个疑似域名或一条疑似广告")
    model, pk = (SuspectDomain, domain_id) if domain_id else (SuspectAd, ad_id)
    target = model.objects.restrict(by, "netwatch.work").select_for_update().filter(
        pk=pk).first()
    if target is None:
        raise NotFound("suspect_not_found", "对象不存在或无权处理")
    if target.status == "dismissed":
        raise AppError("suspect_dismissed", "已排除的对象不能移交")
    return target


@transaction.atomic
def handover_create(*, by: UserLike, recipient: str, recipient_name: str, facts: str,
                    domain_id: int | None = None, ad_id: int | None = None) -> Handover:
    actor = _actor(by, "netwatch.work")
    if recipient not in RECIPIENTS:
        raise AppError("recipient_invalid", "接收部门应为网信、通信管理、市场监管或公安",
                       fields={"recipient": ["无效"]})
    facts, recipient_name = (facts or "").strip(), (recipient_name or "").strip()
    if not facts or len(facts) > 3000:
        raise AppError("facts_invalid", "请填写事实与理由（3000字以内）",
                       fields={"facts": ["请填写事实与理由（3000字以内）"]})
    target = _target(by, domain_id=domain_id, ad_id=ad_id)
    now = timezone.localtime()
    serial = (Handover.objects.select_for_update().filter(
        organisation_id=_org(actor), year=now.year).aggregate(n=Max("serial"))["n"]
        or 0) + 1
    handover = Handover.objects.create(
        number=f"网移〔{now.year}〕{serial}号", year=now.year, serial=serial,
        organisation_id=_org(actor), region_id=actor.region_code,
        recipient=recipient, recipient_name=recipient_name[:200] or RECIPIENTS[recipient],
        domain=target if domain_id else None, ad=target if ad_id else None, facts=facts,
        handed_at=now, created_by_id=actor.user_id, last_checked_at=None)
    _documents(by, handover)
    target.status = "handed_over"
    target.save(update_fields=["status", "updated_at"])
    _event(handover, "create", actor.username, f"移交{handover.recipient_name}")
    return handover


def _evidence_files(handover: Handover) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    if handover.domain is not None:
        for capture in handover.domain.captures.filter(ok=True).order_by("captured_at")[:5]:
            folder = capture_dir(capture.pk)
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    files[f"capture-{capture.pk}/{path.relative_to(folder).as_posix()}"] = \
                        path.read_bytes()
    elif handover.ad is not None:
        ad = handover.ad
        files["ad.txt"] = (f"发布平台或网址：{ad.where or '未注明'}\n发现时间："
                           f"{timezone.localtime(ad.created_at):%Y-%m-%d %H:%M}\n\n{ad.text}\n"
                           ).encode()
    return files


def _documents(by: UserLike, handover: Handover) -> None:
    folder = handover_dir(handover.pk)
    folder.mkdir(parents=True, exist_ok=True)
    files = _evidence_files(handover)
    about = {"number": handover.number, "target": handover.target,
             "handed_at": handover.handed_at.isoformat(), "recipient": handover.recipient_name}
    package, package_sha = letters.evidence_zip(files, about=about)
    (folder / PACKAGE).write_bytes(package)
    org = own_organisation(user=by)
    import hashlib

    pdf = letters.letter_pdf(letters.Letter(
        number=handover.number, sender=org.name if org else "", target=handover.target,
        recipient_name=handover.recipient_name, kind="网站" if handover.domain_id else "广告",
        facts=handover.facts, date=f"{handover.handed_at:%Y年%m月%d日}",
        evidence=[(n, hashlib.sha256(d).hexdigest()) for n, d in sorted(files.items())],
        package_sha256=package_sha))
    (folder / LETTER).write_bytes(pdf)
    handover.letter_sha256 = hashlib.sha256(pdf).hexdigest()
    handover.package_sha256 = package_sha
    handover.save(update_fields=["letter_sha256", "package_sha256", "updated_at"])
    audit_record(action="create", object_type="netwatch.handover", object_id=handover.pk,
                 summary=f"移交函 {handover.number}",
                 data={"letter_sha256": handover.letter_sha256, "package_sha256": package_sha,
                       "files": len(files)}, user=by)


def _event(handover: Handover, kind: str, actor: str, note: str = "",
           http_status: int | None = None) -> None:
    HandoverEvent.objects.create(handover=handover, kind=kind, at=timezone.now(), actor=actor,
                                 note=note[:500], http_status=http_status)


def _locked(by: UserLike, pk: int) -> Handover:
    handover = Handover.objects.restrict(by, "netwatch.work").select_for_update().filter(
        pk=pk).first()
    if handover is None:
        raise NotFound("handover_not_found", "移交记录不存在或无权处理")
    return handover


@transaction.atomic
def handover_dispose(*, by: UserLike, pk: int, note: str) -> Handover:
    """The recipient reports the site or ad taken down (已处置)."""
    actor = require(by, "netwatch.work")
    handover = _locked(by, pk)
    if handover.status == "disposed":
        raise AppError("already_disposed", "已记录为已处置")
    handover.status, handover.disposed_at = "disposed", timezone.now()
    handover.save(update_fields=["status", "disposed_at", "updated_at"])
    _event(handover, "dispose", actor.username, note or "接收部门反馈已处置")
    return handover


@transaction.atomic
def handover_reappear(*, by: UserLike, pk: int, note: str) -> Handover:
    """The site or ad is seen again after disposal (复现): followed again."""
    actor = require(by, "netwatch.work")
    handover = _locked(by, pk)
    if handover.status != "disposed":
        raise AppError("not_disposed", "只有已处置的对象才能记录复现")
    handover.status, handover.reappeared_at = "reappeared", timezone.now()
    handover.save(update_fields=["status", "reappeared_at", "updated_at"])
    _event(handover, "reappear", actor.username, note or "处置后再次出现")
    return handover


# --- rechecks ---------------------------------------------------------------------------------

def recheck_one(handover: Handover, *, by: UserLike) -> str:
    """Visit a handed-over site once: record whether it answers; a disposed site that answers
    again is 复现. Returns "dark", "up" or "unchanged"."""
    assert handover.domain is not None  # only sites are rechecked
    url = "http://" + handover.domain.domain
    try:
        page = fetch(url, max_bytes=settings.NETWATCH_PAGE_MAX_BYTES, deadline=20.0)
        up, status, why = page.status < 400, page.status, f"HTTP {page.status}"
    except FetchProblem as problem:
        up, status, why = False, None, problem.message
    now, change = timezone.now(), "unchanged"
    handover.last_checked_at = now
    if not up and handover.dark_since is None:
        handover.dark_since, change = now, "dark"
        _event(handover, "dark", "复查任务", why, status)
    elif up and handover.dark_since is not None:
        handover.dark_since, change = None, "up"
        _event(handover, "back", "复查任务", why, status)
    if up and handover.status == "disposed":
        handover.status, handover.reappeared_at, change = "reappeared", now, "up"
        _event(handover, "reappear", "复查任务", "已处置的网站再次可以访问：" + why, status)
    handover.save(update_fields=["last_checked_at", "dark_since", "status", "reappeared_at",
                                 "updated_at"])
    return change


def handovers_recheck_due(*, by: UserLike, every_hours: int | None = None) -> dict:
    """Recheck every handed-over site not checked in the last ``every_hours``."""
    require(by, "netwatch.work")
    hours = every_hours if every_hours is not None else settings.NETWATCH_RECHECK_HOURS
    due = Handover.objects.restrict(by, "netwatch.work").filter(domain__isnull=False).filter(
        Q(last_checked_at__isnull=True)
        | Q(last_checked_at__lt=timezone.now() - timedelta(hours=hours))).select_related(
        "domain")
    counts = {"checked": 0, "dark": 0, "up": 0}
    for handover in due.order_by("id")[:500]:
        with transaction.atomic():
            change = recheck_one(handover, by=by)
        counts["checked"] += 1
        if change in counts:
            counts[change] += 1
    return counts
