from certguard.core.rights import ROLES
from certguard.core.scoping import actor_of
from certguard.orgs.navigation import nav_for


def acting(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "actor": None}
    actor = actor_of(user)
    return {
        "actor": actor,
        "nav": nav_for(actor),
        "role_label": ROLES.get(actor.role, actor.role),
        "memberships": [m for m in user.memberships.all() if m.active],
    }
