"""Signing keys for the demo world's three issuing authorities, one algorithm each, so the
demo shows that the verifier handles Ed25519, SM2 and ES256 side by side. Safe to re-run."""

from __future__ import annotations

from django.db import transaction

from certguard.core.scoping import COMMAND_LINE
from certguard.ecert import services
from certguard.ecert.models import EcertKey
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
