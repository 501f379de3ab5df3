from __future__ import annotations

import pytest

from certguard.ecert import algorithms, codec, keys
from certguard.ecert.issue import sign_certificate
from certguard.ecert.verifier import verify_payload

from .conftest import CHECKED, FIELDS, ISSUED

ALGS = sorted(algorithms.ALG_NAMES, key=lambda a: algorithms.ALG_NAMES[a])


@pytest.mark.parametrize("alg", ALGS, ids=[algorithms.ALG_NAMES[a] for a in ALGS])
def test_sign_then_verify_each_algorithm(alg, signing_keys, fields) -> None:
    key = signing_keys[alg]
    payload = sign_certificate(fields=fields, key=key, issued_at=ISSUED)
    assert payload.startswith("CG1:")
    result = verify_payload(payload, trust=key.public, at=CHECKED)
    assert result.valid, result.to_dict()
    assert result.reason == "ok" and result.message == "电子证书有效"
    assert result.certificate == FIELDS
    assert result.alg == algorithms.ALG_NAMES[alg]
    assert result.kid == key.kid.hex()
    assert result.steps["signature"] == "ok"
    assert result.steps["revocation"] == "skipped"
    assert result.steps["registry"] == "skipped"


@pytest.mark.parametrize("alg", ALGS, ids=[algorithms.ALG_NAMES[a] for a in ALGS])
def test_public_key_pem_round_trip_keeps_kid(alg, signing_keys, fields) -> None:
    key = signing_keys[alg]
    pem = key.public.pem()
    again = keys.load_public_key(pem)
    assert again.kid == key.kid and again.alg == alg
    payload = sign_certificate(fields=fields, key=key, issued_at=ISSUED)
    assert verify_payload(payload, trust=pem, at=CHECKED).valid


@pytest.mark.parametrize("alg", ALGS, ids=[algorithms.ALG_NAMES[a] for a in ALGS])
def test_private_key_pem_round_trip(alg, signing_keys) -> None:
    key = signing_keys[alg]
    loaded = keys.load_private_key(keys.private_key_pem(key))
    assert loaded.kid == key.kid and loaded.alg == alg


def test_kid_is_sha256_of_spki(ed_key) -> None:
    import hashlib

    assert ed_key.kid == hashlib.sha256(ed_key.public.spki).digest()[:8]


def test_sm2_signature_is_raw_r_s(signing_keys) -> None:
    key = signing_keys[algorithms.ALG_SM2_SM3]
    signature = key.sign(b"data")
    assert len(signature) == 64
    assert key.public.verify(signature, b"data")
    assert not key.public.verify(signature, b"datA")


def test_base45_rfc9285_examples() -> None:
    assert codec.b45encode(b"AB") == "BB8"
    assert codec.b45encode(b"Hello!!") == "%69 VD92EX0"
    assert codec.b45encode(b"base-45") == "UJCLQE7W581"
    assert codec.b45decode("QED8WEX0") == b"ietf!"
    assert codec.b45decode("") == b""


def test_base45_matches_reference_library() -> None:
    base45 = pytest.importorskip("base45")
    import os

    for size in range(0, 120):
        data = os.urandom(size)
        assert codec.b45encode(data) == base45.b45encode(data).decode()
        assert codec.b45decode(codec.b45encode(data)) == data


@pytest.mark.parametrize("text", ["GGW", ":::", "A", "ab"])
def test_base45_rejects_invalid(text) -> None:
    from certguard.ecert.errors import EcertError

    with pytest.raises(EcertError) as info:
        codec.b45decode(text)
    assert info.value.code == "bad_base45"


def test_only_cg1_and_hc1_are_accepted_and_prefixes_narrow_them(ed_key, fields) -> None:
    payload = sign_certificate(fields=fields, key=ed_key, issued_at=ISSUED)
    assert payload.startswith("CG1:")
    assert verify_payload(payload, trust=ed_key.public, at=CHECKED).valid
    assert verify_payload(payload, trust=ed_key.public, at=CHECKED, prefixes={"cg1:"}).valid
    limited = verify_payload(payload, trust=ed_key.public, at=CHECKED, prefixes={"HC1"})
    assert limited.reason == "bad_prefix" and "只接受 HC1:" in limited.message
    for other in ("ZZ9:", "HC2:", "HL0:", "CG2:"):
        refused = verify_payload(other + payload[4:], trust=ed_key.public, at=CHECKED)
        assert refused.reason == "bad_prefix", other
        assert f"不支持的前缀 {other}" in refused.message


def test_issuing_under_another_prefix_is_refused(ed_key, fields) -> None:
    from certguard.ecert.errors import EcertError

    with pytest.raises(EcertError) as info:
        sign_certificate(fields=fields, key=ed_key, issued_at=ISSUED, prefix="ZZ9:")
    assert info.value.code == "bad_prefix" and "CG1:" in info.value.detail


def test_payload_fits_a_small_qr(ed_key, fields) -> None:
    from certguard.ecert import qr

    payload = sign_certificate(fields=fields, key=ed_key, issued_at=ISSUED)
    code = qr.make_qr(payload)
    assert code.mode == "alphanumeric"
    assert code.version <= 15


def test_sm2_interoperates_with_gmssl(signing_keys) -> None:
    """Tongsuo's SM2 uses the GB/T 32918 default user id, so other SM2 stacks agree with us."""
    sm2 = pytest.importorskip("gmssl.sm2")
    key = signing_keys[algorithms.ALG_SM2_SM3]
    point = key.public.key.public_numbers()
    other = sm2.CryptSM2(public_key=f"{point.x:064x}{point.y:064x}",
                         private_key=f"{key.key.private_numbers().private_value:064x}")
    data = b"certguard sm2 interop"
    assert other.verify_with_sm3(key.sign(data).hex(), data)
    assert key.public.verify(bytes.fromhex(other.sign_with_sm3(data)), data)
