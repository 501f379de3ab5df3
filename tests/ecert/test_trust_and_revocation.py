from __future__ import annotations

from datetime import UTC, datetime

import pytest

from certguard.ecert import keys, revocation, trustlist
from certguard.ecert.errors import EcertError
from certguard.ecert.issue import sign_certificate
from certguard.ecert.revocation import RevocationList, revocation_hash
from certguard.ecert.trustlist import TrustEntry
from certguard.ecert.verifier import verify_payload

from .conftest import CHECKED, FIELDS

Y2024 = datetime(2024, 1, 1, tzinfo=UTC)
Y2025 = datetime(2025, 1, 1, tzinfo=UTC)
Y2025_06 = datetime(2025, 6, 1, tzinfo=UTC)


def signed_list(root, *entries, sequence=1) -> bytes:
    return trustlist.sign(trustlist.build(entries, sequence=sequence), root=root)


def test_trust_list_round_trip(root_key, signing_keys) -> None:
    entries = [TrustEntry(public=k.public, authority="110000", not_before=Y2024)
               for k in signing_keys.values()]
    loaded = trustlist.load(signed_list(root_key, *entries, sequence=7), root=root_key.public)
    assert loaded.sequence == 7
    assert {e.public.kid for e in loaded.entries} == {k.kid for k in signing_keys.values()}
    assert {e.public.alg for e in loaded.entries} == set(signing_keys)
    assert all(e.not_before == Y2024 for e in loaded.entries)


def test_trust_list_signed_by_wrong_key_is_rejected(root_key, ed_key) -> None:
    impostor = keys.generate(alg=-8, authority="ROOT")
    data = signed_list(impostor, TrustEntry(public=ed_key.public, authority="110000"))
    with pytest.raises(EcertError) as info:
        trustlist.load(data, root=root_key.public)
    assert info.value.code == "bad_trust_signature"
    assert "根密钥" in info.value.message or info.value.message


def test_trust_list_with_forged_root_kid_is_rejected(root_key, ed_key) -> None:
    impostor = keys.generate(alg=-8)
    fake_root = keys.SigningKey(key=impostor.key, alg=impostor.alg, kid=root_key.kid)
    data = signed_list(fake_root, TrustEntry(public=ed_key.public, authority="110000"))
    with pytest.raises(EcertError) as info:
        trustlist.load(data, root=root_key.public)
    assert info.value.code == "bad_trust_signature"


def test_tampered_trust_list_is_rejected(root_key, ed_key) -> None:
    data = bytearray(signed_list(root_key, TrustEntry(public=ed_key.public, authority="110000")))
    index = data.find(b"110000")
    data[index] = ord("9")
    with pytest.raises(EcertError) as info:
        trustlist.load(bytes(data), root=root_key.public)
    assert info.value.code == "bad_trust_signature"


def test_garbage_trust_list(root_key) -> None:
    with pytest.raises(EcertError) as info:
        trustlist.load(b"not cbor at all", root=root_key.public)
    assert info.value.code == "bad_trust_list"


def test_rotation_keeps_old_certificates_valid(root_key, fields) -> None:
    old = keys.generate(alg=-8, authority="110000")
    new = keys.generate(alg=-8, authority="110000")
    entries = (
        TrustEntry(public=old.public, authority="110000", not_before=Y2024, not_after=Y2025),
        TrustEntry(public=new.public, authority="110000", not_before=Y2025),
    )
    trust = trustlist.load(signed_list(root_key, *entries), root=root_key.public)
    signed_2024 = sign_certificate(fields=_fields_from(fields, "2024-06-01"), key=old,
                                   issued_at=datetime(2024, 6, 1, tzinfo=UTC))
    signed_2025 = sign_certificate(fields=fields, key=new, issued_at=Y2025_06)
    # Years later, both verify: the old key signed inside its window.
    assert verify_payload(signed_2024, trust=trust, at=CHECKED).valid
    assert verify_payload(signed_2025, trust=trust, at=CHECKED).valid
    assert verify_payload(signed_2025, trust=trust, at=CHECKED).authority == "110000"


