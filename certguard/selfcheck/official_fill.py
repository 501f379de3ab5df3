"""Fill the official self-inspection tables from one verified upload: the employer from the
Organisation; every roster row (the rows that could not be checked too, with why); one set
of figures for all tables; for each checklist item what the platform checked, with its
figure, and nothing about what it did not check (items 5 and 6 are left to the employer);
principals and managers as the employer entered them (the ledger's posts otherwise).
Which tables apply depends on the employer's sector and the certificate families found.
Layouts: certguard.selfcheck.official."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from certguard.catalog.services import item_names
from certguard.core.errors import AppError, Forbidden
from certguard.core.exports import XLSX_TYPE, Export, download, temporary_copy
from certguard.core.policy import allows
from certguard.core.scoping import COMMAND_LINE, UserLike
from certguard.orgs.models import Organisation, Region
from certguard.orgs.reference import DEPARTMENTS, SECTORS, region_level
from certguard.selfcheck import outcomes as o
from certguard.selfcheck.models import OfficialAnswers, Rectification, RosterUpload, WorkerResult
from certguard.selfcheck.official import (
    TABLES,
    ChecklistAnswer,
    Counts,
    Employer,
    Figures,
    SelfCheckData,
    WorkerLine,
    write_pdf,
    write_xlsx,
)
from certguard.selfcheck.official.data import CHECKLIST, NOT_QUERYABLE, QUERYABLE
from certguard.selfcheck.official.layout import TITLES
from certguard.workforce.selectors import ledger_for

FORMATS = ("xlsx", "pdf")
PRINCIPAL_POST, MANAGER_POST = "主要负责人", "安全生产管理人员"
COUNT_FIELDS = ("principals_total", "principals_certified", "managers_total",
                "managers_certified")
ACTION_LABELS = dict(Rectification.Action.choices)
# A declared number the registry does not have as declared: it cannot be queried.
UNQUERYABLE = (o.NOT_FOUND, o.ALTERED)
# Seed 001 is the construction authorities' register (施工单位); seed 003 is the emergency
# management authorities' table of special operations; seed 002 asks every 生产经营单位.
YJ_SECTORS = DEPARTMENTS["yj"][2]


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def sex_of(id_no: str) -> str:
    """GB 11643: the sequence code's last digit (the 17th; the 15th of a legacy number) is
    odd for men and even for women."""
    digit = id_no[16:17] if len(id_no) == 18 else id_no[14:15] if len(id_no) == 15 else ""
    return ("男" if int(digit) % 2 else "女") if digit.isdigit() else ""


def authority_names(codes: set[str]) -> dict[str, str]:
    """Issuing authority code (e.g. 140000-YJ) -> its name: the authority registered on the
    platform, else the region's name and the department's ("山西省应急管理厅")."""
    names = dict(Organisation.objects.filter(issuer_code__in=codes)
                 .values_list("issuer_code", "name"))
    regions = dict(Region.objects.filter(code__in={c[:6] for c in codes})
                   .values_list("code", "name"))
    for code in codes - set(names):
        region, _, dept = code.partition("-")
        department = DEPARTMENTS.get(dept.lower(), ("",))[0]
        if region in regions and department:
            office = "厅" if region_level(region) == "province" and dept.lower() != "scjg" \
                else "局"
            names[code] = f"{regions[region]}{department}{office}"
    return names


class _Lines:
    """Roster rows → register lines, with authority and item names looked up once."""

    def __init__(self, results: list[WorkerResult]) -> None:
        codes = {(r.registry or {}).get("issuer_code") or "" for r in results}
        self.authorities = authority_names(codes - {""})
        self.items = item_names()
        self.by_code = {code: name for (_f, code), name in sorted(self.items.items())}

    def item(self, code: str, family: str) -> str:
        name = self.items.get((family, code)) or self.by_code.get(code, "")
        return f"{code} {name}".strip() if code else ""

    def line(self, r: WorkerResult) -> WorkerLine:
        values = r.values or {}
        if r.result == o.REJECTED:
            return self._rejected(r, values)
        registry = {} if r.result in UNQUERYABLE else (r.registry or {})
        # Whether the declared number can be queried: nothing to say when none was declared.
        queryable = "" if not r.cert_no else NOT_QUERYABLE if r.result in UNQUERYABLE else \
            QUERYABLE if registry else NOT_QUERYABLE
        issuer = self.authorities.get(registry.get("issuer_code") or "", "") \
            or values.get("issuer") or ""
        return WorkerLine(
            name=r.worker_name, id_no=r.worker_id_no, sex=sex_of(r.worker_id_no),
            post=values.get("post") or "",
            item=self.item(values.get("required_item_code") or registry.get("item_code")
                           or "", registry.get("family") or ""),
            cert_no=r.cert_no, issuer=issuer,
            valid_until=_date(registry.get("valid_until") or values.get("valid_until")),
            result=r.get_result_display(), queryable=queryable,
            rectification=ACTION_LABELS.get(r.rectified_action, ""), rectified_on=r.rectified_on)

    def _rejected(self, r: WorkerResult, values: dict) -> WorkerLine:
        given = {k.removeprefix("given_"): v for k, v in values.items() if k.startswith("given_")}
        return WorkerLine(name=given.get("worker_name", ""), id_no=given.get("worker_id_no", ""),
                          post=given.get("post", ""), item=given.get("item", ""),
                          cert_no=given.get("cert_no", ""), issuer=given.get("issuer", ""),
                          valid_until=None, result=f"未核验：{r.reason}")


def all_results(upload: RosterUpload) -> list[WorkerResult]:
    """Every roster row of the upload, in file order (rejected rows included)."""
    return list(upload.results.order_by("id"))


def worker_results(upload: RosterUpload) -> list[WorkerResult]:
    return [r for r in all_results(upload) if r.result != o.REJECTED]


def ledger_active(upload: RosterUpload) -> int:
    return ledger_for(user=COMMAND_LINE, employer_id=upload.employer_id).count()


def figures_of(*, upload: RosterUpload, results: list[WorkerResult] | None = None) -> Figures:
    """The one set of figures of an upload: every table and summary states these."""
    rows = all_results(upload) if results is None else results
    tally = Counter(r.result for r in rows)
    problems = [r for r in rows if r.result in o.PROBLEMS]
    return Figures(
        rows=len(rows), checked=len(rows) - tally[o.REJECTED], rejected=tally[o.REJECTED],
        valid=tally[o.VALID], not_found=sum(tally[c] for c in UNQUERYABLE),
        uncertified=tally[o.UNCERTIFIED], problems=len(problems),
        rectified=sum(r.rectified_on is not None for r in problems),
        by_result=tuple((o.LABELS[code], tally[code]) for code in o.PROBLEMS if tally[code]),
        ledger_active=ledger_active(upload))


def ledger_counts(*, upload: RosterUpload, results: list[WorkerResult]) -> Counts | None:
    """Principals and safety managers on the employer's ledger (by post), and how many of them
    this upload found valid; None when the ledger names none of those posts."""
    entries = ledger_for(user=COMMAND_LINE, employer_id=upload.employer_id).values_list(
        "post", "worker_id_no")
    valid = {r.worker_id_no for r in results if r.result == o.VALID}
    counts = dict.fromkeys(COUNT_FIELDS, 0)
    for post, id_no in entries:
        key = "principals" if PRINCIPAL_POST in post else "managers" if MANAGER_POST in post \
            else ""
        if key:
            counts[f"{key}_total"] += 1
            counts[f"{key}_certified"] += id_no in valid
    if not (counts["principals_total"] or counts["managers_total"]):
        return None
    return Counts(**counts, source="持证台账")


def counts_of(*, answers: OfficialAnswers | None, ledger: Counts | None) -> Counts:
    """What the employer entered wins; the ledger's posts when nothing was entered."""
    if answers is not None:
        entered = Counts(**{f: getattr(answers, f) for f in COUNT_FIELDS}, source="企业填报")
        if entered.entered:
            return entered
    return ledger or Counts()


