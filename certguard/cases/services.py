"""Workflows of case files: open a case (立案) from a confirmed clue, a tip or an inspection
finding, its team, parties, evidence links, decisions, fan-out and closing. The referral,
listing and bulletin workflows are in ``referral``, ``listings`` and ``bulletins`` and are
re-exported here (the public face other apps may call)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Sum

from certguard import ids
from certguard.cases.common import locked, next_seq, now, text
from certguard.cases.models import (
    Case,
    CaseDecision,
    CaseEvidence,
    CaseOfficer,
    CaseParty,
    Referral,
    SupervisionFlag,
)
from certguard.cases.reference import (
    BULLETIN_KINDS,
    CLOSURES,
    CRIMINAL_MARKERS,
    DECISION_KINDS,
    EVIDENCE_KINDS,
    INDIVIDUAL_PARTIES,
    LEGAL_BASES,
    PARTY_KINDS,
)
from certguard.core.errors import AppError, NotFound
from certguard.core.policy import allows, require
from certguard.core.scoping import UserLike, account_of, actor_of

MISSING = "案件不存在或无权查看"
OPENING_SOURCES = ("clue", "tip", "inspection", "penalty")


def case_locked(*, by: UserLike, case_id: int, action: str = "cases.work") -> Case:
    return locked(Case, by=by, pk=case_id, action=action, view="cases.view", missing=MISSING)


def _require_open(case: Case) -> None:
    if not case.is_open:
        raise AppError("case_closed", f"案件{case.number}已结案，不能再修改")


# --- criminal markers (rules as data) ---------------------------------------------------------

def markers_of(case: Case) -> list[str]:
    """The codes of ``reference.CRIMINAL_MARKERS`` that the case file meets."""
    kinds = set(case.parties.values_list("kind", flat=True))
    cases = [case.pk] + ([case.parent_id] if case.parent_id else [])
    evidence = set(CaseEvidence.objects.filter(case_id__in=cases).values_list("kind", flat=True))
    bases = set(case.basis_keys) | set(case.decisions.values_list("basis_key", flat=True))
    children = case.children.count()
    found = []
    for rule in CRIMINAL_MARKERS:
        hit = (rule.get("party_kind") in kinds
               or rule.get("evidence_kind") in evidence
               or bool(bases & set(rule.get("basis_in", ())))
               or ("children_at_least" in rule and children >= rule["children_at_least"]))
        if hit:
            found.append(rule["code"])
    return found


def _refresh_markers(case: Case) -> None:
    markers = markers_of(case)
    if markers != case.markers:
        case.markers = markers
        case.save(update_fields=["markers", "updated_at"])


# --- opening a case ---------------------------------------------------------------------------

def _bases(keys: Iterable[str]) -> list[str]:
    keys = [str(k) for k in keys or ()]
    unknown = [k for k in keys if k not in LEGAL_BASES]
    if unknown:
        raise AppError("basis_unknown", f"法律依据不在目录中：{'、'.join(unknown)[:100]}",
                       fields={"basis_keys": ["法律依据不在目录中"]})
    return list(dict.fromkeys(keys))


def _team(by: UserLike, officers: Sequence[Any]) -> list[Any]:
    actor = actor_of(by)
    team = list({account_of(u).pk: account_of(u) for u in officers if account_of(u)}.values())
    if len(team) < 2:
        raise AppError("team_too_small", "办案人员不得少于两人（《行政处罚法》第四十二条）",
                       fields={"officers": ["办案人员不得少于两人"]})
    for user in team:
        if not allows(user, "cases.work") or actor_of(user).organisation_id != \
                actor.organisation_id:
            raise AppError("officer_invalid", f"{user.get_username()}不是本单位的执法人员，"
                                              "不能参与办案", fields={"officers": ["办案人员无效"]})
    return team


def _source(by: UserLike, kind: str, ref: str) -> tuple[str, list[tuple[str, str, str]], dict]:
    """Check the source and return (region code, evidence links, party hints)."""
    if kind == "clue":
        from certguard.clues import selectors as clues

        try:
            clue = clues.clue_get(user=by, pk=int(ref) if ref.isdigit() else 0)
        except NotFound:
            raise AppError("source_not_found", f"线索{ref[:20]}不存在或无权查看") from None
        if clue.status != "confirmed":
            raise AppError("clue_not_confirmed", "只有已确认的线索才能立案，请先在线索页确认")
        links = [("clue", str(clue.pk), f"线索 {clue.rule} {clue.rule_name}")]
        if clue.source_kind == "screening" and clue.source_id:
            links.append(("screening_run", str(clue.source_id), "筛查批次"))
        if clue.source_kind == "netwatch" and clue.source_id:
            links.append(("page_capture", str(clue.source_id), "网络巡查取证"))
        hints = {"name": clue.name, "id_no": clue.id_no, "employer_code": clue.employer_code}
        return clue.region_id or "", links, hints
    if kind == "tip":
        from certguard.tips import selectors as tips

        try:
            tip = tips.tip_get(user=by, pk=int(ref) if ref.isdigit() else 0)
        except NotFound:
            raise AppError("source_not_found", f"举报{ref[:20]}不存在或无权查看") from None
        if tip.status not in ("accepted", "handled"):
            raise AppError("tip_not_accepted", "举报尚未受理，不能立案")
        return tip.place_id, [("tip", str(tip.pk), f"举报 #{tip.pk}")], {}
    if kind in ("inspection", "penalty"):
        # The enforcement app's findings and penalty decisions: linked by their reference.
        return "", [("inspection_record", ref, "执法检查发现" if kind == "inspection"
                     else "执法处罚决定")], {}
    raise AppError("source_invalid", "案件来源只能是确认的线索、举报、执法检查发现或处罚决定",
                   fields={"source_kind": ["来源无效"]})


@transaction.atomic
def case_open(*, by: UserLike, source_kind: str, source_ref: str, title: str, facts: str,
              officers: Sequence[Any], kind: str = "", basis_keys: Iterable[str] = ()) -> Case:
    """立案: one case per source and authority, a team of two or more, the source's evidence
    linked (never copied)."""
    actor = require(by, "cases.work")
    if not actor.is_regulator or actor.organisation_id is None:
        raise AppError("not_an_authority", "只有执法部门的人员才能立案")
    source_ref = text(source_ref, field="source_ref", what="来源编号", limit=100)
    if source_kind not in OPENING_SOURCES:
        _source(by, source_kind, source_ref)  # raises the message
    region, links, _ = _source(by, source_kind, source_ref)
    if kind and kind not in BULLETIN_KINDS:
        raise AppError("kind_invalid", "案件类别无效", fields={"kind": ["案件类别无效"]})
    earlier = Case.objects.filter(source_kind=source_kind, source_ref=source_ref,
                                  organisation_id=actor.organisation_id).first()
    if earlier is not None:
        raise AppError("case_exists", f"该来源已立案（案号 {earlier.number}），不能重复立案")
    team = _team(by, officers)
    opened = now()
    seq = next_seq(Case, organisation_id=actor.organisation_id, year=opened.year)
    case = Case.objects.create(
        number=f"{actor.region_code}{actor.department}立〔{opened.year}〕{seq}号",
        year=opened.year, seq=seq, title=text(title, field="title", what="案由", limit=200),
        kind=kind, organisation_id=actor.organisation_id,
        region_id=region if region.startswith(actor.region_prefix) else actor.region_code,
        department=actor.department, source_kind=source_kind, source_ref=source_ref,
        facts=text(facts, field="facts", what="违法事实", limit=10000),
        basis_keys=_bases(basis_keys), opened_by=account_of(by), opened_at=opened)
    for i, user in enumerate(team):
        CaseOfficer.objects.create(case=case, user=user, lead=i == 0)
    for ek, ref, label in links:
        CaseEvidence.objects.create(case=case, kind=ek, ref=ref, title=label,
                                    added_by=account_of(by))
    _refresh_markers(case)
    return case


# --- parties, evidence ------------------------------------------------------------------------

def _party_values(kind: str, name: str, id_no: str, credit_code: str, phone: str) -> dict:
    if kind not in PARTY_KINDS:
        raise AppError("party_kind_invalid", "当事人类别无效", fields={"kind": ["类别无效"]})
    values = {"kind": kind, "name": text(name, field="name", what="当事人名称或姓名", limit=200),
              "id_no": "", "credit_code": "", "phone": text(phone, field="phone",
                                                             what="联系电话", required=False,
                                                             limit=30)}
    if id_no:
        check = ids.check_id_no(id_no)
        if not check.ok:
            raise AppError("id_no_invalid", f"身份证号无效：{check.message}",
                           fields={"id_no": [check.message]})
        values["id_no"] = check.id_no
    if credit_code:
        credit = ids.check_credit_code(credit_code)
        if not credit.ok:
            raise AppError("credit_code_invalid", f"统一社会信用代码无效：{credit.message}",
                           fields={"credit_code": [credit.message]})
        values["credit_code"] = credit.code
    if kind in INDIVIDUAL_PARTIES - {"website_operator"} and not values["id_no"]:
        raise AppError("id_no_required", "个人当事人须填写身份证号", fields={"id_no": ["必填"]})
    return values


@transaction.atomic
def case_party_add(*, by: UserLike, case_id: int, kind: str, name: str, id_no: str = "",
                   credit_code: str = "", phone: str = "") -> CaseParty:
    case = case_locked(by=by, case_id=case_id)
    _require_open(case)
    party = CaseParty.objects.create(case=case, **_party_values(kind, name, id_no, credit_code,
                                                                phone))
    _refresh_markers(case)
    return party


@transaction.atomic
def case_evidence_link(*, by: UserLike, case_id: int, kind: str, ref: str,
                       title: str = "") -> CaseEvidence:
    """Link evidence held elsewhere; a split case shares its parent's evidence instead."""
    case = case_locked(by=by, case_id=case_id)
    _require_open(case)
    if kind not in EVIDENCE_KINDS:
        raise AppError("evidence_kind_invalid", "证据类别无效", fields={"kind": ["类别无效"]})
    ref = text(ref, field="ref", what="证据引用编号", limit=100)
    if kind == "clue":
        _source(by, "clue", ref)
    if case.parent_id and CaseEvidence.objects.filter(case_id=case.parent_id, kind=kind,
                                                      ref=ref).exists():
        raise AppError("evidence_shared", "上游案件已关联此证据，拆分案件共用，无需重复关联")
    if CaseEvidence.objects.filter(case=case, kind=kind, ref=ref).exists():
        raise AppError("evidence_exists", "此证据已关联到本案")
    evidence = CaseEvidence.objects.create(case=case, kind=kind, ref=ref, added_by=account_of(by),
                                           title=text(title, field="title", what="说明",
                                                      required=False, limit=200))
    _refresh_markers(case)
    return evidence


