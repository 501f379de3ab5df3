"""The institution's own check: the screening rules that concern it, run by the screening
engine (``certguard.rules.screen``, DuckDB) on its own records, and its findings kept.

Two runs: one on the institution's records alone (R11 on its trainees' or candidates'
certificates, R12 with the catalogue's minimum hours from the database, R13, R15), and one
that needs the neighbours for comparison (R14: the same trainees' classes elsewhere; R16: the
other centres' sittings of the same items); only findings about the institution itself are
kept. The platform's own review check (RV) asks the registry whether a review or renewal
trainee holds a certificate for the item at all.
"""

from __future__ import annotations

import csv
import hashlib
import json
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from certguard.catalog.reference import ITEMS
from certguard.institutions.models import Answer, ExamSitting, Finding, TrainingRecord
from certguard.rules.schema import EXAMS, TRAINING

FAMILY_DEPARTMENT = {"special_ops": "yj", "safety_manager": "yj", "construction": "zj",
                     "special_equipment": "scjg"}
ITEM_FAMILY = {item.code: item.family for item in ITEMS}
CERT_COLUMNS = ("cert_no", "id_no", "name", "sex", "birth_date", "family", "item_code",
                "issuer_code", "first_issued", "valid_from", "valid_until", "review_due",
                "last_review", "status", "source")
ROWS_SHOWN = 50


@dataclass
class Found:
    rule: str
    severity: str
    detail: str
    evidence: dict
    id_no: str = ""
    name: str = ""
    cert_no: str = ""
    item_code: str = ""

    @property
    def key(self) -> str:
        e = self.evidence
        parts = [self.rule, self.id_no, self.cert_no, self.item_code,
                 *(str(e.get(k, "")) for k in ("class_id", "exam_date", "class_a", "class_b",
                                               "reason"))]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _write(path: Path, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if v is None else (v.isoformat() if hasattr(v, "isoformat")
                                                   else str(v)) for v in row])
    return path


def _training_rows(qs) -> Iterable[tuple]:
    names = [c.name for c in TRAINING.columns]
    return qs.order_by("pk").values_list(*names)


def _exam_rows(qs) -> Iterable[tuple]:
    names = [c.name for c in EXAMS.columns]
    for row in qs.order_by("pk").values_list(*names):
        yield tuple("true" if v is True else "false" if v is False else v for v in row)


def certificates_of(id_nos: set[str]) -> list[tuple]:
    """The registry's certificates of these holders, as exchange-format rows (the platform's
    own check reads them; nobody is shown more than what concerns their own records)."""
    from certguard.core.scoping import COMMAND_LINE
    from certguard.registry.selectors import certificates_for
    from certguard.registry.services import today

    fields = ("cert_no", "id_no", "name", "holder__sex", "holder__birth_date",
              "family_id", "item_code", "issuer_code", "first_issued", "valid_from",
              "valid_until", "review_due", "last_review", "status", "source")
    rows: list[tuple] = []
    ordered = sorted(id_nos)
    for start in range(0, len(ordered), 500):
        rows += list(certificates_for(user=COMMAND_LINE, on=today()).filter(
            id_no__in=ordered[start:start + 500]).order_by("pk").values_list(*fields))
    return rows


