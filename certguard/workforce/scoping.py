"""Who may see an employer's records: the employer itself, regulators of its region and sector."""

from __future__ import annotations

from django.db.models import Q

from certguard.core.scoping import Actor


def employer_scope(actor: Actor, action: str, *, field: str = "employer") -> Q | None:
    """Condition on ``field`` (an Organisation FK): an enterprise sees and changes only its
    own records; regulators view those of enterprises in their region subtree and sector
    remit; administrators everything. Everyone else (police, the public) sees nothing."""
    if actor.is_admin:
        return Q()
    if actor.organisation_id is None:
        return None
    if actor.organisation_kind == "enterprise":
        return Q(**{f"{field}_id": actor.organisation_id})
    if actor.is_regulator and action == "view":
        return Q(**{f"{field}__region__code__startswith": actor.region_prefix,
                    f"{field}__sector__in": actor.sectors})
    return None
