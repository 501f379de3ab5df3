"""Item 2: the own check — rules R11–R16 (and the review check RV) by the screening engine on
the institution's own records, findings in plain Chinese with the rows behind them, answered
and never deleted."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from certguard.core.errors import AppError
from certguard.institutions import services
from certguard.institutions.models import Answer, Finding, Plan
from tests.institutions.records import exam_centre, exams_file, person, training_file

pytestmark = pytest.mark.django_db


def _issue(world, n: int, *, first_issued: date, name: str):
    from certguard.ecert import services as ecert
    from certguard.registry import services as registry

    if not hasattr(world, "_key"):
        ecert.key_generate(by=world.user("admin", "province"),
                           authority=world.cast.issuing_authority, alg="ed25519")
        world._key = True
    return registry.certificate_issue(by=world.cast.issuer, id_no=person(n), name=name,
                                      family="special_ops", item_code="1.2",
                                      first_issued=first_issued)


def _file(world):
    user, org = world.user("institution_user", "A"), world.orgs["inst_A"]
    services.upload_create(by=user, file_name="classes.csv", data=training_file(org.credit_code))
    return user, org


def test_training_findings_in_plain_chinese_with_their_rows(world):
    _issue(world, 1, first_issued=date(2026, 3, 5), name="王一")  # before the class ended
    _, org = _file(world)
    findings = {f.rule: f for f in Finding.objects.filter(organisation=org)}
    assert set(findings) == {"R12", "R13", "RV"}
    short = findings["R12"]
    assert short.detail == "培训班 K1 学员 王三 的 1.2 培训仅 24.0 学时，低于最低 80.0 学时"
    assert short.rows[0]["培训班"] == "K1" and short.rows[0]["学时"] == "24"
    assert short.rows[0]["文件"] == "classes.csv" and short.rows[0]["行号"] == 4
    assert "早于持证人该项目培训结束日期 2026-03-14" in findings["R13"].detail
    assert findings["RV"].detail == ("复审培训班 K2 学员 王四 的 1.2 项目所持证书 "
                                     f"T{person(4)}在证书库中查不到，可能持假证参加复审")


def test_overlapping_classes_at_two_institutions_are_found_for_each(world):
    _file(world)
    other, code_b = world.user("institution_user", "B"), world.orgs["inst_B"].credit_code
    services.upload_create(by=other, file_name="b.csv",
                           data=training_file(code_b, start=date(2026, 3, 8)))
    services.check_run(by=world.user("institution_user", "A"))
    for org in (world.orgs["inst_A"], world.orgs["inst_B"]):
        overlaps = Finding.objects.filter(organisation=org, rule="R14")
        assert overlaps.count() == 4, org
        assert "同时在两家机构参加日期重叠的培训班" in overlaps.first().detail


def test_exam_centre_sees_too_fast_passes(world):
    org, user = exam_centre(world)
    services.upload_create(by=user, file_name="exams.csv", data=exams_file(org.credit_code))
    fast = Finding.objects.get(organisation=org, rule="R15")
    assert fast.detail == "考生 王二 的 1.2 考试仅用时 6 分 0 秒即合格，短于最短合理用时 20 分钟"
    assert fast.rows[0]["用时（分钟）"] == "6.0"
    assert not Finding.objects.filter(organisation=world.orgs["inst_A"]).exists()


def test_answers_add_up_and_a_corrected_record_makes_the_finding_gone(world):
    user, org = _file(world)
    short = Finding.objects.get(organisation=org, rule="R12")
    services.finding_answer(by=user, finding_id=short.pk, kind="explanation",
                            text="该学员中途请假，已安排补课")
    answer = services.finding_answer(by=user, finding_id=short.pk, kind="plan",
                                     text="补足学时后再安排考试",
                                     deadline=timezone.localdate() + timedelta(days=30))
    assert answer.plan.deadline > timezone.localdate()
    short.refresh_from_db()
    assert short.status == "planned" and short.answers.count() == 2
    fixed = training_file(org.credit_code).replace(b",24,", b",80,")
    services.upload_create(by=user, file_name="fixed.csv", data=fixed)
    short.refresh_from_db()
    assert short.present is False and short.answers.count() == 2  # kept, with its answers


def test_plan_with_a_past_deadline_is_refused_and_nothing_saved(world):
    user, org = _file(world)
    short = Finding.objects.get(organisation=org, rule="R12")
    with pytest.raises(AppError) as caught:
        services.finding_answer(by=user, finding_id=short.pk, kind="plan", text="补课",
                                deadline=timezone.localdate() - timedelta(days=1))
    assert caught.value.code == "deadline_past"
    assert "已经过去，请填写今天或以后的日期" in caught.value.message
    assert not Plan.objects.exists() and not Answer.objects.exists()
    short.refresh_from_db()
    assert short.status == "open"


def test_another_institution_cannot_answer(world):
    _, org = _file(world)
    short = Finding.objects.get(organisation=org, rule="R12")
    with pytest.raises(AppError) as caught:
        services.finding_answer(by=world.user("institution_user", "B"), finding_id=short.pk,
                                kind="explanation", text="x")
    assert caught.value.status == 404


def test_centre_whose_pass_rate_stands_out_sees_r16(world):
    from certguard import ids
    from certguard.institutions.check import findings_save, run_rules
    from certguard.institutions.models import ExamSitting, RecordUpload
    from tests.conftest import COUNTY_A, _org

    centres = [_org("exam_centre", f"考点{i}", COUNTY_A,
                    credit_code=ids.make_credit_code(COUNTY_A, 70 + i)) for i in range(5)]
    day = date(2026, 3, 20)
    for i, centre in enumerate(centres):
        upload = RecordUpload.objects.create(organisation=centre, kind="exams",
                                             file_name="e.csv", sha256="0" * 64)
        passed = 40 if i == 0 else 20 + i  # centre 0 passes everyone
        ExamSitting.objects.bulk_create([ExamSitting(
            organisation=centre, upload=upload, line=n + 2,
            exam_center_code=centre.credit_code, candidate_id_no=person(100 + 40 * i + n),
            candidate_name=f"考生{n}", item_code="1.2", exam_date=day, passed=n < passed)
            for n in range(40)])
    findings_save(organisation=centres[0],
                  found=run_rules(organisation=centres[0], as_of=date(2026, 4, 1)))
    outlier = Finding.objects.get(organisation=centres[0], rule="R16")
    assert outlier.detail.startswith(f"考点 {centres[0].credit_code} 的 1.2 通过率 100.0%")
    assert len(outlier.rows) == 40
    assert not Finding.objects.filter(organisation=centres[1]).exists()


def test_exam_centre_sees_a_certificate_issued_without_a_pass(world):
    org, user = exam_centre(world)
    _issue(world, 3, first_issued=date(2026, 4, 1), name="王三")  # 王三 failed there
    services.upload_create(by=user, file_name="exams.csv", data=exams_file(org.credit_code))
    issued = Finding.objects.get(organisation=org, rule="R13")
    assert issued.detail == ("证书于 2026-04-01 发证，持证人此前 12 个月内没有 1.2 项目的"
                             "考试合格记录")
    assert issued.rows[0]["合格"] == "否" and issued.rows[0]["姓名"] == "王三"


def test_their_share_of_r11_a_trainees_certificate_issued_under_18(world, monkeypatch):
    from certguard import ids
    from certguard.institutions import check
    from tests.conftest import COUNTY_A
    from tests.institutions.records import TRAINING_HEADER, csv_bytes

    young = ids.make_id_no(COUNTY_A, date(2009, 6, 1), 7)
    cert = (f"T{young}", young, "少年", "", None, "special_ops", "1.2", "140000-YJ",
            date(2026, 3, 20), date(2026, 3, 20), date(2032, 3, 19), None, None, "valid", "")
    other_item = (f"X{young}", young, "少年", "", None, "special_ops", "2.1", "140000-YJ",
                  date(2026, 3, 20), date(2026, 3, 20), date(2032, 3, 19), None, None,
                  "valid", "")
    monkeypatch.setattr(check, "certificates_of", lambda people: [cert, other_item])
    org = world.orgs["inst_A"]
    services.upload_create(by=world.user("institution_user", "A"), file_name="y.csv",
                           data=csv_bytes(TRAINING_HEADER, [
                               [org.credit_code, "K1", young, "少年", "1.2", "2026-03-01",
                                "2026-03-12", 80, "", ""]]))
    young_finding = Finding.objects.get(organisation=org, rule="R11")
    assert young_finding.cert_no == f"T{young}"  # the item trained here, not the other one
    assert young_finding.detail.startswith("持证人初次发证时未满18周岁")