def _screen(inputs: dict[str, Path], *, rules: Sequence[str], out: Path,
            as_of: date) -> list[dict]:
    from certguard.catalog.services import min_training_hours
    from certguard.rules import screen

    result = screen({k: str(v) for k, v in inputs.items()}, out=out, as_of=as_of,
                    rules=list(rules), catalogue_min_hours=min_training_hours(),
                    on_bad_rows="report")
    del result
    with open(out, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _found(row: dict) -> Found:
    evidence = json.loads(row.get("evidence") or "{}")
    return Found(rule=row["rule"], severity=row["severity"], detail=row["detail"],
                 evidence=evidence, id_no=row.get("id_no") or "", name=row.get("name") or "",
                 cert_no=row.get("cert_no") or "",
                 item_code=str(evidence.get("item_code") or ""))


def run_rules(*, organisation, as_of: date) -> list[Found]:
    """Every finding of the rules on this organisation's current records."""
    code = organisation.credit_code or ""
    training = TrainingRecord.objects.filter(organisation=organisation, current=True)
    exams = ExamSitting.objects.filter(organisation=organisation, current=True)
    people = set(training.values_list("trainee_id_no", flat=True)) \
        | set(exams.values_list("candidate_id_no", flat=True))
    pairs = set(training.values_list("trainee_id_no", "item_code")) \
        | set(exams.values_list("candidate_id_no", "item_code"))
    if not people:
        return []
    certificates = certificates_of(people)
    cert_items = {c[0]: c[6] for c in certificates}
    found: list[Found] = []
    with tempfile.TemporaryDirectory(prefix="certguard-inst-check-") as tmp:
        d = Path(tmp)
        inputs = {"certificates": _write(d / "certificates.csv", CERT_COLUMNS, certificates)}
        rules = ["R11", "R13"]
        if training.exists():
            inputs["training"] = _write(d / "training.csv", [c.name for c in TRAINING.columns],
                                        _training_rows(training))
            rules.append("R12")
        if exams.exists():
            inputs["exams"] = _write(d / "exams.csv", [c.name for c in EXAMS.columns],
                                     _exam_rows(exams))
            rules.append("R15")
        for row in _screen(inputs, rules=rules, out=d / "own.csv", as_of=as_of):
            f = _found(row)
            if f.rule in ("R12", "R15") or (f.rule == "R13" and (
                    f.id_no, f.item_code) in pairs):
                found.append(f)
            elif f.rule == "R11" and (f.id_no, cert_items.get(f.cert_no, "")) in pairs:
                f.item_code = cert_items.get(f.cert_no, "")
                found.append(f)
        found += _neighbours(d, code=code, training=training, exams=exams, as_of=as_of)
    return found + review_fakes(training=training, certificates=certificates)


def _neighbours(d: Path, *, code: str, training, exams, as_of: date) -> list[Found]:
    inputs: dict[str, Path] = {}
    rules = []
    if training.exists():
        trainees = set(training.values_list("trainee_id_no", flat=True))
        others = TrainingRecord.objects.filter(current=True, trainee_id_no__in=trainees)
        inputs["training"] = _write(d / "all_training.csv", [c.name for c in TRAINING.columns],
                                    _training_rows(others))
        rules.append("R14")
    if exams.exists():
        items = set(exams.values_list("item_code", flat=True))
        centres = ExamSitting.objects.filter(current=True, item_code__in=items)
        inputs["exams"] = _write(d / "all_exams.csv", [c.name for c in EXAMS.columns],
                                 _exam_rows(centres))
        rules.append("R16")
    if not rules:
        return []
    found = []
    for row in _screen(inputs, rules=rules, out=d / "neighbours.csv", as_of=as_of):
        f = _found(row)
        if f.rule == "R14":
            mine = [k for k in ("class_a", "class_b")
                    if str(f.evidence.get(k, "")).startswith(code + "/")]
            if mine:
                f.evidence["own_class"] = f.evidence[mine[0]].split(" ")[0].split("/", 1)[1]
                found.append(f)
        elif f.rule == "R16" and row.get("exam_center_code") == code:
            found.append(f)
    return found


def review_fakes(*, training, certificates: list[tuple]) -> list[Found]:
    """RV: a review or renewal trainee without any certificate of the item in the registry,
    or whose presented certificate number is not one of theirs."""
    held: dict[tuple[str, str], set[str]] = {}
    for c in certificates:
        held.setdefault((c[1], c[6]), set()).add(c[0])
    found = []
    for r in training.filter(class_kind__in=("review", "renewal")).order_by("pk"):
        numbers = held.get((r.trainee_id_no, r.item_code), set())
        if numbers and (not r.cert_no or r.cert_no in numbers):
            continue
        shown = f"所持证书 {r.cert_no}" if r.cert_no else "所持证书"
        kind = "复审" if r.class_kind == "review" else "换证"
        found.append(Found(
            rule="RV", severity="high", id_no=r.trainee_id_no, name=r.trainee_name,
            cert_no=r.cert_no, item_code=r.item_code,
            detail=f"{kind}培训班 {r.class_id} 学员 {r.trainee_name} 的 {r.item_code} 项目"
                   f"{shown}在证书库中查不到，可能持假证参加{kind}",
            evidence={"class_id": r.class_id, "item_code": r.item_code,
                      "presented_cert_no": r.cert_no,
                      "registry_cert_nos": sorted(numbers), "reason": "no_registry_cert"}))
    return found


class RecordIndex:
    """The organisation's current records by person, read once per check (a finding's rows
    come from here, not from a query per finding)."""

    def __init__(self, organisation) -> None:
        self.training: dict[str, list[dict]] = {}
        self.exams: dict[str, list[dict]] = {}
        self.by_item: dict[str, list[dict]] = {}
        for r in TrainingRecord.objects.filter(organisation=organisation, current=True) \
                .select_related("upload").order_by("start_date", "pk"):
            self.training.setdefault(r.trainee_id_no, []).append(
                {"记录": "培训", "行号": r.line, "文件": r.upload.file_name, "培训班": r.class_id,
                 "类型": r.get_class_kind_display(), "姓名": r.trainee_name,
                 "身份证号": r.trainee_id_no, "项目": r.item_code,
                 "开班": r.start_date.isoformat(), "结业": r.end_date.isoformat(),
                 "学时": _num(r.hours), "所持证书": r.cert_no})
        for s in ExamSitting.objects.filter(organisation=organisation, current=True) \
                .select_related("upload").order_by("exam_date", "pk"):
            row = {"记录": "考试", "行号": s.line, "文件": s.upload.file_name,
                   "姓名": s.candidate_name, "身份证号": s.candidate_id_no, "项目": s.item_code,
                   "考试日期": s.exam_date.isoformat(), "用时（分钟）": _minutes(s),
                   "理论成绩": _num(s.theory_score), "实操成绩": _num(s.practical_score),
                   "合格": "是" if s.passed else "否"}
            self.exams.setdefault(s.candidate_id_no, []).append(row)
            self.by_item.setdefault(s.item_code, []).append(row)

    def rows(self, f: Found) -> list[dict]:
        """The organisation's own records behind a finding, as the person reads them."""
        if f.rule == "R16":
            rows = self.by_item.get(f.item_code, [])
        elif f.rule == "R15" or (f.rule in ("R11", "R13") and f.id_no not in self.training):
            rows = self.exams.get(f.id_no, [])
        else:
            rows = self.training.get(f.id_no, [])
        if f.item_code:
            rows = [r for r in rows if r["项目"] == f.item_code]
        return rows[:ROWS_SHOWN]


def _num(value) -> str:
    return "" if value is None else f"{float(value):g}"


def _minutes(s: ExamSitting) -> str:
    if not (s.start_time and s.end_time):
        return ""
    return f"{(s.end_time - s.start_time).total_seconds() / 60:.1f}"


@dataclass
class CheckResult:
    found: int
    new: int
    gone: int

    def as_dict(self) -> dict:
        return {"found": self.found, "new": self.new, "gone": self.gone}


def findings_save(*, organisation, found: list[Found]) -> CheckResult:
    """Keep the check's findings: new ones added, known ones seen again, vanished ones marked
    gone (never deleted; their answers stay). Set-based: one insert and one update per batch,
    each row in the change log (audited queryset)."""
    now = timezone.now()
    by_key = {f.key: f for f in found}
    index = RecordIndex(organisation)
    with transaction.atomic():
        known = {x.key: x for x in Finding.objects.select_for_update()
                 .filter(organisation=organisation)}
        answered = set(Answer.objects.filter(finding__organisation=organisation)
                       .values_list("finding_id", flat=True))
        created, changed, seen = [], [], []
        for key, f in by_key.items():
            rows = index.rows(f)
            existing = known.get(key)
            if existing is None:
                created.append(Finding(
                    organisation=organisation, key=key, rule=f.rule, severity=f.severity,
                    detail=f.detail, evidence=f.evidence, rows=rows, id_no=f.id_no[:18],
                    name=f.name[:50], cert_no=f.cert_no[:40], item_code=f.item_code[:20],
                    department=FAMILY_DEPARTMENT.get(ITEM_FAMILY.get(f.item_code, ""), "yj"),
                    last_seen=now))
                continue
            if existing.present and (existing.rows, existing.detail, existing.evidence) == (
                    rows, f.detail, f.evidence):
                seen.append(existing.pk)  # as it was: only the time it was last seen changes
                continue
            existing.present, existing.last_seen, existing.rows = True, now, rows
            existing.detail, existing.evidence, existing.updated_at = f.detail, f.evidence, now
            if existing.status == "gone":
                existing.status = "answered" if existing.pk in answered else "open"
            changed.append(existing)
        gone = [x for key, x in known.items() if key not in by_key and x.present]
        for existing in gone:
            existing.present, existing.updated_at = False, now
            if existing.status != "resolved":
                existing.status = "gone"
        Finding.objects.bulk_create(created, batch_size=500)
        for start in range(0, len(seen), 500):
            Finding.objects.filter(pk__in=seen[start:start + 500]).update(last_seen=now)
        Finding.objects.bulk_update(changed + gone, ["present", "last_seen", "rows", "detail",
                                                     "evidence", "status", "updated_at"],
                                    batch_size=500)
    return CheckResult(found=len(by_key), new=len(created), gone=len(gone))
