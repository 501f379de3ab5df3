"""Official documents of an inspection: 现场检查记录 (Art. 68), 责令限期整改指令书 (its deadline
creates the 复查 task), 整改复查意见书 (only after an order; not corrected → the escalation of
DOMAIN.md §3 is suggested). Numbers are the system's, never typed by hand."""

from __future__ import annotations

from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from certguard.core.errors import AppError, NotFound
from certguard.core.policy import require
from certguard.core.scoping import UserLike, actor_of
from certguard.enforcement import pdf
from certguard.enforcement.common import day, now, text, today
from certguard.enforcement.inspections import task_create, task_for_change
from certguard.enforcement.models import Clock, Document, RectificationOrder, Task
from certguard.enforcement.numbering import number_take
from certguard.enforcement.reference import CERT_RESULTS, CHECK_RESULTS, DOC_KINDS

MANUAL_NUMBER = ("文书编号由系统按执法机关、文书种类和年度连续编号，不能手工填写或修改"
                 "（避免空号、重号）")


def refuse_manual_number(number: object) -> None:
    if number not in (None, ""):
        raise AppError("number_manual", MANUAL_NUMBER, fields={"number": ["不能手工填写"]})


def issue(*, task: Task, kind: str, content: dict, by: UserLike, penalty=None) -> Document:
    """Number and save a document (inside the caller's transaction)."""
    year = timezone.localdate().year
    seq, number = number_take(authority=task.organisation, kind=kind, year=year)
    return Document.objects.create(task=task, penalty=penalty, kind=kind,
                                   authority=task.organisation, year=year, seq=seq,
                                   number=number, content=content,
                                   created_by_id=actor_of(by).user_id)


def _team(task: Task) -> list[dict]:
    return [{"name": m.inspector.name if m.inspector else str(m.user),
             "cert_no": m.inspector.cert_no if m.inspector else ""}
            for m in task.members.select_related("inspector", "user")]


def _record_content(task: Task) -> dict:
    return {
        "target": task.target_name, "place": task.place,
        "started_at": timezone.localtime(task.started_at).strftime("%Y-%m-%d %H:%M")
        if task.started_at else "",
        "completed_at": timezone.localtime(task.completed_at).strftime("%Y-%m-%d %H:%M")
        if task.completed_at else "",
        "team": _team(task), "mode": task.get_mode_display(),
        "checklist": [[e.code, e.text, CHECK_RESULTS.get(e.result, ""), e.note]
                      for e in task.checklist.all()],
        "workers": [[w.name, w.post, CERT_RESULTS.get(w.result, "")]
                    for w in task.workers.all()],
        "findings": [f"{f.get_kind_display()}：{f.description}" for f in task.findings.all()],
        "handling": task.handling, "unit_signed": task.unit_signed,
        "refusal_note": task.refusal_note}


@transaction.atomic
def record_issue(*, by: UserLike, task_id: int, number: object = None) -> Document:
    """现场检查记录 of a completed inspection."""
    require(by, "enforcement.work")
    refuse_manual_number(number)
    task = task_for_change(by, task_id)
    if task.status != "completed":
        raise AppError("task_not_completed", "请先填写处理意见和签字情况、完成检查，再生成现场"
                       "检查记录")
    if task.documents.filter(kind="record").exists():
        raise AppError("record_exists", "本次检查已生成现场检查记录")
    return issue(task=task, kind="record", content=_record_content(task), by=by)


@transaction.atomic
def order_issue(*, by: UserLike, task_id: int, deadline: object, items: str,
                number: object = None) -> RectificationOrder:
    """责令限期整改指令书; its deadline creates the re-inspection (复查) task."""
    require(by, "enforcement.work")
    refuse_manual_number(number)
    task = task_for_change(by, task_id)
    if task.status not in ("in_progress", "completed"):
        raise AppError("task_not_started", "只能在检查中或检查后责令整改")
    due = day(deadline, name="deadline", what="整改期限")
    if due <= today():
        raise AppError("deadline_past", f"整改期限（{due:%Y-%m-%d}）须晚于今天",
                       fields={"deadline": ["须晚于今天"]})
    items = text(items, name="items", what="整改事项", limit=2000)
    document = issue(task=task, kind="order", by=by, content={
        "target": task.target_name, "items": items, "deadline": due.isoformat(),
        "findings": [f"{f.get_kind_display()}：{f.description}" for f in task.findings.all()],
        "team": _team(task)})
    order = RectificationOrder.objects.create(
        task=task, document=document, deadline=due, items=items, region_id=task.region_id,
        department=task.department, sector=task.sector, issued_at=now())
    tz = timezone.get_current_timezone()
    Clock.objects.create(order=order, kind="rectification", organisation=task.organisation,
                         region_id=task.region_id, department=task.department,
                         started_at=now(), due_at=datetime.combine(due, time.max, tz))
    team = list(task.members.values_list("user_id", flat=True))
    task_create(by=by, target_id=task.target_id, source="reinspection", planned_on=due,
                team=team, mode="cross" if task.mode == "cross" else "normal",
                source_ref=document.number[:50], cap_reason="整改复查（不另计检查次数）",
                parent_order=order)
    return order