# --- decisions --------------------------------------------------------------------------------

def _amount(value: object) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else "0"))
    except InvalidOperation:
        raise AppError("amount_invalid", "罚款金额应为数字（元）",
                       fields={"amount": ["金额无效"]}) from None
    if amount < 0 or amount > Decimal("100000000") or amount != amount.quantize(Decimal("0.01")):
        raise AppError("amount_invalid", "罚款金额应为不小于0的数字，最多两位小数",
                       fields={"amount": ["金额无效"]})
    return amount


@transaction.atomic
def case_decide(*, by: UserLike, case_id: int, kind: str, basis_key: str, text_: str,
                amount: object = 0, party_id: int | None = None,
                enforcement_ref: str = "") -> CaseDecision:
    """A decision of the case (行政处罚决定 with its amount inside the basis's range)."""
    case = case_locked(by=by, case_id=case_id)
    _require_open(case)
    if kind not in DECISION_KINDS:
        raise AppError("decision_kind_invalid", "决定类别无效", fields={"kind": ["类别无效"]})
    basis = LEGAL_BASES.get(basis_key)
    if basis is None:
        raise AppError("basis_unknown", "法律依据不在目录中", fields={"basis_key": ["依据无效"]})
    if basis.criminal:
        raise AppError("basis_criminal",
                       "刑事条款不能作为行政处罚依据；涉嫌犯罪的应提请移送公安机关")
    fine = _amount(amount)
    if kind == "penalty" and basis.fine_max is not None and not (
            (basis.fine_min or 0) <= fine <= basis.fine_max):
        raise AppError("amount_out_of_range", f"罚款金额{fine}元超出依据规定的幅度"
                       f"（{basis.fine_min}–{basis.fine_max}元）", fields={"amount": ["超出幅度"]})
    party = None
    if party_id is not None:
        party = case.parties.filter(pk=party_id).first()
        if party is None:
            raise AppError("party_invalid", "当事人不属于本案", fields={"party": ["当事人无效"]})
    decided = now()
    prefix = {"penalty": "罚", "no_penalty": "不罚", "order": "责改"}[kind]
    count = CaseDecision.objects.filter(case__organisation_id=case.organisation_id, kind=kind,
                                        decided_at__year=decided.year).count() + 1
    decision = CaseDecision.objects.create(
        case=case, kind=kind, party=party, basis_key=basis_key, amount=fine,
        number=f"{case.region_id}{case.department}{prefix}〔{decided.year}〕{count}号",
        text=text(text_, field="text", what="决定内容", limit=10000),
        enforcement_ref=text(enforcement_ref, field="enforcement_ref", what="处罚决定编号",
                             required=False, limit=100),
        decided_by=account_of(by), decided_at=decided)
    if case.status == "open":
        case.status = "decided"
        case.save(update_fields=["status", "updated_at"])
    _refresh_markers(case)
    return decision


