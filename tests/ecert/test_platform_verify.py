"""A real issued certificate, signed by its authority's key, verified through the endpoint:
then revoked, changed in the registry, and tampered with."""

from __future__ import annotations

import cbor2
from rest_framework.test import APIClient

from certguard.ecert import codec, cose, services
from certguard.ecert.result import STEPS
from certguard.ecert.verifier import verify_payload
from certguard.registry import services as registry
from certguard.registry.models import Holder

from .platform import audit_entries

URL = "/api/v1/ecert/verify"


def _payload(cast, cert) -> str:
    return services.certificate_sign(by=cast.issuer, certificate=cert).payload


def _verify(text: str) -> dict:
    response = APIClient().post(URL, {"payload": text}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_issued_certificate_verifies_with_every_step_passed(cast, cert):
    payload = _payload(cast, cert)
    answer = _verify(payload)
    assert answer["valid"] and answer["reason"] == "ok"
    assert set(answer["steps"].values()) == {"ok"}
    assert answer["authority"] == "140000-YJ" and answer["alg"] == "Ed25519"
    assert answer["certificate"]["cert_no"] == cert.cert_no
    assert answer["certificate"]["valid_until"] == cert.valid_until.isoformat()


def test_answer_has_the_cli_json_shape(cast, cert):
    payload = _payload(cast, cert)
    offline = verify_payload(payload, trust=services.trust_list_current()).to_dict()
    assert set(_verify(payload)) == set(offline)


def test_signing_again_reuses_the_payload_while_nothing_changed(cast, cert):
    assert _payload(cast, cert) == _payload(cast, cert)


def test_revoked_certificate_fails_at_the_revocation_step(cast, cert):
    payload = _payload(cast, cert)
    registry.certificate_revoke(by=cast.issuer, certificate=cert, on=registry.today(),
                                reason="accident")
    answer = _verify(payload)
    assert (answer["valid"], answer["reason"]) == (False, "revoked")
    assert answer["steps"]["revocation"] == "failed"
    assert answer["steps"]["registry"] == "not_reached"


def test_registry_row_changed_after_signing_differs(cast, cert):
    payload = _payload(cast, cert)
    Holder.objects.filter(pk=cert.holder_id).update(name="李建华")
    answer = _verify(payload)
    assert answer["reason"] == "differs_from_registry"
    assert answer["steps"]["registry"] == "failed" and "name" in answer["details"]["registry"]


def test_certificate_missing_from_registry(cast, cert):
    payload = _payload(cast, cert)
    cert.events.all().delete()
    type(cert).objects.filter(pk=cert.pk).update(item_code="2.1")
    assert _verify(payload)["reason"] == "not_in_registry"


def _tamper(payload: str, changes: dict[int, str]) -> str:
    """Change certificate fields inside the signed payload without re-signing."""
    sign1 = cbor2.loads(codec.inflate(codec.b45decode(payload[4:])))
    body = list(sign1.value if isinstance(sign1, cbor2.CBORTag) else sign1)
    claims = cbor2.loads(body[2])
    for key, value in changes.items():
        claims[cose.CLAIM_CERT][key] = value
    body[2] = cbor2.dumps(claims)
    return codec.encode_payload(cbor2.dumps(cbor2.CBORTag(18, body)))


def test_tampered_name_fails_exactly_at_the_signature_step(cast, cert):
    answer = _verify(_tamper(_payload(cast, cert), {3: "王小明"}))
    assert answer["reason"] == "bad_signature"
    assert [answer["steps"][s] for s in STEPS] == [
        "ok", "ok", "ok", "ok", "failed", "not_reached", "not_reached", "not_reached"]


def test_damaged_transport_layers_name_their_step(cast, cert):
    payload = _payload(cast, cert)
    assert _verify("XX:" + payload[4:])["steps"]["prefix"] == "failed"
    broken = _verify("CG1:" + payload[4:-3] + "::")
    assert broken["valid"] is False
    failed = [s for s, v in broken["steps"].items() if v == "failed"]
    assert failed and failed[0] in ("base45", "zlib")
    assert _verify("hello")["steps"]["prefix"] == "failed"


def test_a_genuine_payload_relabelled_is_refused(cast, cert):
    payload = _payload(cast, cert)
    for prefix in ("HC2:", "HL0:", "HC1:"):
        answer = _verify(prefix + payload[4:])
        assert (answer["valid"], answer["reason"]) == (False, "bad_prefix"), prefix
        assert answer["steps"]["prefix"] == "failed"
        assert answer["steps"]["signature"] == "not_reached"


def test_tampered_compressed_payload_gets_a_chinese_reason(cast, cert):
    data = bytearray(codec.b45decode(_payload(cast, cert)[4:]))
    data[-1] ^= 0x01  # Adler-32: zlib itself says "Error -3 … incorrect data check"
    answer = _verify("CG1:" + codec.b45encode(bytes(data)))
    assert answer["reason"] == "bad_zlib"
    assert answer["message"] == "解压失败：二维码内容已损坏或未经压缩：校验和不符，内容已被改动"
    assert "Error" not in str(answer) and "decompress" not in str(answer)


def test_verification_is_audited(cast, cert):
    _verify(_payload(cast, cert))
    entry = audit_entries(object_type="ecert.payload").get()
    assert entry.action == "query" and entry.data["reason"] == "ok"


def test_bad_request_uses_the_error_shape():
    response = APIClient().post(URL, {}, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"


def test_revoking_one_item_leaves_the_other_items_valid_online(cast, cert):
    """Both items share the number T+ID: the list and the online check name the item."""
    from .platform import issue

    other = issue(cast, item_code="2.1")
    kept = _payload(cast, cert)
    gone = _payload(cast, other)
    registry.certificate_suspend(by=cast.issuer, certificate=other, on=registry.today(),
                                 reason="investigation")
    assert _verify(kept)["valid"]
    answer = _verify(gone)
    assert answer["valid"] is False and answer["reason"] == "revoked"
    published = services.revocation_list_current()
    assert published.is_revoked(issuer_code="140000-YJ", cert_no=other.cert_no,
                                item_code=other.item_code)
    assert not published.is_revoked(issuer_code="140000-YJ", cert_no=cert.cert_no,
                                    item_code=cert.item_code)
