"""Workflows of the clue inbox: bulk intake from a detector, and the handling of one clue."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from certguard.clues.bulk import insert_clues
from certguard.clues.loading import clue_file_count, clue_rows
from certguard.clues.models import Clue, ClueEvent
from certguard.clues.placement import ClueHints, Placer
from certguard.clues.reference import SEVERITY_RANK
from certguard.core.audit import audit_record
from certguard.core.errors import AppError, Forbidden, NotFound
from certguard.core.rights import SYSTEM
from certguard.core.scoping import UserLike, account_of, actor_of
from certguard.orgs.selectors import own_credit_code
from certguard.rules.titles import rule_severities

BATCH = 2000
RULE_SEVERITIES = rule_severities()
_TEXT = {"cert_no": 40, "id_no": 32, "name": 100, "employer_code": 40, "institution_code": 40,
         "exam_center_code": 40, "rule": 8, "severity": 8, "subject": 16}


def _clue(row: dict, *, placer: Placer, source_kind: str, source_id: int | None,
          organisation_id: int | None) -> dict:
    """One clue row as {attname: value}, placed in its region and remit."""
    place = placer.place(row)
    values = {k: (row.get(k) or "")[:n] for k, n in _TEXT.items()}
    # A screening rule's severity is the contract's, whichever detector reports it.
    values["severity"] = RULE_SEVERITIES.get(values["rule"], values["severity"])
    return {**values, "source_kind": source_kind, "source_id": source_id,
            "severity_rank": SEVERITY_RANK.get(values["severity"], 2),
            "detail": row.get("detail") or "", "evidence": row.get("evidence") or {},
            "region_id": place.region_id, "family": place.family[:30],
            "employer_sector": place.employer_sector[:30], "organisation_id": organisation_id}


def _codes(path: Path) -> set[str]:
    codes: set[str] = set()
    for rows in clue_rows(path, batch_size=20000):
        for row in rows:
            codes.update(str(row[k]) for k in ("employer_code", "institution_code",
                                               "exam_center_code") if row.get(k))
    return codes


@dataclass
class Intake:
    """What a bulk intake wrote (clues per rule) and what it refused, row by row."""

    counts: dict[str, int]
    rejected: list[dict] = field(default_factory=list)

    @property
    def written(self) -> int:
        return sum(self.counts.values())


OUTSIDE = "不在发现单位的辖区或职责范围内，未写入（应由其主管部门发现和处理）"
NOT_OWN = "不是本单位的记录，未写入"


class _ScopeCheck:
    """Each clue a detector writes must lie within its runner's scope (region, remit, own
    organisation): a county's run cannot fill another county's inbox."""

    def __init__(self, by: UserLike) -> None:
        self.actor = actor_of(by)
        own = self.actor.organisation_id
        self.own_code = (own_credit_code(organisation_id=own)
                         if own and not self.actor.is_regulator else None)

    def reason(self, clue: dict) -> str:
        if self.actor.role == SYSTEM:
            return ""
        if self.actor.is_regulator or self.actor.is_admin:
            return "" if Clue.row_in_scope(
                self.actor, region_id=clue["region_id"], family=clue["family"],
                employer_sector=clue["employer_sector"],
                organisation_id=clue["organisation_id"]) else OUTSIDE
        codes = {clue["employer_code"], clue["institution_code"], clue["exam_center_code"]}
        return "" if self.own_code and self.own_code in codes else NOT_OWN


def clue_bulk_create(*, by: UserLike, path: Path, source_kind: str, source_id: int | None,
                     organisation_id: int | None = None, hints: ClueHints | None = None,
                     progress: Callable[[int, int | None], None] | None = None) -> Intake:
    """Insert every clue of a clue file that lies within ``by``'s scope, in bulk (one
    transaction; the caller's if it has one); the others are refused with a reason, line by
    line. The change log gets one entry for the whole set."""
    path, check = Path(path), _ScopeCheck(by)
    placer = Placer(codes=_codes(path), hints=hints)
    counts: Counter[str] = Counter()
    rejected: list[dict] = []
    total, line = clue_file_count(path), 1
    with transaction.atomic():
        for rows in clue_rows(path):
            clues = []
            for row in rows:
                line += 1
                clue = _clue(row, placer=placer, source_kind=source_kind, source_id=source_id,
                             organisation_id=organisation_id)
                reason = check.reason(clue)
                if reason:
                    rejected.append({"line": line, "rule": clue["rule"], "reason": reason,
                                     "key": clue["cert_no"] or clue["id_no"]
                                     or clue["employer_code"]})
                else:
                    clues.append(clue)
            for start in range(0, len(clues), BATCH):
                insert_clues(clues[start:start + BATCH])
            counts.update(c["rule"] for c in clues)
            if progress:
                progress(sum(counts.values()) + len(rejected), total)
        audit_record(action="create", object_type="clues.clue", object_id=f"{source_kind}:"
                     f"{source_id}", summary=f"导入线索 {sum(counts.values())} 条"
                     + (f"，{len(rejected)} 条不在范围内未写入" if rejected else ""),
                     data={"source_kind": source_kind, "source_id": source_id,
                           "counts": dict(sorted(counts.items())), "refused": len(rejected)},
                     user=by)
    return Intake(counts=dict(sorted(counts.items())), rejected=rejected)


# --- Handling one clue ------------------------------------------------------------------------

def _locked(*, by: UserLike, clue_id: int) -> Clue:
    if Clue.objects.restrict(by, "clues.view").filter(pk=clue_id).exists() is False:
        raise NotFound("clue_not_found", "线索不存在或无权查看")
    clue = Clue.objects.restrict(by, "clues.work").select_for_update().filter(pk=clue_id).first()
    if clue is None:
        raise Forbidden("clue_forbidden", "您可以查看此线索，但无权处理", status=403)
    return clue


def _reason(reason: str, *, required: bool, what: str) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise AppError("reason_required", f"{what}线索必须填写理由",
                       fields={"reason": [f"{what}线索必须填写理由"]})
    if len(reason) > 2000:
        raise AppError("reason_too_long", "理由不能超过2000字", fields={"reason": ["理由过长"]})
    return reason


def _require_open(clue: Clue, what: str) -> None:
    if not clue.is_open:
        raise AppError("clue_closed", f"线索已{clue.get_status_display()}，不能{what}；"
                                      "如需改变结论请先重新打开")


def _event(clue: Clue, *, kind: str, by: UserLike, reason: str = "",
           assignee: UserLike = None) -> ClueEvent:
    return ClueEvent.objects.create(clue=clue, kind=kind, actor_id=actor_of(by).user_id,
                                    assignee=account_of(assignee), reason=reason)


@transaction.atomic
def clue_assign(*, by: UserLike, clue_id: int, assignee: UserLike, reason: str = "") -> Clue:
    clue = _locked(by=by, clue_id=clue_id)
    _require_open(clue, "分派")
    if assignee is None or not Clue.objects.restrict(assignee, "clues.work").filter(
            pk=clue.pk).exists():
        raise AppError("assignee_invalid", "承办人无权处理此线索（不在其辖区或职责范围内）",
                       fields={"assignee": ["承办人无权处理此线索"]})
    clue.assignee, clue.status = account_of(assignee), Clue.Status.ASSIGNED
    clue.save(update_fields=["assignee", "status", "updated_at"])
    _event(clue, kind="assign", by=by, assignee=assignee,
           reason=_reason(reason, required=False, what="分派"))
    return clue


def _decide(*, by: UserLike, clue_id: int, status: str, reason: str, what: str) -> Clue:
    clue = _locked(by=by, clue_id=clue_id)
    _require_open(clue, what)
    clue.reason = _reason(reason, required=True, what=what)
    clue.status, clue.decided_at = status, timezone.now()
    clue.decided_by_id = actor_of(by).user_id
    clue.save(update_fields=["status", "reason", "decided_at", "decided_by", "updated_at"])
    _event(clue, kind="confirm" if status == Clue.Status.CONFIRMED else "dismiss", by=by,
           reason=clue.reason)
    return clue


@transaction.atomic
def clue_confirm(*, by: UserLike, clue_id: int, reason: str) -> Clue:
    return _decide(by=by, clue_id=clue_id, status=Clue.Status.CONFIRMED, reason=reason,
                   what="确认")


@transaction.atomic
def clue_dismiss(*, by: UserLike, clue_id: int, reason: str) -> Clue:
    return _decide(by=by, clue_id=clue_id, status=Clue.Status.DISMISSED, reason=reason,
                   what="排除")


@transaction.atomic
def clue_reopen(*, by: UserLike, clue_id: int, reason: str) -> Clue:
    clue = _locked(by=by, clue_id=clue_id)
    if clue.is_open:
        raise AppError("clue_open", "线索尚未处理完毕，无需重新打开")
    reason = _reason(reason, required=True, what="重新打开")
    clue.status = Clue.Status.ASSIGNED if clue.assignee_id else Clue.Status.NEW
    clue.decided_at, clue.decided_by, clue.reason = None, None, ""
    clue.save(update_fields=["status", "decided_at", "decided_by", "reason", "updated_at"])
    _event(clue, kind="reopen", by=by, reason=reason)
    return clue


@transaction.atomic
def clue_note(*, by: UserLike, clue_id: int, reason: str) -> Clue:
    clue = _locked(by=by, clue_id=clue_id)
    _event(clue, kind="note", by=by, reason=_reason(reason, required=True, what="备注"))
    return clue


DECISIONS = {"confirm": clue_confirm, "dismiss": clue_dismiss, "reopen": clue_reopen,
             "note": clue_note}


def can_act(*, user: UserLike, clue: Clue) -> bool:
    return Clue.objects.restrict(user, "clues.work").filter(pk=clue.pk).exists()


@transaction.atomic
def clue_evidence_add(*, source_kind: str, source_id: int, id_no: str, cert_no: str,
                      evidence: dict[str, str], summary: str = "") -> int:
    """Add what the detector learnt later (e.g. the employer says where a certificate came
    from) to the evidence of its clues about this worker and certificate; returns how many.
    Keys already there are overwritten; the change is logged."""
    clues = Clue.objects.select_for_update().filter(source_kind=source_kind, source_id=source_id,
                                                    id_no=id_no, cert_no=cert_no)
    changed = 0
    for clue in clues:
        clue.evidence = {**(clue.evidence or {}), **evidence}
        clue.save(update_fields=["evidence", "updated_at"])
        changed += 1
    if changed:
        audit_record(action="update", object_type="clues.clue",
                     object_id=f"{source_kind}:{source_id}",
                     summary=summary or f"补充线索证据 {changed} 条",
                     data={"keys": sorted(evidence)})
    return changed
