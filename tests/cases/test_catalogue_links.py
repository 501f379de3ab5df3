"""The case's legal basis and its links to enforcement are real: articles of the penalty
catalogue (an unknown one refused with a Chinese message in the service, the API and the
form), an inspection finding opens a case with the finding, the inspection record and its
photos linked (read through enforcement's selectors, never copied), the case shows the penalty
decisions enforcement recorded for its parties and a fine-only closure on them with criminal
markers lands on the 以罚代刑 lists; every step audited; old free keys mapped by the migration
and the unmatched kept for a person to fix."""

from __future__ import annotations

from decimal import Decimal

import pytest

from certguard.cases import selectors, services
from certguard.cases.models import Case, CaseBasis, CaseDecision, SupervisionFlag
from certguard.core.errors import AppError
from tests.api import api_as, api_error
from tests.cases.records import decided_penalty, finding, open_case, team

INSPECTOR, HEAD = ("inspector", "A"), ("department_head", "A")


def _open_from(world, found, **extra):
    return services.case_open(by=world.user(*INSPECTOR), source_kind="inspection",
                              source_ref=str(found.pk), title="X煤业使用伪造证书案",
                              facts="检查发现企业使用伪造的特种作业操作证", officers=team(world),
                              **extra)


# --- the legal basis: the catalogue, never free text -------------------------------------------

def test_a_case_cites_catalogue_articles_with_their_text(world):
    case = open_case(world)
    (basis,) = CaseBasis.objects.filter(case=case).select_related("article")
    assert basis.article.code == "L30-41-F" and basis.article.version == 1
    assert "第四十一条" in basis.article.basis and basis.legacy_ref == ""
    decision = services.case_decide(by=world.user(*INSPECTOR), case_id=case.pk, kind="penalty",
                                    article="L30-41-F", text_="警告并罚款3000元", amount=3000)
    assert decision.article_id == basis.article_id


def test_an_unknown_article_is_refused_with_its_name_and_nothing_is_saved(world):
    from tests.cases.records import confirmed_clue

    clue = confirmed_clue(world)
    with pytest.raises(AppError) as refused:
        services.case_open(by=world.user(*INSPECTOR), source_kind="clue",
                           source_ref=str(clue.pk), title="案", facts="事实",
                           officers=team(world), articles=["L30-41-F", "刑法第999条"])
    assert refused.value.code == "article_unknown"
    assert refused.value.message.startswith("法律依据不在处罚条款目录中")
    assert "刑法第999条" in refused.value.message
    assert "请从处罚条款目录中选择" in refused.value.message
    assert refused.value.fields == {"articles": ["未知的处罚条款：刑法第999条"]}
    assert not Case.objects.exists() and not CaseBasis.objects.exists()
    case = open_case(world)
    with pytest.raises(AppError, match=r"法律依据不在处罚条款目录中.*order30_41_forge"):
        # the old free keys are no longer accepted: only catalogue codes
        services.case_decide(by=world.user(*INSPECTOR), case_id=case.pk, kind="penalty",
                             article="order30_41_forge", text_="罚", amount=3000)
    with pytest.raises(AppError, match="请从处罚条款目录中选择法律依据"):
        services.case_decide(by=world.user(*INSPECTOR), case_id=case.pk, kind="order",
                             article="", text_="责令改正")
    assert not case.decisions.exists()


def test_the_api_answers_an_unknown_article_with_its_code_and_message(world):
    from tests.cases.records import confirmed_clue

    clue = confirmed_clue(world)
    api = api_as(world.user(*INSPECTOR))
    response = api.post("/api/v1/cases/", {
        "source_kind": "clue", "source_ref": str(clue.pk), "title": "案", "facts": "事实",
        "officers": ["inspector_a", "department_head_a"], "articles": ["X-1"]}, format="json")
    error = api_error(response, 400, "article_unknown")
    assert "法律依据不在处罚条款目录中" in error["message"] and "X-1" in error["message"]
    assert error["fields"] == {"articles": ["未知的处罚条款：X-1"]}
    assert not Case.objects.exists()
    case = open_case(world)
    response = api.post(f"/api/v1/cases/{case.pk}/action", {
        "action": "decide", "kind": "penalty", "article": "nope", "text": "罚", "amount": 2000},
        format="json")
    assert api_error(response, 400, "article_unknown")["fields"] == {
        "article": ["未知的处罚条款：nope"]}
    articles = api.get("/api/v1/cases/articles").json()
    assert {"AQSCF-97-7", "L30-40", "L30-41-F", "L30-41-L"} <= {a["code"] for a in articles}
    detail = api.get(f"/api/v1/cases/{case.pk}").json()
    (basis,) = detail["bases"]
    assert basis["article"]["code"] == "L30-41-F" and basis["legacy_ref"] == ""
    assert "第四十一条" in basis["article"]["basis"]


