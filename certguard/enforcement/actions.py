"""The actions on a task and on a penalty, by name, from a form or a JSON body: the page and
the API share this one dispatch (each action is a service; nothing here decides)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from certguard.core.errors import AppError
from certguard.core.scoping import UserLike
from certguard.enforcement import services


def _flag(data: Any, key: str) -> bool:
    value = data.get(key)
    return value in (True, "1", "true", "on", "yes", 1)


def _int(data: Any, key: str) -> int | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise AppError("number_invalid", f"{key} 应为整数", fields={key: ["无效"]}) from None


def _photos(files: Any) -> list[tuple[str, bytes]]:
    from certguard.enforcement.reference import PHOTO_MAX_BYTES

    if not files:
        return []
    # One byte past the limit is enough to refuse an oversized photo without reading it all.
    return [(f.name, f.read(PHOTO_MAX_BYTES + 1)) for f in files.getlist("photos")[:20]]


TASK_ACTIONS: dict[str, Callable[[UserLike, int, Any, Any], Any]] = {
    "submit": lambda by, pk, d, f: services.task_submit(by=by, task_id=pk),
    "approve": lambda by, pk, d, f: services.task_approve(by=by, task_id=pk),
    "reject": lambda by, pk, d, f: services.task_approve(by=by, task_id=pk, approve=False,
                                                         reason=d.get("reason", "")),
    "start": lambda by, pk, d, f: services.task_start(by=by, task_id=pk),
    "complete": lambda by, pk, d, f: services.task_complete(
        by=by, task_id=pk, handling=d.get("handling", ""), unit_signed=_flag(d, "unit_signed"),
        refusal_note=d.get("refusal_note", ""), place=d.get("place", "")),
    "cancel": lambda by, pk, d, f: services.task_cancel(by=by, task_id=pk,
                                                        reason=d.get("reason", "")),
    "checklist": lambda by, pk, d, f: services.checklist_set(
        by=by, task_id=pk, code=str(d.get("code", "")), result=str(d.get("result", "")),
        note=str(d.get("note", "")), base_version=_int(d, "base_version")),
    "worker": lambda by, pk, d, f: services.worker_check(
        by=by, task_id=pk, worker_id=_int(d, "worker_id"), id_no=str(d.get("id_no", "")),
        name=str(d.get("name", "")), qr_text=str(d.get("qr_text", "")),
        absent=_flag(d, "absent")),
    "finding": lambda by, pk, d, f: services.finding_add(
        by=by, task_id=pk, kind=str(d.get("kind", "")),
        description=str(d.get("description", "")), people=d.get("people") or 0,
        worker_id_no=str(d.get("worker_id_no", "")), worker_name=str(d.get("worker_name", "")),
        photos=_photos(f)),
    "clue": lambda by, pk, d, f: services.finding_to_clue(by=by,
                                                          finding_id=_int(d, "finding_id") or 0),
    "order": lambda by, pk, d, f: services.order_issue(
        by=by, task_id=pk, deadline=d.get("deadline", ""), items=d.get("items", ""),
        number=d.get("number")),
    "review": lambda by, pk, d, f: services.review_issue(
        by=by, task_id=pk, corrected=_flag(d, "corrected"), opinion=d.get("opinion", ""),
        number=d.get("number")),
    "record": lambda by, pk, d, f: services.record_issue(by=by, task_id=pk,
                                                         number=d.get("number")),
    "penalty": lambda by, pk, d, f: services.penalty_propose(
        by=by, finding_id=_int(d, "finding_id") or 0, amount=d.get("amount", ""),
        facts=d.get("facts", ""), reason_outside=d.get("reason_outside", ""),
        uncorrected=_flag(d, "uncorrected"), party_name=d.get("party_name", ""),
        party_id_no=d.get("party_id_no", "")),
}
TASK_ACTION_LABELS = {"submit": "报批", "approve": "批准", "reject": "不予批准",
                      "start": "开始检查",
                      "complete": "完成检查", "cancel": "取消", "checklist": "记录检查项",
                      "worker": "核验证书", "finding": "记录问题", "clue": "转为线索",
                      "order": "责令限期整改", "review": "整改复查", "record": "生成现场检查记录",
                      "penalty": "拟定行政处罚"}

PENALTY_ACTIONS: dict[str, Callable[[UserLike, int, Any], Any]] = {
    "review": lambda by, pk, d: services.penalty_review(by=by, penalty_id=pk,
                                                        approve=_flag(d, "approve"),
                                                        note=d.get("note", "")),
    "notify": lambda by, pk, d: services.penalty_notify(by=by, penalty_id=pk,
                                                        number=d.get("number")),
    "decide": lambda by, pk, d: services.penalty_decide(
        by=by, penalty_id=pk, hearing_requested=_flag(d, "hearing_requested"),
        hearing_waived=_flag(d, "hearing_waived"), number=d.get("number")),
    "deliver": lambda by, pk, d: services.penalty_deliver(by=by, penalty_id=pk),
    "pay": lambda by, pk, d: services.penalty_pay(by=by, penalty_id=pk,
                                                  paid_on=d.get("paid_on", ""),
                                                  amount=d.get("amount", "")),
    "publish": lambda by, pk, d: services.penalty_publish(by=by, penalty_id=pk),
}
PENALTY_ACTION_LABELS = {"review": "法制审核", "notify": "告知", "decide": "作出决定",
                         "deliver": "送达", "pay": "登记缴纳", "publish": "公开"}


def task_act(*, by: UserLike, task_id: int, action: str, data: Any, files: Any = None) -> Any:
    handler = TASK_ACTIONS.get(action)
    if handler is None:
        raise AppError("action_invalid", "未知的操作", fields={"action": ["无效"]})
    return handler(by, task_id, data, files)


def penalty_act(*, by: UserLike, penalty_id: int, action: str, data: Any) -> Any:
    handler = PENALTY_ACTIONS.get(action)
    if handler is None:
        raise AppError("action_invalid", "未知的操作", fields={"action": ["无效"]})
    return handler(by, penalty_id, data)
