"""Every change of an audited model is logged with its values before and after: save(),
update(), bulk_create(), bulk_update(), queryset delete() and raw SQL through audited_sql."""

from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from certguard import ids
from certguard.core.audit_writes import audited_sql
from certguard.core.models import AuditEntry
from certguard.orgs.models import Membership, Organisation, User
from certguard.registry import services
from certguard.registry.models import Holder

pytestmark = pytest.mark.django_db


def _entries(label, action=None):
    entries = AuditEntry.objects.filter(object_type=label).order_by("id")
    return entries.filter(action=action) if action else entries


def _holders(n, *, start=0):
    return [Holder(id_no=ids.make_id_no("140521", date(1950, 1, 1) + timedelta(days=i), 101),
                   name=f"张{i}")
            for i in range(start, start + n)]


def test_save_logs_before_and_after_of_what_changed_without_reading_the_row(cast):
    org = Organisation.objects.get(pk=cast.enterprise_x.pk)
    old_name = org.name
    org.name = "沁水县X煤业集团有限公司"
    with CaptureQueriesContext(connection) as queries:
        org.save()
    assert not any(q["sql"].startswith("SELECT") for q in queries.captured_queries)
    entry = _entries("orgs.organisation", "update").get()
    assert entry.data["before"] == {"name": old_name}
    assert entry.data["after"] == {"name": "沁水县X煤业集团有限公司"}
    assert entry.object_id == str(org.pk)


def test_a_second_save_compares_with_the_first(cast):
    org = Organisation.objects.get(pk=cast.enterprise_x.pk)
    org.name = "甲"
    org.save()
    org.name = "乙"
    org.save()
    org.save()  # nothing changed: nothing logged
    entries = list(_entries("orgs.organisation", "update"))
    assert [(e.data["before"]["name"], e.data["after"]["name"]) for e in entries] == [
        (cast.enterprise_x.name, "甲"), ("甲", "乙")]


def test_update_fields_and_refresh_from_db(cast):
    org = Organisation.objects.get(pk=cast.enterprise_x.pk)
    Organisation.objects.filter(pk=org.pk).update(name="别处改的")
    org.refresh_from_db()
    org.name = "又改了"
    org.save(update_fields=["name"])
    entry = _entries("orgs.organisation", "update").last()
    assert entry.data == {"fields": ["name"], "before": {"name": "别处改的"},
                          "after": {"name": "又改了"}}


def test_an_instance_never_loaded_is_looked_up_once(cast):
    org = Organisation.objects.get(pk=cast.enterprise_x.pk)
    stranger = Organisation(**{f.attname: getattr(org, f.attname)
                               for f in Organisation._meta.concrete_fields})
    stranger._state.adding = False
    stranger.name = "构造出来的"
    stranger.save()
    entry = _entries("orgs.organisation", "update").get()
    assert entry.data["before"]["name"] == cast.enterprise_x.name


def test_secrets_are_redacted_but_their_change_is_logged(cast):
    user = User.objects.get(pk=cast.user_x.pk)
    user.set_password("Another#Passw0rd")
    user.save()
    entry = _entries("orgs.user", "update").get()
    assert entry.data == {"before": {"password": "***"}, "after": {"password": "***"}}


def test_queryset_update_logs_each_row_before_and_after(cast):
    holders = Holder.objects.bulk_create(_holders(3))
    Holder.objects.filter(pk=holders[2].pk).update(name="张2")  # no change: not listed
    assert not _entries("registry.holder", "update").exists()
    count = Holder.objects.filter(pk__in=[h.pk for h in holders]).update(
        barred_until=date(2027, 1, 1))
    assert count == 3
    entry = _entries("registry.holder", "update").get()
    assert entry.data["count"] == 3
    assert entry.data["changes"][0] == {"id": holders[0].pk, "before": {"barred_until": None},
                                        "after": {"barred_until": "2027-01-01"}}


def test_update_with_an_expression_reads_the_values_after(cast):
    org = cast.enterprise_x
    Organisation.objects.filter(pk=org.pk).update(name=F("credit_code"))
    change = _entries("orgs.organisation", "update").get().data["changes"][0]
    assert change["after"] == {"name": org.credit_code}


def test_the_three_year_bar_on_reapplication_is_logged(cast):
    cert = services.certificate_issue(by=cast.issuer, id_no=ids.make_id_no(
        "140521", date(1985, 3, 14), 31), name="李建国", family="special_ops", item_code="1.2",
        first_issued=date(2020, 5, 6))
    services.certificate_revoke(by=cast.issuer, certificate=cert, on=date(2021, 1, 10),
                                reason="fraud_or_bribery")
    change = _entries("registry.holder", "update").get().data["changes"][0]
    assert change == {"id": cert.holder_id, "before": {"barred_until": None},
                      "after": {"barred_until": "2024-01-10"}}
    status = _entries("registry.certificate", "update").last().data
    assert status["before"]["status"] == "valid" and status["after"]["status"] == "revoked"


def test_bulk_create_logs_one_entry_per_thousand_rows(cast):
    created = Holder.objects.bulk_create(_holders(2500))
    entries = list(_entries("registry.holder", "create"))
    assert [e.data["count"] for e in entries] == [1000, 1000, 500]
    logged = [c for e in entries for c in e.data["changes"]]
    assert [c["id"] for c in logged] == [h.pk for h in created]
    assert logged[0]["before"] is None and logged[0]["after"]["name"] == "张0"


