"""The one policy: may this actor do this action (on this object)?

The table of roles and actions is ``certguard.core.rights``. Everything that lets a user do
something asks here:

- pages: ``@requires("clues.view", post="clues.work")`` on the view function;
- API views: ``policy = "clues.view"`` (or a dict per HTTP method) on the APIView class, checked
  by :class:`PolicyPermission`, the API's default permission class;
- reads: ``Model.objects.restrict(user, "clues.view")`` (see ``core.scoping``) — the action's
  role check, then the model's ``scope(actor, mode)`` for region, remit and ownership;
- jobs, CLI commands and exports name their action too (``core.jobs``, ``core.commands``,
  ``core.exports``).

A refusal for lack of role is 403 (or the login page for an anonymous visitor); an object
outside the actor's scope is 404, so that its existence is not disclosed.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from rest_framework.permissions import BasePermission

from certguard.core.rights import ANONYMOUS, RIGHTS, SYSTEM, Right
from certguard.core.scoping import Actor, UserLike, actor_of

if TYPE_CHECKING:
    from django.db import models

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class UnknownAction(ImproperlyConfigured):
    """A programming error: an action name that is not in the table, or used on a model the
    action does not apply to."""


class Decision(enum.Enum):
    ALLOW = "allow"
    LOGIN = "login"  # anonymous, and the action needs an account
    ROLE = "role"  # the role may not do this at all
    SCOPE = "scope"  # the role may, but not on this object


def right(action: str) -> Right:
    try:
        return RIGHTS[action]
    except KeyError:
        raise UnknownAction(f"未定义的权限动作：{action}") from None


def known(action: str) -> str:
    """The action itself, once it is known to be in the table."""
    right(action)
    return action


def role_of(actor: Actor) -> str:
    if actor.is_anonymous:
        return ANONYMOUS
    return actor.role


def role_allows(actor: Actor, action: str) -> bool:
    rule = right(action)
    return actor.role == SYSTEM or role_of(actor) in rule.roles


def decide(user: UserLike, action: str, obj: models.Model | None = None) -> Decision:
    actor = actor_of(user)
    if not role_allows(actor, action):
        return Decision.LOGIN if actor.is_anonymous else Decision.ROLE
    if obj is not None:
        manager: Any = type(obj)._default_manager  # a RestrictedQuerySet manager
        in_scope = manager.restrict(actor, action).filter(pk=obj.pk)
        if not in_scope.exists():
            return Decision.SCOPE
    return Decision.ALLOW


def allows(user: UserLike, action: str, obj: models.Model | None = None) -> bool:
    return decide(user, action, obj) is Decision.ALLOW


def require(user: UserLike, action: str, obj: models.Model | None = None) -> Actor:
    """For services, jobs and commands: the actor, or the application error that refuses."""
    from certguard.core.errors import Forbidden, NotFound

    decision = decide(user, action, obj)
    if decision is Decision.SCOPE:
        raise NotFound("not_found", "对象不存在或无权查看")
    if decision is not Decision.ALLOW:
        raise Forbidden("permission_denied", f"无权{right(action).label}")
    return actor_of(user)


def scope_for(model: type[models.Model], user: UserLike, action: str):
    """The filter ``restrict()`` applies: None (nothing), or a Q for the model's scope."""
    rule = right(action)
    label = model._meta.label_lower
    if label not in rule.models:
        raise UnknownAction(f"权限动作 {action} 不适用于 {label}")
    actor = actor_of(user)
    if not role_allows(actor, action):
        return None
    return model.scope(actor, rule.mode)  # type: ignore[attr-defined]


# --- pages ----------------------------------------------------------------------------------

def requires(action: str, *, post: str | None = None) -> Callable:
    """Guard a page view: ``action`` for reads, ``post`` (default: the same) for writes.

    The actions are looked up now, so a misspelt one stops the server from starting."""
    actions = {"read": known(action), "write": known(post or action)}

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def guarded(request, *args: Any, **kwargs: Any):
            wanted = actions["read"] if request.method in READ_METHODS else actions["write"]
            decision = decide(request.user, wanted)
            if decision is Decision.LOGIN:
                return redirect_to_login(request.get_full_path())
            if decision is not Decision.ALLOW:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        guarded.policy_actions = actions  # type: ignore[attr-defined]
        return guarded

    return decorator


def view_actions(view: Callable) -> dict[str, str] | None:
    """The actions a resolved view declares ({"read": …, "write": …}), or None: a page
    guarded by ``requires``, or an API view (DRF) with its ``policy``."""
    declared = getattr(view, "policy_actions", None)
    if declared is not None:
        return declared
    cls = getattr(view, "cls", None)  # DRF's as_view() keeps the APIView class here
    if cls is not None and getattr(cls, "policy", None) is not None:
        return api_actions(cls.policy)
    return None


# --- API ------------------------------------------------------------------------------------

def api_actions(declared: str | dict[str, str]) -> dict[str, str]:
    if isinstance(declared, str):
        return {"read": known(declared), "write": declared}
    return {key: known(declared[key]) if declared.get(key) else ""
            for key in ("read", "write")}


class PolicyPermission(BasePermission):
    """The API's default permission class: the view's ``policy`` names its action(s).

    A view without ``policy`` answers 500 and fails the permission-matrix test: every
    endpoint must say what it is."""

    def has_permission(self, request, view) -> bool:
        declared = getattr(view, "policy", None)
        if declared is None:
            raise ImproperlyConfigured(f"{type(view).__name__} 未声明权限动作（policy）")
        actions = api_actions(declared)
        wanted = actions["read"] if request.method in READ_METHODS else actions["write"]
        if not wanted:  # no action for this method: 405 if the view has no handler for it
            return not hasattr(view, request.method.lower())
        if role_allows(actor_of(request.user), wanted):
            return True
        self.message = f"无权{right(wanted).label}"
        return False
