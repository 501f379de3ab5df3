"""The admin site: log-like rows can be read but never added, changed or deleted, and every
admin page viewed or form posted is in the audit log."""

import pytest
from django.contrib import admin

from certguard.catalog.models import Family
from certguard.core.audit_chain import audit_seal
from certguard.core.audit_models import LOG_MODELS
from certguard.core.models import AuditEntry
from certguard.workforce.models import LedgerChange, LedgerEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger_change(cast):
    entry = LedgerEntry.objects.create(employer=cast.enterprise_x, worker_id_no="1" * 18,
                                       worker_name="王五", post="电工")
    return LedgerChange.objects.create(entry=entry, employer=cast.enterprise_x, kind="added",
                                       changes={"worker_name": [None, "王五"]})


def test_every_log_model_in_the_admin_is_read_only(rf, cast):
    request = rf.get("/django-admin/")
    request.user = cast.admin
    registered = [m for m in admin.site._registry if m._meta.label_lower in LOG_MODELS]
    assert {m._meta.label_lower for m in registered} >= {
        "workforce.ledgerchange", "clues.clueevent", "axes.accessattempt", "axes.accesslog"}
    for model in registered:
        model_admin = admin.site._registry[model]
        assert model_admin.has_view_permission(request)
        assert not model_admin.has_delete_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_add_permission(request)


def test_the_administrator_cannot_delete_ledger_changes(cast, verified_client, ledger_change):
    client = verified_client(cast.admin)
    url = f"/django-admin/workforce/ledgerchange/{ledger_change.pk}/delete/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    listing = client.post("/django-admin/workforce/ledgerchange/", {
        "action": "delete_selected", "_selected_action": [ledger_change.pk], "post": "yes"})
    assert listing.status_code in (200, 302)
    assert LedgerChange.objects.filter(pk=ledger_change.pk).exists()
    attempts = AuditEntry.objects.filter(action="admin", object_type="workforce.ledgerchange")
    assert attempts.count() == 2  # both refused posts are on record, with who and what
    assert attempts.last().data["admin_action"] == "delete_selected"
    assert attempts.last().data["selected"] == [str(ledger_change.pk)]
    assert attempts.last().actor == "admin"


def test_login_attempts_cannot_be_deleted_in_the_admin(cast, verified_client):
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.create(username="demo_admin", ip_address="10.0.0.1",
                                           failures_since_start=3, get_data="", post_data="")
    client = verified_client(cast.admin)
    assert client.post(f"/django-admin/axes/accessattempt/{attempt.pk}/delete/",
                       {"post": "yes"}).status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_an_admin_change_is_logged_as_an_admin_action_and_a_change(cast, verified_client):
    client = verified_client(cast.admin)
    family = Family.objects.get(key="special_ops")
    url = f"/django-admin/catalog/family/{family.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(name="特种作业人员操作证（改）")
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    posted = AuditEntry.objects.get(action="admin", object_type="catalog.family")
    assert posted.object_id == str(family.pk) and "name" in posted.data["fields"]
    change = AuditEntry.objects.get(action="update", object_type="catalog.family")
    assert change.data["after"] == {"name": "特种作业人员操作证（改）"}
    assert change.actor == "admin"


def test_admin_pages_viewed_are_logged_with_the_rows_shown(cast, verified_client,
                                                           ledger_change):
    client = verified_client(cast.admin)
    assert client.get("/django-admin/workforce/ledgerentry/").status_code == 200
    assert client.get(f"/django-admin/workforce/ledgerchange/{ledger_change.pk}/change/"
                      ).status_code == 200
    audit_seal()
    reads = AuditEntry.objects.filter(action="read", actor="admin").order_by("id")
    listing = reads.get(object_type="workforce.ledgerentry")
    assert listing.data["ids"] == [str(ledger_change.entry_id)]
    assert reads.get(object_type="workforce.ledgerchange").object_id == str(ledger_change.pk)