def test_the_form_shows_the_chinese_message_for_an_unknown_article(world, client):
    case = open_case(world)
    client.force_login(world.user(*INSPECTOR))
    response = client.post(f"/cases/{case.pk}/", {"action": "basis_set", "articles": ["nope"]},
                           follow=True)
    page = response.content.decode()
    assert "法律依据不在处罚条款目录中" in page and "nope" in page
    assert [b.article.code for b in CaseBasis.objects.filter(case=case)] == ["L30-41-F"]
    client.post(f"/cases/{case.pk}/", {"action": "basis_set", "articles": ["L30-41-L"]})
    assert [b.article.code for b in CaseBasis.objects.filter(case=case)] == ["L30-41-L"]
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "转借、转让、冒用特种作业操作证" in page  # the article's text, not a key


# --- a case opened from an inspection finding ---------------------------------------------------

def test_a_finding_opens_a_case_with_its_evidence_linked_not_copied(world, client):
    found = finding(world, kind="fake_cert_employer", description="企业使用伪造的电工证1本")
    case = _open_from(world, found, articles=["L30-40"])
    assert case.source_ref == str(found.pk) and case.region_id == found.region_id
    links = {(e.kind, e.ref) for e in case.evidence.all()}
    photo = found.photos.get()
    assert links == {("finding", str(found.pk)), ("inspection_record", str(found.task_id)),
                     ("photo", str(photo.pk))}
    (party,) = case.parties.all()
    assert party.kind == "enterprise" and party.organisation_id == world.cast.enterprise_x.pk
    assert party.credit_code == world.cast.enterprise_x.credit_code
    assert "forged_documents" in case.markers  # L30-40 is a forged-documents article
    # shown as it stands in enforcement (read through its selectors)
    rows = {r["kind"]: r for r in selectors.evidence_resolved(user=world.user(*INSPECTOR),
                                                               case=case)}
    assert rows["finding"]["available"] and "企业使用伪造的电工证1本" in rows["finding"]["summary"]
    assert rows["finding"]["url"] == f"/enforcement/tasks/{found.task_id}/"
    assert rows["inspection_record"]["available"] and rows["photo"]["available"]
    client.force_login(world.user(*INSPECTOR))
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "企业使用伪造的电工证1本" in page and f"/enforcement/tasks/{found.task_id}/" in page
    detail = api_as(world.user(*INSPECTOR)).get(f"/api/v1/cases/{case.pk}").json()
    finding_row = next(e for e in detail["evidence"] if e["kind"] == "finding")
    assert finding_row["available"] is True and finding_row["ref"] == str(found.pk)
    # the police see the link, never the inspection file
    referral_case_view = selectors.evidence_resolved(user=world.user("police", "A"), case=case)
    assert all(r["available"] is False and not r["summary"] for r in referral_case_view)


def test_a_worker_finding_makes_the_worker_the_party(world):
    from tests.cases.records import WORKER_ID

    found = finding(world, kind="fake_cert_worker", description="电工王五使用伪造的证书",
                    worker_name="王五", worker_id_no=WORKER_ID)
    case = _open_from(world, found, articles=["L30-41-F"])
    assert [(p.kind, p.id_no) for p in case.parties.all()] == [("worker", WORKER_ID)]


