"""The issuing officer's screens: who may see and act, every form's success and refusal,
the history, and the audit trail of personal data shown."""

from __future__ import annotations

from datetime import date

import pytest

from certguard import ids
from certguard.registry import selectors, services
from certguard.registry.lifecycle import add_months
from certguard.registry.models import Certificate, CertificateEvent
from tests.conftest import _user, verified_login
from tests.ecert.platform import audit_entries

ID_NO = ids.make_id_no("140521", date(1985, 3, 14), 31)
OTHER_ID = ids.make_id_no("140522", date(1990, 7, 1), 52)
TODAY = services.today()


def _issue(cast, *, months_ago: int = 1, id_no: str = ID_NO, name: str = "李建国",
           item_code: str = "1.2") -> Certificate:
    return services.certificate_issue(by=cast.issuer, id_no=id_no, name=name,
                                      family="special_ops", item_code=item_code,
                                      first_issued=add_months(TODAY, -months_ago))


@pytest.fixture
def cert(cast):
    return _issue(cast)


@pytest.fixture
def zj(cast):
    """Another issuing authority (construction) and its officer."""
    from certguard.orgs.models import Organisation

    org = Organisation.objects.create(kind="department", name="山西省住房和城乡建设厅",
                                      region_id="140000", department="zj",
                                      issuer_code="140000-ZJ")
    return _user("zj_issuer", org, "issuing_officer")


def _login(client, user):
    return verified_login(client, user)  # issuing officers must pass the second factor


# --- who may see ------------------------------------------------------------------------------

def test_issuer_sees_their_certificates_and_the_read_is_audited(cast, cert, client):
    page = _login(client, cast.issuer).get("/issuer/").content.decode()
    assert cert.cert_no in page and "李建国" in page
    entry = audit_entries(action="read", object_type="registry.holder").get()
    assert entry.data["ids"] == [str(cert.holder_id)]
    assert set(entry.data["fields"]) == {"name", "id_no"}


@pytest.mark.parametrize("who", ["inspector_a", "inspector_city", "user_x", "police"])
def test_others_are_refused(cast, cert, client, who):
    client = _login(client, getattr(cast, who))
    assert client.get("/issuer/").status_code == 403
    assert client.get(f"/issuer/certificates/{cert.pk}/").status_code == 403
    assert client.post(f"/issuer/certificates/{cert.pk}/revoke/",
                       {"on": TODAY, "reason": "unfit"}).status_code == 403
    cert.refresh_from_db()
    assert cert.status == "valid"


