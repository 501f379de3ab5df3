"""三权分立 (issue 10, item 2): the system, security and audit administrators are three
accounts; the audit administrator reads the log and changes nothing; no log-like row can be
deleted through the admin, and every admin request is on record."""

import re

import pytest
from django.apps import apps
from django.contrib import admin

from certguard.core.admin_site import AuditedAdminSite
from certguard.core.audit_models import LOG_MODELS
from certguard.core.errors import AppError
from certguard.core.models import AuditEntry
from certguard.core.rights import ADMIN_ROLES, RIGHTS
from certguard.orgs.models import Membership
from certguard.orgs.services import user_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("second", sorted(ADMIN_ROLES - {"admin"}))
def test_an_administrator_cannot_also_hold_another_administrator_role(cast, second):
    with pytest.raises(AppError) as refused:
        Membership.objects.create(user=cast.admin, organisation=cast.issuing_authority,
                                  role=second)
    assert refused.value.code == "separation_of_duties"
    assert "三权分立" in refused.value.message
    assert not cast.admin.memberships.filter(role=second).exists()


def test_no_account_holds_all_three(cast):
    user = user_create(username="all_three", password="Qx7#mTr9!vLp2z",
                       organisation=cast.issuing_authority, role="audit_admin")
    for role in ("admin", "security_admin"):
        with pytest.raises(AppError):
            Membership.objects.create(user=user, organisation=cast.issuing_authority, role=role)
    assert set(user.memberships.values_list("role", flat=True)) == {"audit_admin"}
    # an inactive administrator membership does not count; a non-administrator role is fine
    Membership.objects.create(user=user, organisation=cast.department_a, role="inspector")


def test_the_security_administrator_cannot_give_one_account_two_administrator_roles(
        cast, verified_client):
    client = verified_client(cast.security_officer)
    url = f"/django-admin/orgs/user/{cast.auditor.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    membership = cast.auditor.memberships.get()
    data = {"username": "auditor", "display_name": "auditor", "phone": "", "email": "",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "2", "memberships-INITIAL_FORMS": "1",
            "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-id": membership.pk, "memberships-0-user": cast.auditor.pk,
            "memberships-0-organisation": membership.organisation_id,
            "memberships-0-role": "audit_admin", "memberships-0-active": "on",
            "memberships-1-id": "", "memberships-1-user": cast.auditor.pk,
            "memberships-1-organisation": cast.issuing_authority.pk,
            "memberships-1-role": "admin", "memberships-1-active": "on"}
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the reason
    assert "三权分立" in response.content.decode()
    assert set(cast.auditor.memberships.values_list("role", flat=True)) == {"audit_admin"}
    assert AuditEntry.objects.filter(action="admin", object_type="orgs.user").exists()


def test_the_system_administrator_does_not_manage_accounts(cast, verified_client):
    client = verified_client(cast.admin)
    assert client.get("/django-admin/orgs/user/").status_code == 403
    assert client.get("/django-admin/orgs/membership/").status_code == 403


def test_the_audit_administrator_reads_the_log_and_changes_nothing(cast, verified_client):
    client = verified_client(cast.auditor)
    assert client.get("/audit/").status_code == 200
    assert [action for action, right in RIGHTS.items()
            if "audit_admin" in right.roles and right.mode == "change"] == []
    # no way into the admin, by page or by form
    assert client.get("/django-admin/").status_code == 302
    refused = client.post(f"/django-admin/orgs/user/{cast.auditor.pk}/change/",
                          {"username": "renamed"})
    assert refused.status_code in (302, 403)
    cast.auditor.refresh_from_db()
    assert cast.auditor.username == "auditor"


LOG_LIKE = re.compile(r"(Event|Log|LogEntry|Change|Attempt|Entry|Seal|History)$")


# Named like a log but a current record, not a history.
NOT_LOGS = {"workforce.ledgerentry": "the ledger's current rows (its history is LedgerChange)"}


def _log_like_models() -> list:
    return [m for m in apps.get_models() if LOG_LIKE.search(m.__name__)
            and m._meta.label_lower not in NOT_LOGS]


def test_every_log_like_model_is_listed_as_a_log():
    names = {m._meta.label_lower for m in _log_like_models()}
    assert {"workforce.ledgerchange", "orgs.loginevent", "core.auditentry",
            "registry.certificateevent", "axes.accessattempt"} <= names
    assert names - set(LOG_MODELS) == set()


@pytest.mark.parametrize("model", _log_like_models(), ids=lambda m: m._meta.label_lower)
def test_the_admin_refuses_to_delete_any_log_like_row_whoever_registers_it(rf, cast, model):
    site = AuditedAdminSite(name="probe")
    site.register(model, admin.ModelAdmin)
    from certguard.core.admin_policy import apply_policy

    apply_policy(site)
    model_admin = site._registry[model]
    for user in (cast.admin, cast.security_officer):
        request = rf.post("/")
        request.user = user
        assert not model_admin.has_delete_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_add_permission(request)


def test_the_database_refuses_a_second_administrator_role_even_around_save(cast):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.bulk_create([Membership(user=cast.admin, role="audit_admin",
                                                   organisation=cast.issuing_authority)])
    assert set(cast.admin.memberships.values_list("role", flat=True)) == {"admin"}
