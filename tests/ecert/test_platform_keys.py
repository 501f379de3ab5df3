"""Signing keys per authority: encrypted at rest, rotation keeps old payloads valid, only the
authority's own officers (or an administrator) manage them; the demo's three algorithms."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from certguard.core.errors import AppError
from certguard.ecert import keys, services
from certguard.ecert.demo import demo_keys_build
from certguard.ecert.models import EcertKey
from certguard.orgs.models import Organisation


def _verify(text: str) -> dict:
    return APIClient().post("/api/v1/ecert/verify", {"payload": text}, format="json").json()


def test_private_key_is_stored_encrypted_and_still_signs(authority_key):
    stored = EcertKey.objects.get(pk=authority_key.pk)
    assert "PRIVATE KEY" not in stored.private_key_encrypted
    signing = services.signing_key_of(stored)
    assert signing.kid.hex() == stored.kid
    assert keys.load_public_key(stored.public_key_pem).kid == signing.kid


def test_private_key_never_reaches_the_audit_log(authority_key):
    from .platform import audit_entries

    for entry in audit_entries(object_type="ecert.ecertkey"):
        assert "private_key_encrypted" not in entry.data
        assert authority_key.private_key_encrypted not in str(entry.data)


def test_other_secret_cannot_read_the_key(authority_key, settings):
    settings.ECERT_KEY_SECRET = "another-secret-entirely-0123456789"
    with pytest.raises(AppError) as failure:
        services.signing_key_of(authority_key)
    assert failure.value.code == "ecert_key_unreadable"


def test_rotation_keeps_old_payloads_valid(cast, cert, authority_key):
    old_payload = services.certificate_sign(by=cast.issuer, certificate=cert).payload
    new_key = services.key_rotate(by=cast.issuer, authority=cast.issuing_authority)
    authority_key.refresh_from_db()
    assert not authority_key.active and authority_key.not_after is not None
    assert new_key.active and new_key.alg == authority_key.alg and new_key.kid != authority_key.kid
    new_payload = services.certificate_sign(by=cast.issuer, certificate=cert).payload
    assert new_payload != old_payload
    old, new = _verify(old_payload), _verify(new_payload)
    assert old["valid"] and old["kid"] == authority_key.kid
    assert new["valid"] and new["kid"] == new_key.kid
    assert {e.public.kid.hex() for e in services.trust_list_current().entries} == {
        authority_key.kid, new_key.kid}


def test_rotation_may_change_the_algorithm(cast, authority_key):
    new_key = services.key_rotate(by=cast.issuer, authority=cast.issuing_authority, alg="sm2")
    assert new_key.alg == -65537


def test_second_generate_is_refused(cast, authority_key):
    with pytest.raises(AppError) as failure:
        services.key_generate(by=cast.issuer, authority=cast.issuing_authority, alg="es256")
    assert failure.value.code == "key_exists"


@pytest.mark.parametrize("who", ["inspector_a", "user_x", "police"])
def test_only_the_authority_manages_its_keys(cast, who):
    with pytest.raises(AppError) as failure:
        services.key_generate(by=getattr(cast, who), authority=cast.issuing_authority,
                              alg="ed25519")
    assert failure.value.code == "permission_denied"


def test_admin_may_generate_but_not_for_a_non_issuer(cast):
    key = services.key_generate(by=cast.admin, authority=cast.issuing_authority, alg="es256")
    assert key.authority_code == "140000-YJ"
    with pytest.raises(AppError) as failure:
        services.key_generate(by=cast.admin, authority=cast.department_a, alg="es256")
    assert failure.value.code == "not_an_issuer"


def test_unknown_algorithm(cast):
    with pytest.raises(AppError) as failure:
        services.key_generate(by=cast.issuer, authority=cast.issuing_authority, alg="md5")
    assert failure.value.code == "bad_alg"


def test_signing_needs_a_key(cast):
    from .platform import issue

    cert = issue(cast)
    with pytest.raises(AppError) as failure:
        services.certificate_sign(by=cast.issuer, certificate=cert)
    assert failure.value.code == "no_signing_key"


def test_only_the_issuing_authority_signs(cast, cert):
    with pytest.raises(AppError) as failure:
        services.certificate_sign(by=cast.inspector_a, certificate=cert)
    assert failure.value.code == "not_your_certificate"


def test_demo_keys_one_algorithm_per_authority(cast):
    for dept, code in (("zj", "140000-ZJ"), ("scjg", "140000-SJ")):
        Organisation.objects.create(kind="department", name=code, region_id="140000",
                                    department=dept, issuer_code=code)
    made = demo_keys_build()
    assert {k.authority_code: k.alg for k in made} == {
        "140000-YJ": -8, "140000-ZJ": -65537, "140000-SJ": -7}
    assert demo_keys_build() == made  # re-running changes nothing
    assert EcertKey.objects.filter(role="root").count() == 1