def test_retired_key_cannot_sign_after_its_window(root_key, fields) -> None:
    old = keys.generate(alg=-8, authority="110000")
    entry = TrustEntry(public=old.public, authority="110000", not_before=Y2024, not_after=Y2025)
    trust = trustlist.load(signed_list(root_key, entry), root=root_key.public)
    late = sign_certificate(fields=fields, key=old, issued_at=Y2025_06)  # stolen retired key
    result = verify_payload(late, trust=trust, at=CHECKED)
    assert result.reason == "unknown_key"
    assert "有效期" in result.details["signature"]


def _fields_from(fields, valid_from: str):
    from dataclasses import replace

    return replace(fields, valid_from=valid_from)


def _hash(cert_no: str, item_code: str = FIELDS["item_code"]) -> bytes:
    return revocation_hash(issuer_code="110000", cert_no=cert_no, item_code=item_code)


def test_revocation_hash_separates_issuers() -> None:
    assert revocation_hash(issuer_code="A1", cert_no="23") != revocation_hash(
        issuer_code="A", cert_no="123")
    assert len(_hash("X")) == revocation.HASH_SIZE


def test_full_revocation_list_round_trip(root_key) -> None:
    rl = RevocationList(sequence=5, hashes=frozenset({_hash("A"), _hash("B")}))
    loaded = revocation.load_full(revocation.sign_full(rl, key=root_key), root=root_key.public)
    assert loaded.sequence == 5 and loaded.hashes == rl.hashes
    assert loaded.is_revoked(issuer_code="110000", cert_no="A", item_code=FIELDS["item_code"])
    assert not loaded.is_revoked(issuer_code="110000", cert_no="C",
                                 item_code=FIELDS["item_code"])
    assert not loaded.is_revoked(issuer_code="110000", cert_no="A", item_code="other")


def test_incremental_update(root_key, ed_key, fields) -> None:
    v1 = RevocationList(sequence=1, hashes=frozenset({_hash("A"), _hash("B")}))
    v2 = RevocationList(sequence=2, hashes=frozenset({_hash("B"), _hash(FIELDS["cert_no"])}))
    full = revocation.sign_full(v1, key=root_key)
    delta = revocation.sign_delta(old=v1, new=v2, key=root_key)
    assert len(delta) < 200  # only the change travels
    local = revocation.load_full(full, root=root_key.public)
    updated = revocation.apply_delta(local, delta, root=root_key.public)
    assert updated.sequence == 2 and updated.hashes == v2.hashes
    assert revocation.load_chain([full, delta], root=root_key.public).hashes == v2.hashes
    payload = sign_certificate(fields=fields, key=ed_key, issued_at=Y2025_06)
    assert verify_payload(payload, trust=ed_key.public, at=CHECKED, revocations=local).valid
    result = verify_payload(payload, trust=ed_key.public, at=CHECKED, revocations=updated)
    assert result.reason == "revoked"


def test_delta_with_a_gap_is_refused(root_key) -> None:
    v1 = RevocationList(sequence=1)
    v2 = RevocationList(sequence=2, hashes=frozenset({_hash("A")}))
    v3 = RevocationList(sequence=3, hashes=frozenset({_hash("A"), _hash("B")}))
    delta_2_3 = revocation.sign_delta(old=v2, new=v3, key=root_key)
    with pytest.raises(EcertError) as info:
        revocation.apply_delta(v1, delta_2_3, root=root_key.public)
    assert info.value.code == "revocation_gap"


def test_revocation_list_signed_by_wrong_key(root_key) -> None:
    impostor = keys.generate(alg=-8)
    data = revocation.sign_full(RevocationList(sequence=1), key=impostor)
    with pytest.raises(EcertError) as info:
        revocation.load_full(data, root=root_key.public)
    assert info.value.code == "bad_revocation_list"
