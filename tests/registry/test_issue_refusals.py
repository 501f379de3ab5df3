"""Issuing refuses a future issue date and a holder name that is not a name; the detail page
offers only the workflows the certificate's state allows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from certguard import ids
from certguard.core.errors import AppError
from certguard.registry import services
from certguard.registry.lifecycle import add_months
from certguard.registry.models import Certificate
from certguard.registry.names import is_person_name
from tests.conftest import verified_login

ID_NO = ids.make_id_no("140521", date(1985, 3, 14), 31)
TODAY = services.today()


def _issue(cast, **extra):
    kwargs = {"id_no": ID_NO, "name": "李建国", "family": "special_ops", "item_code": "1.2",
              "first_issued": add_months(TODAY, -1)} | extra
    return services.certificate_issue(by=cast.issuer, **kwargs)


def test_a_future_issue_date_is_refused(cast):
    with pytest.raises(AppError) as caught:
        _issue(cast, first_issued=TODAY + timedelta(days=1))
    assert caught.value.code == "issue_date_future" and "晚于今天" in caught.value.message
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", "张三3", "12345", "李", "张-三",
                                  "王五;DROP"])
def test_a_name_that_is_not_a_name_is_refused(cast, name):
    with pytest.raises(AppError) as caught:
        _issue(cast, name=name)
    assert caught.value.code == "name_invalid"
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("name", ["李建国", "阿依古丽•买买提", "欧阳 娜娜", "𠮷野家", "JOHN·SMITH"])
def test_real_names_pass(name):
    from certguard.registry.names import normalise_name

    assert is_person_name(normalise_name(name))


def test_issue_page_shows_the_refusals(cast, client):
    verified_login(client, cast.issuer)
    response = client.post("/issuer/certificates/new/", {
        "name": "<script>x</script>", "id_no": ID_NO, "item": "special_ops:1.2",
        "first_issued": (TODAY + timedelta(days=400)).isoformat()})
    page = response.content.decode()
    assert response.status_code == 400
    assert "晚于今天" in page and "<script>x" not in page
    response = client.post("/issuer/certificates/new/", {
        "name": "<script>x</script>", "id_no": ID_NO, "item": "special_ops:1.2",
        "first_issued": TODAY.isoformat()})
    assert "姓名格式不正确" in response.content.decode()


def _actions(client, cert) -> str:
    page = client.get(f"/issuer/certificates/{cert.pk}/").content.decode()
    return page.split('data-testid="cert-actions"')[1].split("</p>")[0]


def test_actions_follow_the_certificate_state(cast, client):
    cert = _issue(cast, first_issued=add_months(TODAY, -12))
    verified_login(client, cast.issuer)
    shown = _actions(client, cert)
    assert all(w in shown for w in ("复审", "撤销", "暂扣", "注销")) and "恢复" not in shown
    services.certificate_revoke(by=cast.issuer, certificate=cert, on=TODAY,
                                reason="false_information")
    shown = _actions(client, cert)
    assert "复审" not in shown and "撤销" not in shown and "暂扣" not in shown
    assert "延期" not in shown and "注销" in shown and "恢复" in shown
    response = client.get(f"/issuer/certificates/{cert.pk}/review/")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "不能办理复审" in page
    services.certificate_cancel(by=cast.issuer, certificate=cert, on=TODAY, reason="revoked")
    assert "没有可办理的业务" in _actions(client, cert)
