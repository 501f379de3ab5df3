"""The OpenAPI schema, checked by a reference nobody here wrote (openapi-spec-validator), and
what it promises: every operation's 4xx answers in the one error shape; real response shapes
for the verification endpoints; the roster upload as multipart binary; batch verification
answering per item."""

from __future__ import annotations

import json

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from openapi_spec_validator import validate
from rest_framework.test import APIClient

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema() -> dict:
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method in METHODS:
                yield path, method, operation


def _component(schema, content: dict) -> dict:
    ref = content["application/json"]["schema"]["$ref"]
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def test_the_schema_validates_as_openapi_3(schema):
    validate(schema)  # raises on the first violation
    assert len(list(_operations(schema))) >= 50


def test_every_operation_documents_its_4xx_answers_in_the_error_shape(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert error["properties"]["error"]["required"] == ["code", "message"]
    for path, method, operation in _operations(schema):
        responses = operation["responses"]
        for status in ("400", "401", "403", "404", "429"):
            assert status in responses, (method, path, status)
            assert _component(schema, responses[status]["content"]) is error
        assert not any(code.startswith("5") for code in responses), (method, path)


def test_a_default_is_always_one_of_its_own_choices(schema):
    """The finding: OrganisationCreate.sector defaulted to '' outside its enum."""
    for name, component in schema["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            if "default" in spec and "enum" in spec:
                assert spec["default"] in spec["enum"], (name, field)


@pytest.mark.parametrize("path, required", [
    ("/api/v1/verify", {"result", "message", "query", "holder", "certificates"}),
    ("/api/v1/verify/batch", {"count", "results"}),
    ("/api/v1/ecert/verify", {"valid", "reason", "message", "steps", "details", "kid", "alg",
                              "authority", "issued_at", "expires_at", "certificate"}),
])
def test_verification_answers_are_documented_with_their_real_shape(schema, path, required):
    ok = schema["paths"][path]["post"]["responses"]["200"]["content"]
    shape = _component(schema, ok)
    assert shape["type"] == "object" and required <= set(shape["properties"])
    assert required <= set(shape["required"])


def test_the_ecert_steps_documented_are_the_verifier_s_steps():
    from certguard.ecert.api_docs import VerifyStepsDoc
    from certguard.ecert.result import STEPS

    assert tuple(VerifyStepsDoc().fields) == STEPS


def test_the_roster_upload_is_documented_as_multipart_binary(schema):
    body = schema["paths"]["/api/v1/selfcheck/uploads"]["post"]["requestBody"]["content"]
    ref = body["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
    upload = schema["components"]["schemas"][ref]
    assert upload["properties"]["file"] == {**upload["properties"]["file"], "type": "string",
                                            "format": "binary"}
    assert "file" in upload["required"]


def test_batch_verification_answers_every_item_and_fails_none_for_another(cast):
    items = [{"id_no": "110101199003070011"},  # no name
             {"name": "张三", "id_no": "110101199003070011"},
             "not an object",
             {"name": 5, "id_no": "110101199003070011"},
             {"name": "李四"},  # neither ID nor certificate number
             {"name": "王" * 51, "id_no": "110101199003070011"},
             {"name": "赵六", "id_no": "110101199003070011", "on": "2026/12/07"}]
    answer = APIClient().post("/api/v1/verify/batch", {"items": items}, format="json")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["count"] == len(items) == len(body["results"])
    assert [r["index"] for r in body["results"]] == list(range(len(items)))
    results = [r["result"] for r in body["results"]]
    assert results == ["error", "not_found", "error", "error", "error", "error", "error"]
    for item in body["results"]:
        if item["result"] == "error":
            message = item["error"]["message"]
            assert any("\u4e00" <= ch <= "\u9fff" for ch in message)
            assert "ErrorDetail" not in message and "string=" not in message
    assert "name" in body["results"][0]["error"]["fields"]


@pytest.mark.parametrize("body", [{}, {"items": []}, {"items": "x"},
                                  {"items": [{"name": "张三"}] * 1001}])
def test_batch_verification_refuses_a_batch_that_is_not_one(db, body):
    answer = APIClient().post("/api/v1/verify/batch", body, format="json")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid"


def test_operation_ids_are_unique_and_a_page_of_records_is_a_list(schema):
    """The finding: list and detail GETs both named ``<x>_retrieve`` (then numbered by the
    generator). A GET answering with a page is ``<x>_list``, its detail ``<x>_retrieve``."""
    ids = [operation["operationId"] for _, _, operation in _operations(schema)]
    assert len(ids) == len(set(ids))
    assert not [i for i in ids if i[-1].isdigit()]  # no numeral suffix from a collision
    paths = schema["paths"]
    assert paths["/api/v1/clues"]["get"]["operationId"] == "clues_list"
    assert paths["/api/v1/clues/{id}"]["get"]["operationId"] == "clues_retrieve"
    assert paths["/api/v1/cases/referrals/list"]["get"]["operationId"] == "cases_referrals_list"
