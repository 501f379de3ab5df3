"""The admin site: log-like rows can be read but never added, changed or deleted, whatever the
policy lets an administrator do, and every admin page viewed or form posted is in the audit
log (refused attempts included)."""

import pytest
from django.contrib import admin

from certguard.catalog.models import Family
from certguard.core.audit_chain import audit_seal
from certguard.core.audit_models import LOG_MODELS
from certguard.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt():
    from axes.models import AccessAttempt

    return AccessAttempt.objects.create(username="demo_admin", ip_address="10.0.0.1",
                                        failures_since_start=3, get_data="", post_data="")


def test_every_log_model_in_the_admin_is_read_only(rf, cast):
    registered = [m for m in admin.site._registry if m._meta.label_lower in LOG_MODELS]
    assert {m._meta.label_lower for m in registered} >= {
        "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}
    for user in (cast.admin, cast.security_officer):
        request = rf.get("/django-admin/")
        request.user = user
        for model in registered:
            model_admin = admin.site._registry[model]
            assert not model_admin.has_delete_permission(request)
            assert not model_admin.has_change_permission(request)
            assert not model_admin.has_add_permission(request)
    request.user = cast.security_officer  # the policy still decides who may read them
    assert admin.site._registry[registered[0]].has_view_permission(request)


@pytest.mark.parametrize("path", ["workforce/ledgerchange/", "orgs/loginevent/",
                                  "core/auditentry/", "core/auditseal/"])
def test_business_histories_and_the_audit_log_are_not_in_the_admin(cast, verified_client, path):
    for user in (cast.admin, cast.security_officer):
        assert verified_client(user).get(f"/django-admin/{path}").status_code == 404


def test_login_attempts_cannot_be_deleted_and_trying_is_on_record(cast, verified_client,
                                                                 attempt):
    client = verified_client(cast.security_officer)
    url = f"/django-admin/axes/accessattempt/{attempt.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 403
    listing = client.post("/django-admin/axes/accessattempt/", {
        "action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"})
    assert listing.status_code in (200, 302)
    assert type(attempt).objects.filter(pk=attempt.pk).exists()
    tries = AuditEntry.objects.filter(action="admin", object_type="axes.accessattempt")
    assert tries.count() == 2 and tries.first().data["status"] == 403
    assert tries.last().data["admin_action"] == "delete_selected"
    assert tries.last().data["selected"] == [str(attempt.pk)]
    assert tries.last().actor == "security_officer"


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


def test_admin_pages_viewed_are_logged_with_the_rows_shown(cast, verified_client, attempt):
    client = verified_client(cast.security_officer)
    assert client.get("/django-admin/axes/accessattempt/").status_code == 200
    assert client.get(f"/django-admin/axes/accessattempt/{attempt.pk}/change/"
                      ).status_code == 200
    audit_seal()
    reads = AuditEntry.objects.filter(action="read", actor="security_officer",
                                      object_type="axes.accessattempt").order_by("id")
    assert [r.data["ids"] for r in reads] == [[str(attempt.pk)], [str(attempt.pk)]]
    assert "管理后台查看" in reads.first().summary
