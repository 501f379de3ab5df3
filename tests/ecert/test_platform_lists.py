"""The public trust list and revocation list: signed by the root key, full and incremental."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from rest_framework.test import APIClient

from certguard.ecert import keys, revocation, trustlist
from certguard.ecert.errors import EcertError
from certguard.ecert.revocation import revocation_hash
from certguard.registry import services as registry

from .platform import ID_NO, issue


def _root(client) -> keys.PublicKey:
    response = client.get("/ecert/root.pem")
    assert response.status_code == 200
    return keys.load_public_key(response.content)


def test_trust_list_signature_verifies_with_the_root_key(cast, authority_key):
    client = Client()
    response = client.get("/ecert/trust-list.cbor")
    assert response.status_code == 200 and response["Content-Type"] == "application/cbor"
    loaded = trustlist.load(response.content, root=_root(client))
    assert [e.public.kid.hex() for e in loaded.entries] == [authority_key.kid]
    assert loaded.entries[0].authority == "140000-YJ"


def test_trust_list_with_another_root_is_refused(authority_key):
    data = Client().get("/ecert/trust-list.cbor").content
    stranger = keys.generate(alg=-8, authority="ROOT").public
    with pytest.raises(EcertError) as failure:
        trustlist.load(data, root=stranger)
    assert failure.value.code == "bad_trust_signature"


def test_trust_list_as_json(authority_key):
    answer = APIClient().get("/api/v1/ecert/trust-list").json()
    assert answer["keys"][0]["kid"] == authority_key.kid
    assert "BEGIN PUBLIC KEY" in answer["root"]["public_key_pem"]
    signed = APIClient().get("/api/v1/ecert/trust-list?encoding=cbor")
    assert signed["Content-Type"] == "application/cbor"


def _revoke(cast, cert) -> None:
    registry.certificate_revoke(by=cast.issuer, certificate=cert, on=registry.today(),
                                reason="accident")


def test_full_list_then_delta_since_a_version(cast, cert):
    client = Client()
    root = _root(client)
    first = revocation.load_full(client.get("/ecert/revocations.cbor").content, root=root)
    assert not first.is_revoked(issuer_code="140000-YJ", cert_no=cert.cert_no,
                                   item_code=cert.item_code)
    _revoke(cast, cert)
    delta = client.get(f"/ecert/revocations.cbor?since={first.sequence}")
    assert delta.status_code == 200
    updated = revocation.apply_delta(first, delta.content, root=root)
    assert updated.is_revoked(issuer_code="140000-YJ", cert_no=cert.cert_no,
                                   item_code=cert.item_code)
    full = revocation.load_full(client.get("/ecert/revocations.cbor").content, root=root)
    assert full.hashes == updated.hashes and full.sequence == updated.sequence


def test_cancelled_and_suspended_are_listed_and_reinstated_removed(cast, authority_key):
    other = issue(cast, item_code="2.1")
    registry.certificate_suspend(by=cast.issuer, certificate=other, on=registry.today(),
                                 reason="investigation")
    api = APIClient()
    suspended = api.get("/api/v1/ecert/revocations").json()
    digest = revocation_hash(issuer_code="140000-YJ", cert_no=other.cert_no,
                             item_code=other.item_code).hex()
    assert digest in suspended["hashes"]
    registry.certificate_reinstate(by=cast.issuer, certificate=other, on=registry.today(),
                                   reason="suspension_lifted")
    delta = api.get(f"/api/v1/ecert/revocations?since={suspended['sequence']}").json()
    assert delta["type"] == "delta" and delta["remove"] == [digest] and delta["add"] == []


def test_up_to_date_and_unknown_versions(cast, cert):
    client = Client()
    current = revocation.load_full(client.get("/ecert/revocations.cbor").content,
                                   root=_root(client))
    assert client.get(f"/ecert/revocations.cbor?since={current.sequence}").status_code == 204
    assert client.get("/ecert/revocations.cbor?since=999").status_code == 404
    assert client.get("/ecert/revocations.cbor?since=x").status_code == 400
    api = APIClient().get("/api/v1/ecert/revocations?since=x")
    assert api.status_code == 400 and api.json()["error"]["code"] == "bad_since"


def test_expired_certificates_are_not_signed(cast, authority_key):
    from certguard.core.errors import AppError
    from certguard.ecert import services

    cert = registry.certificate_issue(by=cast.issuer, id_no=ID_NO, name="李建国",
                                      family="special_ops", item_code="1.2",
                                      first_issued=registry.today() - timedelta(days=365 * 7))
    with pytest.raises(AppError) as failure:
        services.certificate_sign(by=cast.issuer, certificate=cert)
    assert failure.value.code == "certificate_not_valid"


def test_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/v1/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/api/v1/ecert/verify", "/api/v1/ecert/trust-list",
                 "/api/v1/ecert/revocations"):
        assert path in paths, path
