"""Who a user acts as: the organisation and role of their acting membership."""

from __future__ import annotations

from certguard.core.scoping import Actor
from certguard.orgs.reference import DEPARTMENTS, region_prefix


def acting_membership(user):
    """The membership chosen in this session, else the user's first active one."""
    memberships = [m for m in user.memberships.all() if m.active]
    chosen = getattr(user, "_acting_membership_id", None)
    for membership in memberships:
        if membership.pk == chosen:
            return membership
    return min(memberships, key=lambda m: m.pk) if memberships else None


def actor_for_user(user) -> Actor:
    membership = acting_membership(user)
    if membership is None:
        return Actor(user_id=user.pk, username=user.get_username(),
                     role="admin" if user.is_superuser else "public",
                     is_admin=user.is_superuser)  # the installation's first account
    org = membership.organisation
    _, families, sectors = DEPARTMENTS.get(org.department, ("", frozenset(), frozenset()))
    return Actor(
        user_id=user.pk, username=user.get_username(), role=membership.role,
        organisation_id=org.pk, organisation_kind=org.kind, department=org.department,
        region_code=org.region_id, region_prefix=region_prefix(org.region_id),
        families=families, sectors=sectors,
        # An account acts in the role of its membership only (三权分立: a superuser flag
        # does not add the system administrator's rights to an auditor's account).
        is_admin=membership.role == "admin",
    )