def test_bulk_update_fetches_the_values_before(cast):
    holders = Holder.objects.bulk_create(_holders(3))
    stale = list(Holder.objects.filter(pk__in=[h.pk for h in holders]).order_by("pk"))
    Holder.objects.filter(pk=stale[0].pk).update(name="改过一次")  # the instance does not know
    for holder in stale:
        holder.name = holder.name + "（新）"
    Holder.objects.bulk_update(stale, ["name"])
    change = _entries("registry.holder", "update").last().data["changes"][0]
    assert change["before"] == {"name": "改过一次"} and change["after"] == {"name": "张0（新）"}


def test_queryset_delete_logs_every_row_cascades_included(cast):
    org = Organisation.objects.create(kind="enterprise", name="临时单位", region_id="140521",
                                      credit_code=ids.make_credit_code("140521", 9))
    for n in range(2):
        user = User.objects.create(username=f"temp{n}")
        Membership.objects.create(user=user, organisation=org, role="enterprise_user")
    Organisation.objects.filter(pk=org.pk).delete()
    organisation = _entries("orgs.organisation", "delete").get().data["changes"]
    memberships = _entries("orgs.membership", "delete").get().data["changes"]
    assert organisation[0]["before"]["name"] == "临时单位"
    assert len(memberships) == 2 and all(c["after"] is None for c in memberships)


def test_a_single_delete_still_logs_its_row(cast):
    membership = Membership.objects.get(user=cast.user_x)
    membership.delete()
    entry = _entries("orgs.membership", "delete").get()
    assert entry.data["before"]["role"] == "enterprise_user"


def test_bulk_create_with_conflict_handling_is_refused_on_an_audited_model(cast):
    with pytest.raises(TypeError, match="audited_sql"):
        Holder.objects.bulk_create(_holders(1), ignore_conflicts=True)


def test_raw_sql_through_the_helper_is_logged_and_rolls_back_with_it(cast):
    sql = "UPDATE registry_holder SET name = %s WHERE id = %s"
    holder = Holder.objects.bulk_create(_holders(1))[0]
    audited_sql(sql=sql, rows=[("新名", holder.pk)], object_type="registry.holder",
                action="update", changes=[{"id": holder.pk, "before": {"name": "张0"},
                                           "after": {"name": "新名"}}])
    assert _entries("registry.holder", "update").get().data["changes"][0]["after"] == {
        "name": "新名"}
    with pytest.raises(RuntimeError), transaction.atomic():
        audited_sql(sql=sql, rows=[("再改", holder.pk)], object_type="registry.holder",
                    action="update", changes=[{"id": holder.pk}])
        raise RuntimeError("the caller fails after the write")
    assert _entries("registry.holder", "update").count() == 1
    assert Holder.objects.get(pk=holder.pk).name == "新名"


def test_a_roster_applied_to_the_ledger_logs_each_worker_before_and_after(cast):
    from certguard.workforce.services import LedgerRow, ledger_apply

    worker = ids.make_id_no("140521", date(1980, 2, 2), 11)
    for on, valid_until in ((date(2025, 1, 1), None), (date(2025, 6, 1), date(2030, 1, 1))):
        ledger_apply(employer=cast.enterprise_x, as_of=on, by=cast.user_x, source_label="花名册",
                     rows=[LedgerRow(worker, "甲", post="电工", valid_until=valid_until)])
    added = _entries("workforce.ledgerentry", "create").get().data["changes"]
    assert added[0]["after"]["worker_id_no"] == worker and added[0]["before"] is None
    updated = _entries("workforce.ledgerentry", "update").get().data["changes"]
    assert updated[0]["before"]["valid_until"] is None
    assert updated[0]["after"]["valid_until"] == "2030-01-01"


def test_references_cleared_by_a_delete_are_logged(cast):
    from certguard.registry.models import Certificate, ImportBatch

    cert = services.certificate_issue(by=cast.issuer, id_no=ids.make_id_no(
        "140521", date(1985, 3, 14), 31), name="李建国", family="special_ops", item_code="1.2",
        first_issued=date(2020, 5, 6))
    batch = ImportBatch.objects.create(file_name="x.csv", sha256="0" * 64)
    Certificate.objects.filter(pk=cert.pk).update(import_batch=batch)
    batch_id = batch.pk
    batch.delete()  # ON DELETE SET NULL: Django clears the certificates without a signal
    change = _entries("registry.certificate", "update").last().data["changes"][0]
    assert change == {"id": cert.pk, "before": {"import_batch_id": batch_id},
                      "after": {"import_batch_id": None}}


def test_audit_bulk_refuses_number_keys_and_writes_out_nul(cast):
    from certguard.core.audit import audit_bulk
    from certguard.core.audit_chain import audit_seal, audit_verify

    with pytest.raises(TypeError, match="field names"):
        audit_bulk(object_type="registry.holder", action="update",
                   changes=[{"id": 1, "before": {1: "a"}, "after": {1: "b"}}])
    audit_bulk(object_type="registry.holder", action="update",
               changes=[{"id": 1, "before": {"name": "张\x00三"}, "after": {"name": "张三"}}])
    audit_seal()
    change = _entries("registry.holder", "update").get().data["changes"][0]
    assert change["before"] == {"name": "张\\x00三"} and audit_verify().ok