def test_anonymous_goes_to_login(cert, client):
    response = client.get("/issuer/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_other_authority_neither_sees_nor_acts(cast, cert, zj, client):
    client = _login(client, zj)
    assert cert.cert_no not in client.get("/issuer/").content.decode()
    assert client.get(f"/issuer/certificates/{cert.pk}/").status_code == 404
    assert client.post(f"/issuer/certificates/{cert.pk}/revoke/",
                       {"on": TODAY, "reason": "unfit"}).status_code == 404
    cert.refresh_from_db()
    assert cert.status == "valid"


def test_admin_sees_everything(cast, cert, verified_client):
    assert cert.cert_no in verified_client(cast.admin).get("/issuer/").content.decode()


# --- list filters -----------------------------------------------------------------------------

def test_filters_by_text_item_family_and_status(cast, client):
    valid = _issue(cast)
    overdue = _issue(cast, months_ago=40, id_no=OTHER_ID, name="王小明", item_code="2.1")
    client = _login(client, cast.issuer)

    def shown(**query) -> set[str]:
        page = client.get("/issuer/", query).content.decode()
        return {c for c in ("李建国", "王小明") if c in page}

    assert shown(q="李建") == {"李建国"}
    assert shown(q=overdue.cert_no.lower()) == {"王小明"}
    assert shown(q=ID_NO) == {"李建国"}
    assert shown(item="2.1") == {"王小明"}
    assert shown(family="special_ops") == {"李建国", "王小明"}
    assert shown(family="construction") == set()
    assert shown(status="valid") == {"李建国"}
    assert shown(status="review_overdue") == {"王小明"}
    assert valid.status_on(TODAY).code == "valid"


def test_status_filter_agrees_with_status_on(cast):
    made = [_issue(cast, months_ago=m, id_no=ids.make_id_no("140521", date(1980, 1, 1), n),
                   name=f"测试{chr(0x4E00 + n)}") for n, m in ((11, 1), (13, 38), (15, 80))]
    # Not yet valid: recorded with a later start (issuing itself refuses a future date).
    later = _issue(cast, months_ago=0, id_no=ids.make_id_no("140521", date(1980, 1, 1), 17),
                   name="测试乙")
    Certificate.objects.filter(pk=later.pk).update(valid_from=add_months(TODAY, 2))
    reviewed = _issue(cast, months_ago=37, id_no=ids.make_id_no("140521", date(1980, 1, 1), 19),
                      name="测试甲")
    Certificate.objects.filter(pk=reviewed.pk).update(last_review=reviewed.review_due)
    services.certificate_suspend(by=cast.issuer, certificate=made[0], on=TODAY,
                                 reason="investigation")
    for cert in Certificate.objects.all():
        code = cert.status_on(TODAY).code
        matching = selectors.certificates_for(user=cast.issuer, on=TODAY, status=code)
        assert cert in matching, (cert, code)
        assert sum(cert in selectors.certificates_for(user=cast.issuer, on=TODAY, status=s)
                   for s in ("valid", "not_yet_valid", "review_overdue", "expired",
                             "revoked", "cancelled", "suspended")) == 1


# --- detail ------------------------------------------------------------------------------------

def test_detail_shows_history_and_qr(cast, cert, client):
    services.certificate_suspend(by=cast.issuer, certificate=cert, on=TODAY,
                                 reason="investigation")
    services.certificate_reinstate(by=cast.issuer, certificate=cert, on=TODAY,
                                   reason="suspension_lifted")
    page = _login(client, cast.issuer).get(f"/issuer/certificates/{cert.pk}/").content.decode()
    history = page.split('data-testid="cert-history"')[1]
    assert [k for k in ("发证", "暂扣", "恢复") if k in history] == ["发证", "暂扣", "恢复"]
    assert "涉嫌违法违规，正在调查" in history
    assert f"/ecert/certificates/{cert.pk}/qr.svg" in page
    assert audit_entries(action="read", object_id=str(cert.holder_id)).exists()


# --- issue -------------------------------------------------------------------------------------

def _form(**data) -> dict:
    return {"name": "李建国", "id_no": ID_NO, "item": "special_ops:1.2",
            "first_issued": TODAY.isoformat(), "cert_no": "", **data}


def test_issue_form_success(cast, client):
    response = _login(client, cast.issuer).post("/issuer/certificates/new/", _form())
    cert = Certificate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/issuer/certificates/{cert.pk}/"
    assert cert.cert_no == "T" + ID_NO and cert.issuer == cast.issuing_authority


def test_issue_form_shows_the_service_refusal_and_saves_nothing(cast, client):
    bad_id = ID_NO[:-1] + ("0" if ID_NO[-1] != "0" else "1")
    response = _login(client, cast.issuer).post("/issuer/certificates/new/", _form(id_no=bad_id))
    assert response.status_code == 400 and "身份证号校验位错误" in response.content.decode()
    assert not Certificate.objects.exists()


def test_issue_form_offers_only_the_authoritys_families(cast, client):
    page = _login(client, cast.issuer).get("/issuer/certificates/new/").content.decode()
    assert "special_ops:1.2" in page and "construction:01" not in page
    response = client.post("/issuer/certificates/new/", _form(item="construction:01"))
    assert response.status_code == 400 and not Certificate.objects.exists()


# --- workflows ---------------------------------------------------------------------------------

def _act(client, cert, action, **data):
    return client.post(f"/issuer/certificates/{cert.pk}/{action}/", {"on": TODAY, **data})


def test_review_pass_and_fail_with_art_25_reasons(cast, client):
    cert = _issue(cast, months_ago=35)  # due in about a month: inside the 60-day window
    client = _login(client, cast.issuer)
    refused = _act(client, cert, "review", passed="0")
    assert refused.status_code == 400 and "请选择复审不合格原因" in refused.content.decode()
    assert _act(client, cert, "review", passed="0", reasons=["health"]).status_code == 302
    assert cert.events.filter(kind="review_fail", reason="健康体检不合格").exists()
    assert _act(client, cert, "review", passed="1").status_code == 302
    cert.refresh_from_db()
    assert cert.last_review == TODAY


def test_review_too_early_is_refused(cast, cert, client):
    response = _act(_login(client, cast.issuer), cert, "review", passed="1")
    assert response.status_code == 400 and "复审应在到期前60天内申请" in response.content.decode()
    assert not cert.events.filter(kind="review_pass").exists()


def test_extend_within_the_window(cast, zj, client):
    cert = services.certificate_issue(by=zj, id_no=ID_NO, name="李建国", family="construction",
                                      item_code="01", cert_no="晋E012024000001",
                                      first_issued=add_months(TODAY, -23))
    client = _login(client, zj)
    assert _act(client, cert, "extend").status_code == 302
    cert.refresh_from_db()
    assert cert.valid_until > add_months(TODAY, 20)
    assert cert.events.filter(kind="extend").exists()


def test_extend_too_early(cast, cert, client):
    response = _act(_login(client, cast.issuer), cert, "extend")
    assert response.status_code == 400 and not cert.events.filter(kind="extend").exists()


def test_revoke_with_art_30_reason(cast, cert, client):
    client = _login(client, cast.issuer)
    missing = _act(client, cert, "revoke")
    assert missing.status_code == 400 and "errorlist" in missing.content.decode()
    assert _act(client, cert, "revoke", reason="fraud_or_bribery").status_code == 302
    cert.refresh_from_db()
    assert cert.status == "revoked" and cert.holder.barred_until is not None
    assert audit_entries(action="update", object_type="registry.certificate",
                         object_id=str(cert.pk)).exists()


def test_cancel_art_31(cast, cert, client):
    client = _login(client, cast.issuer)
    refused = _act(client, cert, "cancel", reason="revoked")
    assert refused.status_code == 400 and "证书未被撤销" in refused.content.decode()
    assert _act(client, cert, "cancel", reason="death").status_code == 302
    cert.refresh_from_db()
    assert cert.status == "cancelled"


def test_suspend_and_reinstate(cast, cert, client):
    client = _login(client, cast.issuer)
    wrong = _act(client, cert, "reinstate", reason="suspension_lifted")
    assert wrong.status_code == 400 and "不能以该理由恢复" in wrong.content.decode()
    assert _act(client, cert, "suspend", reason="investigation").status_code == 302
    assert _act(client, cert, "reinstate", reason="suspension_lifted").status_code == 302
    assert list(cert.events.values_list("kind", flat=True)) == ["issue", "suspend", "reinstate"]


def test_bad_date_is_a_form_error(cast, cert, client):
    response = client_post = _login(client, cast.issuer).post(
        f"/issuer/certificates/{cert.pk}/suspend/", {"on": "昨天", "reason": "investigation"})
    assert client_post.status_code == 400 and "errorlist" in response.content.decode()
    assert not CertificateEvent.objects.filter(kind="suspend").exists()


def test_unknown_action_is_404(cast, cert, client):
    assert _login(client, cast.issuer).get(
        f"/issuer/certificates/{cert.pk}/delete/").status_code == 404


def test_forms_render(cast, cert, client):
    client = _login(client, cast.issuer)
    for action in ("review", "extend", "revoke", "cancel", "suspend"):
        page = client.get(f"/issuer/certificates/{cert.pk}/{action}/")
        assert page.status_code == 200 and 'name="on"' in page.content.decode()
    # 恢复 is not a workflow of a valid certificate: back to the certificate, with the reason
    assert client.get(f"/issuer/certificates/{cert.pk}/reinstate/").status_code == 302
    assert "违章操作造成严重后果" in client.get(
        f"/issuer/certificates/{cert.pk}/review/").content.decode()
