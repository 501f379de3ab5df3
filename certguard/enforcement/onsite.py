"""On site: the checklist, the certificate check of each worker (QR scanned and verified
with the e-certificate verifier, or ID number + name checked against the registry), findings
with photos, findings turned into clues, and the offline phone's sync (a conflict is shown,
never overwritten; a cancelled task refuses the sync)."""

from __future__ import annotations

import csv
import hashlib
import json
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction

from certguard import ids
from certguard.clues.services import ClueHints, clue_bulk_create
from certguard.core.errors import AppError, NotFound
from certguard.core.policy import require
from certguard.core.scoping import UserLike, actor_of
from certguard.enforcement.common import now, text, today
from certguard.enforcement.inspections import task_for_change
from certguard.enforcement.models import (
    ChecklistEntry,
    Finding,
    FindingPhoto,
    Task,
    TaskWorker,
)
from certguard.enforcement.reference import (
    CHECK_RESULTS,
    FINDING_KINDS,
    PHOTO_KINDS,
    PHOTO_MAX_BYTES,
)
from certguard.registry.selectors import certificate_check

RULE_INSPECTION = "INS"


class Conflict(AppError):
    status = 409


def _working(by: UserLike, task_id: int) -> Task:
    require(by, "enforcement.work")
    task = task_for_change(by, task_id)
    if task.status == "cancelled":
        raise AppError("task_cancelled", "该检查任务已取消，不能再记录检查情况")
    if task.status != "in_progress":
        raise AppError("task_not_started", "请先开始检查（任务须已批准并开始），再记录现场情况")
    return task


def _check_entry(task: Task, *, by: UserLike, code: str, result: str, note: str,
                 base_version: int | None) -> ChecklistEntry:
    entry = ChecklistEntry.objects.select_for_update().filter(task=task, code=code).first()
    if entry is None:
        raise NotFound("item_not_found", f"检查表中没有第 {code[:4]} 项")
    if result not in CHECK_RESULTS or not result:
        raise AppError("result_invalid", "检查情况只能是符合、存在问题或不适用",
                       fields={"result": ["无效"]})
    if base_version is not None and base_version != entry.version:
        raise Conflict("conflict", f"检查表第 {entry.code} 项已被"
                       f"{entry.updated_by.display_name if entry.updated_by else '他人'}修改，"
                       "请查看对方的记录后再决定", fields={
                           "current": [json.dumps({"result": entry.result, "note": entry.note,
                                                   "version": entry.version},
                                                  ensure_ascii=False)]})
    entry.result = result
    entry.note = text(note, name="note", what="说明及整改意见", limit=1000,
                      required=result == "problem")
    entry.version += 1
    entry.updated_by_id, entry.updated_at = actor_of(by).user_id, now()
    entry.save()
    return entry


@transaction.atomic
def checklist_set(*, by: UserLike, task_id: int, code: str, result: str, note: str = "",
                  base_version: int | None = None) -> ChecklistEntry:
    """Record one checklist item; ``base_version`` is the version the inspector edited
    (a different current version means someone else changed it: a conflict)."""
    task = _working(by, task_id)
    return _check_entry(task, by=by, code=code, result=result, note=note,
                        base_version=base_version)


def _manual_result(answer: dict) -> str:
    if answer["result"] == "found":
        return "valid" if any(c["status"]["code"] == "valid"
                              for c in answer["certificates"]) else "invalid"
    return answer["result"]


def _qr_result(by: UserLike, qr_text: str) -> tuple[str, dict]:
    from certguard.ecert.services import payload_verify

    answer = payload_verify(text=qr_text, user=by, channel="执法检查扫码")
    return ("ecert_valid" if answer["valid"] else "ecert_invalid"), {
        "reason": answer["reason"], "message": answer["message"],
        "certificate": answer.get("certificate") or {}}


def _worker_check(task: Task, *, by: UserLike, worker_id: int | None, id_no: str, name: str,
                  qr_text: str, absent: bool = False, offline_result: str = "") -> TaskWorker:
    worker = None
    if worker_id:
        worker = TaskWorker.objects.select_for_update().filter(task=task, pk=worker_id).first()
        if worker is None:
            raise NotFound("worker_not_found", "该人员不在本次检查的核验名单中")
    if absent and worker is not None:
        worker.result, worker.method, worker.detail = "absent", "", {}
    elif qr_text:
        result, detail = _qr_result(by, text(qr_text, name="qr", what="二维码内容",
                                             limit=4000))
        if worker is None:
            cert = detail["certificate"]
            worker = TaskWorker(task=task, id_no=cert.get("id_no", "")[:18],
                                name=cert.get("name", "")[:50], cert_no=cert.get("cert_no", ""))
        worker.result, worker.method, worker.detail = result, "qr", detail
    else:
        check = ids.check_id_no(id_no or (worker.id_no if worker else ""))
        if not check.ok:
            raise AppError("id_no_invalid", f"身份证号有误：{check.message}",
                           fields={"id_no": [check.message]})
        name = text(name or (worker.name if worker else ""), name="name", what="姓名",
                    limit=50)
        answer = certificate_check(user=by, id_no=check.id_no, name=name, on=today())
        if worker is None:
            worker = TaskWorker(task=task, id_no=check.id_no, name=name)
        worker.result, worker.method = _manual_result(answer), "manual"
        worker.detail = {"answer": answer["result"], "offline": offline_result,
                         "certificates": [{"cert_no": c["cert_no"], "item": c["item_name"],
                                           "status": c["status"]["label"]}
                                          for c in answer["certificates"]][:10]}
    worker.checked_at, worker.checked_by_id = now(), actor_of(by).user_id
    worker.version += 1
    worker.save()
    return worker


