"""The records the permission matrix asks about: one of each kind, in county A (enterprise X,
the provincial 应急 authority), and the URL arguments of every route that takes an object.

A route with arguments that is missing here fails the matrix: a new view must say which
record it shows, so that "inside" and "outside" each role's scope can be tried.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property

from django.utils import timezone

from certguard import ids
from tests.conftest import COUNTY_A, World

ID_NO = ids.make_id_no(COUNTY_A, date(1985, 3, 14), 31)


class Records:
    """Built on first use: most routes need one record, none needs all of them."""

    def __init__(self, world: World, tmp_path, capture) -> None:
        self.world, self.tmp_path, self.capture = world, tmp_path, capture

    def kwargs(self, route: str) -> tuple[dict, object, str]:
        """URL kwargs for ``route``, the record whose scope decides the answer, and the action
        whose scope applies to it ('' = the route's own action)."""
        by_route = ROUTE_OBJECTS.get(route)
        if by_route is None:
            raise KeyError(f"权限矩阵不知道 {route} 指向哪条记录：请在 ROUTE_OBJECTS 中登记")
        kwargs, record, *scope = by_route(self)
        return kwargs, record, scope[0] if scope else ""

    @cached_property
    def organisation(self):
        return self.world.cast.enterprise_x

    @cached_property
    def job(self):
        return _job(self.world.cast.user_x, "selfcheck_verify")

    @cached_property
    def import_job(self):
        stored = self.tmp_path / "import.csv"
        stored.write_text("", encoding="utf-8")
        stored.with_suffix(".rejected.csv").write_text("line,reason\n", encoding="utf-8")
        return _job(self.world.cast.issuer, "registry_import", status="succeeded",
                    finished_at=timezone.now(),
                    params={"path": str(stored), "file_name": "import.csv"})

    @cached_property
    def certificate(self):
        return _certificate(self.world)

    @cached_property
    def run(self):
        return _run(self.world)

    @cached_property
    def clue(self):
        return _clue(self.world)

    @cached_property
    def ledger_entry(self):
        return _ledger_entry(self.world)

    @cached_property
    def upload(self):
        from tests.selfcheck.verified import verified_upload

        return verified_upload(self.world.cast, self.tmp_path, self.capture)

    @cached_property
    def result(self):
        return self.upload.results.exclude(result__in=("valid", "rejected")).first()

    @cached_property
    def reminder(self):
        return _reminder(self.world)

    # --- network governance and tip-offs ---
    # --- reporting and campaigns ---
    @cached_property
    def reporting(self):
        from tests.reporting.records import reporting_records

        return reporting_records(self.world)

    @cached_property
    def netwatch(self):
        from tests.netwatch.records import netwatch_records

        return netwatch_records(self.world)

    @cached_property
    def tip(self):
        from tests.tips.records import matrix_tip

        return matrix_tip(self.world)

    # --- cases ---
    @cached_property
    def cases(self):
        from tests.cases.records import matrix_records

        return matrix_records(self.world)

    # --- enforcement ---
    @cached_property
    def enforcement(self):
        from tests.enforcement.records import matrix_records as enforcement_records

        return enforcement_records(self.world)


def _job(owner, kind: str, **extra):
    from certguard.core.models import Job

    return Job.objects.create(kind=kind, title="矩阵测试任务", owner=owner, **extra)


def _certificate(world: World):
    from certguard.ecert import services as ecert
    from certguard.registry import services

    ecert.key_generate(by=world.user("admin", "province"),
                       authority=world.cast.issuing_authority, alg="ed25519")
    return services.certificate_issue(by=world.cast.issuer, id_no=ID_NO, name="李建国",
                                      family="special_ops", item_code="1.2",
                                      first_issued=date(2024, 5, 6))


def _my_certificate(records: Records):
    """The certificate of the holder worker A's account is bound to (ecert.mine)."""
    from certguard.ecert.models import HolderLink

    cert = records.certificate
    link = HolderLink.objects.create(user=records.world.user("worker", "A"), holder=cert.holder)
    return {"pk": cert.pk}, link


def _run(world: World):
    from certguard.screening.inputs import run_dir
    from certguard.screening.models import ScreeningRun
    from certguard.screening.services import REJECTS_FILE

    analyst = world.user("analyst", "A")
    run = ScreeningRun.objects.create(owner=analyst, organisation=world.orgs["yj_A"],
                                      as_of=date(2024, 9, 1),
                                      status=ScreeningRun.Status.COMPLETE,
                                      finished_at=timezone.now())
    (run_dir(run.pk) / REJECTS_FILE).write_text("file,line,column,problem,value\n",
                                                encoding="utf-8")
    (run_dir(run.pk) / "clues.outside.csv").write_text("line,rule,key,reason\n",
                                                       encoding="utf-8")
    return run


def _clue(world: World):
    from tests.clues.conftest import make_clue

    return make_clue(region_id=COUNTY_A, family="special_ops", cert_no="T" + ID_NO,
                     id_no=ID_NO, employer_code=world.cast.enterprise_x.credit_code,
                     name="李建国")


def _ledger_entry(world: World):
    from certguard.workforce.models import LedgerEntry

    return LedgerEntry.objects.create(employer=world.cast.enterprise_x, worker_id_no=ID_NO,
                                      worker_name="李建国", post="电工", cert_no="T" + ID_NO)


def _reminder(world: World):
    from certguard.selfcheck.models import Reminder

    return Reminder.objects.create(employer=world.cast.enterprise_x, message="请尽快自查",
                                   sent_by=world.cast.inspector_a, sender_name="沁水县应急管理局")


def _upload(r: Records, **extra) -> tuple[dict, object]:
    return {"pk": r.upload.pk, **extra}, r.upload


ROUTE_OBJECTS = {
    "organisations/<int:pk>/": lambda r: ({"pk": r.organisation.pk}, r.organisation),
    "jobs/<int:pk>/": lambda r: ({"pk": r.job.pk}, r.job),
    "issuer/certificates/<int:pk>/": lambda r: ({"pk": r.certificate.pk}, r.certificate),
    "issuer/certificates/<int:pk>/<slug:action>/":
        lambda r: ({"pk": r.certificate.pk, "action": "review"}, r.certificate),
    # an import's result is a job: only its owner sees it
    "issuer/import/<int:pk>/": lambda r: ({"pk": r.import_job.pk}, r.import_job, "jobs.view"),
    "issuer/import/<int:pk>/rejected.csv":
        lambda r: ({"pk": r.import_job.pk}, r.import_job, "jobs.view"),
    "ecert/certificates/<int:pk>/": lambda r: ({"pk": r.certificate.pk}, r.certificate),
    "ecert/certificates/<int:pk>/qr.png": lambda r: ({"pk": r.certificate.pk}, r.certificate),
    "ecert/certificates/<int:pk>/qr.svg": lambda r: ({"pk": r.certificate.pk}, r.certificate),
    # --- user-facing: the e-certificate PDF, the holder photo, 我的证书 ---
    "ecert/certificates/<int:pk>/certificate.pdf":
        lambda r: ({"pk": r.certificate.pk}, r.certificate),
    "ecert/certificates/<int:pk>/photo.jpg": lambda r: ({"pk": r.certificate.pk}, r.certificate),
    "ecert/mine/<int:pk>/certificate.pdf": _my_certificate,
    "screening/runs/<int:pk>/": lambda r: ({"pk": r.run.pk}, r.run),
    "screening/runs/<int:pk>/rules/": lambda r: ({"pk": r.run.pk}, r.run),
    # --- jobs-api: retry a failed run ---
    "screening/runs/<int:pk>/retry/": lambda r: ({"pk": r.run.pk}, r.run),
    "screening/runs/<int:pk>/rejects.csv": lambda r: ({"pk": r.run.pk}, r.run),
    "screening/runs/<int:pk>/outside.csv": lambda r: ({"pk": r.run.pk}, r.run),
    "clues/<int:pk>/": lambda r: ({"pk": r.clue.pk}, r.clue),
    "clues/<int:pk>/decide/": lambda r: ({"pk": r.clue.pk}, r.clue),
    "clues/<int:pk>/assign/": lambda r: ({"pk": r.clue.pk}, r.clue),
    "workforce/ledger/<int:pk>/": lambda r: ({"pk": r.ledger_entry.pk}, r.ledger_entry),
    "selfcheck/uploads/<int:pk>/": _upload,
    "selfcheck/uploads/<int:pk>/mapping/": _upload,
    "selfcheck/uploads/<int:pk>/confirm/": _upload,
    "selfcheck/uploads/<int:pk>/report.xlsx": _upload,
    # selfcheck-forms: the progress card polled while checking; a regulator's release
    "selfcheck/uploads/<int:pk>/progress/": _upload,
    "selfcheck/uploads/<int:pk>/release/": _upload,
    "selfcheck/uploads/<int:pk>/results/<int:result_pk>/rectify/":
        lambda r: _upload(r, result_pk=r.result.pk),
    "selfcheck/uploads/<int:pk>/return/": _upload,
    "selfcheck/uploads/<int:pk>/refile/": _upload,
    "selfcheck/uploads/<int:pk>/official/": _upload,
    "selfcheck/uploads/<int:pk>/official/<str:table>.<str:fmt>":
        lambda r: _upload(r, table="checklist", fmt="xlsx"),
    "selfcheck/reminders/<int:pk>/read/": lambda r: ({"pk": r.reminder.pk}, r.reminder),
    # the API
    "api/v1/organisations/<int:pk>": lambda r: ({"pk": r.organisation.pk}, r.organisation),
    "api/v1/regions/<str:code>": lambda r: ({"code": COUNTY_A}, None),
    "api/v1/jobs/<int:pk>": lambda r: ({"pk": r.job.pk}, r.job),
    "api/v1/clues/<int:pk>": lambda r: ({"pk": r.clue.pk}, r.clue),
    "api/v1/clues/<int:pk>/decision": lambda r: ({"pk": r.clue.pk}, r.clue),
    "api/v1/screening/runs/<int:pk>": lambda r: ({"pk": r.run.pk}, r.run),
    "api/v1/selfcheck/uploads/<int:pk>": _upload,
    "api/v1/selfcheck/uploads/<int:pk>/confirm": _upload,
    "api/v1/selfcheck/uploads/<int:pk>/results": _upload,
    "api/v1/selfcheck/uploads/<int:pk>/results/<int:result_pk>/rectifications":
        lambda r: _upload(r, result_pk=r.result.pk),
    "api/v1/selfcheck/uploads/<int:pk>/rectifications": _upload,
    "api/v1/selfcheck/uploads/<int:pk>/return": _upload,
    "api/v1/selfcheck/uploads/<int:pk>/refile": _upload,
    "api/v1/selfcheck/uploads/<int:pk>/official/<str:table>.<str:fmt>":
        lambda r: _upload(r, table="checklist", fmt="xlsx"),
    "api/v1/selfcheck/reminders/<int:pk>/read": lambda r: ({"pk": r.reminder.pk}, r.reminder),
    # --- network governance and tip-offs ---
    "netwatch/domains/<int:pk>/": lambda r: _nw(r, "domain"),
    "netwatch/domains/<int:pk>/act/": lambda r: _nw(r, "domain"),
    "netwatch/ads/<int:pk>/": lambda r: _nw(r, "ad"),
    "netwatch/ads/<int:pk>/act/": lambda r: _nw(r, "ad"),
    "netwatch/captures/<int:pk>/": lambda r: _nw(r, "capture"),
    "netwatch/captures/<int:pk>/screenshot.png": lambda r: _nw(r, "capture"),
    "netwatch/handovers/<int:pk>/": lambda r: _nw(r, "handover"),
    "netwatch/handovers/<int:pk>/act/": lambda r: _nw(r, "handover"),
    "netwatch/handovers/<int:pk>/letter.pdf": lambda r: _nw(r, "handover"),
    "netwatch/handovers/<int:pk>/evidence.zip": lambda r: _nw(r, "handover"),
    "api/v1/netwatch/<str:kind>/<int:pk>/action":
        lambda r: ({"kind": "domains", **_nw(r, "domain")[0]}, _nw(r, "domain")[1]),
    "api/v1/netwatch/captures/<int:pk>": lambda r: _nw(r, "capture"),
    "api/v1/netwatch/handovers/<int:pk>": lambda r: _nw(r, "handover"),
    # --- reporting and campaigns ---
    "reporting/periods/<int:pk>/": lambda r: _rp(r, "period"),
    "reporting/reports/<int:pk>/": lambda r: _rp(r, "report"),
    "reporting/reports/<int:pk>/fill/": lambda r: _rp(r, "report"),
    "reporting/reports/<int:pk>/review/": lambda r: _rp(r, "report"),
    "reporting/reports/<int:pk>/records/": lambda r: _rp(r, "report"),
    "reporting/reports/<int:pk>/table.xlsx": lambda r: _rp(r, "report"),
    "reporting/reports/<int:pk>/table.pdf": lambda r: _rp(r, "report"),
    "api/v1/reporting/periods/<int:pk>": lambda r: _rp(r, "period"),
    "api/v1/reporting/reports/<int:pk>": lambda r: _rp(r, "report"),
    "api/v1/reporting/reports/<int:pk>/fill": lambda r: _rp(r, "report"),
    "api/v1/reporting/reports/<int:pk>/review": lambda r: _rp(r, "report"),
    "api/v1/reporting/reports/<int:pk>/records": lambda r: _rp(r, "report"),
    "campaigns/<int:pk>/": lambda r: _rp(r, "campaign"),
    "campaigns/<int:pk>/summary.docx": lambda r: _rp(r, "campaign"),
    "campaigns/supervisions/<int:pk>/": lambda r: _rp(r, "supervision"),
    "api/v1/campaigns/<int:pk>": lambda r: _rp(r, "campaign"),
    "api/v1/campaigns/<int:pk>/supervisions": lambda r: _rp(r, "campaign"),
    "api/v1/campaigns/supervisions/<int:pk>": lambda r: _rp(r, "supervision"),
    "tips/<int:pk>/": lambda r: ({"pk": r.tip.pk}, r.tip),
    "tips/<int:pk>/act/": lambda r: ({"pk": r.tip.pk}, r.tip),
    "tips/<int:pk>/identity/": lambda r: ({"pk": r.tip.pk}, r.tip),
    "tips/<int:pk>/attachments/<int:attachment_pk>/":
        lambda r: ({"pk": r.tip.pk, "attachment_pk": r.tip.attachments.first().pk}, r.tip),
    "tips/<int:pk>/extend/": lambda r: ({"pk": r.tip.pk}, r.tip),
    "tips/<int:pk>/reward/": lambda r: ({"pk": r.tip.pk}, r.tip),
    "api/v1/tips/<int:pk>": lambda r: ({"pk": r.tip.pk}, r.tip),
    # --- cases ---
    "cases/<int:pk>/": lambda r: _cs(r, "case"),
    "cases/<int:pk>/referral/": lambda r: _cs(r, "case"),
    "cases/<int:pk>/transfer-letter.pdf": lambda r: _cs(r, "case"),
    "cases/referrals/<int:pk>/": lambda r: _cs(r, "referral"),
    "cases/referrals/<int:pk>/police/": lambda r: _cs(r, "referral"),
    "cases/referrals/<int:pk>/procuratorate/": lambda r: _cs(r, "referral"),
    "cases/referrals/<int:pk>/letter.pdf": lambda r: _cs(r, "referral"),
    "cases/listings/<int:pk>/": lambda r: _cs(r, "listing"),
    "cases/listings/<int:pk>/decide/": lambda r: _cs(r, "listing"),
    "cases/bulletins/<int:pk>/": lambda r: _cs(r, "bulletin"),
    "cases/bulletins/<int:pk>/bulletin.<str:fmt>":
        lambda r: ({"fmt": "pdf", **_cs(r, "bulletin")[0]}, _cs(r, "bulletin")[1]),
    "api/v1/cases/<int:pk>": lambda r: _cs(r, "case"),
    "api/v1/cases/<int:pk>/action": lambda r: _cs(r, "case"),
    "api/v1/cases/referrals/<int:pk>": lambda r: _cs(r, "referral"),
    "api/v1/cases/referrals/<int:pk>/agency": lambda r: _cs(r, "referral"),
    "api/v1/cases/referrals/<int:pk>/police": lambda r: _cs(r, "referral"),
    "api/v1/cases/referrals/<int:pk>/procuratorate": lambda r: _cs(r, "referral"),
    "api/v1/cases/listings/<int:pk>": lambda r: _cs(r, "listing"),
    "api/v1/cases/listings/<int:pk>/decision": lambda r: _cs(r, "listing"),
    "api/v1/cases/bulletins/<int:pk>": lambda r: _cs(r, "bulletin"),
    "api/v1/cases/bulletins/<int:pk>/approval": lambda r: _cs(r, "bulletin"),
    "api/v1/cases/bulletins/<int:pk>/document": lambda r: _cs(r, "bulletin"),
    # --- enforcement: a 四不两直 task before its visit (team and head only) and the rest ---
    "enforcement/tasks/<int:pk>/": lambda r: _en(r, "secret_task"),
    "enforcement/tasks/<int:pk>/act/": lambda r: _en(r, "secret_task"),
    "enforcement/tasks/<int:pk>/onsite/": lambda r: _en(r, "secret_task"),
    "enforcement/documents/<int:pk>.pdf": lambda r: (
        {"pk": r.enforcement["document"].pk}, r.enforcement["task"], "enforcement.view"),
    "enforcement/photos/<int:pk>/": lambda r: (
        {"pk": r.enforcement["photo"].pk}, r.enforcement["finding"], "enforcement.view"),
    "enforcement/plans/<int:pk>/": lambda r: _en(r, "plan"),
    "enforcement/draws/<int:pk>/": lambda r: _en(r, "draw"),
    "enforcement/penalties/<int:pk>/": lambda r: _en(r, "penalty"),
    "enforcement/public/draws/<int:pk>/": lambda r: (
        {"pk": r.enforcement["published_draw"].pk}, None),
    "enforcement/public/draws/<int:pk>/<str:name>": lambda r: (
        {"pk": r.enforcement["published_draw"].pk, "name": "manifest.json"}, None),
    "api/v1/enforcement/tasks/<int:pk>": lambda r: _en(r, "secret_task"),
    "api/v1/enforcement/tasks/<int:pk>/action": lambda r: _en(r, "secret_task"),
    "api/v1/enforcement/tasks/<int:pk>/offline": lambda r: _en(r, "secret_task"),
    "api/v1/enforcement/tasks/<int:pk>/sync": lambda r: _en(r, "secret_task"),
    "api/v1/enforcement/findings/<int:pk>/photos": lambda r: _en(r, "finding"),
    "api/v1/enforcement/findings/<int:pk>/suggestion": lambda r: (
        *_en(r, "finding"), "enforcement.work"),
    "api/v1/enforcement/plans/<int:pk>/approve": lambda r: _en(r, "plan"),
    "api/v1/enforcement/draws/<int:pk>/reveal": lambda r: _en(r, "draw"),
    "api/v1/enforcement/public/draws/<int:pk>": lambda r: (
        {"pk": r.enforcement["published_draw"].pk}, None),
    "api/v1/enforcement/penalties/<int:pk>": lambda r: _en(r, "penalty"),
    "api/v1/enforcement/penalties/<int:pk>/action": lambda r: _en(r, "penalty"),
}


def _cs(r: Records, name: str) -> tuple[dict, object]:
    record = r.cases[name]
    return {"pk": record.pk}, record


def _en(r: Records, name: str) -> tuple[dict, object]:
    record = r.enforcement[name]
    return {"pk": record.pk}, record


def _nw(r: Records, name: str) -> tuple[dict, object]:
    record = r.netwatch[name]
    return {"pk": record.pk}, record


# --- institutions ---
def _inst(r: Records, key: str, scope: str = "", **extra) -> tuple:
    from tests.institutions.matrix import institution_records

    if not hasattr(r, "_institutions"):
        r._institutions = institution_records(r.world)  # type: ignore[attr-defined]
    record = r._institutions[key]  # type: ignore[attr-defined]
    return ({"pk": record.pk, **extra}, record, *([scope] if scope else []))


ROUTE_OBJECTS.update({
    "institutions/uploads/<int:pk>/": lambda r: _inst(r, "upload"),
    "institutions/findings/<int:pk>/": lambda r: _inst(r, "finding"),
    "institutions/findings/<int:pk>/refer/": lambda r: _inst(r, "finding"),
    "institutions/plans/<int:pk>/": lambda r: _inst(r, "plan"),
    # every signed-in organisation sees the periods; who may file is the role's business
    "institutions/periods/<int:pk>/file/": lambda r: _inst(r, "period", "institutions.view"),
    "institutions/periods/<int:pk>/authority-file/":
        lambda r: _inst(r, "period", "institutions.view"),
    "institutions/filings/<int:pk>/": lambda r: _inst(r, "filing"),
    "institutions/filings/<int:pk>/checklist.<str:fmt>": lambda r: _inst(r, "filing", fmt="xlsx"),
    "api/v1/institutions/uploads/<int:pk>": lambda r: _inst(r, "upload"),
    "api/v1/institutions/findings/<int:pk>": lambda r: _inst(r, "finding"),
    "api/v1/institutions/findings/<int:pk>/answer": lambda r: _inst(r, "finding"),
    "api/v1/institutions/findings/<int:pk>/refer": lambda r: _inst(r, "finding"),
    "api/v1/institutions/plans/<int:pk>": lambda r: _inst(r, "plan"),
    "api/v1/institutions/plans/<int:pk>/progress": lambda r: _inst(r, "plan"),
    "api/v1/institutions/periods/<int:pk>/filing":
        lambda r: _inst(r, "period", "institutions.view"),
    "api/v1/institutions/periods/<int:pk>/authority-filing":
        lambda r: _inst(r, "period", "institutions.view"),
    "api/v1/institutions/filings/<int:pk>": lambda r: _inst(r, "filing"),
    "api/v1/institutions/filings/<int:pk>/return": lambda r: _inst(r, "filing"),
    "api/v1/institutions/filings/<int:pk>/checklist.<str:fmt>":
        lambda r: _inst(r, "filing", fmt="pdf"),
    "api/v1/institutions/figures/<str:figure>": lambda r: ({"figure": "filed"}, None),
})
# --- reporting and campaigns ---
def _rp(records: Records, key: str):
    record = records.reporting[key]
    return {"pk": record.pk}, record
