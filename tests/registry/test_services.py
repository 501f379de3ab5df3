"""Issue, review, extend, revoke, cancel, reinstate: the rules of Order No. 30."""

from datetime import date, timedelta

import pytest

from certguard import ids
from certguard.core.errors import AppError
from certguard.registry import services
from certguard.registry.models import Certificate, CertificateEvent, Holder

BORN = date(1985, 3, 14)
ID_NO = ids.make_id_no("140521", BORN, 31)  # male


def _issue(cast, **overrides):
    data = {"id_no": ID_NO, "name": "李建国", "family": "special_ops", "item_code": "1.2",
            "first_issued": date(2020, 5, 6)}
    return services.certificate_issue(by=cast.issuer, **{**data, **overrides})


def test_special_ops_number_is_T_plus_id_and_dates_follow_the_family(cast):
    cert = _issue(cast)
    assert cert.cert_no == "T" + ID_NO
    assert (cert.valid_from, cert.valid_until, cert.review_due) == (
        date(2020, 5, 6), date(2026, 5, 5), date(2023, 5, 6))
    assert cert.issuer == cast.issuing_authority and cert.issuer_code == "140000-YJ"
    assert cert.events.get().kind == "issue"


def test_legacy_fifteen_digit_id_is_stored_in_18_digit_form(cast):
    legacy = "140521850314031"  # 15 digits, born 1985-03-14
    cert = _issue(cast, id_no=legacy)
    assert cert.holder.id_no == ids.upgrade_legacy_id(legacy)


def test_second_item_for_same_person_shares_the_number(cast):
    first = _issue(cast)
    second = _issue(cast, item_code="2.1")
    assert first.cert_no == second.cert_no and first.holder_id == second.holder_id


@pytest.mark.parametrize(("overrides", "code"), [
    ({"id_no": ID_NO[:-1] + ("0" if ID_NO[-1] != "0" else "1")}, "id_check_char"),
    ({"item_code": "99.9"}, "item_unknown"),
    ({"family": "driving"}, "family_unknown"),
    ({"name": " "}, "name_required"),
    ({"first_issued": date(2002, 1, 1)}, "age_too_young"),
    ({"id_no": ids.make_id_no("140521", date(1955, 1, 1), 31)}, "age_over_retirement"),
    ({"id_no": ids.make_id_no("140521", date(1968, 1, 1), 32)}, "age_over_retirement"),
])
def test_issue_refuses_with_a_specific_reason_and_writes_nothing(cast, overrides, code):
    with pytest.raises(AppError) as failure:
        _issue(cast, **overrides)
    assert failure.value.code == code
    assert not Certificate.objects.exists() and not Holder.objects.exists()


def test_same_id_with_another_name_is_a_conflict(cast):
    _issue(cast)
    with pytest.raises(AppError) as failure:
        _issue(cast, name="王小明", item_code="2.1")
    assert failure.value.code == "holder_name_conflict"


def test_only_issuing_officers_of_the_right_department_issue(cast):
    with pytest.raises(AppError) as failure:
        services.certificate_issue(by=cast.inspector_a, id_no=ID_NO, name="李建国",
                                   family="special_ops", item_code="1.2")
    assert failure.value.code == "permission_denied"
    with pytest.raises(AppError) as failure:
        _issue(cast, family="construction", item_code="01", cert_no="晋E01202000001")
    assert failure.value.code == "family_not_in_remit"


def test_review_window_and_pass_moves_the_due_date(cast):
    cert = _issue(cast)
    with pytest.raises(AppError) as early:
        services.certificate_review(by=cast.issuer, certificate=cert, on=date(2023, 1, 1),
                                    passed=True)
    assert early.value.code == "review_too_early" and "2023-03-07" in early.value.message
    with pytest.raises(AppError) as late:
        services.certificate_review(by=cast.issuer, certificate=cert, on=date(2023, 5, 7),
                                    passed=True)
    assert late.value.code == "review_too_late"
    cert = services.certificate_review(by=cast.issuer, certificate=cert, on=date(2023, 4, 20),
                                       passed=True)
    assert (cert.last_review, cert.review_due) == (date(2023, 4, 20), None)
    assert cert.status_on(date(2024, 1, 1)).code == "valid"