@transaction.atomic
def worker_check(*, by: UserLike, task_id: int, worker_id: int | None = None,
                 id_no: str = "", name: str = "", qr_text: str = "",
                 absent: bool = False) -> TaskWorker:
    """Check one worker's certificate: the QR code's signed payload (e-certificate verifier),
    or ID number + name against the registry; a worker not on the list is added."""
    task = _working(by, task_id)
    return _worker_check(task, by=by, worker_id=worker_id, id_no=id_no, name=name,
                         qr_text=qr_text, absent=absent)


def _finding(task: Task, *, by: UserLike, kind: str, description: str, people: int,
             worker_id_no: str, worker_name: str, client_key: str = "") -> Finding:
    if kind not in FINDING_KINDS:
        raise AppError("kind_invalid", "请选择问题类别", fields={"kind": ["无效"]})
    try:
        people = int(people or 0)
    except (TypeError, ValueError):
        raise AppError("people_invalid", "涉及人数应为整数", fields={"people": ["无效"]}) from None
    if not 0 <= people <= 10000:
        raise AppError("people_invalid", "涉及人数应在0到10000之间", fields={"people": ["无效"]})
    if client_key:
        done = Finding.objects.filter(task=task, client_key=client_key[:40]).first()
        if done is not None:
            return done  # the phone sent it again (sync retried): once only
    id_no = ""
    if worker_id_no:
        check = ids.check_id_no(worker_id_no)
        if not check.ok:
            raise AppError("id_no_invalid", f"涉及人员身份证号有误：{check.message}",
                           fields={"worker_id_no": [check.message]})
        id_no = check.id_no
    from certguard.enforcement.models import figures_add
    from certguard.enforcement.reference import FAKE_KINDS, UNCERTIFIED_KINDS

    found = now()
    figures_add(when=found, region_id=task.region_id, department=task.department,
                sector=task.sector, problems=1,
                uncertified_people=people if kind in UNCERTIFIED_KINDS else 0,
                fake_cert_people=people if kind in FAKE_KINDS else 0)
    return Finding.objects.create(
        task=task, kind=kind, people=people,
        description=text(description, name="description", what="问题描述", limit=2000),
        worker_id_no=id_no, worker_name=text(worker_name, name="worker_name", what="姓名",
                                             limit=50, required=False),
        region_id=task.region_id, department=task.department, sector=task.sector,
        found_at=found, created_by_id=actor_of(by).user_id, client_key=client_key[:40])


@transaction.atomic
def finding_add(*, by: UserLike, task_id: int, kind: str, description: str, people: int = 0,
                worker_id_no: str = "", worker_name: str = "",
                photos: list[tuple[str, bytes]] | None = None) -> Finding:
    task = _working(by, task_id)
    finding = _finding(task, by=by, kind=kind, description=description, people=people,
                       worker_id_no=worker_id_no, worker_name=worker_name)
    for name, data in photos or []:
        _photo(finding, name, data)
    return finding


def _image_kind(name: str, data: bytes) -> str:
    if len(data) > PHOTO_MAX_BYTES:
        raise AppError("photo_too_large", f"照片“{name[:40]}”超过20 MB，请压缩后再上传",
                       fields={"photos": ["超过20 MB"]})
    for magic, kind in PHOTO_KINDS.items():
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    raise AppError("photo_not_image", f"“{name[:40]}”不是图片（只接受 JPEG、PNG、GIF、WebP）",
                   fields={"photos": ["不是图片"]})


def _photo(finding: Finding, name: str, data: bytes) -> FindingPhoto:
    kind = _image_kind(name, data)
    digest = hashlib.sha256(data).hexdigest()
    folder = Path(settings.VAR_DIR) / "enforcement" / "photos"
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{digest}.{kind}"
    (folder / stored).write_bytes(data)
    return FindingPhoto.objects.create(finding=finding, kind=kind, size=len(data),
                                       sha256=digest, stored=stored)


@transaction.atomic
def photo_add(*, by: UserLike, finding_id: int, name: str, data: bytes) -> FindingPhoto:
    require(by, "enforcement.work")
    finding = Finding.objects.restrict(by, "enforcement.work").filter(pk=finding_id).first()
    if finding is None:
        raise NotFound("finding_not_found", "问题记录不存在或您不是该任务的检查组成员")
    _working(by, finding.task_id)
    return _photo(finding, name, data)


def photo_path(photo: FindingPhoto) -> Path:
    return Path(settings.VAR_DIR) / "enforcement" / "photos" / photo.stored


