"""Workflows of case files: open a case (立案) from a confirmed clue, a tip or an inspection
finding, its team, parties, evidence links, decisions, fan-out and closing. The referral,
listing and bulletin workflows are in ``referral``, ``listings`` and ``bulletins`` and are
re-exported here (the public face other apps may call)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from certguard import ids
from certguard.cases.common import locked, next_seq, now, text
from certguard.cases.models import (
    Case,
    CaseBasis,
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
    ENFORCEMENT_EVIDENCE,
    EVIDENCE_KINDS,
    INDIVIDUAL_PARTIES,
    PARTY_KINDS,
    WORKER_FINDINGS,
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

def markers_of(case: Case, *, by: UserLike = None) -> list[str]:
    """The codes of ``reference.CRIMINAL_MARKERS`` that the case file meets. Articles count
    when the case or its decisions cite them, or when enforcement recorded a penalty under
    them for one of the case's parties (read through enforcement's selector, as ``by``)."""
    from certguard.cases.selectors import enforcement_penalties

    kinds = set(case.parties.values_list("kind", flat=True))
    cases = [case.pk] + ([case.parent_id] if case.parent_id else [])
    evidence = set(CaseEvidence.objects.filter(case_id__in=cases).values_list("kind", flat=True))
    articles = set(CaseBasis.objects.filter(case=case, article__isnull=False)
                   .values_list("article__code", flat=True))
    articles |= set(case.decisions.filter(article__isnull=False)
                    .values_list("article__code", flat=True))
    if by is not None:
        articles |= {p.article_code for p in enforcement_penalties(user=by, case=case)}
    children = case.children.count()
    found = []
    for rule in CRIMINAL_MARKERS:
        hit = (rule.get("party_kind") in kinds
               or rule.get("evidence_kind") in evidence
               or bool(articles & set(rule.get("basis_in", ())))
               or ("children_at_least" in rule and children >= rule["children_at_least"]))
        if hit:
            found.append(rule["code"])
    return found


def _refresh_markers(case: Case, by: UserLike) -> None:
    markers = markers_of(case, by=by)
    if markers != case.markers:
        case.markers = markers
        case.save(update_fields=["markers", "updated_at"])


# --- the legal basis: articles of the penalty catalogue --------------------------------------

def _articles(codes: Iterable[str], *, on: date, field: str = "articles") -> list[Any]:
    """The catalogue's articles in force on ``on`` for these codes (order kept, each once);
    an unknown code is refused with its name, nothing saved."""
    from certguard.catalog.services import penalty_article_get

    found, unknown = [], []
    for code in dict.fromkeys(str(c).strip() for c in codes or () if str(c).strip()):
        try:
            found.append(penalty_article_get(code=code, on=on))
        except AppError:
            unknown.append(code[:40])
    if unknown:
        message = (f"法律依据不在处罚条款目录中（或在{on:%Y年%m月%d日}不适用）："
                   f"{'、'.join(unknown)[:200]}。请从处罚条款目录中选择")
        raise AppError("article_unknown", message,
                       fields={field: [f"未知的处罚条款：{c}" for c in unknown]})
    return found


def _cite(case: Case, articles: Sequence[Any]) -> None:
    for article in articles:
        CaseBasis.objects.create(case=case, article=article)


@transaction.atomic
def case_basis_set(*, by: UserLike, case_id: int, articles: Iterable[str]) -> Case:
    """Replace the case's legal basis with catalogue articles (this is also how a person fixes
    a basis the migration could not match: the unmatched rows go, the chosen articles stay)."""
    case = case_locked(by=by, case_id=case_id)
    _require_open(case)
    chosen = _articles(articles, on=timezone.localdate(case.opened_at))
    if not chosen:
        raise AppError("articles_required", "请至少选择一条处罚条款作为法律依据",
                       fields={"articles": ["必填"]})
    keep = {a.pk for a in chosen}
    for row in CaseBasis.objects.filter(case=case):
        if row.article_id not in keep:
            row.delete()
    have = set(CaseBasis.objects.filter(case=case).values_list("article_id", flat=True))
    _cite(case, [a for a in chosen if a.pk not in have])
    _refresh_markers(case, by)
    return case


# --- opening a case ---------------------------------------------------------------------------

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
    if kind == "inspection":
        finding = _finding(by, ref)
        task = finding.task
        links = [("finding", str(finding.pk), f"{finding.get_kind_display()}：" +
                  finding.description[:60]),
                 ("inspection_record", str(task.pk), f"{task.target_name} 现场检查 "
                                                     f"{task.planned_on:%Y-%m-%d}")]
        links += [("photo", str(p.pk), "现场照片") for p in finding.photos.all()]
        return finding.region_id, links, _finding_parties(finding)
    if kind == "penalty":
        from certguard.enforcement import selectors as enforcement

        penalty = enforcement.penalty_decisions_for(
            user=by, ids_=[int(ref) if ref.isdigit() else 0]).first()
        if penalty is None:
            raise AppError("source_not_found", f"执法处罚决定{ref[:20]}不存在或无权查看")
        links = [("penalty", str(penalty.pk), f"行政处罚 {penalty.party_name} "
                                              f"{penalty.basis}")]
        named: dict = {}
        if penalty.finding_id:
            finding = _finding(by, str(penalty.finding_id))
            links += [("finding", str(finding.pk), f"{finding.get_kind_display()}："
                       + finding.description[:60]),
                      ("inspection_record", str(finding.task_id), "现场检查记录")]
            named = _finding_parties(finding)
        return penalty.region_id, links, named
    raise AppError("source_invalid", "案件来源只能是确认的线索、举报、执法检查发现或处罚决定",
                   fields={"source_kind": ["来源无效"]})


def _finding(by: UserLike, ref: str) -> Any:
    """An inspection finding, read through enforcement's selector (layer 4 → never the other
    way round)."""
    from certguard.enforcement import selectors as enforcement

    try:
        return enforcement.finding_get(user=by, pk=int(ref) if ref.isdigit() else 0)
    except NotFound:
        raise AppError("source_not_found", f"执法检查发现的问题{ref[:20]}不存在或无权查看",
                       fields={"source_ref": ["请填写执法检查发现的问题编号"]}) from None


def _finding_parties(finding: Any) -> dict:
    """The parties a finding names: the worker, if named, and the inspected unit — unless the
    finding is the worker's own conduct (a forged or lent certificate), which is theirs alone."""
    task, parties = finding.task, []
    worker = bool(finding.worker_id_no and finding.worker_name)
    if not (worker and finding.kind in WORKER_FINDINGS):
        kind = {"enterprise": "enterprise", "institution": "institution",
                "exam_centre": "exam_centre"}.get(task.target_kind, "enterprise")
        parties.append({"kind": kind, "name": task.target_name,
                        "credit_code": getattr(task.target, "credit_code", "") or "",
                        "organisation_id": task.target_id})
    if worker:
        parties.append({"kind": "worker", "name": finding.worker_name,
                        "id_no": finding.worker_id_no})
    return {"parties": parties}


