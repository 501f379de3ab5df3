"""Handling of tip-offs by the responsible department: accept (a clue for the detectors'
work) or refuse with a reason, duplicates linked to the first report of the matter, questions
to the reporter, deadlines with an extension approved a level up, the result fed back, the
reporter's identity and attachments read only by the handler (each read audited), the final
penalty recorded on the matter, and the reward claimed, approved and paid.

Public intake and the receipt are in ``intake``."""

from __future__ import annotations

import csv
import json
import re
import tempfile
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from certguard.clues.services import ClueHints, clue_bulk_create
from certguard.core.audit import audit_read, audit_record
from certguard.core.errors import AppError, Forbidden, NotFound
from certguard.core.policy import require
from certguard.core.scoping import UserLike, actor_of
from certguard.orgs.reference import region_level
from certguard.tips import crypto
from certguard.tips.intake import attachment_path, without_source
from certguard.tips.models import Matter, Reward, Tip, TipAttachment, TipClock, TipMessage
from certguard.tips.reference import REFUSALS, RULE_TIP
from certguard.tips.rewards import reward_amount
from certguard.tips.rules import tip_rules

CLUE_SUBJECTS = {"fake_certificate": "certificate", "fake_site": "website", "seller": "seller",
                 "employer": "employer", "institution": "institution"}
_CREDIT = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")


def _tip(by: UserLike, pk: int, action: str = "tips.handle") -> Tip:
    if not Tip.objects.restrict(by, "tips.view").filter(pk=pk).exists():
        raise NotFound("tip_not_found", "举报不存在或无权查看")
    tip = Tip.objects.restrict(by, action).select_for_update().filter(pk=pk).first()
    if tip is None:
        raise Forbidden("tip_forbidden", "此举报由其他单位承办，您可以查看但不能办理")
    return tip


def _text(value: str, *, name: str, what: str, limit: int = 2000) -> str:
    value = (value or "").strip()
    if not value or len(value) > limit:
        raise AppError("text_invalid", f"请填写{what}（{limit}字以内）",
                       fields={name: [f"请填写{what}"]})
    return value


def _notify(tip: Tip, kind: str, text: str, by: UserLike = None) -> None:
    TipMessage.objects.create(tip=tip, kind=kind, text=text,
                              author_id=actor_of(by).user_id if by else None)


def _meet(tip: Tip, kind: str) -> None:
    TipClock.objects.filter(tip=tip, kind=kind, met_at__isnull=True).update(met_at=timezone.now())
    audit_record(action="update", object_type="tips.tipclock", object_id=tip.pk,
                 summary=f"举报 #{tip.pk} 的{'办理' if kind == 'handle' else '反馈'}时限已完成")


def _matter_key(tip: Tip) -> str:
    base = (tip.subject_code or tip.subject_name).strip().lower()
    return f"{tip.department}:{re.sub(r'[^0-9a-z一-鿿]', '', base)}"[:200]


@transaction.atomic
def tip_accept(*, by: UserLike, pk: int) -> Tip:
    """Accept (受理): the first accepted report opens the matter; a clue goes to the inbox."""
    actor = require(by, "tips.handle")
    tip = _tip(by, pk)
    if tip.status != "received":
        raise AppError("tip_decided", f"举报已{tip.get_status_display()}，不能再受理")
    tip.matter = Matter.objects.create(key=_matter_key(tip), title=tip.subject_name[:300])
    tip.status, tip.accepted_at, tip.handler_id = "accepted", timezone.now(), actor.user_id
    tip.save(update_fields=["matter", "status", "accepted_at", "handler", "updated_at"])
    _notify(tip, "notice", "您的举报已受理，我们将依法调查处理并反馈结果。", by)
    tip.clue_id = _clue(by, tip)
    tip.save(update_fields=["clue_id", "updated_at"])
    return tip


