"""The public side of tip-offs: a report without an account, the receipt as the reporter's
only key, answers to the handler's questions and the reward claim.

Nothing identifying is kept for an anonymous report: the audit entries of the intake are
written in an audit context without the client's address, the address is only a keyed
digest for rate limits, and name and contact (when given) are encrypted at rest."""

from __future__ import annotations

import json
import re
import secrets
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from certguard.core import audit
from certguard.core.errors import AppError
from certguard.core.ratelimit import RateLimited, rate_limit
from certguard.orgs.selectors import department_over, region_known
from certguard.tips import crypto
from certguard.tips.attachments import clean_attachment
from certguard.tips.models import Tip, TipAttachment, TipClock, TipMessage
from certguard.tips.reference import FAMILIES, SUBJECT_KINDS
from certguard.tips.routing import department_for
from certguard.tips.rules import tip_rules

RECEIPT_WINDOW = 900  # seconds a source stays locked after too many wrong receipts
_DIGITS = re.compile(r"\D")


@dataclass
class TipInput:
    subject_kind: str
    subject_name: str
    description: str
    place: str
    subject_code: str = ""
    family: str = ""
    sector: str = ""
    anonymous: bool = True
    insider: bool = False
    name: str = ""
    contact: str = ""
    channel: str = "web"
    files: list[tuple[str, bytes]] = field(default_factory=list)


@contextmanager
def without_source():
    """Audit entries written inside carry no client address and no user (the reporter)."""
    token = audit.begin_context(user=None, ip="")
    try:
        yield
    finally:
        audit.end_context(token)


def _problem(field_name: str, message: str) -> AppError:
    return AppError("tip_invalid", message, fields={field_name: [message]})


def _check(data: TipInput) -> None:
    limit = settings.TIPS_TEXT_MAX_CHARS
    if data.subject_kind not in SUBJECT_KINDS:
        raise _problem("subject_kind", "请选择举报对象类别")
    if not data.subject_name.strip():
        raise _problem("subject_name", "请填写被举报的单位、个人、网站或证书")
    if len(data.subject_name) > 200 or len(data.subject_code) > 200:
        raise _problem("subject_name", "被举报对象名称或编号不能超过200字")
    text = data.description.strip()
    if not text:
        raise _problem("description", "请填写举报内容（时间、地点、经过）")
    if len(text) > limit:
        raise _problem("description", f"举报内容不能超过 {limit} 字（现为 {len(text):,} 字），"
                                      "请精简，证明材料可作为附件上传")
    if data.family not in FAMILIES:
        raise _problem("family", "证书类别无效")
    if not (data.place.isdigit() and len(data.place) == 6 and region_known(code=data.place)):
        raise _problem("place", "请选择事发地（县、市或省）")
    if data.insider and (data.anonymous or not data.name.strip() or not data.contact.strip()):
        # 应急〔2020〕69号: a unit's own employees report under their real name.
        raise _problem("name", "被举报单位的职工举报本单位，须实名并留下联系方式"
                               "（应急〔2020〕69号）；我们对举报人身份严格保密")
    if not data.anonymous and (not data.name.strip() or not data.contact.strip()):
        raise _problem("name", "实名举报请填写姓名和联系方式，或选择匿名举报")
    if len(data.name) > 50 or len(data.contact) > 100:
        raise _problem("name", "姓名或联系方式过长")
    if len(data.files) > settings.TIPS_ATTACHMENTS_MAX:
        raise _problem("attachments", f"附件最多 {settings.TIPS_ATTACHMENTS_MAX} 个")


def _limit(source: str) -> None:
    try:
        rate_limit(scope="tips_submit", key=crypto.source_digest(source),
                   limit=settings.TIPS_RATE_PER_HOUR, window=3600)
    except RateLimited as exc:
        raise AppError("rate_limited", "同一来源提交举报过于频繁，请一小时后再试；"
                       "紧急情况请拨打 12350 举报电话", status=429) from exc


def attachment_path(stored: str) -> Path:
    return Path(settings.VAR_DIR) / "tips" / stored


def _new_receipt() -> tuple[str, str]:
    while True:
        receipt = f"{secrets.randbelow(10 ** 16):016d}"
        digest = crypto.receipt_digest(receipt)
        if not Tip.objects.filter(receipt_hash=digest).exists():
            return receipt, digest