@transaction.atomic
def case_open(*, by: UserLike, source_kind: str, source_ref: str, title: str, facts: str,
              officers: Sequence[Any], kind: str = "", articles: Iterable[str] = ()) -> Case:
    """立案: one case per source and authority, a team of two or more, the source's evidence
    linked (never copied), the legal basis from the penalty catalogue. A case opened from an
    inspection finding (or an enforcement penalty) links the finding, the inspection record
    and its photos, and takes the inspected unit and the worker named as its parties."""
    actor = require(by, "cases.work")
    if not actor.is_regulator or actor.organisation_id is None:
        raise AppError("not_an_authority", "只有执法部门的人员才能立案")
    source_ref = text(source_ref, field="source_ref", what="来源编号", limit=100)
    if source_ref.isdigit():
        source_ref = str(int(source_ref))  # one record, one spelling of its number
    if source_kind not in OPENING_SOURCES:
        _source(by, source_kind, source_ref)  # raises the message
    region, links, hints = _source(by, source_kind, source_ref)
    if kind and kind not in BULLETIN_KINDS:
        raise AppError("kind_invalid", "案件类别无效", fields={"kind": ["案件类别无效"]})
    earlier = Case.objects.filter(source_kind=source_kind, source_ref=source_ref,
                                  organisation_id=actor.organisation_id).first()
    if earlier is not None:
        raise AppError("case_exists", f"该来源已立案（案号 {earlier.number}），不能重复立案")
    team = _team(by, officers)
    opened = now()
    cited = _articles(articles, on=timezone.localdate(opened))
    seq = next_seq(Case, organisation_id=actor.organisation_id, year=opened.year)
    case = Case.objects.create(
        number=f"{actor.region_code}{actor.department}立〔{opened.year}〕{seq}号",
        year=opened.year, seq=seq, title=text(title, field="title", what="案由", limit=200),
        kind=kind, organisation_id=actor.organisation_id,
        region_id=region if region.startswith(actor.region_prefix) else actor.region_code,
        department=actor.department, source_kind=source_kind, source_ref=source_ref,
        facts=text(facts, field="facts", what="违法事实", limit=10000),
        opened_by=account_of(by), opened_at=opened)
    _cite(case, cited)
    for i, user in enumerate(team):
        CaseOfficer.objects.create(case=case, user=user, lead=i == 0)
    for ek, ref, label in links:
        CaseEvidence.objects.create(case=case, kind=ek, ref=ref, title=label[:200],
                                    added_by=account_of(by))
    for party in hints.get("parties", ()):
        values = _party_values(party["kind"], party["name"], party.get("id_no", ""),
                               party.get("credit_code", ""), "")
        CaseParty.objects.create(case=case, organisation_id=party.get("organisation_id"),
                                 **values)
    _refresh_markers(case, by)
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
    _refresh_markers(case, by)
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
    if kind == "tip":
        _source(by, "tip", ref)
    if kind in ENFORCEMENT_EVIDENCE:
        title = title or _enforcement_evidence(by, kind, ref)
    if case.parent_id and CaseEvidence.objects.filter(case_id=case.parent_id, kind=kind,
                                                      ref=ref).exists():
        raise AppError("evidence_shared", "上游案件已关联此证据，拆分案件共用，无需重复关联")
    if CaseEvidence.objects.filter(case=case, kind=kind, ref=ref).exists():
        raise AppError("evidence_exists", "此证据已关联到本案")
    evidence = CaseEvidence.objects.create(case=case, kind=kind, ref=ref, added_by=account_of(by),
                                           title=text(title, field="title", what="说明",
                                                      required=False, limit=200))
    _refresh_markers(case, by)
    return evidence


