"""Every failure reason, each produced by a hand-made bad payload."""

from __future__ import annotations

from datetime import UTC, datetime

import cbor2
import pytest

from certguard.ecert import codec, cose, keys
from certguard.ecert.issue import sign_certificate
from certguard.ecert.revocation import RevocationList, revocation_hash
from certguard.ecert.verifier import verify_payload

from .conftest import CHECKED, FIELDS, ISSUED


@pytest.fixture()
def payload(ed_key, fields) -> str:
    return sign_certificate(fields=fields, key=ed_key, issued_at=ISSUED)


def failed_step(result) -> str:
    return next(step for step, status in result.steps.items() if status == "failed")


def check(result, reason: str, step: str) -> None:
    assert not result.valid
    assert result.reason == reason, result.to_dict()
    assert failed_step(result) == step
    assert result.message  # Chinese, for the user
    later = list(result.steps)[list(result.steps).index(step) + 1:]
    assert all(result.steps[s] == "not_reached" for s in later)


@pytest.mark.parametrize("text", ["NCFOXN", "cg1:NCF", "CG:ABC", "HC1NCF", ""])
def test_bad_prefix(text, ed_key) -> None:
    check(verify_payload(text, trust=ed_key.public, at=CHECKED), "bad_prefix", "prefix")


ENGLISH_OR_INTERNALS = ("Error", "error", "decompress", "zlib.", "Exception", "Traceback")


def chinese_only(message: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in message) and not any(
        word in message for word in ENGLISH_OR_INTERNALS)


@pytest.mark.parametrize("prefix", ["HL0:", "HC2:", "ZZ9:", "CG2:"])
def test_unknown_context_is_refused_even_for_a_genuine_payload(prefix, payload, ed_key) -> None:
    # DCC vectors H1 (HL0:) and H2 (HC2:): a context other than CG1 / HC1 never verifies.
    result = verify_payload(prefix + payload[4:], trust=ed_key.public, at=CHECKED)
    check(result, "bad_prefix", "prefix")
    assert f"不支持的前缀 {prefix}" in result.message and chinese_only(result.message)


def test_genuine_payload_relabelled_as_a_dcc_is_refused(payload, ed_key) -> None:
    result = verify_payload("HC1:" + payload[4:], trust=ed_key.public, at=CHECKED)
    assert (result.valid, result.reason) == (False, "bad_prefix")
    assert result.steps["prefix"] == "failed" and result.steps["signature"] == "not_reached"
    assert "应以 CG1: 开头" in result.message


def test_cg1_payload_without_our_fields_is_refused(ed_key) -> None:
    claims = cbor2.dumps({cose.CLAIM_ISS: "DE", cose.CLAIM_IAT: int(ISSUED.timestamp()),
                          -260: {1: {"v": []}}})  # a health certificate, not ours
    raw = cose.encode_sign1(payload=claims, alg=ed_key.alg, kid=ed_key.kid, signer=ed_key.sign)
    result = verify_payload(codec.encode_payload(raw), trust=ed_key.public, at=CHECKED)
    assert (result.valid, result.reason) == (False, "bad_prefix")
    assert "不含本平台的证书字段" in result.message


@pytest.mark.parametrize("where", [-1, -3, 40])
def test_tampered_compressed_data_gets_a_chinese_reason(where, payload, ed_key) -> None:
    # A changed byte in the deflate data or its Adler-32 trailer (zlib: "Error -3 while
    # decompressing data: incorrect data check") must read as Chinese, not as zlib's text.
    data = bytearray(codec.b45decode(payload[4:]))
    data[where] ^= 0x55
    result = verify_payload("CG1:" + codec.b45encode(bytes(data)), trust=ed_key.public,
                            at=CHECKED)
    assert not result.valid
    assert result.reason in ("bad_zlib", "bad_cose", "bad_signature")
    assert chinese_only(result.message), result.message
    assert all(chinese_only(detail) for detail in result.details.values()), result.details


def test_adler32_mismatch_names_the_changed_content(payload, ed_key) -> None:
    data = bytearray(codec.b45decode(payload[4:]))
    data[-1] ^= 0x01
    result = verify_payload("CG1:" + codec.b45encode(bytes(data)), trust=ed_key.public,
                            at=CHECKED)
    check(result, "bad_zlib", "zlib")
    assert result.message == "解压失败：二维码内容已损坏或未经压缩：校验和不符，内容已被改动"


