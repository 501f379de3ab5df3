"""R01, R03–R10: each fires on its hand-made case and stays quiet on the near miss."""

from __future__ import annotations

import json

from tests.rules.conftest import EMP_1, EMP_2, ID_A, ID_B, Run, cert, worker


def keys(clues: list[dict[str, str]]) -> list[tuple[str, ...]]:
    return [(c["rule"], c["subject"], c["cert_no"], c["id_no"], c["employer_code"]) for c in clues]


def test_r01_fires_for_a_number_no_registry_holds(run: Run) -> None:
    clues = run(rules=["R01"], certificates=[cert()],
                roster=[worker(),
                        worker(worker_id_no=ID_B, worker_name="李娜", cert_no="T" + ID_B)])
    assert keys(clues) == [("R01", "worker", "T" + ID_B, ID_B, EMP_1)]
    assert clues[0]["severity"] == "high"
    assert json.loads(clues[0]["evidence"])["declared_cert_no"] == "T" + ID_B


def test_r03_certificate_number_must_be_t_plus_id(run: Run) -> None:
    clues = run(rules=["R03"], certificates=[
        cert(cert_no="T" + ID_B),  # special_ops with someone else's number
        cert(cert_no="晋A012020000001", family="construction", item_code="01",
             id_no=ID_B, name="李娜", review_due=""),  # other families: any number is fine
    ])
    assert keys(clues) == [("R03", "certificate", "T" + ID_B, ID_A, "")]


def test_r03_declared_certificate_of_another_holder(run: Run) -> None:
    clues = run(rules=["R03"], certificates=[cert()],
                roster=[worker(worker_id_no=ID_B, worker_name="李娜"), worker()])
    assert keys(clues) == [("R03", "worker", "T" + ID_A, ID_B, EMP_1)]
    assert json.loads(clues[0]["evidence"])["holder_id_no"] == ID_A


def test_r04_same_id_different_name(run: Run) -> None:
    clues = run(rules=["R04"], certificates=[cert()],
                roster=[worker(worker_name="张卫"), worker(employer_code=EMP_2)])
    assert keys(clues) == [("R04", "worker", "T" + ID_A, ID_A, EMP_1)]
    evidence = json.loads(clues[0]["evidence"])
    assert evidence == {"declared_name": "张卫", "registry_name": "张伟"}


def _swap(text: str, i: int) -> str:
    return text[:i] + text[i + 1] + text[i] + text[i + 2:]


def test_r05_adjacent_transposition_with_same_name(run: Run) -> None:
    altered = _swap("T" + ID_A, 8)  # two different adjacent digits swapped
    assert altered != "T" + ID_A
    clues = run(rules=["R01", "R05"], certificates=[cert()],
                roster=[worker(cert_no=altered)])
    assert [c["rule"] for c in clues] == ["R01", "R05"]
    assert json.loads(clues[1]["evidence"])["registry_cert_no"] == "T" + ID_A


def test_r05_substitution_fires_but_not_two_changes_or_another_name(run: Run) -> None:
    one = "T" + ID_A[:10] + "9" + ID_A[11:]
    two = "T" + ID_A[:10] + "99" + ID_A[12:]
    assert one != "T" + ID_A and two.count("9") > one.count("9")
    clues = run(rules=["R05"], certificates=[cert()], roster=[
        worker(cert_no=one), worker(cert_no=two, employer_code=EMP_2),
        worker(cert_no=one, worker_name="王五", worker_id_no=ID_B, employer_code=EMP_2)])
    assert keys(clues) == [("R05", "worker", one, ID_A, EMP_1)]


def test_r06_overlapping_declarations_by_two_employers(run: Run) -> None:
    clues = run(rules=["R06"], roster=[worker(), worker(employer_code=EMP_2,
                                                         on_post_from="2023-01-01")])
    assert keys(clues) == [("R06", "certificate", "T" + ID_A, "", "")]
    assert "2023-01-01" in json.loads(clues[0]["evidence"])["periods"]


def test_r06_successive_employers_are_fine(run: Run) -> None:
    assert run(rules=["R06"], roster=[
        worker(on_post_from="2019-01-01", on_post_to="2020-12-31"),
        worker(employer_code=EMP_2, on_post_from="2021-01-01")]) == []


def test_r07_expired_certificate_on_post(run: Run) -> None:
    roster = [worker(), worker(employer_code=EMP_2, on_post_from="2022-01-01",
                               on_post_to="2023-12-31")]  # left before the as-of date
    clues = run(rules=["R07"], certificates=[cert(valid_until="2024-01-01")], roster=roster)
    assert keys(clues) == [("R07", "worker", "T" + ID_A, ID_A, EMP_1)]
    assert run(rules=["R07"], certificates=[cert()], roster=roster) == []


def test_r08_review_overdue_unless_reviewed(run: Run) -> None:
    overdue = cert(review_due="2024-01-01")
    clues = run(rules=["R08"], certificates=[overdue], roster=[worker()])
    assert keys(clues) == [("R08", "worker", "T" + ID_A, ID_A, EMP_1)]
    reviewed = cert(review_due="2024-01-01", last_review="2024-02-01")
    assert run(rules=["R08"], certificates=[reviewed], roster=[worker()]) == []


def test_r09_revoked_cancelled_suspended_in_use(run: Run) -> None:
    for status in ("revoked", "cancelled", "suspended"):
        clues = run(rules=["R09"], certificates=[cert(status=status)], roster=[worker()])
        assert keys(clues) == [("R09", "worker", "T" + ID_A, ID_A, EMP_1)]
    assert run(rules=["R09"], certificates=[cert()], roster=[worker()]) == []


def test_r10_post_requires_an_item_the_worker_lacks(run: Run) -> None:
    clues = run(rules=["R10"], certificates=[cert()],
                roster=[worker(required_item_code="2.1"), worker(employer_code=EMP_2)])
    assert keys(clues) == [("R10", "worker", "T" + ID_A, ID_A, EMP_1)]
    expired = cert(valid_until="2024-01-01")
    assert len(run(rules=["R10"], certificates=[expired], roster=[worker()])) == 1
    assert run(rules=["R10"], certificates=[cert()],
               roster=[worker(required_item_code="")]) == []
