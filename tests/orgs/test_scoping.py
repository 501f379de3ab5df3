"""Each member of the cast sees exactly the organisations they should: selector, API, UI."""

import pytest
from rest_framework.test import APIClient

from certguard.orgs import selectors

# who -> enterprises visible (by cast attribute)
EXPECTED = {
    "inspector_a": {"enterprise_x"},  # county A, 应急 remit: not the construction site
    "inspector_b": {"enterprise_y"},
    "inspector_city": {"enterprise_x", "enterprise_y"},  # the city sees both counties
    "construction_inspector_a": {"construction_site_a"},  # 住建 remit: construction only
    # The list of a region's organisations is a regulator's: enterprise users see their own
    # at /my-organisation/, the police what is referred to them (refused: None).
    "user_x": None,
    "user_y": None,
    "police": None,
    "admin": {"enterprise_x", "enterprise_y", "construction_site_a"},
    "anonymous": None,
}
ENTERPRISES = ("enterprise_x", "enterprise_y", "construction_site_a")


def _api_client(user):
    """Token authentication, as other departments' systems use the API."""
    from rest_framework.authtoken.models import Token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def _names(cast, attrs):
    return {getattr(cast, a).name for a in attrs}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_selector_scope(cast, who):
    orgs = selectors.organisations_for(user=getattr(cast, who), kind="enterprise")
    assert {o.name for o in orgs} == _names(cast, EXPECTED[who] or ())


@pytest.mark.parametrize("who", [w for w in EXPECTED if w != "anonymous"])
def test_api_list_scope(cast, who):
    client = _api_client(getattr(cast, who))
    response = client.get("/api/v1/organisations", {"kind": "enterprise"})
    if EXPECTED[who] is None:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert {o["name"] for o in response.json()["results"]} == _names(cast, EXPECTED[who])


@pytest.mark.parametrize("who", [w for w in EXPECTED if w not in ("anonymous", "admin")])
@pytest.mark.parametrize("target", ENTERPRISES)
def test_api_detail_is_404_outside_scope(cast, who, target):
    client = _api_client(getattr(cast, who))
    response = client.get(f"/api/v1/organisations/{getattr(cast, target).pk}")
    if EXPECTED[who] is None:
        assert response.status_code == 403
    elif target in EXPECTED[who]:
        assert response.status_code == 200
    else:
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "organisation_not_found"


def test_anonymous_api_gets_error_shape(cast):
    response = APIClient().get("/api/v1/organisations")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("who", [w for w in EXPECTED if w not in ("anonymous", "admin")])
def test_ui_list_and_detail_scope(cast, client, who):
    client.force_login(getattr(cast, who))
    response = client.get("/organisations/?kind=enterprise")
    if EXPECTED[who] is None:
        assert response.status_code == 403
        own = client.get("/my-organisation/")
        assert own.status_code == 200  # their own organisation, in its own page
        return
    page = response.content.decode()
    for target in ENTERPRISES:
        name = getattr(cast, target).name
        assert (name in page) == (target in EXPECTED[who]), (who, target)
        detail = client.get(f"/organisations/{getattr(cast, target).pk}/")
        assert detail.status_code == (200 if target in EXPECTED[who] else 404)


def test_anonymous_ui_is_sent_to_login(cast, client):
    response = client.get("/organisations/")
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


def test_admin_ui_sees_all(cast, verified_client):
    page = verified_client(cast.admin).get("/organisations/?kind=enterprise").content.decode()
    assert all(getattr(cast, t).name in page for t in ENTERPRISES)


def test_members_list_only_own_organisation_and_read_is_audited(cast, client):
    from certguard.core.audit_spool import audit_ingest
    from certguard.core.models import AuditEntry

    client.force_login(cast.user_x)
    page = client.get("/members/").content.decode()
    audit_ingest(force=True)
    assert "user_x" in page and "user_y" not in page and "inspector_a" not in page
    read = AuditEntry.objects.filter(action="read", actor="user_x").get()
    assert read.data["ids"] == [str(cast.user_x.pk)]
    assert read.ip == "127.0.0.1"