def _clue(by: UserLike, tip: Tip) -> int | None:
    code = tip.subject_code.strip().upper()
    row = {"rule": RULE_TIP, "severity": "high" if tip.subject_kind != "fake_site" else "medium",
           "subject": CLUE_SUBJECTS[tip.subject_kind], "cert_no": "", "id_no": "", "name": "",
           "employer_code": "", "institution_code": "", "exam_center_code": "",
           "detail": f"举报：{tip.get_subject_kind_display()} {tip.subject_name}："
                     f"{tip.description[:300]}",
           "evidence": json.dumps({"tip": tip.pk, "place": tip.place_id,
                                   "subject_code": tip.subject_code}, ensure_ascii=False)}
    hints = ClueHints()
    if tip.subject_kind == "fake_certificate" and code:
        row["cert_no"] = code[:40]
        hints.certs[row["cert_no"]] = (f"{tip.place_id}-TIP", tip.family)
    elif tip.subject_kind in ("employer", "institution") and _CREDIT.match(code):
        key = "employer_code" if tip.subject_kind == "employer" else "institution_code"
        row[key] = code
        hints.employers[code] = (tip.place_id, tip.sector)
    handle = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8",
                                         newline="")
    with handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    path = Path(handle.name)
    try:
        intake = clue_bulk_create(by=by, path=path, source_kind="tip", source_id=tip.pk,
                                  organisation_id=actor_of(by).organisation_id, hints=hints)
    finally:
        path.unlink(missing_ok=True)
    if intake.rejected:
        return None  # outside the handler's remit: the report is still handled here
    from certguard.clues.selectors import clues_for

    return clues_for(user=by).filter(source_kind="tip", source_id=tip.pk).order_by(
        "-id").values_list("id", flat=True).first()


@transaction.atomic
def tip_refuse(*, by: UserLike, pk: int, reason: str, note: str = "",
               duplicate_of: int | None = None) -> Tip:
    """Refuse with a reason; a duplicate is linked to the first report of its matter."""
    require(by, "tips.handle")
    tip = _tip(by, pk)
    if tip.status != "received":
        raise AppError("tip_decided", f"举报已{tip.get_status_display()}，不能再作决定")
    if reason not in REFUSALS:
        raise AppError("reason_invalid", "请选择不予受理的理由", fields={"reason": ["无效"]})
    if reason == "duplicate":
        first = Tip.objects.restrict(by, "tips.view").filter(pk=duplicate_of or 0).first()
        if first is None or first.pk == tip.pk:
            raise AppError("duplicate_unknown", "请填写首次举报的编号（本部门可见的举报）",
                           fields={"duplicate_of": ["首次举报不存在"]})
        while first.duplicate_of_id:  # always link to the very first report
            first = first.duplicate_of
        tip.duplicate_of, tip.matter = first, first.matter
    elif not (note or "").strip():
        raise AppError("note_required", "请写明不予受理的具体理由（将告知举报人）",
                       fields={"note": ["请填写说明"]})
    tip.status, tip.refusal, tip.refusal_note = "refused", reason, (note or "").strip()[:500]
    tip.handler_id = actor_of(by).user_id
    tip.save(update_fields=["status", "refusal", "refusal_note", "duplicate_of", "matter",
                            "handler", "updated_at"])
    _meet(tip, "handle")
    _notify(tip, "notice", f"您的举报不予受理：{REFUSALS[reason]}"
            + (f"。{tip.refusal_note}" if tip.refusal_note else "。"), by)
    return tip


@transaction.atomic
def tip_ask(*, by: UserLike, pk: int, text: str) -> TipMessage:
    require(by, "tips.handle")
    tip = _tip(by, pk)
    message = TipMessage.objects.create(tip=tip, kind="question",
                                        text=_text(text, name="text", what="问题"),
                                        author_id=actor_of(by).user_id)
    return message


@transaction.atomic
def tip_close(*, by: UserLike, pk: int, result: str) -> Tip:
    """办结: the result is fed back to the reporter (starting and meeting the feedback clock)."""
    require(by, "tips.handle")
    tip = _tip(by, pk)
    if tip.status != "accepted":
        raise AppError("tip_not_accepted", "只有已受理的举报才能办结")
    tip.result = _text(result, name="result", what="办理结果", limit=3000)
    tip.status, tip.handled_at = "handled", timezone.now()
    tip.save(update_fields=["result", "status", "handled_at", "updated_at"])
    _meet(tip, "handle")
    if tip.organisation_id:
        rules = tip_rules(region_code=tip.place_id)
        TipClock.objects.create(tip=tip, kind="feedback", organisation_id=tip.organisation_id,
                                started_at=tip.handled_at, due_at=tip.handled_at + timedelta(
                                    days=rules["feedback_days"]))
    _notify(tip, "feedback", tip.result, by)
    _meet(tip, "feedback")
    return tip