def test_bad_base45_from_foreign_characters(payload, ed_key) -> None:
    tampered = payload[:20] + "a" + payload[21:]  # lower case is outside the base45 alphabet
    check(verify_payload(tampered, trust=ed_key.public, at=CHECKED), "bad_base45", "base45")


def test_truncated_payload(payload, ed_key) -> None:
    # Cut so the base45 length stays valid: the zlib stream is then incomplete.
    body = payload[4:]
    cut = len(body) - 30 - (len(body) - 30) % 3
    check(verify_payload("CG1:" + body[:cut], trust=ed_key.public, at=CHECKED),
          "bad_zlib", "zlib")


def test_truncated_to_invalid_base45_length(payload, ed_key) -> None:
    body = payload[4:]
    cut = len(body) - 30 - (len(body) - 30) % 3 + 1
    check(verify_payload("CG1:" + body[:cut], trust=ed_key.public, at=CHECKED),
          "bad_base45", "base45")


def test_not_compressed(ed_key, fields) -> None:
    raw = cose.encode_sign1(payload=b"x", alg=ed_key.alg, kid=ed_key.kid, signer=ed_key.sign)
    check(verify_payload("CG1:" + codec.b45encode(raw), trust=ed_key.public, at=CHECKED),
          "bad_zlib", "zlib")


def test_bad_cose_structure(ed_key) -> None:
    text = codec.encode_payload(cbor2.dumps(["not", "a", "sign1"]))
    check(verify_payload(text, trust=ed_key.public, at=CHECKED), "bad_cose", "cose")


def test_claims_not_a_map(ed_key) -> None:
    raw = cose.encode_sign1(payload=cbor2.dumps([1, 2]), alg=ed_key.alg, kid=ed_key.kid,
                            signer=ed_key.sign)
    check(verify_payload(codec.encode_payload(raw), trust=ed_key.public, at=CHECKED),
          "bad_cose", "cose")


def _resign(payload: str, mutate) -> bytes:
    sign1 = cose.decode_sign1(codec.inflate(codec.b45decode(payload[4:])))
    parts = [sign1.protected, dict(sign1.unprotected), sign1.payload, sign1.signature]
    mutate(parts)
    return cbor2.dumps(cbor2.CBORTag(18, parts))


def test_tampered_byte_in_claims(payload, ed_key) -> None:
    def swap_name(parts):
        parts[2] = parts[2].replace("张三丰".encode(), "李四光".encode())

    text = codec.encode_payload(_resign(payload, swap_name))
    check(verify_payload(text, trust=ed_key.public, at=CHECKED), "bad_signature", "signature")


def test_tampered_signature_byte(payload, ed_key) -> None:
    def flip(parts):
        parts[3] = bytes([parts[3][0] ^ 1]) + parts[3][1:]

    text = codec.encode_payload(_resign(payload, flip))
    check(verify_payload(text, trust=ed_key.public, at=CHECKED), "bad_signature", "signature")


def test_unprotected_kid_cannot_override_protected(payload, ed_key) -> None:
    def add_unprotected_kid(parts):
        parts[1] = {cose.HDR_KID: b"12345678"}

    result = verify_payload(codec.encode_payload(_resign(payload, add_unprotected_kid)),
                            trust=ed_key.public, at=CHECKED)
    assert result.valid


def test_wrong_key_is_unknown_key(payload) -> None:
    other = keys.generate(alg=-8)
    check(verify_payload(payload, trust=other.public, at=CHECKED), "unknown_key", "signature")


def test_same_kid_wrong_key_is_bad_signature(payload, ed_key) -> None:
    # A forger who copies our kid into his own signature still fails on the signature.
    forger = keys.generate(alg=-8)
    fake = keys.SigningKey(key=forger.key, alg=forger.alg, kid=ed_key.kid)
    forged = sign_certificate(fields=_fields(), key=fake, issued_at=ISSUED)
    check(verify_payload(forged, trust=ed_key.public, at=CHECKED), "bad_signature", "signature")


def _fields():
    from certguard.ecert.fields import from_mapping

    return from_mapping(FIELDS)


