"""Public verification: both key and name, masked answer, audited, rate-limited."""


import pytest
from rest_framework.test import APIClient

from certguard.core.audit_spool import audit_ingest
from certguard.core.models import AuditEntry
from tests.registry.conftest import ID_NO


def _verify(client, **payload):
    return client.post("/api/v1/verify", payload, format="json")


def test_found_by_id_and_name_with_masked_id(cert):
    answer = _verify(APIClient(), id_no=ID_NO, name="李建国").json()
    assert answer["result"] == "found"
    assert answer["holder"]["id_no_masked"] == ID_NO[:4] + "*" * 10 + ID_NO[-4:]
    assert ID_NO not in str(answer)
    item = answer["certificates"][0]
    assert (item["item_name"], item["status"]["code"], item["issuer_name"]) == (
        "低压电工作业", "valid", "山西省应急管理厅")
    assert item["review_due"] == "2027-05-06"


@pytest.mark.parametrize("name", ["李 建国", "李建国 ", "\u3000李建国"])
def test_names_with_spaces_and_full_width_match(cert, name):
    assert _verify(APIClient(), id_no=ID_NO.lower(), name=name).json()["result"] == "found"


def test_found_by_certificate_number(cert):
    answer = _verify(APIClient(), cert_no=" t" + ID_NO.lower(), name="李建国").json()
    assert answer["result"] == "found"


def test_nobody_learns_that_the_number_exists_under_another_name(cert, cast):
    # issue 10: staff roles no longer get "name_mismatch" either
    assert _verify(APIClient(), id_no=ID_NO, name="王小明").json()["result"] == "not_found"
    staff = APIClient()
    staff.force_authenticate(cast.user_x)
    assert _verify(staff, id_no=ID_NO, name="王小明").json()["result"] == "not_found"


@pytest.mark.parametrize(("payload", "code"), [
    ({"name": "李建国"}, "key_required"),
    ({"id_no": ID_NO}, "name_required"),
    ({"id_no": ID_NO, "name": ""}, "name_required"),
    ({"id_no": 140521, "name": "李建国"}, "invalid"),
    ({"id_no": ID_NO, "name": "李建国", "on": "2024-02-30"}, "invalid"),
    ({"id_no": "1.40521E+17", "name": "李建国"}, "id_lost_digits"),
    ({"id_no": ID_NO[:-1] + ("1" if ID_NO[-1] != "1" else "2"), "name": "李建国"},
     "id_check_char"),
    ({"id_no": "14052119850230031X", "name": "李建国"}, "id_birth_date"),
])
def test_bad_input_gets_a_specific_code(cert, payload, code):
    response = _verify(APIClient(), **payload)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code


def test_every_query_is_audited_even_not_found(cert):
    _verify(APIClient(), id_no=ID_NO, name="李建国")
    _verify(APIClient(), id_no=ID_NO, name="别人")
    audit_ingest(force=True)
    entries = AuditEntry.objects.filter(action="query").order_by("id")
    assert [e.data["result"] for e in entries] == ["found", "not_found"]
    assert entries[0].data["key"] == ID_NO and entries[0].ip == "127.0.0.1"


def test_status_on_a_given_day(cert):
    answer = _verify(APIClient(), id_no=ID_NO, name="李建国", on="2027-05-07").json()
    assert answer["certificates"][0]["status"]["code"] == "review_overdue"


def test_batch_answers_each_item_and_caps_size(cert):
    response = APIClient().post("/api/v1/verify/batch", {"items": [
        {"id_no": ID_NO, "name": "李建国"}, {"id_no": "123", "name": "某人"},
        {"cert_no": "T" + ID_NO, "name": "李建国"}]}, format="json")
    results = response.json()["results"]
    assert [r["result"] for r in results] == ["found", "error", "found"]
    assert results[1]["error"]["code"] == "id_length"
    too_many = APIClient().post("/api/v1/verify/batch", {"items": [
        {"id_no": ID_NO, "name": "李建国"}] * 1001}, format="json")
    assert too_many.status_code == 400 and "1000" in str(too_many.json())


def test_anonymous_client_is_rate_limited_with_a_clear_answer(cert, settings):
    settings.VERIFY_RATE_ANONYMOUS_API = 3
    client = APIClient()
    codes = [_verify(client, id_no=ID_NO, name="李建国").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    limited = _verify(client, id_no=ID_NO, name="李建国")
    assert limited.json()["error"]["code"] == "rate_limited"
    assert int(limited["Retry-After"]) >= 1


def test_public_page_shows_masked_answer_and_official_sites(cert, client):
    page = client.post("/verify/", {"key_type": "id_no", "key": ID_NO, "name": "李建国"})
    html = page.content.decode().split('data-testid="verify-answer"')[1]
    assert page.status_code == 200
    assert "低压电工作业" in html and ID_NO not in html and ID_NO[-4:] in html
    assert "cx.mem.gov.cn" in html and "假冒网站" in html


def test_public_page_rate_limit(cert, client, settings):
    settings.VERIFY_RATE_PUBLIC = 1
    client.post("/verify/", {"key_type": "id_no", "key": ID_NO, "name": "李建国"})
    page = client.post("/verify/", {"key_type": "id_no", "key": ID_NO, "name": "李建国"})
    assert page.status_code == 429 and "查询过于频繁" in page.content.decode()


def test_cli_prints_the_same_json(cert, capsys):
    import json

    from django.core.management import call_command

    call_command("verify", "--id-no", ID_NO, "--name", "李建国")
    assert json.loads(capsys.readouterr().out)["result"] == "found"


def test_verify_many_answers_in_order_and_logs_every_key(cert, cast):
    from certguard.registry.batch import verify_many
    from certguard.registry.verification import VerifyQuery

    legacy = ID_NO[:6] + ID_NO[8:17]  # the same person's 15-digit form
    queries = [VerifyQuery(name="李建国", id_no=ID_NO), VerifyQuery(name="某人", id_no="123"),
               VerifyQuery(name="王小明", id_no=ID_NO), VerifyQuery(name="李建国", id_no=legacy),
               VerifyQuery(name="李建国", cert_no="T" + ID_NO)]
    public = verify_many(queries=queries)
    assert [a["result"] for a in public] == ["found", "error", "not_found", "found", "found"]
    assert public[1]["error"]["code"] == "id_length"
    staff = verify_many(queries=queries, user=cast.user_x, detail=False)
    assert staff[2]["result"] == "not_found"  # issue 10: no name_mismatch for anyone
    assert staff[0]["certificates"] == [{"cert_no": "T" + ID_NO, "item_code": "1.2",
                                         "status": "valid"}]
    audit_ingest(force=True)
    logged = [k for e in AuditEntry.objects.filter(action="query") for k in e.data["keys"]]
    assert len(logged) == 10 and logged[1] == ["123", "某人", "error"]