@transaction.atomic
def tip_extension_request(*, by: UserLike, pk: int, reason: str) -> TipClock:
    require(by, "tips.handle")
    tip = _tip(by, pk)
    clock = tip.clocks.filter(kind="handle", met_at__isnull=True).first()
    if clock is None or clock.extended_at:
        raise AppError("no_extension", "没有可以延长的办理期限（每件举报只能延长一次）")
    clock.extension_reason = _text(reason, name="reason", what="延期理由", limit=500)
    clock.extension_requested_at = timezone.now()
    clock.save(update_fields=["extension_reason", "extension_requested_at"])
    return clock


@transaction.atomic
def tip_extension_approve(*, by: UserLike, pk: int) -> TipClock:
    """The head of the same department type one level up approves; the reporter is told why."""
    actor = require(by, "tips.extend")
    tip = Tip.objects.restrict(by, "tips.view").select_for_update().filter(pk=pk).first()
    if tip is None:
        raise NotFound("tip_not_found", "举报不存在或无权查看")
    clock = tip.clocks.filter(kind="handle", met_at__isnull=True,
                              extension_requested_at__isnull=False, extended_at=None).first()
    if clock is None:
        raise AppError("no_request", "没有待批准的延期申请")
    office = clock.organisation.region_id
    levels = ("province", "city", "county")
    if actor.department != tip.department or not office.startswith(actor.region_prefix) \
            or levels.index(region_level(actor.region_code)) >= levels.index(
                region_level(office)):
        raise Forbidden("not_level_above", "延长办理期限须由承办部门的上一级部门负责人批准")
    days = tip_rules(region_code=tip.place_id)["extension_days"]
    clock.due_at += timedelta(days=days)
    clock.extended_by, clock.extended_at = actor.username, timezone.now()
    clock.save(update_fields=["due_at", "extended_by", "extended_at"])
    _notify(tip, "notice", f"因{clock.extension_reason}，经上级批准，办理期限延长 {days} 日，"
                           f"至 {timezone.localtime(clock.due_at):%Y年%m月%d日}。", by)
    return clock


# --- what identifies the reporter: the handler only, every read audited ----------------------

def identity_read(*, by: UserLike, pk: int) -> dict:
    require(by, "tips.handle")
    tip = _tip(by, pk)
    if tip.anonymous or not tip.identity:
        return {}
    identity = json.loads(crypto.unseal(bytes(tip.identity)))
    audit_read(object_type="tips.tip", object_ids=[tip.pk], fields=["name", "contact"],
               summary="查看举报人身份", user=by)
    return identity


def attachment_read(*, by: UserLike, pk: int, attachment_id: int) -> tuple[TipAttachment, bytes]:
    require(by, "tips.handle")
    tip = _tip(by, pk)
    item = tip.attachments.filter(pk=attachment_id).first()
    if item is None:
        raise NotFound("attachment_not_found", "附件不存在")
    data = crypto.unseal(attachment_path(item.stored).read_bytes())
    audit_read(object_type="tips.tipattachment", object_ids=[item.pk], fields=["content"],
               summary=f"查看举报 #{tip.pk} 的附件", user=by)
    return item, data


# --- the penalty and the reward -----------------------------------------------------------------