def test_a_finding_out_of_reach_opens_nothing(world):
    found = finding(world)
    with pytest.raises(AppError, match=f"执法检查发现的问题{found.pk}不存在或无权查看"):
        services.case_open(by=world.user("inspector", "B"), source_kind="inspection",
                           source_ref=str(found.pk), title="案", facts="事实",
                           officers=[world.user("inspector", "B"),
                                     world.user("department_head", "B")])
    case = _open_from(world, found)
    with pytest.raises(AppError, match="该来源已立案"):
        _open_from(world, found)
    with pytest.raises(AppError, match="检查发现的问题999999不存在或无权查看"):
        services.case_evidence_link(by=world.user(*INSPECTOR), case_id=case.pk,
                                    kind="finding", ref="999999")
    assert Case.objects.count() == 1


# --- the penalty decisions enforcement recorded for the case's parties --------------------------

def test_the_case_shows_and_links_enforcement_penalties_of_its_parties(world):
    found = finding(world, kind="uncertified", description="电焊工1人无证上岗")
    penalty = decided_penalty(world, found, amount="20000")
    case = _open_from(world, found, articles=["AQSCF-97-7"])
    inspector = world.user(*INSPECTOR)
    assert list(selectors.enforcement_penalties(user=inspector, case=case)) == [penalty]
    detail = api_as(inspector).get(f"/api/v1/cases/{case.pk}").json()
    (shown,) = detail["enforcement_penalties"]
    assert shown["id"] == penalty.pk and shown["article_code"] == "AQSCF-97-7"
    assert Decimal(shown["amount"]) == 20000 and shown["linked"] is False
    with pytest.raises(AppError, match="不一致"):
        services.case_decide(by=inspector, case_id=case.pk, kind="penalty", article="L30-40",
                             text_="罚款", penalty_id=penalty.pk)
    decision = services.case_decide(by=inspector, case_id=case.pk, kind="penalty",
                                    text_="依执法处罚决定", penalty_id=penalty.pk)
    assert decision.penalty_id == penalty.pk and decision.amount == 20000
    assert decision.article.code == "AQSCF-97-7"
    with pytest.raises(AppError, match="已关联到本案的决定"):
        services.case_decide(by=inspector, case_id=case.pk, kind="penalty",
                             text_="再次关联", penalty_id=penalty.pk)
    # a penalty of someone who is not a party of this case cannot be linked
    other = open_case(world)
    with pytest.raises(AppError, match="不是本案当事人的处罚"):
        services.case_decide(by=inspector, case_id=other.pk, kind="penalty",
                             text_="罚", penalty_id=penalty.pk)
    detail = api_as(inspector).get(f"/api/v1/cases/{case.pk}").json()
    assert detail["enforcement_penalties"][0]["linked"] is True
    assert detail["decisions"][0]["penalty"] == penalty.pk


def test_a_fine_only_criminal_case_closed_on_enforcements_penalty_is_listed(world):
    found = finding(world, kind="fake_cert_employer", description="企业使用伪造的提升机操作证",
                    people=1)
    penalty = decided_penalty(world, found, amount="15000")
    case = _open_from(world, found, articles=["L30-40"])
    # no decision of the case itself: the fine enforcement decided for the party counts
    services.case_close(by=world.user(*INSPECTOR), case_id=case.pk, closure="penalty")
    flag = SupervisionFlag.objects.get(case=case)
    assert flag.fine == penalty.amount == 15000 and "forged_documents" in flag.markers
    assert [f.case_id for f in selectors.supervision_list(user=world.user(*HEAD))] == [case.pk]
    prosecutor = world.user("prosecutor", "A")
    assert [f.case_id for f in selectors.supervision_list(user=prosecutor)] == [case.pk]
    listed = api_as(prosecutor).get("/api/v1/cases/supervision/list").json()["results"]
    assert listed[0]["case_number"] == case.number and "forged_documents" in listed[0]["markers"]
    assert Decimal(listed[0]["fine"]) == 15000


def test_a_referral_decision_keeps_a_fine_only_case_off_the_list(world):
    found = finding(world, kind="fake_cert_employer", description="企业使用伪造的证书")
    decided_penalty(world, found, amount="15000")
    case = _open_from(world, found, articles=["L30-40"])
    referral = services.referral_propose(by=world.user(*INSPECTOR), case_id=case.pk,
                                         reason="涉嫌买卖国家机关证件", offences=["criminal_280"])
    services.referral_head_decide(by=world.user(*HEAD), pk=referral.pk, refer=False,
                                  reasons="情节轻微，不构成犯罪")
    services.case_close(by=world.user(*INSPECTOR), case_id=case.pk, closure="penalty")
    assert not SupervisionFlag.objects.exists()