def _n(value: int | None) -> str:
    return "—" if value is None else str(value)


def platform_checks(*, f: Figures, counts: Counts) -> list[ChecklistAnswer]:
    """For each checklist item, what the platform checked, with its figure. Items it did not
    check (qualifications, training archives) are blank: the employer answers them."""
    measures = f"已整改 {f.rectified} 人，待整改 {f.outstanding} 人" if f.problems else ""
    first = ""
    if counts.entered:
        first = (f"主要负责人 {_n(counts.principals_total)} 人（考核合格 "
                 f"{_n(counts.principals_certified)} 人），安全生产管理人员 "
                 f"{_n(counts.managers_total)} 人（考核合格 {_n(counts.managers_certified)} "
                 f"人）（{counts.source}）")
    rejected = f"；数据有误未核验 {f.rejected} 人" if f.rejected else ""
    ledger = f"平台持证台账在岗 {f.ledger_active} 人；" if f.ledger_active is not None else ""
    return [
        ChecklistAnswer(first),
        ChecklistAnswer(f"平台逐人核验 {f.checked} 人，证书有效 {f.valid} 人{rejected}",
                        f.problem_text, measures),
        ChecklistAnswer(f"{ledger}本次花名册 {f.rows} 人，平台已逐人核验 {f.checked} 人"),
        ChecklistAnswer(f"经平台证书库逐人查询 {f.checked} 人：查询到 {f.found} 人，查询不到 "
                        f"{f.not_found} 人，无证 {f.uncertified} 人",
                        f"查询不到 {f.not_found} 人" if f.not_found else "",
                        measures if f.not_found else ""),
        ChecklistAnswer(""),
        ChecklistAnswer(""),
        ChecklistAnswer(f"平台记录：自查发现问题 {f.problems} 人，已整改 {f.rectified} 人",
                        f"待整改 {f.outstanding} 人" if f.outstanding else "", measures),
    ]