def _enforcement_evidence(by: UserLike, kind: str, ref: str) -> str:
    """Check that the enforcement record exists and ``by`` may see it (through enforcement's
    selectors); its label."""
    from certguard.enforcement import selectors as enforcement

    pk = int(ref) if ref.isdigit() else 0
    labels = {"finding": "检查发现的问题", "inspection_record": "检查任务",
              "photo": "现场照片", "penalty": "行政处罚决定"}
    try:
        if kind == "finding":
            finding = enforcement.finding_get(user=by, pk=pk)
            return f"{finding.get_kind_display()}：{finding.description[:60]}"
        if kind == "inspection_record":
            task = enforcement.task_get(user=by, pk=pk)
            return f"{task.target_name} 现场检查 {task.planned_on:%Y-%m-%d}"
        if kind == "photo":
            photo = enforcement.finding_photo_get(user=by, pk=pk)
            return f"现场照片（{photo.finding.get_kind_display()}）"
        penalty = enforcement.penalty_decisions_for(user=by, ids_=[pk]).first()
        if penalty is None:
            raise NotFound("penalty_not_found", "行政处罚决定不存在或无权查看")
        return f"行政处罚 {penalty.party_name} {penalty.basis}"
    except NotFound:
        raise AppError("evidence_not_found", f"{labels[kind]}{ref[:20]}不存在或无权查看，"
                       "请填写执法系统中的编号", fields={"ref": ["引用的记录不存在"]}) from None


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


def _linked_penalty(by: UserLike, case: Case, penalty_id: object) -> Any:
    """An enforcement penalty decision of one of the case's parties (read through
    enforcement's selector)."""
    from certguard.cases.selectors import enforcement_penalties

    try:
        pk = int(str(penalty_id).strip())
    except ValueError:
        raise AppError("penalty_invalid", "执法处罚决定编号应为数字",
                       fields={"penalty": ["编号无效"]}) from None
    penalty = enforcement_penalties(user=by, case=case).filter(pk=pk).first()
    if penalty is None:
        raise AppError("penalty_not_of_party",
                       f"执法处罚决定 #{pk} 不存在、无权查看或不是本案当事人的处罚，不能关联",
                       fields={"penalty": ["不是本案当事人的处罚决定"]})
    return penalty