# --- fan-out ----------------------------------------------------------------------------------

@transaction.atomic
def case_split(*, by: UserLike, case_id: int, parts: Sequence[dict]) -> list[Case]:
    """One seller network, many buyers: a case per employer or worker, with the same team,
    sharing the seller case's evidence (read through ``parent``, never copied)."""
    parent = case_locked(by=by, case_id=case_id)
    _require_open(parent)
    if parent.parent_id:
        raise AppError("split_nested", "拆分出的案件不能再拆分，请在上游案件上操作")
    if not parts:
        raise AppError("split_empty", "请至少列出一个拆分对象（用人单位或从业人员）")
    team = [o.user for o in parent.officers.select_related("user")]
    opened, children = now(), []
    for i, part in enumerate(parts, start=1):
        if part.get("kind") not in ("enterprise", "worker"):
            raise AppError("split_kind", f"第{i}个拆分对象只能是用人单位或从业人员")
        values = _party_values(part["kind"], part.get("name", ""), part.get("id_no", ""),
                               part.get("credit_code", ""), part.get("phone", ""))
        seq = next_seq(Case, organisation_id=parent.organisation_id, year=opened.year)
        child = Case.objects.create(
            number=f"{parent.region_id}{parent.department}立〔{opened.year}〕{seq}号",
            year=opened.year, seq=seq, title=f"{parent.title}（购证方：{values['name']}）"[:200],
            kind=part.get("case_kind") or "unlicensed", organisation_id=parent.organisation_id,
            region_id=parent.region_id, department=parent.department, source_kind="split",
            source_ref=parent.number, parent=parent, facts=parent.facts,
            basis_keys=_bases(part.get("basis_keys") or ()), opened_by=account_of(by),
            opened_at=opened)
        for j, user in enumerate(team):
            CaseOfficer.objects.create(case=child, user=user, lead=j == 0)
        CaseParty.objects.create(case=child, **values)
        _refresh_markers(child)
        children.append(child)
    _refresh_markers(parent)
    return children


