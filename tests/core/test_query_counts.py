"""Query-count baselines: a detail page or an API list costs the same number of queries with
a little data as with a lot (no N+1). Every detail page and list route must have a case here
or a reason in EXEMPT; a new one without either fails the coverage test."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from certguard import ids
from tests.conftest import COUNTY_A
from tests.core.test_permission_matrix import ROUTES, _sign_in, _url


@dataclass
class Case:
    who: str  # a user of the world cast ("role@place")
    setup: Callable  # (world, records) -> URL kwargs
    grow: Callable  # (world, records, n) -> None: adds n more of what the page lists


def _clue(world):
    from tests.core.matrix_objects import _clue as make

    return make(world)


def _grow_clue(world, clue, n, start=[0]):  # noqa: B006 - a counter across calls
    """More handling events, and more colleagues who could take the clue."""
    from certguard.clues.models import ClueEvent
    from tests.conftest import _user

    for _ in range(n):
        start[0] += 1
        ClueEvent.objects.create(clue=clue, kind="note", actor=world.cast.inspector_a,
                                 reason=f"备注{start[0]}")
        _user(f"colleague_{start[0]}", world.orgs["yj_A"], "inspector")


def _certificate_events(world, cert, n):
    from certguard.registry.models import CertificateEvent

    for i in range(n):
        CertificateEvent.objects.create(certificate=cert, kind="review_pass",
                                        on=date(2025, 1, 1 + i % 28), reason=f"复审{i}")


def _more_certificates(world, n, start=[0]):  # noqa: B006 - a counter across calls
    from certguard.registry import services

    for _ in range(n):
        start[0] += 1
        id_no = ids.make_id_no(COUNTY_A, date(1980, 1, 1), start[0] * 2 + 1)
        services.certificate_issue(
            by=world.cast.issuer, id_no=id_no, name="持证" + chr(0x4E00 + start[0]),
            family="special_ops",
            item_code="1.2", first_issued=date(2024, 5, 6))


def _ledger(world, n, start=[0]):  # noqa: B006
    from certguard.workforce.models import LedgerChange, LedgerEntry

    for _ in range(n):
        start[0] += 1
        entry = LedgerEntry.objects.create(
            employer=world.cast.enterprise_x, worker_name=f"工人{start[0]}", post="电工",
            worker_id_no=ids.make_id_no(COUNTY_A, date(1981, 1, 1), start[0] * 2 + 1))
        LedgerChange.objects.create(entry=entry, employer=world.cast.enterprise_x, kind="added",
                                    by=world.cast.user_x)


def _entry_history(world, entry, n):
    from certguard.workforce.models import LedgerChange

    for _ in range(n):
        LedgerChange.objects.create(entry=entry, employer=entry.employer, kind="updated",
                                    changes={"post": ["电工", "焊工"]}, by=world.cast.user_x)


def _upload_events(world, upload, n):
    from certguard.selfcheck.models import UploadEvent

    for i in range(n):
        UploadEvent.objects.create(upload=upload, kind="refiled", reason=f"说明{i}",
                                   by=world.cast.user_x)


def _clues(world, n, start=[0]):  # noqa: B006
    from tests.clues.conftest import make_clue

    for _ in range(n):
        start[0] += 1
        make_clue(region_id=COUNTY_A, family="special_ops", cert_no=f"TQ{start[0]}",
                  assignee=world.cast.inspector_a, status="assigned")


def _orgs(world, n, start=[0]):  # noqa: B006
    from tests.conftest import _org

    for _ in range(n):
        start[0] += 1
        _org("enterprise", f"沁水县测试{start[0]}有限公司", COUNTY_A, sector="coal_mine",
             credit_code=ids.make_credit_code(COUNTY_A, 500 + start[0]))


def _jobs(world, n):
    from certguard.core.models import Job

    for i in range(n):
        Job.objects.create(kind="selfcheck_verify", title=f"任务{i}", owner=world.cast.user_x)


def _uploads(world, records, n):
    from certguard.selfcheck.models import RosterUpload

    for i in range(n):
        RosterUpload.objects.create(employer=world.cast.enterprise_x, file_name=f"r{i}.xlsx",
                                    uploaded_by=world.cast.user_x, sha256=f"{i:064d}")


CASES: dict[str, Case] = {
    "clues/<int:pk>/": Case("inspector@A", lambda w, r: {"pk": r.clue.pk},
                            lambda w, r, n: _grow_clue(w, r.clue, n)),
    "api/v1/clues/<int:pk>": Case("inspector@A", lambda w, r: {"pk": r.clue.pk},
                                  lambda w, r, n: _grow_clue(w, r.clue, n)),
    "clues/": Case("inspector@A", lambda w, r: {}, lambda w, r, n: _clues(w, n)),
    "api/v1/clues": Case("inspector@A", lambda w, r: {}, lambda w, r, n: _clues(w, n)),
    "issuer/": Case("issuing_officer@province", lambda w, r: {},
                    lambda w, r, n: _more_certificates(w, n)),
    "issuer/certificates/<int:pk>/": Case(
        "issuing_officer@province", lambda w, r: {"pk": r.certificate.pk},
        lambda w, r, n: _certificate_events(w, r.certificate, n)),
    "workforce/ledger/": Case("enterprise_user@A", lambda w, r: {},
                              lambda w, r, n: _ledger(w, n)),
    "workforce/ledger/<int:pk>/": Case(
        "enterprise_user@A", lambda w, r: {"pk": r.ledger_entry.pk},
        lambda w, r, n: _entry_history(w, r.ledger_entry, n)),
    "organisations/": Case("inspector@A", lambda w, r: {}, lambda w, r, n: _orgs(w, n)),
    "api/v1/organisations": Case("inspector@A", lambda w, r: {}, lambda w, r, n: _orgs(w, n)),
    "jobs/": Case("enterprise_user@A", lambda w, r: {}, lambda w, r, n: _jobs(w, n)),
    "selfcheck/uploads/": Case("enterprise_user@A", lambda w, r: {},
                               lambda w, r, n: _uploads(w, r, n)),
    "api/v1/selfcheck/uploads": Case("enterprise_user@A", lambda w, r: {},
                                     lambda w, r, n: _uploads(w, r, n)),
    "selfcheck/uploads/<int:pk>/": Case(
        "enterprise_user@A", lambda w, r: {"pk": r.upload.pk},
        lambda w, r, n: _upload_events(w, r.upload, n)),
    "api/v1/selfcheck/uploads/<int:pk>": Case(
        "enterprise_user@A", lambda w, r: {"pk": r.upload.pk},
        lambda w, r, n: _upload_events(w, r.upload, n)),
}

# Routes whose answer does not list a growing number of records, with the reason.
# --- network governance and tip-offs ---
def _nw_captures(world, records, n):
    from certguard.netwatch.models import Capture

    domain = records.netwatch["domain"]
    for _ in range(n):
        Capture.objects.create(suspect=domain, organisation=domain.organisation,
                               region_id=domain.region_id, url="http://x/",
                               captured_at=domain.created_at, ok=True)


def _nw_ads(world, n, start=[0]):  # noqa: B006
    from certguard.netwatch.models import SuspectAd

    org = world.orgs["wx_A"]
    for _ in range(n):
        start[0] += 1
        SuspectAd.objects.create(organisation=org, region_id=org.region_id, text=f"广告{start[0]}",
                                 text_sha256=f"{start[0]:064d}", source="paste",
                                 verdict="selling", score=90)


def _nw_domains(world, n, start=[0]):  # noqa: B006
    from certguard.netwatch.models import SuspectDomain

    org = world.orgs["wx_A"]
    for _ in range(n):
        start[0] += 1
        SuspectDomain.objects.create(organisation=org, region_id=org.region_id, score=80,
                                     domain=f"cx-mem-gov{start[0]}.cn", verdict="lookalike",
                                     source="paste")


def _nw_events(world, records, n):
    from django.utils import timezone

    from certguard.netwatch.models import HandoverEvent

    for i in range(n):
        HandoverEvent.objects.create(handover=records.netwatch["handover"], kind="dark",
                                     at=timezone.now(), note=f"复查{i}")


def _tip_messages(world, records, n):
    from certguard.tips.models import TipMessage

    for i in range(n):
        TipMessage.objects.create(tip=records.tip, kind="answer", text=f"补充{i}")


def _tips(world, n):
    from certguard.tips.intake import tip_submit
    from tests.tips.records import tip_input

    for i in range(n):
        tip_submit(data=tip_input(anonymous=True, name="", contact=""), source=f"q{i}")


NW = "netgov_officer@A"
CASES.update({
    "netwatch/domains/<int:pk>/": Case(NW, lambda w, r: {"pk": r.netwatch["domain"].pk},
                                       _nw_captures),
    "netwatch/ads/<int:pk>/": Case(NW, lambda w, r: {"pk": r.netwatch["ad"].pk},
                                   lambda w, r, n: _nw_ads(w, n)),
    "netwatch/captures/<int:pk>/": Case(NW, lambda w, r: {"pk": r.netwatch["capture"].pk},
                                        _nw_captures),
    "api/v1/netwatch/captures/<int:pk>": Case(
        NW, lambda w, r: {"pk": r.netwatch["capture"].pk}, _nw_captures),
    "netwatch/handovers/<int:pk>/": Case(NW, lambda w, r: {"pk": r.netwatch["handover"].pk},
                                         _nw_events),
    "api/v1/netwatch/handovers/<int:pk>": Case(
        NW, lambda w, r: {"pk": r.netwatch["handover"].pk}, _nw_events),
    "api/v1/netwatch/domains": Case(NW, lambda w, r: {}, lambda w, r, n: _nw_domains(w, n)),
    "api/v1/netwatch/ads": Case(NW, lambda w, r: {}, lambda w, r, n: _nw_ads(w, n)),
    "tips/<int:pk>/": Case("inspector@A", lambda w, r: {"pk": r.tip.pk}, _tip_messages),
    "api/v1/tips/<int:pk>": Case("inspector@A", lambda w, r: {"pk": r.tip.pk}, _tip_messages),
    "api/v1/tips/list": Case("inspector@A", lambda w, r: {}, lambda w, r, n: _tips(w, n)),
})


# --- cases ---
def _cs_grow(name: str, how: str):
    def grow(world, records, n):
        from tests.cases import records as cases

        getattr(cases, how)(world, records.cases[name], n)

    return grow


def _cs_many(world, records, n):
    from tests.cases.records import grow_cases

    grow_cases(world, records, n)


_CS = {"pk": lambda name: (lambda w, r: {"pk": r.cases[name].pk})}
CASES.update({
    "cases/<int:pk>/": Case("inspector@A", _CS["pk"]("case"), _cs_grow("case", "grow_case")),
    "api/v1/cases/<int:pk>": Case("inspector@A", _CS["pk"]("case"),
                                  _cs_grow("case", "grow_case")),
    "cases/referrals/<int:pk>/": Case("police@A", _CS["pk"]("referral"),
                                      _cs_grow("referral", "grow_referral")),
    "api/v1/cases/referrals/<int:pk>": Case("prosecutor@A", _CS["pk"]("referral"),
                                            _cs_grow("referral", "grow_referral")),
    "cases/listings/<int:pk>/": Case("inspector@A", _CS["pk"]("listing"),
                                     _cs_grow("listing", "grow_listing")),
    "api/v1/cases/listings/<int:pk>": Case("inspector@A", _CS["pk"]("listing"),
                                           _cs_grow("listing", "grow_listing")),
    "api/v1/cases/": Case("inspector@A", lambda w, r: {}, _cs_many),
    "api/v1/cases/listings/list": Case("inspector@A", lambda w, r: {}, _cs_many),
    "api/v1/cases/bulletins/list": Case("inspector@A", lambda w, r: {}, _cs_many),
})


# --- reporting and campaigns ---
def _rp_events(world, records, n):
    from certguard.reporting.models import ReportEvent

    for i in range(n):
        ReportEvent.objects.create(report=records.reporting["report"], kind="remind",
                                   reason=f"催报{i}")


def _rp_documents(world, records, n):
    from certguard.campaigns.models import SupervisionDocument

    for i in range(n):
        SupervisionDocument.objects.create(supervision=records.reporting["supervision"],
                                           kind="notice", title=f"通知{i}", body="正文")


def _rp_versions(world, records, n, start=[0]):  # noqa: B006 - a counter across calls
    from certguard.reporting.services import form_version_create
    from tests.reporting.conftest import LAYOUT

    records.reporting  # noqa: B018 - the form exists
    for _ in range(n):
        start[0] += 1
        form_version_create(by=world.cast.admin, code=f"q{start[0]}", name=f"表{start[0]}",
                            period_type="monthly", fill_level="county", due={"day": 25},
                            layout=LAYOUT)


def _rp_periods(world, records, n, start=[0]):  # noqa: B006 - a counter across calls
    from datetime import date

    from certguard.reporting.services import period_open

    version = records.reporting["version"]
    for _ in range(n):
        start[0] += 1
        period_open(by=world.user("campaign_office", "city"), version_id=version.pk,
                    region_code="140500", start=date(2000 + start[0], 1, 1))


def _rp_campaigns(world, records, n):
    from certguard.campaigns.services import campaign_create

    for i in range(n):
        campaign_create(by=world.user("campaign_office", "city"), spec={
            "name": f"专项{i}", "region": "140500", "start": "2024-08-01", "end": "2024-12-31"})


RP = "campaign_office@city"
CASES.update({
    "reporting/reports/<int:pk>/": Case(RP, lambda w, r: {"pk": r.reporting["report"].pk},
                                        _rp_events),
    "api/v1/reporting/reports/<int:pk>": Case(
        RP, lambda w, r: {"pk": r.reporting["report"].pk}, _rp_events),
    "reporting/periods/<int:pk>/": Case(RP, lambda w, r: {"pk": r.reporting["period"].pk},
                                        _rp_events),
    "api/v1/reporting/periods/<int:pk>": Case(
        RP, lambda w, r: {"pk": r.reporting["period"].pk}, _rp_events),
    "campaigns/supervisions/<int:pk>/": Case(
        RP, lambda w, r: {"pk": r.reporting["supervision"].pk}, _rp_documents),
    "api/v1/campaigns/supervisions/<int:pk>": Case(
        RP, lambda w, r: {"pk": r.reporting["supervision"].pk}, _rp_documents),
    "api/v1/reporting/forms": Case(RP, lambda w, r: {}, _rp_versions),
    "api/v1/reporting/periods": Case(RP, lambda w, r: {}, _rp_periods),
    "api/v1/campaigns/": Case(RP, lambda w, r: {}, _rp_campaigns),
})

# --- enforcement ---
def _en_findings(world, records, n, start=[0]):  # noqa: B006
    from django.utils import timezone

    from certguard.enforcement.models import Finding

    task = records.enforcement["task"]
    for _ in range(n):
        start[0] += 1
        Finding.objects.create(task=task, kind="uncertified", description=f"问题{start[0]}",
                               people=1, region_id=task.region_id, department=task.department,
                               found_at=timezone.now(), created_by=world.cast.inspector_a)


def _en_clocks(world, records, n):
    from datetime import timedelta

    from django.utils import timezone

    from certguard.enforcement.models import Clock

    penalty = records.enforcement["penalty"]
    for i in range(n):
        Clock.objects.create(penalty=penalty, kind="payment", organisation=penalty.organisation,
                             region_id=penalty.region_id, department=penalty.department,
                             started_at=timezone.now(), due_at=timezone.now() + timedelta(i))


def _en_matters(world, records, n):
    from certguard.enforcement.models import PlanMatter

    for i in range(n):
        PlanMatter.objects.create(plan=records.enforcement["plan"], basis=f"依据{i}",
                                  subject="沁水县应急管理局", content="持证上岗", method="现场检查")


def _en_tasks(world, records, n):
    from certguard.enforcement.models import Task

    task = records.enforcement["task"]
    for _ in range(n):
        Task.objects.create(organisation=task.organisation, department=task.department,
                            target=task.target, target_name=task.target_name,
                            target_kind=task.target_kind, region=task.region, source="plan",
                            planned_on=task.planned_on, status="draft")


def _en_plans(world, records, n, start=[0]):  # noqa: B006
    from certguard.enforcement.models import Plan

    plan = records.enforcement["plan"]
    for _ in range(n):
        start[0] += 1
        Plan.objects.create(organisation=plan.organisation, department=plan.department,
                            region=plan.region, year=2000 + start[0], title=f"计划{start[0]}")


def _en_penalties(world, records, n):

    penalty = records.enforcement["penalty"]
    for _ in range(n):
        penalty.pk = None
        penalty.save()


def _en_draws(world, records, n):

    draw = records.enforcement["draw"]
    for _ in range(n):
        draw.pk = None
        draw.save()


EN = "inspector@A"
CASES.update({
    "enforcement/tasks/<int:pk>/": Case(EN, lambda w, r: {"pk": r.enforcement["task"].pk},
                                        _en_findings),
    "api/v1/enforcement/tasks/<int:pk>": Case(
        EN, lambda w, r: {"pk": r.enforcement["task"].pk}, _en_findings),
    "enforcement/penalties/<int:pk>/": Case(
        EN, lambda w, r: {"pk": r.enforcement["penalty"].pk}, _en_clocks),
    "api/v1/enforcement/penalties/<int:pk>": Case(
        EN, lambda w, r: {"pk": r.enforcement["penalty"].pk}, _en_clocks),
    "enforcement/plans/<int:pk>/": Case(EN, lambda w, r: {"pk": r.enforcement["plan"].pk},
                                        _en_matters),
    "api/v1/enforcement/tasks": Case(EN, lambda w, r: {}, _en_tasks),
    "api/v1/enforcement/plans": Case(EN, lambda w, r: {}, _en_plans),
    "api/v1/enforcement/penalties": Case(EN, lambda w, r: {}, _en_penalties),
    "api/v1/enforcement/draws": Case(EN, lambda w, r: {}, _en_draws),
})


EXEMPT = {
    "organisations/<int:pk>/": "一个单位的固定字段",
    "ecert/certificates/<int:pk>/": "一张电子证书",
    "enforcement/photos/<int:pk>/": "一张现场照片的文件下载（一次查询取照片及其问题）",
    "api/v1/ecert/trust-list": "一份签名的信任列表（密钥数很少）",
    "jobs/<int:pk>/": "一个任务的进度",
    "api/v1/jobs/<int:pk>": "一个任务的进度",
    "api/v1/organisations/<int:pk>": "一个单位的固定字段",
    "issuer/import/<int:pk>/": "一个导入任务的结果",
    "screening/runs/<int:pk>/": "一次筛查的参数与各规则统计（固定17行）",
    "api/v1/screening/runs/<int:pk>": "同上",
    "screening/": "每页30条，按批次计数（随批次增长的查询见 test_run_list_is_flat）",
    "selfcheck/uploads/<int:pk>/official/": "固定七项自查表",
    "selfcheck/figures/": "汇总统计（一次分组查询）",
    "api/v1/selfcheck/figures": "同上",
    "api/v1/selfcheck/figures/not-filed": "同上",
    "api/v1/selfcheck/reminders": "每页条数固定，无关联查询",
    "api/v1/selfcheck/uploads/<int:pk>/results": "每页条数固定，无关联查询",
    "api/v1/selfcheck/uploads/<int:pk>/rectifications": "select_related 取关联",
    # --- cases ---
    "cases/bulletins/<int:pk>/": "一份通报（案例在其 JSON 字段中，无关联查询）",
    "api/v1/cases/bulletins/<int:pk>": "同上",
    "api/v1/cases/clocks/overdue": "每页条数固定，select_related 取案件与单位",
    "api/v1/cases/supervision/list": "每页条数固定，select_related 取案件与单位",
    "api/v1/cases/listings/public": "每页条数固定，select_related 取列入情形与决定机关",
    "api/v1/cases/articles": "处罚条款目录（参考数据，条数由目录而非业务数据决定）",
    # --- reporting and campaigns ---
    "campaigns/<int:pk>/": "看板：每个已开始的阶段×每个单位查询各模块统计（单位数固定）",
    "api/v1/campaigns/<int:pk>": "同上",
    # --- enforcement ---
    "enforcement/draws/<int:pk>/": "一次抽取的参数与哈希；其任务列表 select_related 取关联",
    "enforcement/public/draws/<int:pk>/": "公开的抽取：结果取自一行 JSON，不逐行查询",
    "api/v1/enforcement/public/draws/<int:pk>": "同上，另加一次复核（读两份压缩文件）",
}


# --- institutions ---
def _inst_records(records):
    from tests.institutions.matrix import institution_records

    if not hasattr(records, "_institutions"):
        records._institutions = institution_records(records.world)
    return records._institutions


def _inst_answers(world, records, n):
    from certguard.institutions import services

    finding = _inst_records(records)["finding"]
    for i in range(n):
        services.finding_answer(by=world.user("institution_user", "A"), finding_id=finding.pk,
                                kind="explanation", text=f"说明{i}")


def _inst_progress(world, records, n):
    from certguard.institutions.models import PlanProgress

    plan = _inst_records(records)["plan"]
    for i in range(n):
        PlanProgress.objects.create(plan=plan, note=f"进展{i}", evidence_name=f"{i}.jpg",
                                    by=world.user("institution_user", "A"))


def _inst_many(model_name):
    def grow(world, records, n):
        from certguard.institutions.models import Filing, Finding, Period, Plan, RecordUpload

        base = _inst_records(records)
        org = base["upload"].organisation
        for i in range(n):
            if model_name == "upload":
                RecordUpload.objects.create(organisation=org, kind="training",
                                            file_name=f"{i}.csv", sha256=f"{i:064d}")
            elif model_name == "finding":
                Finding.objects.create(organisation=org, key=f"k{i}-{Finding.objects.count()}",
                                       rule="R12", severity="medium", detail="学时不足",
                                       rows=[{"行号": i}])
            elif model_name == "plan":
                Plan.objects.create(organisation=org, measures=f"措施{i}",
                                    deadline=base["plan"].deadline)
            else:
                period = Period.objects.create(name=f"期{i}-{Period.objects.count()}",
                                               start=base["period"].start,
                                               end=base["period"].end,
                                               closes_on=base["period"].closes_on)
                Filing.objects.create(organisation=org, period=period, kind="training",
                                      filed_at=base["filing"].filed_at)
    return grow


INST = "institution_user@A"
CASES.update({
    "institutions/findings/<int:pk>/": Case(
        INST, lambda w, r: {"pk": _inst_records(r)["finding"].pk}, _inst_answers),
    "api/v1/institutions/findings/<int:pk>": Case(
        INST, lambda w, r: {"pk": _inst_records(r)["finding"].pk}, _inst_answers),
    "institutions/plans/<int:pk>/": Case(
        INST, lambda w, r: {"pk": _inst_records(r)["plan"].pk}, _inst_progress),
    "api/v1/institutions/plans/<int:pk>": Case(
        INST, lambda w, r: {"pk": _inst_records(r)["plan"].pk}, _inst_progress),
    "api/v1/institutions/uploads": Case(INST, lambda w, r: {}, _inst_many("upload")),
    "api/v1/institutions/findings": Case(INST, lambda w, r: {}, _inst_many("finding")),
    "api/v1/institutions/plans": Case(INST, lambda w, r: {}, _inst_many("plan")),
    "api/v1/institutions/filings": Case(INST, lambda w, r: {}, _inst_many("filing")),
})
EXEMPT.update({
    "institutions/uploads/<int:pk>/": "一次上传的固定字段，被拒绝的行是其中的一个 JSON 字段",
    "api/v1/institutions/uploads/<int:pk>": "同上",
    "institutions/filings/<int:pk>/": "一份自查表（固定的几项，平台数据是其中的 JSON 字段）",
    "api/v1/institutions/filings/<int:pk>": "同上",
    "api/v1/institutions/periods": "每页条数固定，无关联查询",
})


def _listing_routes() -> set[str]:
    """Detail pages (a record by pk) and lists (pages and API collections) read by GET."""
    found = set()
    for route, pattern in ROUTES:
        tail = route.rstrip("/").rsplit("/", 1)[-1]
        if "." in tail or "(" in route:
            continue  # a download (.csv, .xlsx, .png …)
        actions = (pattern.callback and getattr(pattern.callback, "policy_actions", None))
        cls = getattr(pattern.callback, "cls", None)
        reads = (actions and actions.get("read")) or (cls and hasattr(cls, "get"))
        is_detail = route.endswith(("<int:pk>/", "<int:pk>"))
        is_list = route in {"clues/", "issuer/", "workforce/ledger/", "organisations/", "jobs/",
                            "screening/", "selfcheck/uploads/"} or (
            route.startswith("api/v1/") and "<" not in route and cls is not None
            and "List" in cls.__name__)
        if reads and (is_detail or is_list):
            found.add(route)
    return found


def test_every_detail_page_and_list_has_a_baseline():
    missing = _listing_routes() - set(CASES) - set(EXEMPT)
    assert not missing, f"这些详情页或列表没有查询次数基线：{sorted(missing)}"


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries)


@pytest.mark.parametrize("route", sorted(CASES))
def test_queries_do_not_grow_with_the_data(route, world, client, tmp_path,
                                           django_capture_on_commit_callbacks):
    from tests.core.matrix_objects import Records

    case = CASES[route]
    records = Records(world, tmp_path, django_capture_on_commit_callbacks)
    role, place = case.who.split("@")
    _sign_in(client, world.user(role, place))
    url = _url(route, case.setup(world, records))
    case.grow(world, records, 2)
    _queries(client, url)  # once-per-session work (a first rate-limit counter row) is not growth
    small = _queries(client, url)
    case.grow(world, records, 15)
    assert _queries(client, url) == small, route


def test_run_list_is_flat(world, client):
    from certguard.screening.models import ScreeningRun

    _sign_in(client, world.user("analyst", "A"))
    make = lambda n: [ScreeningRun.objects.create(  # noqa: E731
        owner=world.user("analyst", "A"), organisation=world.orgs["yj_A"],
        as_of=date(2024, 9, 1)) for _ in range(n)]
    make(2)
    small = _queries(client, "/screening/")
    make(15)
    assert _queries(client, "/screening/") == small