def test_failed_review_needs_reasons_and_leaves_certificate_to_lapse(cast):
    cert = _issue(cast)
    with pytest.raises(AppError) as failure:
        services.certificate_review(by=cast.issuer, certificate=cert, on=date(2023, 4, 20),
                                    passed=False)
    assert failure.value.code == "reason_required"
    services.certificate_review(by=cast.issuer, certificate=cert, on=date(2023, 4, 20),
                                passed=False, reasons=["health"])
    cert.refresh_from_db()
    assert cert.status_on(date(2023, 5, 7)).code == "review_overdue"
    assert cert.events.filter(kind="review_fail").get().reason == "健康体检不合格"


def test_extended_review_cycle_needs_ten_years(cast):
    cert = _issue(cast)
    with pytest.raises(AppError) as failure:
        services.certificate_review(by=cast.issuer, certificate=cert, on=date(2023, 4, 20),
                                    passed=True, extended_cycle=True, continuous_years=4)
    assert failure.value.code == "extension_not_allowed"


def test_extend_gives_a_new_period(cast):
    cert = _issue(cast)
    services.certificate_review(by=cast.issuer, certificate=cert, on=date(2023, 4, 20),
                                passed=True)
    cert = services.certificate_extend(by=cast.issuer, certificate=cert, on=date(2026, 4, 1))
    assert (cert.valid_from, cert.valid_until, cert.review_due) == (
        date(2026, 5, 6), date(2032, 5, 5), date(2029, 5, 6))


def test_extend_refused_when_review_was_missed(cast):
    cert = _issue(cast)
    with pytest.raises(AppError) as failure:
        services.certificate_extend(by=cast.issuer, certificate=cert, on=date(2026, 4, 1))
    assert failure.value.code == "extend_not_allowed"


def test_revoke_for_fraud_bars_reapplication_for_three_years(cast):
    cert = _issue(cast)
    services.certificate_revoke(by=cast.issuer, certificate=cert, on=date(2021, 1, 10),
                                reason="fraud_or_bribery")
    cert.refresh_from_db()
    assert cert.status == "revoked" and cert.status_on(date(2021, 2, 1)).code == "revoked"
    assert cert.holder.__class__.objects.get(pk=cert.holder_id).barred_until == date(2024, 1, 10)
    with pytest.raises(AppError) as failure:
        _issue(cast, item_code="2.1", first_issued=date(2023, 1, 1))
    assert failure.value.code == "holder_barred"


def test_cancel_and_reinstate_rules(cast):
    cert = _issue(cast)
    services.certificate_suspend(by=cast.issuer, certificate=cert, on=date(2021, 1, 1),
                                 reason="investigation")
    with pytest.raises(AppError):
        services.certificate_reinstate(by=cast.issuer, certificate=cert, on=date(2021, 2, 1),
                                       reason="decision_overturned")
    services.certificate_reinstate(by=cast.issuer, certificate=cert, on=date(2021, 2, 1),
                                   reason="suspension_lifted")
    services.certificate_cancel(by=cast.issuer, certificate=cert, on=date(2021, 3, 1),
                                reason="own_request")
    with pytest.raises(AppError) as failure:
        services.certificate_reinstate(by=cast.issuer, certificate=cert, on=date(2021, 4, 1),
                                       reason="decision_overturned")
    assert failure.value.code == "reinstate_not_allowed"
    kinds = list(CertificateEvent.objects.filter(certificate=cert).values_list("kind", flat=True))
    assert kinds == ["issue", "suspend", "reinstate", "cancel"]


def test_other_issuers_cannot_touch_the_certificate(cast):
    cert = _issue(cast)
    with pytest.raises(AppError) as failure:
        services.certificate_revoke(by=cast.inspector_city, certificate=cert,
                                    on=date(2021, 1, 1) + timedelta(days=1), reason="unfit")
    assert failure.value.code == "not_your_certificate"