@transaction.atomic
def finding_to_clue(*, by: UserLike, finding_id: int) -> int:
    """The finding becomes a clue in the inbox (layer 3), so that cases can take it up."""
    require(by, "enforcement.work")
    finding = Finding.objects.restrict(by, "enforcement.work").select_for_update().select_related(
        "task__target").filter(pk=finding_id).first()
    if finding is None:
        raise NotFound("finding_not_found", "问题记录不存在或您不是该任务的检查组成员")
    if finding.clue_id:
        raise AppError("already_clue", f"该问题已转为线索 #{finding.clue_id}")
    target = finding.task.target
    code = target.credit_code or ""
    worker = bool(finding.worker_id_no)
    row = {"rule": RULE_INSPECTION, "severity": "high",
           "subject": "worker" if worker else ("employer" if target.kind == "enterprise"
                                               else "institution"),
           "cert_no": "", "id_no": finding.worker_id_no, "name": finding.worker_name,
           "employer_code": code if target.kind == "enterprise" else "",
           "institution_code": code if target.kind != "enterprise" else "",
           "exam_center_code": "",
           "detail": f"执法检查发现：{finding.get_kind_display()}。{finding.description[:300]}",
           "evidence": json.dumps({"task": finding.task_id, "finding": finding.pk,
                                   "kind": finding.kind}, ensure_ascii=False)}
    hints = ClueHints()
    if code:
        hints.employers[code] = (finding.region_id, finding.sector)
    handle = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8",
                                         newline="")
    with handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    path = Path(handle.name)
    try:
        intake = clue_bulk_create(by=by, path=path, source_kind="inspection",
                                  source_id=finding.pk,
                                  organisation_id=actor_of(by).organisation_id, hints=hints)
    finally:
        path.unlink(missing_ok=True)
    if intake.rejected or not intake.written:
        raise AppError("clue_outside", "该问题不在您的职责范围内，未能转为线索")
    from certguard.clues.selectors import clues_for

    clue_id = clues_for(user=by).filter(source_kind="inspection", source_id=finding.pk) \
        .order_by("-id").values_list("id", flat=True).first()
    finding.clue_id = clue_id
    finding.save(update_fields=["clue_id"])
    return int(clue_id or 0)


@transaction.atomic
def sync_apply(*, by: UserLike, task_id: int, entries: list[dict]) -> dict:
    """Apply what the phone recorded offline, in one transaction. Each entry: {"type":
    "checklist"|"worker"|"finding", ...}. A checklist item someone else changed since the
    phone cached it is a conflict: reported with both values, not applied. A cancelled task
    refuses everything; an invalid entry refuses the whole batch (nothing half-saved)."""
    require(by, "enforcement.work")
    task = Task.objects.restrict(by, "enforcement.work").select_for_update().filter(
        pk=task_id).first()
    if task is None:
        raise NotFound("task_not_found", "检查任务不存在或您不是该任务的检查组成员")
    if task.status == "cancelled":
        raise AppError("task_cancelled", "该检查任务已在您离线期间被取消，离线记录未同步；"
                       "请与部门负责人联系", status=409)
    if task.status != "in_progress":
        raise AppError("task_not_started", "检查任务不在检查中，离线记录未同步", status=409)
    if not isinstance(entries, list) or len(entries) > 2000:
        raise AppError("entries_invalid", "离线记录格式有误")
    applied, conflicts = 0, []
    for n, entry in enumerate(entries, start=1):
        kind = entry.get("type") if isinstance(entry, dict) else None
        try:
            if kind == "checklist":
                try:
                    with transaction.atomic():
                        _check_entry(task, by=by, code=str(entry.get("code", "")),
                                     result=str(entry.get("result", "")),
                                     note=str(entry.get("note", "")),
                                     base_version=int(entry.get("base_version", 0)))
                except Conflict as exc:
                    current = json.loads(exc.fields["current"][0])
                    conflicts.append({"type": "checklist", "code": entry.get("code"),
                                      "mine": {"result": entry.get("result"),
                                               "note": entry.get("note", "")},
                                      "theirs": current, "message": exc.message})
                    continue
            elif kind == "worker":
                _worker_check(task, by=by, worker_id=entry.get("worker_id"),
                              id_no=str(entry.get("id_no", "")), name=str(entry.get("name", "")),
                              qr_text=str(entry.get("qr_text", "")),
                              absent=bool(entry.get("absent")),
                              offline_result=str(entry.get("offline_result", ""))[:20])
            elif kind == "finding":
                _finding(task, by=by, kind=str(entry.get("kind", "")),
                         description=str(entry.get("description", "")),
                         people=entry.get("people", 0),
                         worker_id_no=str(entry.get("worker_id_no", "")),
                         worker_name=str(entry.get("worker_name", "")),
                         client_key=str(entry.get("key", "")))
            else:
                raise AppError("entry_type_invalid", "离线记录类型无效")
        except AppError as exc:
            raise AppError(exc.code, f"第{n}条离线记录：{exc.message}（全部未同步，请修改后重试）",
                           fields=exc.fields, status=exc.status) from None
        applied += 1
    return {"applied": applied, "conflicts": conflicts}