@transaction.atomic
def case_decide(*, by: UserLike, case_id: int, kind: str, article: str = "", text_: str,
                amount: object = None, party_id: int | None = None,
                penalty_id: object = None) -> CaseDecision:
    """A decision of the case, citing an article of the penalty catalogue (in force on the
    day); a 行政处罚决定 has its amount inside the article's statutory range. It may link the
    penalty decision enforcement recorded for a party of the case: the article and amount then
    default to that decision's, and must agree with it."""
    case = case_locked(by=by, case_id=case_id)
    _require_open(case)
    if kind not in DECISION_KINDS:
        raise AppError("decision_kind_invalid", "决定类别无效", fields={"kind": ["类别无效"]})
    penalty = None
    if penalty_id not in (None, ""):
        penalty = _linked_penalty(by, case, penalty_id)
        if CaseDecision.objects.filter(case=case, penalty_id=penalty.pk).exists():
            raise AppError("penalty_linked", f"执法处罚决定 #{penalty.pk} 已关联到本案的决定")
    code = str(article or "").strip() or (penalty.article_code if penalty else "")
    if not code:
        raise AppError("article_required", "请从处罚条款目录中选择法律依据",
                       fields={"article": ["必填"]})
    on = timezone.localdate()
    if penalty is not None and code == penalty.article_code:
        on = timezone.localdate(penalty.decided_at or penalty.filed_at)
    (cited,) = _articles([code], on=on, field="article")
    if penalty is not None and cited.code != penalty.article_code:
        raise AppError("article_mismatch", f"法律依据与执法处罚决定 #{penalty.pk} 的条款"
                       f"（{penalty.basis}）不一致", fields={"article": ["与处罚决定不一致"]})
    if amount in (None, "") and penalty is not None:
        amount = penalty.amount
    fine = _amount(amount)
    if kind == "penalty" and not (cited.min_amount <= fine <= cited.max_amount):
        raise AppError("amount_out_of_range", f"罚款金额{fine}元超出依据规定的幅度"
                       f"（{cited.min_amount}–{cited.max_amount}元，{cited.basis}）",
                       fields={"amount": ["超出幅度"]})
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
        case=case, kind=kind, party=party, article=cited, amount=fine, penalty=penalty,
        number=f"{case.region_id}{case.department}{prefix}〔{decided.year}〕{count}号",
        text=text(text_, field="text", what="决定内容", limit=10000),
        decided_by=account_of(by), decided_at=decided)
    if case.status == "open":
        case.status = "decided"
        case.save(update_fields=["status", "updated_at"])
    _refresh_markers(case, by)
    return decision


@transaction.atomic
def case_decision_fix(*, by: UserLike, case_id: int, decision_id: int, article: str = "",
                      penalty_id: object = None) -> CaseDecision:
    """Fix a decision the migration left without a catalogue article or with an unmatched
    enforcement reference: the chosen article (and penalty) replace the old text. Only such
    decisions may be changed; a decision citing the catalogue stands as decided."""
    case = case_locked(by=by, case_id=case_id)
    _require_open(case)
    decision = case.decisions.select_for_update().filter(pk=decision_id).first()
    if decision is None:
        raise AppError("decision_invalid", "决定不属于本案", fields={"decision": ["无效"]})
    fields = []
    if decision.article_id is None:
        (cited,) = _articles([article], on=timezone.localdate(decision.decided_at),
                             field="article") if str(article or "").strip() else (None,)
        if cited is None:
            raise AppError("article_required", "请从处罚条款目录中选择法律依据",
                           fields={"article": ["必填"]})
        decision.article, decision.legacy_basis = cited, ""
        fields += ["article", "legacy_basis"]
    if decision.legacy_enforcement_ref and penalty_id not in (None, ""):
        decision.penalty = _linked_penalty(by, case, penalty_id)
        decision.legacy_enforcement_ref = ""
        fields += ["penalty", "legacy_enforcement_ref"]
    elif decision.legacy_enforcement_ref and not fields:
        raise AppError("penalty_required", f"请选择与原编号“{decision.legacy_enforcement_ref}”"
                       "对应的执法处罚决定", fields={"penalty": ["必填"]})
    if not fields:
        raise AppError("decision_not_legacy", "该决定已引用处罚条款目录，无需修正")
    decision.save(update_fields=fields)
    _refresh_markers(case, by)
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
            opened_by=account_of(by), opened_at=opened)
        _cite(child, _articles(part.get("articles") or (), on=timezone.localdate(opened)))
        for j, user in enumerate(team):
            CaseOfficer.objects.create(case=child, user=user, lead=j == 0)
        CaseParty.objects.create(case=child, **values)
        _refresh_markers(child, by)
        children.append(child)
    _refresh_markers(parent, by)
    return children