# --- closing ----------------------------------------------------------------------------------

@transaction.atomic
def case_close(*, by: UserLike, case_id: int, closure: str, note: str = "") -> Case:
    """结案. A case with criminal markers closed with a fine and no referral decision goes on
    the 以罚代刑 watch list of the department head and the procuratorate."""
    case = case_locked(by=by, case_id=case_id)
    _require_open(case)
    if closure not in CLOSURES:
        raise AppError("closure_invalid", "结案方式无效", fields={"closure": ["结案方式无效"]})
    referral = Referral.objects.filter(case=case).first()
    if closure == "penalty" and not case.decisions.filter(kind="penalty").exists():
        raise AppError("no_penalty_decision", "尚未作出行政处罚决定，不能以处罚结案")
    if closure == "referred" and (referral is None or referral.transferred_at is None):
        raise AppError("not_referred", "案件尚未移送公安机关，不能以移送结案")
    if closure == "split" and not case.children.exists():
        raise AppError("not_split", "案件没有拆分出的子案件")
    case.status, case.closure, case.closed_at = "closed", closure, now()
    case.closure_note = text(note, field="note", what="结案说明", required=False)
    case.markers = markers_of(case)
    case.save(update_fields=["status", "closure", "closed_at", "closure_note", "markers",
                             "updated_at"])
    decided = referral is not None and referral.status != "proposed"
    if case.markers and closure == "penalty" and not decided:
        fine = case.decisions.filter(kind="penalty").aggregate(s=Sum("amount"))["s"] or 0
        SupervisionFlag.objects.create(case=case, region_id=case.region_id,
                                       organisation_id=case.organisation_id,
                                       department=case.department, markers=case.markers,
                                       fine=fine)
    return case


# Re-exported workflows (the app's public face).
from certguard.cases.bulletins import (  # noqa: E402
    bulletin_approve,
    bulletin_draft,
    bulletin_edit,
    bulletin_publish,
)
from certguard.cases.listings import (  # noqa: E402
    listing_decide,
    listing_notice,
    listing_objection,
    listing_publish,
    listing_repair_request,
    listing_repair_review,
    listing_restore,
    listings_expire,
)
from certguard.cases.referral import (  # noqa: E402
    referral_close,
    referral_court,
    referral_early,
    referral_head_decide,
    referral_police_decide,
    referral_propose,
    referral_receipt,
    referral_reconsider,
    referral_reconsider_answer,
    referral_supervise,
    referral_supervision_result,
    referral_transfer,
)

__all__ = [
    "bulletin_approve", "bulletin_draft", "bulletin_edit", "bulletin_publish",
    "case_close", "case_decide", "case_evidence_link", "case_open", "case_party_add",
    "case_split", "listing_decide", "listing_notice", "listing_objection", "listing_publish",
    "listing_repair_request", "listing_repair_review", "listing_restore", "listings_expire",
    "markers_of", "referral_close", "referral_court", "referral_early", "referral_head_decide",
    "referral_police_decide", "referral_propose", "referral_receipt", "referral_reconsider",
    "referral_reconsider_answer", "referral_supervise", "referral_supervision_result",
    "referral_transfer",
]
