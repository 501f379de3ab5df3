from certguard.core.scoping import actor_of
from certguard.orgs.navigation import nav_for
from certguard.orgs.reference import ROLES


def acting(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "actor": None}
    actor = actor_of(user)
    return {
        "actor": actor,
        "nav": nav_for(actor),
        "role_label": "系统管理员" if actor.is_admin else ROLES.get(actor.role, actor.role),
        "memberships": [m for m in user.memberships.all() if m.active],
    }
