"""Reads of enforcement, always through ``restrict(user, action)``; workers' and parties'
names and ID numbers are personal data (logged as read). ``penalty_decisions_for`` is the
public face ``cases`` links its cases through."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from certguard import ids
from certguard.core.errors import NotFound
from certguard.core.personal import logged_reads
from certguard.core.scoping import UserLike
from certguard.enforcement.models import (
    Clock,
    Document,
    Draw,
    Finding,
    FindingPhoto,
    Inspector,
    PenaltyDecision,
    Plan,
    RectificationOrder,
    RegisterUnit,
    Task,
    TaskMember,
    TaskWorker,
)

WORKER_FIELDS = ("name", "id_no")


def tasks_for(*, user: UserLike, status: str = "", source: str = "",
              target_id: int | None = None) -> QuerySet[Task]:
    tasks = Task.objects.restrict(user, "enforcement.view").select_related(
        "organisation", "region")
    if status:
        tasks = tasks.filter(status=status)
    if source:
        tasks = tasks.filter(source=source)
    if target_id:
        tasks = tasks.filter(target_id=target_id)
    return tasks.order_by("-planned_on", "-id")


def task_get(*, user: UserLike, pk: int) -> Task:
    members = Prefetch("members", queryset=TaskMember.objects.select_related("user", "inspector"))
    task = Task.objects.restrict(user, "enforcement.view").select_related(
        "organisation", "region", "target", "approved_by", "parent_order__document", "plan",
        "draw").prefetch_related(members, "checklist", "documents", "orders__document"
                                 ).filter(pk=pk).first()
    if task is None:
        raise NotFound("task_not_found", "检查任务不存在或无权查看")
    return task


def task_workers(*, user: UserLike, task: Task) -> QuerySet[TaskWorker]:
    return logged_reads(task.workers.select_related("checked_by").order_by("name", "id"),
                        fields=WORKER_FIELDS, summary="查看检查任务的持证核验名单", user=user)


def task_findings(*, user: UserLike, task: Task) -> QuerySet[Finding]:
    return logged_reads(task.findings.prefetch_related("photos").order_by("found_at", "id"),
                        fields=("worker_name", "worker_id_no"), summary="查看检查发现的问题",
                        user=user)


def may_work(*, user: UserLike, task: Task) -> bool:
    return Task.objects.restrict(user, "enforcement.work").filter(pk=task.pk).exists()


def may_approve(*, user: UserLike, task: Task) -> bool:
    from certguard.core.scoping import actor_of

    actor = actor_of(user)
    return actor.role == "department_head" and actor.organisation_id == task.organisation_id


def plans_for(*, user: UserLike) -> QuerySet[Plan]:
    return Plan.objects.restrict(user, "enforcement.view").select_related(
        "organisation").prefetch_related("matters", "proportions").order_by("-year", "id")


def plan_get(*, user: UserLike, pk: int) -> Plan:
    plan = plans_for(user=user).filter(pk=pk).first()
    if plan is None:
        raise NotFound("plan_not_found", "检查计划不存在或无权查看")
    return plan


def draws_for(*, user: UserLike) -> QuerySet[Draw]:
    return Draw.objects.restrict(user, "enforcement.view").select_related(
        "organisation", "plan").defer("units_file", "inspectors_file").order_by("-created_at")


def draw_get(*, user: UserLike, pk: int) -> Draw:
    draw = draws_for(user=user).filter(pk=pk).first()
    if draw is None:
        raise NotFound("draw_not_found", "抽取记录不存在或无权查看")
    return draw


def published_draws() -> QuerySet[Draw]:
    """The public list (双随机、一公开): published draws with their hashes and results."""
    return Draw.objects.filter(status="published").select_related(
        "organisation", "plan").defer("units_file", "inspectors_file").order_by("-published_at")


def published_draw(*, pk: int, with_files: bool = False) -> Draw:
    rows = Draw.objects.filter(status="published").select_related("organisation", "plan")
    if not with_files:
        rows = rows.defer("units_file", "inspectors_file")
    draw = rows.filter(pk=pk).first()
    if draw is None:
        raise NotFound("draw_not_found", "抽取结果不存在或尚未公布")
    return draw


def units_for(*, user: UserLike) -> QuerySet[RegisterUnit]:
    return RegisterUnit.objects.restrict(user, "enforcement.view").select_related("region")


def inspectors_for(*, user: UserLike) -> QuerySet[Inspector]:
    return logged_reads(Inspector.objects.restrict(user, "enforcement.view").select_related(
        "organisation", "region").prefetch_related("recusals__unit"), fields=("name",),
        summary="查看执法检查人员名录库", user=user)


# --- penalties: the public selector ``cases`` links to -----------------------------------------

def penalty_decisions_for(*, user: UserLike, ids_: Iterable[int] | None = None,
                          task_id: int | None = None, party_name: str = "",
                          decided_only: bool = False,
                          party_id_nos: Iterable[str] | None = None,
                          organisation_ids: Iterable[int] | None = None,
                          organisation_names: Iterable[str] | None = None,
                          ) -> QuerySet[PenaltyDecision]:
    """Penalty decisions ``user`` may see, optionally by id, task or party (a case links to
    its decisions by id). ``party_id_nos`` / ``organisation_ids`` / ``organisation_names``
    select the decisions of given parties (any of them): persons by ID number, organisations
    as the inspected unit or by their exact name. Parties' names and ID numbers are logged as
    read."""
    rows = PenaltyDecision.objects.restrict(user, "enforcement.view").select_related(
        "organisation", "task")
    if ids_ is not None:
        rows = rows.filter(pk__in=list(ids_))
    if task_id:
        rows = rows.filter(task_id=task_id)
    if party_name:
        rows = rows.filter(party_name__contains=party_name.strip()[:50])
    if party_id_nos is not None or organisation_ids is not None \
            or organisation_names is not None:
        parties = Q(pk__in=[])
        if party_id_nos:
            parties |= Q(party_kind="person", party_id_no__in=[i for i in party_id_nos if i])
        if organisation_ids:
            parties |= Q(party_kind="organisation",
                         task__target_id__in=[i for i in organisation_ids if i])
        if organisation_names:
            parties |= Q(party_kind="organisation",
                         party_name__in=[n for n in organisation_names if n])
        rows = rows.filter(parties)
    if decided_only:
        rows = rows.filter(decided_at__isnull=False)
    return logged_reads(rows.order_by("-filed_at", "-id"), fields=("party_name", "party_id_no"),
                        summary="查看行政处罚", user=user)


def findings_by_ids(*, user: UserLike, ids_: Iterable[int]) -> QuerySet[Finding]:
    """Findings ``user`` may see among ``ids_``, with their task (the inspected unit), photos
    and the task's documents; the worker named in each is personal data (logged as read).
    ``cases`` links findings and their inspection records as evidence through this."""
    rows = Finding.objects.restrict(user, "enforcement.view").select_related(
        "task", "task__target", "task__organisation").prefetch_related(
        "photos", "task__documents").filter(pk__in=list(ids_)).order_by("id")
    return logged_reads(rows, fields=("worker_name", "worker_id_no"),
                        summary="查看检查发现的问题", user=user)


def finding_get(*, user: UserLike, pk: int) -> Finding:
    finding = findings_by_ids(user=user, ids_=[pk]).first()
    if finding is None:
        raise NotFound("finding_not_found", "检查发现的问题不存在或无权查看")
    return finding


def photos_by_ids(*, user: UserLike, ids_: Iterable[int]) -> QuerySet[FindingPhoto]:
    """Photos of findings ``user`` may see among ``ids_`` (each with its finding)."""
    return FindingPhoto.objects.filter(
        pk__in=list(ids_), finding__in=Finding.objects.restrict(user, "enforcement.view")
    ).select_related("finding").order_by("id")


def finding_photo_get(*, user: UserLike, pk: int) -> FindingPhoto:
    photo = photos_by_ids(user=user, ids_=[pk]).first()
    if photo is None:
        raise NotFound("photo_not_found", "现场照片不存在或无权查看")
    return photo


def penalty_get(*, user: UserLike, pk: int) -> PenaltyDecision:
    penalty = penalty_decisions_for(user=user).prefetch_related(
        "clocks", "documents").filter(pk=pk).first()
    if penalty is None:
        raise NotFound("penalty_not_found", "处罚记录不存在或无权查看")
    return penalty


def overdue_clocks(*, user: UserLike) -> QuerySet[Clock]:
    """Deadlines passed and not met, for the department head (行政处罚法 and DOMAIN.md §4)."""
    return Clock.objects.restrict(user, "enforcement.overdue").filter(
        met_at__isnull=True, due_at__lt=timezone.now()).select_related(
        "organisation", "penalty", "order__task").order_by("due_at")


def open_clocks(*, penalty: PenaltyDecision) -> list[Clock]:
    return [c for c in penalty.clocks.all() if c.met_at is None]


def documents_of(*, task: Task) -> list[Document]:
    return list(task.documents.all())


def orders_due(*, user: UserLike, within_days: int = 7) -> QuerySet[RectificationOrder]:
    return RectificationOrder.objects.restrict(user, "enforcement.view").filter(
        status="open", deadline__lte=timezone.localdate() + timedelta(days=within_days))


def published_decisions() -> list[dict]:
    """The public page of penalty decisions (Art. 78): personal data masked."""
    rows = PenaltyDecision.objects.filter(published_at__isnull=False).select_related(
        "organisation").prefetch_related("documents").order_by("-published_at")[:500]
    out = []
    for p in rows:
        number = next((d.number for d in p.documents.all() if d.kind == "decision"), "")
        party = p.party_name if p.party_kind == "organisation" else _mask_name(p.party_name)
        out.append({"number": number, "authority": p.organisation.name, "party": party,
                    "party_id_no": ids.mask_id_no(p.party_id_no) if p.party_id_no else "",
                    "basis": p.basis, "amount": p.amount, "suspension": p.suspension,
                    "decided_at": p.decided_at, "published_at": p.published_at})
    return out


def _mask_name(name: str) -> str:
    return name[:1] + "某" * max(len(name) - 1, 1) if name else ""


def offline_bundle(*, user: UserLike, task: Task) -> dict:
    """What the phone caches for an inspection: the task, checklist (with versions), workers
    and the registry extract of them (personal data: logged), the e-certificate trust list."""
    from certguard.registry.selectors import certificate_extract

    workers = list(task_workers(user=user, task=task))
    extract = certificate_extract(user=user, id_nos=[w.id_no for w in workers],
                                  on=timezone.localdate())
    return {
        "task": {"id": task.pk, "target": task.target_name, "status": task.status,
                 "mode": task.get_mode_display(), "planned_on": task.planned_on.isoformat()},
        "checklist": [{"code": e.code, "text": e.text, "result": e.result, "note": e.note,
                       "version": e.version} for e in task.checklist.all()],
        "workers": [{"id": w.pk, "name": w.name, "id_no": w.id_no, "post": w.post,
                     "cert_no": w.cert_no, "result": w.result} for w in workers],
        "registry": extract,
        "trust": _trust_entries(),
        "cached_at": timezone.now().isoformat(),
    }


def _trust_entries() -> list[dict]:
    """The e-certificate trust list (public keys) for the phone's offline QR check."""
    import base64

    from certguard.ecert.services import trust_list_current

    out = []
    for entry in trust_list_current().entries:
        content = entry.to_content()
        for kid in entry.public.kids:
            out.append({"kid": kid.hex(), "alg": content["alg"], "authority": entry.authority,
                        "nbf": content["nbf"], "exp": content["exp"],
                        "spki": base64.b64encode(entry.public.spki).decode()})
    return out


def findings_q(user: UserLike) -> Q:
    from certguard.core.policy import scope_for

    return scope_for(Finding, user, "enforcement.view") or Q(pk__in=[])