def answers_of(upload: RosterUpload) -> OfficialAnswers | None:
    return OfficialAnswers.objects.filter(upload=upload).first()


def employer_answers(answers: OfficialAnswers | None) -> list[ChecklistAnswer]:
    """The employer's own words for the seven items (blank until entered)."""
    saved = (answers.checklist if answers else None) or []
    return [ChecklistAnswer(a.get("situation", ""), a.get("problems", ""), a.get("measures", ""))
            for a in saved[:len(CHECKLIST)]]


def families_of(results: list[WorkerResult]) -> set[str]:
    return {(r.registry or {}).get("family") or "" for r in results} - {""}


def applicable_tables(*, upload: RosterUpload, results: list[WorkerResult] | None = None
                      ) -> list[str]:
    """The tables that apply to this employer: the construction register only to a
    construction enterprise, the special-operations table where special operations are in
    the emergency management authorities' remit or were found on the roster; the campaign's
    checklist of 三项岗位人员 to every 生产经营单位."""
    sector = upload.employer.sector
    families = families_of(all_results(upload) if results is None else results)
    tables = []
    if sector == "construction":
        tables.append("register")
    tables.append("checklist")
    if sector in YJ_SECTORS or "special_ops" in families:
        tables.append("management")
    return tables


def official_data(*, upload: RosterUpload) -> SelfCheckData:
    results = all_results(upload)
    answers = answers_of(upload)
    figures = figures_of(upload=upload, results=results)
    counts = counts_of(answers=answers, ledger=ledger_counts(upload=upload, results=results))
    org = upload.employer
    employer = Employer(
        name=org.name, credit_code=org.credit_code or "", region=org.region.name,
        sector=SECTORS.get(org.sector, org.sector), address=org.address,
        principal=answers.principal if answers else "", contact=answers.contact if answers
        else "", phone=(answers.phone if answers else "") or org.contact_phone,
        project=answers.project if answers else "")
    as_of = upload.as_of or timezone.localdate()
    lines = _Lines(results)
    return SelfCheckData(
        employer=employer, period=(answers.period if answers else "") or f"{as_of:%Y年%m月}",
        filled_on=timezone.localdate(), figures=figures,
        workers=[lines.line(r) for r in results], checklist=employer_answers(answers),
        platform=platform_checks(f=figures, counts=counts), counts=counts)


