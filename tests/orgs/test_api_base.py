import pytest
from rest_framework.test import APIClient


@pytest.mark.django_db
def test_openapi_schema_is_public_and_lists_endpoints():
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/organisations" in schema["paths"]
    assert "/api/v1/jobs/{id}" in schema["paths"]


@pytest.mark.django_db
def test_docs_page_uses_local_assets_only(client):
    page = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "http://" not in page.replace("http://testserver", "")
    assert "https://" not in page


def test_token_authentication_and_me(cast):
    from rest_framework.authtoken.models import Token

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=cast.user_x).key}")
    me = client.get("/api/v1/me").json()
    assert me["role"] == "enterprise_user" and me["organisation_id"] == cast.enterprise_x.pk
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/v1/me").json()["error"]["code"] == "authentication_failed"


@pytest.mark.django_db
def test_unknown_region_in_api():
    from certguard.orgs.models import User

    client = APIClient()
    client.force_authenticate(User.objects.create(username="u"))
    response = client.get("/api/v1/regions/123456")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "region_unknown"
    assert client.get("/api/v1/regions/140521").json()["name"] == "沁水县"


@pytest.mark.django_db
def test_api_404_uses_error_shape(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