# --- closing ----------------------------------------------------------------------------------

@transaction.atomic
def case_close(*, by: UserLike, case_id: int, closure: str, note: str = "") -> Case:
    """结案. A penalty closure stands on the case's own 行政处罚决定 or on a penalty decision
    enforcement recorded for this matter (``_penalties_of_this_matter``). A case with
    criminal markers closed with a fine only and no referral decision goes on the 以罚代刑
    watch list of the department head and the procuratorate, with the markers and the fines
    of this matter (both kinds, each counted once)."""
    case = case_locked(by=by, case_id=case_id)
    _require_open(case)
    if closure not in CLOSURES:
        raise AppError("closure_invalid", "结案方式无效", fields={"closure": ["结案方式无效"]})
    referral = Referral.objects.filter(case=case).first()
    own = case.decisions.filter(kind="penalty")
    recorded = _penalties_of_this_matter(by=by, case=case)
    if closure == "penalty" and not own.exists() and not recorded:
        raise AppError("no_penalty_decision", "尚未作出行政处罚决定（本案及执法系统中均无针对本案"
                                              "违法行为的处罚决定），不能以处罚结案")
    if closure == "referred" and (referral is None or referral.transferred_at is None):
        raise AppError("not_referred", "案件尚未移送公安机关，不能以移送结案")
    if closure == "split" and not case.children.exists():
        raise AppError("not_split", "案件没有拆分出的子案件")
    case.status, case.closure, case.closed_at = "closed", closure, now()
    case.closure_note = text(note, field="note", what="结案说明", required=False)
    case.markers = markers_of(case, by=by)
    case.save(update_fields=["status", "closure", "closed_at", "closure_note", "markers",
                             "updated_at"])
    decided = referral is not None and referral.status != "proposed"
    if case.markers and closure == "penalty" and not decided:
        fine = (own.aggregate(s=Sum("amount"))["s"] or Decimal(0)) + sum(
            (p.amount for p in recorded), Decimal(0))
        SupervisionFlag.objects.create(case=case, region_id=case.region_id,
                                       organisation_id=case.organisation_id,
                                       department=case.department, markers=case.markers,
                                       fine=fine)
    return case


def _penalties_of_this_matter(*, by: UserLike, case: Case) -> list:
    """Decided enforcement penalties of the case's parties for the conduct this case is
    about, not yet linked to one of its decisions: those made on a finding or inspection the
    case holds as evidence (a split case: its seller case's too, which it reads through
    ``parent``), or linked as evidence themselves. A party's penalty for other
    conduct (another inspection) neither carries a penalty closure nor adds to the fine on
    the 以罚代刑 list (a fine for one act does not answer for another)."""
    from certguard.cases.selectors import case_evidence, enforcement_penalties

    linked = set(case.decisions.filter(penalty__isnull=False).values_list("penalty_id",
                                                                           flat=True))
    refs: dict[str, set[str]] = {"finding": set(), "inspection_record": set(), "penalty": set()}
    for evidence in case_evidence(case=case):
        if evidence.kind in refs:
            refs[evidence.kind].add(evidence.ref)
    return [p for p in enforcement_penalties(user=by, case=case, decided_only=True)
            if p.pk not in linked and (str(p.pk) in refs["penalty"]
                                       or str(p.finding_id) in refs["finding"]
                                       or str(p.task_id) in refs["inspection_record"])]


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
    "case_basis_set", "case_close", "case_decide", "case_decision_fix", "case_evidence_link",
    "case_open", "case_party_add",
    "case_split", "listing_decide", "listing_notice", "listing_objection", "listing_publish",
    "listing_repair_request", "listing_repair_review", "listing_restore", "listings_expire",
    "markers_of", "referral_close", "referral_court", "referral_early", "referral_head_decide",
    "referral_police_decide", "referral_propose", "referral_receipt", "referral_reconsider",
    "referral_reconsider_answer", "referral_supervise", "referral_supervision_result",
    "referral_transfer",
]
