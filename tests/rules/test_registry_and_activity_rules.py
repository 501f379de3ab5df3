"""R02, R11–R17: each fires on its hand-made case and stays quiet on the near miss."""

from __future__ import annotations

import json
from datetime import date

from certguard import ids
from tests.rules.conftest import (
    EMP_1,
    ID_A,
    ID_B,
    INST_1,
    INST_2,
    Run,
    cert,
    lesson,
    sitting,
    worker,
)

BAD_CHECK = ID_A[:17] + ("0" if ID_A[17] != "0" else "1")


def test_r02_check_character_on_certificate_and_roster(run: Run) -> None:
    clues = run(rules=["R02"], certificates=[cert(id_no=BAD_CHECK, cert_no="T" + BAD_CHECK),
                                             cert(id_no=ID_B, cert_no="T" + ID_B)],
                roster=[worker(worker_id_no=BAD_CHECK), worker(worker_id_no=ID_B)])
    assert [(c["subject"], c["id_no"]) for c in clues] == [("worker", BAD_CHECK),
                                                          ("certificate", BAD_CHECK)]
    assert {json.loads(c["evidence"])["reason"] for c in clues} == {"id_check_char"}


def test_r02_reasons_follow_ids_check_id_no(run: Run) -> None:
    samples = {
        "11010519800501001": "id_length",
        "1101051980050100AX": "id_chars",
        ids.make_id_no("110105", date(1980, 2, 28), 11)[:6] + "19800230" + "0113": "id_birth_date",
        ids.make_id_no("999999", date(1980, 5, 1), 11): "id_region",
        BAD_CHECK: "id_check_char",
    }
    rows = [cert(id_no=x, cert_no=f"N{i}", family="construction", review_due="")
            for i, x in enumerate([*samples, ID_A, "110105800501001"])]
    clues = run(rules=["R02"], certificates=rows)
    found = {c["id_no"]: json.loads(c["evidence"])["reason"] for c in clues}
    assert found == samples
    for id_no, reason in samples.items():  # the SQL and the Python check agree
        assert ids.check_id_no(id_no, as_of=date(2024, 6, 1)).code == reason


def test_r02_abandoned_address_code_valid_for_people_born_before(run: Run) -> None:
    code, (_, end) = next((c, y) for c, y in ids.region_code_years().items()
                          if y[1] and y[1] > 1960 and not c.endswith("00"))
    before = ids.make_id_no(code, date(end - 5, 1, 1), 11)
    after = ids.make_id_no(code, date(end + 2, 1, 1), 11)
    clues = run(rules=["R02"], certificates=[
        cert(id_no=before, cert_no="T" + before), cert(id_no=after, cert_no="T" + after)])
    assert [c["id_no"] for c in clues] == [after]


def test_r02_code_valid_until_the_birth_year_does_not_fire(run: Run) -> None:
    # 崇文区 (110103) was abolished in 2010: born 2010 is fine, born 2011 is not; the same for
    # a legacy 15-digit number of 高平县 (140523, abolished 1993).
    born_2010, born_2011 = "110103201003150014", ids.make_id_no("110103", date(2011, 3, 15), 1)
    legacy_1993, legacy_1994 = "140523931231001", "140523940101001"
    clues = run(rules=["R02"], certificates=[
        cert(id_no=x, cert_no=f"N{i}", family="construction", review_due="")
        for i, x in enumerate([born_2010, born_2011, legacy_1993, legacy_1994])])
    assert sorted(c["id_no"] for c in clues) == sorted([born_2011, legacy_1994])
    assert {json.loads(c["evidence"])["reason"] for c in clues} == {"id_region"}


def test_r11_too_young_at_issue_or_past_retirement(run: Run) -> None:
    young = ids.make_id_no("110105", date(2003, 1, 1), 11)
    old_man = ids.make_id_no("110105", date(1960, 1, 1), 13)
    woman_49 = ids.make_id_no("440305", date(1974, 2, 1), 22)
    clues = run(rules=["R11"], certificates=[
        cert(id_no=young, cert_no="T" + young, first_issued="2020-06-01"),
        cert(id_no=old_man, cert_no="T" + old_man, valid_from="2021-01-01"),
        cert(id_no=woman_49, cert_no="T" + woman_49, sex="女", valid_from="2024-01-01"),
        cert()])
    assert sorted(c["id_no"] for c in clues) == sorted([young, old_man])


def test_r11_birth_date_column_wins_over_the_id_number(run: Run) -> None:
    clues = run(rules=["R11"], certificates=[cert(birth_date="2005-01-01")])
    assert json.loads(clues[0]["evidence"])["age_at_first_issued"] == 15


def test_r12_total_hours_per_class_below_minimum(run: Run) -> None:
    short = [lesson(hours="30")]
    # two sessions of one class are summed (two identical rows are one row copied twice)
    split = [lesson(trainee_id_no=ID_B, trainee_name="李娜", hours="39"),
             lesson(trainee_id_no=ID_B, trainee_name="李娜", hours="41")]
    clues = run(rules=["R12"], training=short + split)
    assert [(c["institution_code"], c["id_no"]) for c in clues] == [(INST_1, ID_A)]
    assert run(rules=["R12"], training=short, params=["min_training_hours=1.2:20"]) == []
    assert run(rules=["R12"], training=short, minimums={}) == []  # no minimum: rule off