def _money(value: object, name: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise AppError("amount_invalid", "金额应为数字", fields={name: ["金额应为数字"]}) from None
    if amount < 0 or amount > Decimal("1e11"):
        raise AppError("amount_invalid", "金额超出范围", fields={name: ["金额超出范围"]})
    return amount


@transaction.atomic
def penalty_record(*, by: UserLike, pk: int, decision_no: str, final_on: date,
                   fine: object = None, deaths: int = 0, grade: str = "",
                   enforcement_ref: str = "") -> Matter:
    """Record that the penalty on the report's matter is final (the fact a reward waits for)."""
    actor = require(by, "tips.handle")
    tip = _tip(by, pk)
    if tip.matter_id is None:
        raise AppError("no_matter", "举报尚未受理，没有可记录处罚的事项")
    matter = tip.matter
    assert matter is not None
    matter.fine_amount = _money(fine, "fine")
    if matter.fine_amount is None and not deaths:
        raise AppError("fine_missing", "请填写罚款金额（或瞒报事故死亡人数）",
                       fields={"fine": ["请填写罚款金额"]})
    matter.decision_no = _text(decision_no, name="decision_no", what="处罚决定书文号",
                               limit=100)
    if final_on > timezone.localdate():
        raise AppError("date_future", "生效日期不能晚于今天", fields={"final_on": ["晚于今天"]})
    matter.final_on, matter.penalty_final = final_on, True
    matter.concealed_deaths, matter.accident_grade = max(int(deaths or 0), 0), grade
    matter.enforcement_ref, matter.recorded_by = enforcement_ref[:100], actor.username
    matter.save()
    return matter


def reward_eligibility(tip: Tip) -> str:
    """'' when the reporter may claim, else why not (in words they can read)."""
    matter = tip.matter
    if tip.duplicate_of_id or tip.status not in ("accepted", "handled") or matter is None:
        return "只有被受理的首次举报才能申领奖励"
    first = matter.tips.filter(duplicate_of__isnull=True, status__in=(
        "accepted", "handled")).order_by("accepted_at", "pk").first()
    if first is None or first.pk != tip.pk:
        return "同一事项只奖励首次被受理的举报"
    if not matter.penalty_final:
        return "处罚决定生效后才能申领奖励"
    if hasattr(tip, "reward"):
        return "已申领过奖励"
    return ""


def reward_claim(*, tip: Tip, payee: str) -> Reward:
    """Claimed with the receipt: payee details are encrypted; the amount follows the rules of
    the place."""
    why = reward_eligibility(tip)
    if why:
        raise AppError("reward_not_eligible", why)
    payee = _text(payee, name="payee", what="收款人姓名、开户行和账号", limit=300)
    matter = tip.matter
    assert matter is not None  # reward_eligibility checked it
    amount, basis = reward_amount(rules=tip_rules(region_code=tip.place_id),
                                  fine=matter.fine_amount, deaths=matter.concealed_deaths,
                                  grade=matter.accident_grade)
    with without_source(), transaction.atomic():
        return Reward.objects.create(tip=tip, amount=amount, basis=basis,
                                     payee=crypto.seal(payee.encode()))


@transaction.atomic
def reward_decide(*, by: UserLike, pk: int, approve: bool, note: str = "") -> Reward:
    actor = require(by, "tips.reward_approve")
    tip = _tip(by, pk, action="tips.reward_approve")
    reward = Reward.objects.select_for_update().filter(tip=tip).first()
    if reward is None or reward.status != "claimed":
        raise AppError("reward_not_claimed", "没有待审批的奖励申请")
    if not approve and not (note or "").strip():
        raise AppError("note_required", "不予奖励须写明理由", fields={"note": ["请填写理由"]})
    reward.status = "approved" if approve else "refused"
    reward.decided_by, reward.decided_at, reward.note = actor.username, timezone.now(), \
        (note or "").strip()[:300]
    reward.save()
    _notify(tip, "notice", "您的奖励申请已批准，将按您提供的收款信息发放。" if approve else
            f"您的奖励申请未获批准：{reward.note}", by)
    return reward


@transaction.atomic
def reward_pay(*, by: UserLike, pk: int, voucher_no: str) -> Reward:
    actor = require(by, "tips.reward_approve")
    tip = _tip(by, pk, action="tips.reward_approve")
    reward = Reward.objects.select_for_update().filter(tip=tip, status="approved").first()
    if reward is None:
        raise AppError("reward_not_approved", "奖励尚未批准，不能发放")
    reward.voucher_no = _text(voucher_no, name="voucher_no", what="付款凭证号", limit=60)
    reward.status, reward.paid_by, reward.paid_at = "paid", actor.username, timezone.now()
    reward.save()
    _notify(tip, "notice", "奖励已发放，请注意查收。", by)
    return reward


def payee_read(*, by: UserLike, pk: int) -> str:
    require(by, "tips.reward_approve")
    tip = _tip(by, pk, action="tips.reward_approve")
    reward = Reward.objects.filter(tip=tip).first()
    if reward is None:
        raise NotFound("reward_not_found", "没有奖励申请")
    audit_read(object_type="tips.reward", object_ids=[reward.pk], fields=["payee"],
               summary="查看举报奖励收款信息", user=by)
    return crypto.unseal(bytes(reward.payee)).decode()
