"""Bad input to organisation and user workflows: specific Chinese messages, nothing written."""

import pytest
from rest_framework.test import APIClient

from certguard import ids
from certguard.core.errors import AppError
from certguard.orgs.models import Organisation
from certguard.orgs.services import organisation_create, region_get


def _create(by, **overrides):
    data = {"kind": "enterprise", "name": "沁水县新建煤业有限公司", "region_code": "140521",
            "credit_code": ids.make_credit_code("140521", 77), "sector": "coal_mine"}
    return organisation_create(by=by, **{**data, **overrides})


@pytest.mark.parametrize(("overrides", "code"), [
    ({"region_code": "999999"}, "region_unknown"),
    ({"credit_code": "91140521MA0K12345X"}, "credit_code_invalid"),
    ({"credit_code": "9114052100000000I1"}, "credit_code_invalid"),
    ({"sector": "banking"}, "sector_unknown"),
    ({"name": "  "}, "org_name_missing"),
])
def test_bad_input_names_the_problem_and_writes_nothing(cast, overrides, code):
    before = Organisation.objects.count()
    with pytest.raises(AppError) as failure:
        _create(cast.inspector_a, **overrides)
    assert failure.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in failure.value.message)
    assert Organisation.objects.count() == before


def test_duplicate_credit_code(cast):
    with pytest.raises(AppError) as failure:
        _create(cast.inspector_a, credit_code=cast.enterprise_x.credit_code)
    assert failure.value.code == "credit_code_taken"


def test_inspector_registers_enterprise_only_inside_their_county(cast):
    assert _create(cast.inspector_a).region_id == "140521"
    with pytest.raises(AppError) as failure:
        _create(cast.inspector_b, credit_code=ids.make_credit_code("140521", 78))
    assert failure.value.code == "forbidden"


def test_enterprise_user_cannot_register_organisations(cast):
    with pytest.raises(AppError):
        _create(cast.user_x)


def test_abandoned_region_code_is_kept_with_its_years(db):
    region = region_get(code="140523")  # 高平县, became 高平市 (140581) in 1993
    assert region.end_year == 1993 and not region.in_use  # 停用年份: the abolition year


def test_api_create_returns_error_shape_with_field(cast):
    client = APIClient()
    client.force_authenticate(cast.inspector_a)
    response = client.post("/api/v1/organisations", {
        "kind": "enterprise", "name": "某公司", "region_code": "140521",
        "credit_code": "91140521MA0K12345X", "sector": "coal_mine"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "credit_code_invalid" and "credit_code" in error["fields"]


def test_ui_create_shows_chinese_error_and_saves_nothing(cast, client):
    client.force_login(cast.inspector_a)
    before = Organisation.objects.count()
    page = client.post("/organisations/new/", {
        "kind": "enterprise", "name": "某公司", "region_code": "888888",
        "credit_code": ids.make_credit_code("140521", 79), "sector": "coal_mine"})
    assert "未知的行政区划代码" in page.content.decode() or "不是有效的" in page.content.decode()
    assert Organisation.objects.count() == before
