"""Signing keys for the demo world's three issuing authorities, one algorithm each, so the
demo shows that the verifier handles Ed25519, SM2 and ES256 side by side. Safe to re-run."""

from __future__ import annotations

from django.db import transaction

from certguard.core.scoping import COMMAND_LINE
from certguard.ecert import services
from certguard.ecert.models import EcertKey, HolderLink
from certguard.orgs.models import Organisation

DEMO_ALGS = {"140000-YJ": "ed25519", "140000-ZJ": "sm2", "140000-SJ": "es256"}
# The demo builds keys as the system itself, not as a signed-in user.
SYSTEM = COMMAND_LINE


@transaction.atomic
def demo_keys_build() -> list[EcertKey]:
    """The active key of each demo authority (created when missing) and the root key."""
    services.root_key_ensure()
    made = []
    for code, alg in DEMO_ALGS.items():
        authority = Organisation.objects.filter(issuer_code=code).first()
        if authority is None:
            continue
        key = EcertKey.objects.filter(authority_code=code, active=True).first()
        made.append(key or services.key_generate(by=SYSTEM, authority=authority, alg=alg))
    return made


# --- user-facing: the demo worker's own certificates (我的证书) --------------------------------

@transaction.atomic
def demo_worker_link_build(username: str = "demo_worker") -> HolderLink | None:
    """Bind the demo worker's account to a holder with a valid certificate of 140000-YJ
    (Ed25519: the verification page checks it offline), named as the holder."""
    from certguard.orgs.models import User
    from certguard.registry.models import Certificate
    from certguard.registry.services import today

    user = User.objects.filter(username=username).first()
    if user is None:
        return None
    existing = HolderLink.objects.filter(user=user).first()
    if existing is not None:
        return existing
    on = today()
    cert = (Certificate.objects.filter(issuer_code="140000-YJ", status="valid",
                                       valid_from__lte=on, valid_until__gt=on)
            .exclude(review_due__lt=on).select_related("holder").order_by("pk").first())
    if cert is None:
        return None
    link = services.holder_link(by=SYSTEM, user=user, id_no=cert.holder.id_no)
    user.display_name = cert.holder.name
    user.save(update_fields=["display_name"])
    return link