def _check_verified(upload: RosterUpload) -> None:
    if upload.status != RosterUpload.Status.VERIFIED:
        raise AppError("not_verified", "花名册尚未核验完成")


def _check_table(upload: RosterUpload, table: str, fmt: str) -> None:
    if table not in TABLES or fmt not in FORMATS:
        raise AppError("table_unknown", "没有这种自查表")
    if table not in applicable_tables(upload=upload):
        raise AppError("table_not_applicable", f"《{TITLES[table]}》不适用于本单位的行业和证书类别")


def official_write(*, upload: RosterUpload, table: str, fmt: str, path: Path) -> Path:
    """Write one official table of a verified upload."""
    _check_verified(upload)
    _check_table(upload, table, fmt)
    data = official_data(upload=upload)
    (write_xlsx if fmt == "xlsx" else write_pdf)(data, path, table=table)
    return path


def official_download(*, user: UserLike, upload: RosterUpload, table: str, fmt: str) -> object:
    """One official table as a download, with its audit entry (core.exports.download). The
    table lists full ID numbers: it is the employer's filing to its regulator."""
    handle = temporary_copy(lambda path: official_write(upload=upload, table=table, fmt=fmt,
                                                        path=path), suffix=f".{fmt}")
    return download(user=user, file=handle, filename=f"{TITLES[table]}-{upload.pk}.{fmt}",
                    content_type=XLSX_TYPE if fmt == "xlsx" else "application/pdf",
                    export=Export(object_type="selfcheck.rosterupload", object_id=upload.pk,
                                  summary=f"导出自查表 {table}.{fmt}（{upload.employer.name}）",
                                  data={"table": table, "format": fmt,
                                        "fields": ["worker_name", "worker_id_no"]}))


def _number(value: object) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 7:
        raise AppError("number_invalid", "人数应为非负整数")
    return int(text)


@transaction.atomic
def official_answers_save(*, by: UserLike, upload: RosterUpload, checklist: list[dict[str, str]],
                          details: dict[str, object]) -> OfficialAnswers:
    """The employer's answers to the seven items and the header fields."""
    if not allows(by, "selfcheck.file", upload):
        raise Forbidden("not_owner", "只有本单位可以填报自查表", status=403)
    _check_verified(upload)
    if len(checklist) != len(CHECKLIST):
        raise AppError("checklist_incomplete", "自查表应有七项")
    clean = [{k: str(item.get(k) or "").strip()[:2000] for k in
              ("situation", "problems", "measures")} for item in checklist]
    numbers = {field: _number(details.get(field)) for field in COUNT_FIELDS}
    for kind, label in (("principals", "主要负责人"), ("managers", "安全生产管理人员")):
        total, certified = numbers[f"{kind}_total"], numbers[f"{kind}_certified"]
        if certified is not None and (total is None or certified > total):
            raise AppError("number_invalid", f"{label}考核合格人数不能多于{label}人数")
    answers, _ = OfficialAnswers.objects.get_or_create(upload=upload)
    answers.checklist = clean
    for field in ("principal", "contact", "phone", "project", "period"):
        setattr(answers, field, str(details.get(field) or "").strip()[:200])
    for field, value in numbers.items():
        setattr(answers, field, value)
    answers.save()
    return answers