def test_without_any_penalty_a_penalty_closure_is_refused(world):
    case = _open_from(world, finding(world))
    with pytest.raises(AppError, match="本案及执法系统中均无针对本案违法行为的处罚决定"):
        services.case_close(by=world.user(*INSPECTOR), case_id=case.pk, closure="penalty")


# --- audit ------------------------------------------------------------------------------------

def test_links_and_decisions_are_audited(world):
    from certguard.core.audit_spool import audit_ingest
    from certguard.core.models import AuditEntry

    found = finding(world, kind="fake_cert_employer", description="企业使用伪造的证书")
    penalty = decided_penalty(world, found, amount="15000")
    case = _open_from(world, found, articles=["L30-40"])
    services.case_basis_set(by=world.user(*INSPECTOR), case_id=case.pk,
                            articles=["L30-40", "AQSCF-97-7"])
    decision = services.case_decide(by=world.user(*INSPECTOR), case_id=case.pk,
                                    kind="penalty", text_="依执法处罚决定", penalty_id=penalty.pk)
    services.case_close(by=world.user(*INSPECTOR), case_id=case.pk, closure="penalty")
    audit_ingest(force=True)
    bases = AuditEntry.objects.filter(object_type="cases.casebasis", action="create")
    assert bases.count() == 2
    made = AuditEntry.objects.get(object_type="cases.casedecision", action="create",
                                  object_id=str(decision.pk))
    assert str(penalty.pk) in str(made.data) and str(decision.article_id) in str(made.data)
    evidence = AuditEntry.objects.filter(object_type="cases.caseevidence", action="create")
    assert evidence.count() == 3  # finding, inspection record, photo
    assert AuditEntry.objects.filter(object_type="cases.supervisionflag",
                                     action="create").count() == 1
    # reading the finding and the party's penalties through enforcement logged the reads
    assert AuditEntry.objects.filter(object_type="enforcement.penaltydecision",
                                     action="read").exists()


# --- the migration of the old free keys ----------------------------------------------------------

class _Rows:
    """The migration's view of cases before 0003 (``basis_keys`` still a column): real rows
    with the old keys attached."""

    def __init__(self, cases: dict[int, list[str]]):
        self.cases = cases

    def order_by(self, *_):
        return self

    def iterator(self):
        for case in Case.objects.filter(pk__in=self.cases).order_by("pk"):
            case.basis_keys = self.cases[case.pk]
            yield case


class _Apps:
    def __init__(self, cases):
        from django.apps import apps

        self.apps, self.cases = apps, cases

    def get_model(self, app, name):
        if name == "Case":
            return type("Case", (), {"objects": _Rows(self.cases)})
        return self.apps.get_model(app, name)


