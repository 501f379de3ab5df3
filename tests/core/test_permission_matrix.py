"""Every route of the URLconf, requested as every member of the cast, answers as the policy says.

For each route the test reads the action(s) the view declares, then asks every user whose role
may act (and one member of each role that may not, the anonymous visitor included), by GET and
by POST, for a record in county A (enterprise X; see
``matrix_objects``). The policy's decision for that user, action and record predicts the
answer: allowed → neither 401, 403 nor 404 (and no server error); needs a login → the login
page (pages) or 401 (API); the role may not → 403; the record is outside the user's scope →
404. A page that shows a full ID number must have logged a personal-data read.

A view that declares no action, or a route whose record is not known, fails here.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from certguard.core.policy import Decision, decide, view_actions
from certguard.core.rights import RIGHTS
from tests.core.matrix_objects import ID_NO, ROUTE_OBJECTS, Records

ADMIN_PREFIX = "django-admin/"


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


ROUTES = [(route, pattern) for route, pattern in _walk(get_resolver().url_patterns)
          if not route.startswith(ADMIN_PREFIX)]


def _url(route: str, kwargs: dict) -> str:
    path = route
    for key, value in kwargs.items():
        for converter in ("int", "str", "slug"):
            path = path.replace(f"<{converter}:{key}>", str(value))
    assert "<" not in path, f"{route}: 未提供全部参数 {kwargs}"
    return "/" + path


def test_every_route_declares_its_action():
    missing = [route for route, pattern in ROUTES if view_actions(pattern.callback) is None]
    assert not missing, f"这些页面或接口未声明权限动作：{missing}"


def test_every_api_method_has_an_action():
    """An APIView that handles POST must name a write action (and GET a read action)."""
    problems = []
    for route, pattern in ROUTES:
        cls = getattr(pattern.callback, "cls", None)
        if cls is None:
            continue
        actions = view_actions(pattern.callback)
        for method, key in (("get", "read"), ("post", "write"), ("put", "write"),
                            ("patch", "write"), ("delete", "write")):
            if hasattr(cls, method) and method != "options" and not actions[key]:
                problems.append(f"{route} {method.upper()}")
    assert not problems, f"这些接口方法未声明权限动作：{problems}"


def test_every_route_with_arguments_names_its_record():
    needing = {route for route, _ in ROUTES if "<" in route}
    assert needing <= set(ROUTE_OBJECTS), sorted(needing - set(ROUTE_OBJECTS))
    assert set(ROUTE_OBJECTS) <= needing, sorted(set(ROUTE_OBJECTS) - needing)


def test_every_declared_action_is_in_the_table():
    for _, pattern in ROUTES:
        for action in (view_actions(pattern.callback) or {}).values():
            assert not action or action in RIGHTS


def _sign_in(client, user) -> None:
    client.logout()
    if user is None:
        return
    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="matrix",
                                                 defaults={"confirmed": True})
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()


def _reads_logged() -> int:
    from certguard.core.audit_spool import audit_ingest
    from certguard.core.models import AuditEntry

    audit_ingest(force=True)
    return AuditEntry.objects.filter(action="read").count()


def _decision(user, action: str, record, scope_action: str) -> Decision:
    decision = decide(user, action)
    if decision is Decision.ALLOW and record is not None:
        return decide(user, scope_action or action, record)
    return decision


def _verdict(decision: Decision, response, *, api: bool) -> str:
    """'' when the answer agrees with the decision, else what is wrong."""
    status = response.status_code
    if status >= 500:
        return f"服务器错误 {status}"
    if status == 405 and decision in (Decision.ALLOW, Decision.SCOPE):
        return ""  # the method is refused before any record is looked up: nothing disclosed
    if decision is Decision.ALLOW:
        return f"应允许，却答 {status}" if status in (401, 403, 404) else ""
    if decision is Decision.LOGIN:
        if api:
            return "" if status == 401 else f"应答 401，却答 {status}"
        location = response.get("Location", "")
        return "" if status == 302 and location.startswith(reverse("orgs:login")) \
            else f"应转到登录页，却答 {status} {location}"
    if decision is Decision.ROLE:
        return "" if status == 403 else f"角色无权，应答 403，却答 {status}"
    return "" if status in (403, 404) else f"不在范围内，应答 404，却答 {status}"


def _askers(world, actions: dict, record) -> list[tuple[str, object]]:
    """Who asks a route. Without a record only the role matters: one member per role. With
    one, every member whose role may act (where they sit decides the answer), and one member
    of each role that may not (refused by role wherever they sit)."""
    if record is None:
        return world.one_per_role()
    askers, refused_roles = [], set()
    for label, user in world.everyone():
        role = label.split("@")[0]
        if all(decide(user, action) in (Decision.ROLE, Decision.LOGIN)
               for action in actions.values() if action):
            if role in refused_roles:
                continue
            refused_roles.add(role)
        askers.append((label, user))
    return askers


@pytest.mark.parametrize("route", [r for r, _ in ROUTES])
def test_route_answers_as_the_policy_says(route, world, client, tmp_path,
                                          django_capture_on_commit_callbacks):
    pattern = dict(ROUTES)[route]
    actions = view_actions(pattern.callback)
    records = Records(world, tmp_path, django_capture_on_commit_callbacks)
    kwargs, record, scope_action = records.kwargs(route) if "<" in route else ({}, None, "")
    url, api = _url(route, kwargs), route.startswith("api/")
    wrong = []
    for label, user in _askers(world, actions, record):
        _sign_in(client, user)
        for method, key in (("get", "read"), ("post", "write")):
            action = actions[key]
            if not action:
                continue
            decision = _decision(user, action, record, scope_action)
            before = _reads_logged()
            response = getattr(client, method)(url, **({"content_type": "application/json",
                                                          "data": {}} if api and
                                                         method == "post" else {}))
            problem = _verdict(decision, response, api=api)
            if (not problem and method == "get" and response.status_code == 200
                    and not response.streaming
                    and ID_NO in response.content.decode("utf-8", "replace")
                    and _reads_logged() == before):
                problem = "显示了完整身份证号，却没有记录个人信息查看"
            if problem:
                wrong.append(f"{method.upper()} {url} 以 {label}（{action}）：{problem}")
    assert not wrong, "\n".join(wrong)


# --- The Django admin -------------------------------------------------------------------------

def _admin_urls() -> list[tuple[str, type | None, str]]:
    from django.contrib import admin

    urls: list[tuple[str, type | None, str]] = [("/django-admin/", None, "index")]
    for model in admin.site._registry:
        meta = model._meta
        for view in ("changelist", "add"):
            urls.append((reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}"), model,
                         view))
    return urls


def test_admin_login_is_the_platforms(client):
    response = client.get(reverse("admin:login") + "?next=/django-admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("orgs:login"))


def test_admin_answers_as_the_policy_says(world, client):
    """Site: the system and security administrators; each model: its action. A refused
    user is sent to the login page (site) or refused (model). Log-like rows are never added
    (audit_models.LOG_MODELS), whatever the policy lets an administrator do."""
    from certguard.core.admin_policy import admin_action
    from certguard.core.audit_models import LOG_MODELS

    wrong = []
    for label, user in world.one_per_role():
        _sign_in(client, user)
        for url, model, view in _admin_urls():
            site = decide(user, "system.admin_site")
            allowed_model = model is None or decide(user, admin_action(model)) is Decision.ALLOW
            if view == "add" and model._meta.label_lower in LOG_MODELS:
                allowed_model = False
            # security: admins that refuse more than the policy (second-factor resets are
            # made by an action, authenticators only by their owner)
            if view == "add" and getattr(admin.site._registry[model],
                                         "_policy_keeps_has_add_permission", False):
                allowed_model = False
            response = client.get(url)
            status, location = response.status_code, response.get("Location", "")
            if site is not Decision.ALLOW:
                ok = status == 302 and location.startswith((reverse("orgs:login"),
                                                            reverse("admin:login")))
            elif not allowed_model:
                ok = status == 403
            else:
                ok = status == 200
            if not ok:
                wrong.append(f"{url} 以 {label}：答 {status} {location}")
    assert not wrong, "\n".join(wrong)
