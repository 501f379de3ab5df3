"""The one gate for "who may see what": ``Model.objects.restrict(user, action)``.

Each scoped model defines ``scope(actor, action) -> Q | None`` (None = nothing). Who the user
acts as (organisation, role, region subtree, department remit) is an :class:`Actor`, built by
the ``orgs`` app, which registers its resolver here so that ``core`` stays the lowest layer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    username: str = ""
    role: str = "public"
    organisation_id: int | None = None
    organisation_kind: str = ""
    department: str = ""
    region_code: str = ""
    region_prefix: str = ""  # codes of the region's whole subtree start with this
    families: frozenset[str] = field(default_factory=frozenset)
    sectors: frozenset[str] = field(default_factory=frozenset)
    is_admin: bool = False

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    @property
    def is_regulator(self) -> bool:
        return self.role in REGULATOR_ROLES and self.organisation_kind in {"department", "issuer"}

    @property
    def is_judicial(self) -> bool:
        return self.role in {"police", "prosecutor"}


REGULATOR_ROLES = frozenset({
    "inspector", "department_head", "analyst", "issuing_officer", "netgov_officer",
    "campaign_office",
})
ANONYMOUS = Actor()
# The operator at the server's command line, who already holds every right the shell gives,
# and the platform itself in background work: the policy lets the "system" role do anything.
COMMAND_LINE = Actor(username="命令行", role="system", is_admin=True)
# "A user or an actor": what every service, selector and policy check accepts as ``user``/``by``.
UserLike: TypeAlias = "AbstractBaseUser | AnonymousUser | Actor | None"
_resolver: Callable[[Any], Actor] | None = None


def register_actor_resolver(resolver: Callable[[Any], Actor]) -> None:
    global _resolver
    _resolver = resolver


def account_of(user: UserLike | object) -> Any:
    """The account behind a user, for a foreign key (None for the anonymous visitor, an
    Actor or the command line, which are not accounts)."""
    return user if getattr(user, "pk", None) and not isinstance(user, Actor) else None


def actor_of(user: UserLike | object) -> Actor:
    """The Actor for a user (cached on the user object for the request's lifetime)."""
    if isinstance(user, Actor):
        return user
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_certguard_actor", None)
    if cached is not None:
        return cached
    account: Any = user
    actor = _resolver(account) if _resolver else Actor(user_id=account.pk,
                                                       username=account.get_username())
    account._certguard_actor = actor
    return actor


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user: UserLike, action: str) -> RestrictedQuerySet:
        """The rows ``user`` may ``action`` (a name from ``core.rights``): the policy's role
        check, then the model's ``scope(actor, mode)``."""
        from certguard.core.policy import scope_for

        condition = scope_for(self.model, user, action)
        if condition is None:
            return self.none()
        return self.filter(condition)