def test_r13_issued_before_training_ended(run: Run) -> None:
    clues = run(rules=["R13"], certificates=[cert()], training=[lesson(end_date="2020-02-01")])
    assert [(c["cert_no"], json.loads(c["evidence"])["reason"]) for c in clues] == [
        ("T" + ID_A, "issued_before_training_end")]
    assert run(rules=["R13"], certificates=[cert()], training=[lesson()]) == []


def test_r13_no_passed_exam_inside_the_coverage(run: Run) -> None:
    other = sitting(candidate_id_no=ID_B, candidate_name="李娜", exam_date="2019-06-01")
    clues = run(rules=["R13"], certificates=[cert()],
                exams=[other, sitting(passed="false")])
    assert [json.loads(c["evidence"])["reason"] for c in clues] == ["no_passed_exam"]
    assert run(rules=["R13"], certificates=[cert()], exams=[other, sitting()]) == []
    old_pass = sitting(exam_date="2018-06-01")  # more than 12 months before the issue
    assert len(run(rules=["R13"], certificates=[cert()], exams=[other, old_pass])) == 1
    uncovered = cert(item_code="2.1")  # no sitting of 2.1 at all: not covered
    assert run(rules=["R13"], certificates=[uncovered], exams=[other]) == []


def test_r14_overlapping_classes_at_two_institutions(run: Run) -> None:
    a = lesson()
    b = lesson(institution_code=INST_2, class_id="C9", start_date="2019-11-01",
               end_date="2019-11-30")
    clues = run(rules=["R14"], training=[a, b])
    assert [(c["subject"], c["id_no"]) for c in clues] == [("worker", ID_A)]
    later = lesson(institution_code=INST_2, class_id="C9", start_date="2019-12-01",
                   end_date="2019-12-30")
    same_place = lesson(class_id="C2", start_date="2019-11-01", end_date="2019-11-30")
    assert run(rules=["R14"], training=[a, later]) == []
    assert run(rules=["R14"], training=[a, same_place]) == []


def test_r15_passed_too_fast(run: Run) -> None:
    fast = sitting(end_time="2019-12-01T09:10:00")
    failed_fast = sitting(candidate_id_no=ID_B, candidate_name="李娜", passed="false",
                          end_time="2019-12-01T09:10:00")
    clues = run(rules=["R15"], exams=[fast, failed_fast, sitting(exam_center_code="KC02")])
    assert [(c["exam_center_code"], c["id_no"]) for c in clues] == [("KC01", ID_A)]
    assert json.loads(clues[0]["evidence"]) | {"item_code": "", "exam_date": ""} == {
        "item_code": "", "exam_date": "", "seconds": 600, "min_exam_minutes": 20}
    assert run(rules=["R15"], exams=[fast], params=["min_exam_minutes=5"]) == []


def _centre(code: str, passes: int, total: int = 30) -> list[dict[str, str]]:
    return [sitting(exam_center_code=code, candidate_id_no=f"{code}-{i}",
                    passed="true" if i < passes else "false") for i in range(total)]


def test_r16_centre_far_above_the_others(run: Run) -> None:
    honest = _centre("KC1", 15) + _centre("KC2", 16) + _centre("KC3", 14) + _centre("KC4", 15)
    clues = run(rules=["R16"], exams=honest + _centre("KC9", 30))
    assert [(c["subject"], c["exam_center_code"]) for c in clues] == [("exam_center", "KC9")]
    too_few_others = _centre("KC1", 15) + _centre("KC2", 15) + _centre("KC9", 30)
    assert run(rules=["R16"], exams=too_few_others) == []
    small = honest + _centre("KC9", 20, total=20)  # below outlier_min_sittings
    assert run(rules=["R16"], exams=small) == []


def test_r17_registries_disagree_on_the_holder(run: Run) -> None:
    mem = cert()
    samr = cert(cert_no="TS1120240000001", family="special_equipment", item_code="N1",
                name="张卫", source="samr", review_due="")
    clues = run(rules=["R17"], certificates=[mem, samr])
    assert sorted(c["cert_no"] for c in clues) == sorted(["T" + ID_A, "TS1120240000001"])
    agree = cert(cert_no="TS1120240000001", family="special_equipment", item_code="N1",
                 source="samr", review_due="")
    assert run(rules=["R17"], certificates=[mem, agree]) == []
    same_source = cert(cert_no="AQ1", family="safety_manager", item_code="M1", name="张卫",
                       review_due="")
    assert run(rules=["R17"], certificates=[mem, same_source]) == []


def test_unused_keys_are_null(run: Run) -> None:
    clues = run(rules=["R12"], training=[lesson(hours="1")])
    assert clues[0]["cert_no"] == "" and clues[0]["employer_code"] == ""
    assert EMP_1 not in clues[0].values()