def tip_submit(*, data: TipInput, source: str) -> tuple[Tip, str]:
    """Take a report; returns it and its receipt (shown once, stored only as a digest)."""
    _check(data)
    cleaned = [clean_attachment(name, content) for name, content in data.files]
    _limit(source)
    department = department_for(subject_kind=data.subject_kind, family=data.family,
                                sector=data.sector)
    office = department_over(department=department, region_code=data.place)
    receipt, digest = _new_receipt()
    identity = None if data.anonymous else crypto.seal(json.dumps(
        {"name": data.name.strip(), "contact": data.contact.strip()},
        ensure_ascii=False).encode())
    with without_source(), transaction.atomic():
        tip = Tip.objects.create(
            receipt_hash=digest, subject_kind=data.subject_kind,
            subject_name=data.subject_name.strip(), subject_code=data.subject_code.strip(),
            family=data.family, sector=data.sector[:30], place_id=data.place,
            description=data.description.strip(), anonymous=data.anonymous,
            insider=data.insider, identity=identity, channel=data.channel[:10],
            department=department, organisation=office)
        for item in cleaned:
            stored = f"{tip.pk}-{secrets.token_hex(8)}.bin"
            path = attachment_path(stored)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(crypto.seal(item.data))
            import hashlib

            TipAttachment.objects.create(tip=tip, kind=item.kind, size=len(item.data),
                                         sha256=hashlib.sha256(item.data).hexdigest(),
                                         stored=stored)
        if office is not None:
            rules = tip_rules(region_code=office.region_id)
            now = timezone.now()
            TipClock.objects.create(tip=tip, kind="handle", organisation=office, started_at=now,
                                    due_at=now + timedelta(days=rules["handling_days"]))
    return tip, receipt


# --- the reporter's receipt -----------------------------------------------------------------

def _locked_message() -> str:
    return (f"回执编号连续输错 {settings.TIPS_RECEIPT_TRIES} 次，为防止猜测，已暂停查询 "
            f"{RECEIPT_WINDOW // 60} 分钟，请稍后再试")


def tip_by_receipt(*, receipt: str, source: str) -> Tip:
    """The report a receipt opens; wrong receipts from one source lock it for a while."""
    key = crypto.source_digest(source)
    tries = settings.TIPS_RECEIPT_TRIES
    try:  # cost 0: read the count of wrong receipts without adding to it
        rate_limit(scope="tips_receipt", key=key, limit=tries - 1, window=RECEIPT_WINDOW,
                   cost=0)
    except RateLimited:
        raise AppError("receipt_locked", _locked_message(), status=429) from None
    digits = _DIGITS.sub("", receipt or "")
    tip = Tip.objects.filter(receipt_hash=crypto.receipt_digest(digits)).first() \
        if len(digits) == 16 else None
    if tip is None:
        try:
            rate_limit(scope="tips_receipt", key=key, limit=tries - 1, window=RECEIPT_WINDOW)
        except RateLimited:
            raise AppError("receipt_locked", _locked_message(), status=429) from None
        raise AppError("receipt_unknown", "回执编号不正确（应为 16 位数字），请核对后重试",
                       fields={"receipt": ["回执编号不正确"]}, status=404)
    return tip


def tip_answer(*, tip: Tip, text: str) -> TipMessage:
    text = (text or "").strip()
    if not text or len(text) > 2000:
        raise _problem("text", "答复内容不能为空，且不超过2000字")
    if tip.status in ("refused",):
        raise AppError("tip_closed", "该举报已不予受理，无需答复")
    with without_source():
        return TipMessage.objects.create(tip=tip, kind="answer", text=text)


def progress_for_reporter(tip: Tip) -> dict:
    """What the reporter may see: status, dates, messages, the result; never who handles it
    or anything about other reports."""
    reward = getattr(tip, "reward", None) if hasattr(tip, "reward") else None
    return {"status": tip.get_status_display(), "status_code": tip.status,
            "submitted": tip.created_at, "accepted": tip.accepted_at,
            "handled": tip.handled_at, "refusal": tip.get_refusal_display() if tip.refusal
            else "", "result": tip.result if tip.status == "handled" else "",
            "messages": [{"kind": m.get_kind_display(), "code": m.kind, "text": m.text,
                          "at": m.at} for m in tip.messages.all()],
            "reward": None if reward is None else {
                "status": reward.get_status_display(), "status_code": reward.status,
                "amount": reward.amount if reward.status in ("approved", "paid") else None}}
