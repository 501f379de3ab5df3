"""Demo data of the institutions' self-inspection: the demo training institution and an exam
centre have filed records with planted problems (short hours, a review trainee whose
certificate the registry lacks, a 6-minute pass, rows of another institution and impossible
values rejected), a filed checklist and a plan in progress; a training school in 沁水县 shares
a trainee in overlapping classes; the provincial issuing authority has filed. Safe to re-run."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from certguard import ids
from certguard.core.scoping import COMMAND_LINE
from certguard.institutions import services
from certguard.institutions.models import Finding, Period, RecordUpload
from certguard.institutions.reference import CHECKLISTS
from certguard.orgs.selectors import organisations_for
from certguard.orgs.services import throwaway_password, user_create

TRAINING = ["institution_code", "class_id", "trainee_id_no", "trainee_name", "item_code",
            "start_date", "end_date", "hours", "class_kind", "cert_no"]
EXAMS = ["exam_center_code", "candidate_id_no", "candidate_name", "item_code", "exam_date",
         "start_time", "end_time", "theory_score", "practical_score", "passed"]
NAMES = ["赵建国", "钱志强", "孙海涛", "李红梅", "周晓东", "吴永刚", "郑丽娟", "王保平", "冯国庆",
         "陈立新", "褚俊峰", "卫小燕"]


def _person(n: int) -> str:
    return ids.make_id_no("140525", date(1978, 3, 1) + timedelta(days=211 * n), 20 + n)


def _csv(header: list[str], rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _user(username: str, display: str, org, password: str):
    from certguard.orgs.selectors import members_for

    for member in members_for(user=COMMAND_LINE, organisation_id=org.pk):
        if member.user.username == username:
            return member.user
    # A random password passes the validators; the demo's published one is set afterwards,
    # as for every demo account (certguard demo is refused in production).
    user = user_create(username=username, password=throwaway_password(),
                       display_name=display, organisation=org, role="institution_user")
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def _org(kind: str, name: str):
    return organisations_for(user=COMMAND_LINE, kind=kind).filter(name=name).first()


def _answers(kind: str, problems: dict[str, str] | None = None) -> dict:
    problems = problems or {}
    return {item.key: {"situation": "已按要求逐项自查，相关资料齐全",
                       "problems": problems.get(item.key, ""),
                       "measures": "已制定整改计划" if item.key in problems else ""}
            for item in CHECKLISTS[kind]}


@transaction.atomic
def demo_institutions_build(*, password: str) -> str:
    from certguard.orgs.selectors import members_for

    training = _org("institution", "晋城市安全生产培训中心")
    school = _org("institution", "沁水县安全技术培训学校")
    centre = _org("exam_centre", "山西省特种作业考试中心晋城考点")
    if training is None or centre is None or school is None:
        return "机构自查：演示单位不存在，跳过"
    if RecordUpload.objects.filter(organisation=training).exists():
        return (f"机构自查：已有 {Finding.objects.count()} 条发现问题"
                "（演示账号 demo_exam、demo_school）")
    users = {m.user.username: m.user for m in members_for(user=COMMAND_LINE,
                                                          organisation_id=training.pk)}
    inst = users.get("demo_institution")
    if inst is None:
        return "机构自查：缺少 demo_institution 账号，跳过"
    exam = _user("demo_exam", "考点教务", centre, password)
    school_user = _user("demo_school", "培训学校教务", school, password)
    today = timezone.localdate()
    start, end = today - timedelta(days=40), today - timedelta(days=28)
    code = training.credit_code
    services.upload_create(by=inst, file_name="2026年第一期培训班.csv", data=_csv(TRAINING, [
        *[[code, "JC2026-01", _person(n), NAMES[n], "1.2", start, end, 80, "初训", ""]
          for n in range(5)],
        [code, "JC2026-01", _person(5), NAMES[5], "1.2", start, end, 32, "初训", ""],
        [code, "JC2026-02", _person(6), NAMES[6], "1.2", start, end, 80, "复审",
         "T" + _person(6)],
        [code, "JC2026-03", _person(7), NAMES[7], "2.1", end, start, 88, "初训", ""],
        [school.credit_code, "QS-09", _person(8), NAMES[8], "1.2", start, end, 80, "初训", ""],
    ]))
    services.upload_create(by=school_user, file_name="沁水学校培训班.csv", data=_csv(TRAINING, [
        [school.credit_code, "QS2026-01", _person(2), NAMES[2], "1.2", start + timedelta(days=3),
         end + timedelta(days=3), 80, "初训", ""],
        [school.credit_code, "QS2026-01", _person(9), NAMES[9], "1.2", start, end, 40, "初训",
         ""]]))
    services.check_run(by=inst)  # the overlap with the school is now found on both sides
    day = today - timedelta(days=20)

    def at(minute: int) -> str:
        return f"{day.isoformat()}T09:{minute:02d}:00"

    services.upload_create(by=exam, file_name="考试成绩.csv", data=_csv(EXAMS, [
        *[[centre.credit_code, _person(n), NAMES[n], "1.2", day, at(0), at(48), 80 + n, 85, "true"]
          for n in range(4)],
        [centre.credit_code, _person(4), NAMES[4], "1.2", day, at(0), at(7), 96, 90, "true"],
        [centre.credit_code, _person(5), NAMES[5], "1.2", day, at(0), at(50), 52, 60, "false"],
        [centre.credit_code, _person(10), NAMES[10], "1.2", day, at(0), at(45), 105, 90, "true"],
    ]))
    period = Period.objects.filter(name="2026年专项治理自查自纠阶段").first() or \
        Period.objects.create(name="2026年专项治理自查自纠阶段", start=today - timedelta(days=60),
                              end=today + timedelta(days=30), closes_on=today + timedelta(days=14))
    short = Finding.objects.filter(organisation=training, rule="R12").first()
    if short is not None:
        plan = services.finding_answer(by=inst, finding_id=short.pk, kind="plan",
                                       text="对学员补足学时，补课后重新组织考核；整改教务排课制度",
                                       deadline=today + timedelta(days=21)).plan
        if plan is not None:
            services.plan_progress(by=inst, plan_id=plan.pk, note="已安排补课 8 学时，签到表附后",
                                   evidence_name="补课签到表.jpg",
                                   evidence=b"demo evidence: sign-in sheet")
    services.filing_file(by=inst, period_id=period.pk, principal="刘建华", contact="培训中心教务",
                         answers=_answers("training", {"hours": "1名学员学时不足，已补课"}))
    services.filing_file(by=exam, period_id=period.pk, principal="张志远", contact="考点教务",
                         answers=_answers("exam", {"invigilation": "1名考生用时过短，正在调查"}))
    issuer = _issuer()
    if issuer is not None:
        services.filing_file(by=issuer, period_id=period.pk, answers=_answers("authority"),
                             problems_found=3, procedures_streamlined=2)
    return (f"机构自查：{Finding.objects.count()} 条发现问题，{period.name} 已报送 3 份自查表"
            "（演示账号 demo_exam 考点、demo_school 沁水县培训学校）")


def _issuer():
    from certguard.orgs.selectors import members_for

    authority = organisations_for(user=COMMAND_LINE, kind="department").filter(
        issuer_code="140000-YJ").first()
    if authority is None:
        return None
    return next((m.user for m in members_for(user=COMMAND_LINE, organisation_id=authority.pk)
                 if m.user.username == "demo_issuer"), None)