def test_expired(payload, ed_key) -> None:
    later = datetime(2031, 3, 1, tzinfo=UTC)
    check(verify_payload(payload, trust=ed_key.public, at=later), "expired", "expiry")


def test_certificate_valid_until_is_a_beijing_date(payload, ed_key) -> None:
    # 2031-02-28 23:30 in Beijing is still the last valid day; 16:30 UTC is 00:30 next day.
    last_evening = datetime(2031, 2, 28, 15, 30, tzinfo=UTC)
    assert verify_payload(payload, trust=ed_key.public, at=last_evening).valid
    next_day = datetime(2031, 2, 28, 16, 30, tzinfo=UTC)
    assert verify_payload(payload, trust=ed_key.public, at=next_day).reason == "expired"


def test_not_yet_valid(payload, ed_key) -> None:
    before = datetime(2025, 2, 1, tzinfo=UTC)
    check(verify_payload(payload, trust=ed_key.public, at=before), "not_yet_valid", "expiry")


def test_revoked(payload, ed_key) -> None:
    revoked = RevocationList(sequence=3, hashes=frozenset(
        {revocation_hash(issuer_code="110000", cert_no=FIELDS["cert_no"],
                         item_code=FIELDS["item_code"])}))
    result = verify_payload(payload, trust=ed_key.public, at=CHECKED, revocations=revoked)
    check(result, "revoked", "revocation")
    clean = RevocationList(sequence=3)
    assert verify_payload(payload, trust=ed_key.public, at=CHECKED,
                          revocations=clean).steps["revocation"] == "ok"


def test_not_in_registry(payload, ed_key) -> None:
    result = verify_payload(payload, trust=ed_key.public, at=CHECKED,
                            registry_lookup=lambda f: None)
    check(result, "not_in_registry", "registry")


def test_differs_from_registry(payload, ed_key) -> None:
    record = dict(FIELDS, name="李四", valid_until="2029-01-01")
    result = verify_payload(payload, trust=ed_key.public, at=CHECKED,
                            registry_lookup=lambda f: record)
    check(result, "differs_from_registry", "registry")
    assert "name" in result.details["registry"] and "valid_until" in result.details["registry"]


def test_registry_revoked_status(payload, ed_key) -> None:
    result = verify_payload(payload, trust=ed_key.public, at=CHECKED,
                            registry_lookup=lambda f: dict(FIELDS, status="revoked"))
    check(result, "revoked", "registry")


def test_registry_match_and_outage(payload, ed_key) -> None:
    ok = verify_payload(payload, trust=ed_key.public, at=CHECKED,
                        registry_lookup=lambda f: dict(FIELDS))
    assert ok.valid and ok.steps["registry"] == "ok"

    def down(_fields):
        raise ConnectionError("registry down")

    offline = verify_payload(payload, trust=ed_key.public, at=CHECKED, registry_lookup=down)
    assert offline.valid and offline.steps["registry"] == "skipped"
    assert offline.details["registry"] == "证书库暂不可用，未比对"  # no exception class name


def test_result_is_json_serialisable(payload, ed_key) -> None:
    import json

    data = verify_payload(payload, trust=ed_key.public, at=CHECKED).to_dict()
    assert json.loads(json.dumps(data, ensure_ascii=False))["valid"] is True
    assert set(data["steps"]) == {"prefix", "base45", "zlib", "cose", "signature", "expiry",
                                  "revocation", "registry"}


def test_zip_bomb_is_refused(ed_key) -> None:
    import zlib

    bomb = zlib.compress(b"\0" * (codec.MAX_INFLATED * 4))
    result = verify_payload("CG1:" + codec.b45encode(bomb), trust=ed_key.public, at=CHECKED)
    check(result, "bad_zlib", "zlib")


def test_trailing_garbage_after_zlib_stream(payload, ed_key) -> None:
    data = codec.b45decode(payload[4:]) + b"junk"
    result = verify_payload("CG1:" + codec.b45encode(data), trust=ed_key.public, at=CHECKED)
    check(result, "bad_zlib", "zlib")



def test_scanner_line_breaks_are_tolerated(payload, ed_key) -> None:
    assert verify_payload("  " + payload + "\r\n", trust=ed_key.public, at=CHECKED).valid
    # A space is a base45 digit: it is data (here: a damaged payload), never trimmed away.
    assert codec.clean_scanned(payload + " \n") == payload + " "