def escalation_for(order: RectificationOrder) -> dict:
    """What DOMAIN.md §3 provides when an order is not complied with: suspension and the
    higher range (suggested from the catalogue as of today)."""
    from certguard.enforcement.penalties import suggest_for

    kinds = list(order.task.findings.values_list("kind", "people"))
    uncertified = sum(p for k, p in kinds if k == "uncertified")
    if not uncertified:
        return {"message": "逾期未整改：依法从重处理，可责令停产停业整顿"}
    suggestion = suggest_for(kind="uncertified", people=uncertified, uncorrected=True)
    return {"message": f"逾期未整改：建议依{suggestion['basis']}责令停产停业整顿，"
                       f"并处{suggestion['min']}至{suggestion['max']}元罚款",
            **suggestion}


@transaction.atomic
def review_issue(*, by: UserLike, task_id: int, corrected: bool, opinion: str,
                 number: object = None) -> Document:
    """整改复查意见书: only after a rectification order exists for the unit's inspection."""
    require(by, "enforcement.work")
    refuse_manual_number(number)
    task = task_for_change(by, task_id)
    order = task.parent_order or task.orders.order_by("-id").first()
    if order is None:
        raise AppError("no_order", "没有责令限期整改指令书，不能制作整改复查意见书",
                       fields={"task": ["没有整改指令"]})
    if task.status not in ("in_progress", "completed"):
        raise AppError("task_not_started", "请先开始复查，再制作整改复查意见书")
    order = RectificationOrder.objects.select_for_update().get(pk=order.pk)
    if order.status != "open":
        raise AppError("review_done", "该整改指令已复查")
    opinion = text(opinion, name="opinion", what="复查意见", limit=2000)
    order.status = "corrected" if corrected else "not_corrected"
    order.save(update_fields=["status", "updated_at"])
    Clock.objects.filter(order=order, met_at__isnull=True).update(met_at=now())
    content = {"target": task.target_name, "order_number": order.document.number,
               "deadline": order.deadline.isoformat(), "items": order.items,
               "corrected": bool(corrected), "opinion": opinion, "team": _team(task)}
    if not corrected:
        content["escalation"] = escalation_for(order)
    return issue(task=task, kind="review", content=content, by=by)


def document_pdf(document: Document) -> bytes:
    """The PDF, rendered from what the document records."""
    c = document.content
    title = DOC_KINDS[document.kind]
    authority = document.authority.name
    team = "；".join(f"{m['name']}（执法证号 {m['cert_no']}）" for m in c.get("team", []))
    if document.kind == "record":
        sections = [("被检查单位", c["target"]), ("检查地点", c.get("place", "")),
                    ("检查时间", f"{c['started_at']} 至 {c['completed_at']}"),
                    ("检查人员", team), ("检查方式", c.get("mode", "")),
                    ("发现的问题", "\n".join(c["findings"]) or "未发现问题"),
                    ("处理情况", c["handling"])]
        table = [["序号", "检查事项", "检查情况", "说明"]] + c["checklist"]
        if c["workers"]:
            table += [["持证核验", w[0], w[1], w[2]] for w in c["workers"][:200]]
        closing = ("被检查单位负责人已签字确认。" if c["unit_signed"]
                   else f"被检查单位负责人拒绝签字：{c['refusal_note']}（已记录并报告）")
        return pdf.render(title=title, number=document.number, authority=authority,
                          sections=sections, table=table, closing=closing,
                          signatures=["检查人员签名", "被检查单位负责人签名"])
    if document.kind == "order":
        sections = [("被责令单位", c["target"]), ("检查发现的问题", "\n".join(c["findings"])),
                    ("整改事项", c["items"]), ("整改期限", f"{c['deadline']}前整改完毕"),
                    ("执法人员", team)]
        closing = ("逾期未整改的，将依法从重处理。如不服本指令，可以依法申请行政复议或者提起"
                   "行政诉讼。")
        return pdf.render(title=title, number=document.number, authority=authority,
                          sections=sections, closing=closing,
                          signatures=["被检查单位负责人签收"])
    if document.kind == "review":
        sections = [("被复查单位", c["target"]), ("原整改指令", c["order_number"]),
                    ("整改期限", c["deadline"]), ("整改事项", c["items"]),
                    ("复查结论", "已按要求整改" if c["corrected"] else "逾期未整改"),
                    ("复查意见", c["opinion"]), ("复查人员", team)]
        if c.get("escalation"):
            sections.append(("处理建议", c["escalation"]["message"]))
        return pdf.render(title=title, number=document.number, authority=authority,
                          sections=sections, signatures=["被复查单位负责人签收"])
    from certguard.enforcement.penalties import penalty_document_sections

    sections, closing = penalty_document_sections(document)
    return pdf.render(title=title, number=document.number, authority=authority,
                      sections=sections, closing=closing,
                      signatures=["当事人签收"])


def document_for(by: UserLike, pk: int) -> Document:
    from certguard.enforcement.models import Task as _Task

    document = Document.objects.select_related("authority", "task").filter(pk=pk).first()
    if document is None or not _Task.objects.restrict(by, "enforcement.view").filter(
            pk=document.task_id).exists():
        raise NotFound("document_not_found", "文书不存在或无权查看")
    return document

