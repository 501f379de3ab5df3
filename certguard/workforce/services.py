"""Changing the ledger: apply a roster (add, update, end entries) and keep every change."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from dataclasses import field as default
from datetime import date

from django.db import transaction
from django.utils import timezone

from certguard.core.audit import audit_record
from certguard.core.errors import Forbidden
from certguard.core.policy import allows
from certguard.core.rights import SYSTEM
from certguard.core.scoping import UserLike, actor_of
from certguard.workforce.models import TRACKED_FIELDS, LedgerChange, LedgerEntry

_BATCH = 500


@dataclass(frozen=True, slots=True)
class LedgerRow:
    """One worker on one post, as a roster declares it."""

    worker_id_no: str
    worker_name: str
    post: str = ""
    required_item_code: str = ""
    cert_no: str = ""
    valid_until: date | None = None
    on_post_from: date | None = None
    on_post_to: date | None = None
    employer_code: str = ""  # the credit code the roster gives for the row, if any
    where: str = ""  # the row in its source (e.g. "花名册 第 5 行"), for the report


@dataclass
class LedgerApplyReport:
    added: int = 0
    updated: int = 0
    ended: int = 0
    resumed: int = 0
    unchanged: int = 0
    active_before: int = 0  # entries on post before the roster was applied
    rejected: list[dict[str, str]] = default(default_factory=list)  # {"where", "reason"}

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @property
    def leaving_share(self) -> float:
        return self.ended / self.active_before if self.active_before else 0.0


def may_change_ledger(*, by: UserLike, employer: object) -> bool:
    """The employer's own users change its ledger (and the platform's own jobs)."""
    if not allows(by, "ledger.change"):
        return False
    actor = actor_of(by)
    return actor.role == SYSTEM or actor.organisation_id == employer.pk


def _check_may_change(*, by: UserLike, employer: object) -> None:
    if not may_change_ledger(by=by, employer=employer):
        raise Forbidden("ledger_forbidden", "只有本单位人员可以更新本单位的持证台账")


def _value(entry_or_row: object, field: str) -> object:
    value = getattr(entry_or_row, field)
    return value.isoformat() if isinstance(value, date) else value


def _is_active(row: LedgerRow, as_of: date) -> bool:
    return row.on_post_to is None or row.on_post_to >= as_of


def _diff(entry: LedgerEntry, row: LedgerRow, active: bool) -> dict[str, list]:
    changes = {}
    for field in TRACKED_FIELDS:
        new = active if field == "active" else getattr(row, field)
        if getattr(entry, field) != new:
            changes[field] = [_value(entry, field), new.isoformat()
                              if isinstance(new, date) else new]
            setattr(entry, field, new)
    return changes


def _kind(changes: dict) -> str:
    if "active" in changes:
        return LedgerChange.Kind.RESUMED if changes["active"][1] else LedgerChange.Kind.ENDED
    return LedgerChange.Kind.UPDATED


def _dedupe(rows: Iterable[LedgerRow]) -> dict[tuple[str, str], LedgerRow]:
    """One row per (ID number, post): a later row of the roster overrides an earlier one."""
    return {(r.worker_id_no, r.post or ""): r for r in rows}


def ledger_row_problem(*, employer: object, row: LedgerRow) -> str:
    """Why a roster row may not be written to this employer's ledger ("" when it may): a row
    naming another enterprise's credit code belongs to that enterprise's ledger."""
    code = (row.employer_code or "").strip().upper()
    own = (getattr(employer, "credit_code", "") or "").upper()
    if code and code != own:
        return f"该行的统一社会信用代码 {code[:18]} 不是本单位的代码，未写入本单位台账"
    return ""


@dataclass
class _Changes:
    report: LedgerApplyReport
    new_entries: list[LedgerEntry]
    dirty: list[LedgerEntry]
    changes: list[LedgerChange]


def _scoped(*, employer: object, rows: Iterable[LedgerRow], report: LedgerApplyReport
            ) -> list[LedgerRow]:
    """The rows that belong to this employer; every other row reported with its reason."""
    kept = []
    for row in rows:
        problem = ledger_row_problem(employer=employer, row=row)
        if problem:
            report.rejected.append({"where": row.where, "reason": problem})
        else:
            kept.append(row)
    return kept


def _compute(*, employer: object, rows: Iterable[LedgerRow], by: UserLike, as_of: date,
             source: dict, end_missing: bool) -> _Changes:
    """What applying the roster changes, without writing anything."""
    report = LedgerApplyReport()
    wanted = _dedupe(_scoped(employer=employer, rows=rows, report=report))
    existing = {(e.worker_id_no, e.post): e for e in LedgerEntry.objects.filter(employer=employer)}
    report.active_before = sum(e.active for e in existing.values())
    out = _Changes(report, [], [], [])
    for key, row in wanted.items():
        active = _is_active(row, as_of)
        entry = existing.get(key)
        if entry is None:
            out.new_entries.append(LedgerEntry(
                employer=employer, worker_id_no=row.worker_id_no, worker_name=row.worker_name,
                post=row.post or "", required_item_code=row.required_item_code or "",
                cert_no=row.cert_no or "", valid_until=row.valid_until,
                on_post_from=row.on_post_from, on_post_to=row.on_post_to, active=active,
                **source))
            continue
        diff = _diff(entry, _normalised(row), active)
        if not diff:
            report.unchanged += 1
            continue
        kind = _kind(diff)
        _count(report, kind)
        entry.source_upload_id, entry.source_label = source["source_upload_id"], \
            source["source_label"]
        entry.updated_at = timezone.now()
        out.dirty.append(entry)
        out.changes.append(LedgerChange(entry=entry, employer=employer, kind=kind, changes=diff,
                                        by=_user(by), **source))
    if end_missing:
        _end_missing(out, existing=existing, wanted=wanted, employer=employer, by=by,
                     as_of=as_of, source=source)
    report.added = len(out.new_entries)
    return out


def _end_missing(out: _Changes, *, existing: dict, wanted: dict, employer: object, by: UserLike,
                 as_of: date, source: dict) -> None:
    for key, entry in existing.items():
        if key in wanted or not entry.active:
            continue
        diff = {"active": [True, False]}
        if entry.on_post_to is None:
            diff["on_post_to"] = [None, as_of.isoformat()]
            entry.on_post_to = as_of
        entry.active = False
        entry.updated_at = timezone.now()
        out.report.ended += 1
        out.dirty.append(entry)
        out.changes.append(LedgerChange(entry=entry, employer=employer,
                                        kind=LedgerChange.Kind.ENDED,
                                        changes={**diff, "reason": "本次花名册未列出"},
                                        by=_user(by), **source))


def ledger_plan(*, employer: object, rows: Iterable[LedgerRow], as_of: date,
                end_missing: bool = True) -> LedgerApplyReport:
    """What ``ledger_apply`` would do with these rows (added, changed, put back on post,
    marked as left, rows refused), writing nothing: the preview a user confirms."""
    source = {"source_upload_id": None, "source_label": ""}
    return _compute(employer=employer, rows=rows, by=None, as_of=as_of, source=source,
                    end_missing=end_missing).report


@transaction.atomic
def ledger_apply(*, employer: object, rows: Iterable[LedgerRow], by: UserLike, as_of: date,
                 source_upload_id: int | None = None, source_label: str = "",
                 end_missing: bool = True) -> LedgerApplyReport:
    """Bring the employer's ledger in line with a roster.

    Every row is checked against the employer first (``ledger_row_problem``): rows of another
    enterprise are reported, never written. A new (ID number, post) is added; a known one is
    updated where its values differ; a row with a leaving date before ``as_of`` ends its
    entry; with ``end_missing`` (the roster is the complete list) an active entry the roster
    no longer names is ended on ``as_of``. Every change is a LedgerChange row; the whole
    application is one audit entry.
    """
    _check_may_change(by=by, employer=employer)
    source = {"source_upload_id": source_upload_id, "source_label": source_label[:200]}
    out = _compute(employer=employer, rows=rows, by=by, as_of=as_of, source=source,
                   end_missing=end_missing)
    report = out.report
    created = LedgerEntry.objects.bulk_create(out.new_entries, batch_size=_BATCH)
    out.changes += [LedgerChange(entry=e, employer=employer, kind=LedgerChange.Kind.ADDED,
                                 changes=_added(e), by=_user(by), **source) for e in created]
    LedgerEntry.objects.bulk_update(out.dirty, [*TRACKED_FIELDS, "source_upload_id",
                                                "source_label", "updated_at"],
                                    batch_size=_BATCH)
    LedgerChange.objects.bulk_create(out.changes, batch_size=_BATCH)
    audit_record(action="update", object_type="workforce.ledger", object_id=employer.pk,
                 summary=f"按花名册更新持证台账：{source_label}"[:300],
                 data={**{k: v for k, v in report.as_dict().items() if k != "rejected"},
                       "rejected": len(report.rejected), "source_upload_id": source_upload_id},
                 user=by)
    return report


def _normalised(row: LedgerRow) -> LedgerRow:
    return LedgerRow(worker_id_no=row.worker_id_no, worker_name=row.worker_name,
                     post=row.post or "", required_item_code=row.required_item_code or "",
                     cert_no=row.cert_no or "", valid_until=row.valid_until,
                     on_post_from=row.on_post_from, on_post_to=row.on_post_to)


def _added(entry: LedgerEntry) -> dict:
    return {f: [None, _value(entry, f)] for f in TRACKED_FIELDS}


def _count(report: LedgerApplyReport, kind: str) -> None:
    name = {"updated": "updated", "ended": "ended", "resumed": "resumed"}[kind]
    setattr(report, name, getattr(report, name) + 1)


def _user(by: UserLike) -> object:
    return by if getattr(by, "pk", None) else None