def test_the_migration_maps_old_keys_and_keeps_the_unmatched_visible(world, client):
    import importlib

    from certguard.core.audit_spool import audit_ingest
    from certguard.core.models import AuditEntry

    migration = importlib.import_module("certguard.cases.migrations.0003_catalogue_links")
    found = finding(world, kind="uncertified")
    penalty = decided_penalty(world, found)
    case = _open_from(world, found)
    old = CaseDecision.objects.create(
        case=case, kind="penalty", number="旧1", legacy_basis="order30_41_forge", amount=2000,
        text="罚款", legacy_enforcement_ref=f"#{penalty.pk}", decided_at=case.opened_at)
    odd = CaseDecision.objects.create(
        case=case, kind="penalty", number="旧2", legacy_basis="public_security_52", amount=500,
        text="罚款", legacy_enforcement_ref="执法系统 2026-17", decided_at=case.opened_at)
    migration.forward(_Apps({case.pk: ["aqscf_97_7", "criminal_280", "aqscf_97_7"]}), None)
    bases = list(CaseBasis.objects.filter(case=case).select_related("article"))
    assert [(b.article.code if b.article else None, b.legacy_ref) for b in bases] == [
        ("AQSCF-97-7", ""), (None, "criminal_280")]
    old.refresh_from_db()
    odd.refresh_from_db()
    assert old.article.code == "L30-41-F" and old.legacy_basis == ""
    assert old.penalty_id == penalty.pk and old.legacy_enforcement_ref == ""
    assert odd.article is None and odd.legacy_basis == "public_security_52"
    assert odd.penalty is None and odd.legacy_enforcement_ref == "执法系统 2026-17"
    audit_ingest(force=True)
    assert AuditEntry.objects.filter(object_type="cases.casebasis", action="create",
                                     summary__startswith="迁移").exists()
    # the unmatched are shown for a person to fix, and fixed through the services
    client.force_login(world.user(*INSPECTOR))
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "未能对应处罚条款目录：“criminal_280”" in page and "public_security_52" in page
    detail = api_as(world.user(*INSPECTOR)).get(f"/api/v1/cases/{case.pk}").json()
    assert {"id": bases[1].pk, "article": None, "legacy_ref": "criminal_280"} in detail["bases"]
    services.case_basis_set(by=world.user(*INSPECTOR), case_id=case.pk,
                            articles=["AQSCF-97-7"])
    assert not CaseBasis.objects.filter(case=case, article__isnull=True).exists()
    services.case_decision_fix(by=world.user(*INSPECTOR), case_id=case.pk,
                               decision_id=odd.pk, article="L30-41-F")
    odd.refresh_from_db()
    assert odd.article.code == "L30-41-F" and odd.legacy_basis == ""
    with pytest.raises(AppError, match="无需修正"):
        services.case_decision_fix(by=world.user(*INSPECTOR), case_id=case.pk,
                                   decision_id=old.pk, article="L30-40")


def test_a_partys_penalty_for_other_conduct_neither_closes_the_case_nor_adds_to_its_fine(world):
    """Enterprise X was fined in another inspection: that fine answers for that act, not for
    the forged certificate this case is about, until a person links it as this case's."""
    found = finding(world, kind="fake_cert_employer", description="企业使用伪造的电工证")
    case = _open_from(world, found, articles=["L30-40"])
    elsewhere = decided_penalty(world, finding(world, kind="uncertified"), amount="8000")
    inspector = world.user(*INSPECTOR)
    assert elsewhere in selectors.enforcement_penalties(user=inspector, case=case)
    with pytest.raises(AppError, match="均无针对本案违法行为的处罚决定"):
        services.case_close(by=inspector, case_id=case.pk, closure="penalty")
    assert Case.objects.get(pk=case.pk).status != "closed"
    this_matter = decided_penalty(world, found, amount="15000")
    services.case_close(by=inspector, case_id=case.pk, closure="penalty")
    assert SupervisionFlag.objects.get(case=case).fine == this_matter.amount == 15000


def test_a_penalty_linked_as_evidence_counts_for_the_case(world):
    found = finding(world, kind="fake_cert_employer", description="企业使用伪造的电工证")
    case = _open_from(world, found, articles=["L30-40"])
    other = decided_penalty(world, finding(world, kind="uncertified"), amount="8000")
    inspector = world.user(*INSPECTOR)
    services.case_evidence_link(by=inspector, case_id=case.pk, kind="penalty", ref=str(other.pk))
    services.case_close(by=inspector, case_id=case.pk, closure="penalty")
    assert SupervisionFlag.objects.get(case=case).fine == 8000


def test_a_split_case_counts_the_penalty_on_its_seller_cases_evidence(world):
    """A split case reads its seller case's evidence through ``parent``: enforcement's
    penalty on that evidence is this matter's penalty for the child case too."""
    found = finding(world, kind="fake_cert_employer", description="企业使用伪造的电工证")
    seller = _open_from(world, found, articles=["L30-40"])
    (child,) = services.case_split(
        by=world.user(*INSPECTOR), case_id=seller.pk,
        parts=[{"kind": "enterprise", "name": "沁水县X煤业有限公司",
                "credit_code": world.cast.enterprise_x.credit_code}])
    penalty = decided_penalty(world, found, amount="12000")
    services.case_close(by=world.user(*INSPECTOR), case_id=child.pk, closure="penalty")
    child.refresh_from_db()
    assert child.status == "closed" and penalty.amount == 12000
