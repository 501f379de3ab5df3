"""Imports write only inside the importer's remit, row by row, and leave a history: an updated
certificate keeps its previous values in an import event, a created one gets an import event,
and the audit log holds one entry per chunk of written rows."""

from datetime import date

import pytest

from certguard import ids
from certguard.core.models import AuditEntry
from certguard.core.scoping import COMMAND_LINE
from certguard.orgs.models import Membership, Organisation, User
from certguard.registry.importer import certificates_import
from certguard.registry.models import Certificate, CertificateEvent

from .importfiles import GOOD_ID, OTHER_ID, person, row, write_csv

HEBEI_ID = ids.make_id_no("130102", date(1975, 6, 1), 41)


@pytest.fixture
def hebei(cast):
    """A second authority (another province's emergency department) and its officer."""
    org = Organisation.objects.create(kind="department", name="河北省应急管理厅",
                                      region_id="130000", department="yj",
                                      issuer_code="130000-YJ")
    officer = User.objects.create_user(username="hebei_issuer", password="x" * 12)
    Membership.objects.create(user=officer, organisation=org, role="issuing_officer")
    return org, officer


def _load_as_operator(tmp_path, rows, name="seed.csv"):
    return certificates_import(by=COMMAND_LINE, path=write_csv(tmp_path, rows, name=name))


def test_officer_cannot_overwrite_another_authoritys_certificate(cast, hebei, tmp_path):
    org, _ = hebei
    _load_as_operator(tmp_path, [row(HEBEI_ID, "冀某", issuer_code="130000-YJ")])
    before = Certificate.objects.get()
    assert before.issuer == org
    # Shanxi's officer sends the same certificate with their own code and a new status.
    report = certificates_import(by=cast.issuer, path=write_csv(tmp_path, [
        row(HEBEI_ID, "冀某", status="revoked"), row()], name="attack.csv"))
    assert (report.rows_read, report.inserted, report.updated) == (2, 1, 0)
    assert [(r.line, r.code) for r in report.rejected] == [(2, "E_OTHER_AUTHORITY")]
    assert "其他发证机关" in report.rejected[0].message
    after = Certificate.objects.get(pk=before.pk)
    assert (after.status, after.issuer, after.updated_at) == ("valid", org, before.updated_at)
    assert not CertificateEvent.objects.filter(certificate=after, reason_code="import_update")


def test_officer_rows_outside_their_issuer_code_or_remit_are_rejected(cast, tmp_path):
    report = certificates_import(by=cast.issuer, path=write_csv(tmp_path, [
        row(),
        row(OTHER_ID, "钱小红", issuer_code="130000-YJ"),
        row(person(3), "孙三", family="construction", item_code="01", cert_no="JZ0001"),
    ]))
    codes = {r.line: r.code for r in report.rejected}
    assert codes == {3: "E_ISSUER_SCOPE", 4: "E_FAMILY_SCOPE"}
    assert all("本机关" in r.message for r in report.rejected)
    assert Certificate.objects.count() == 1


def test_operator_writes_for_every_authority(cast, hebei, tmp_path):
    report = _load_as_operator(tmp_path, [row(), row(HEBEI_ID, "冀某", issuer_code="130000-YJ")])
    assert (report.inserted, report.rejected_count) == (2, 0)


def test_update_keeps_previous_values_in_an_event_and_created_rows_get_one(cast, tmp_path):
    first = certificates_import(by=cast.issuer, path=write_csv(tmp_path, [row()], name="a.csv"))
    cert = Certificate.objects.get()
    created = CertificateEvent.objects.get(certificate=cert)
    assert (created.kind, created.reason_code) == ("import", "import_create")
    assert created.data["import_batch"] == first.batch_id and created.by == cast.issuer
    second = certificates_import(by=cast.issuer, path=write_csv(tmp_path, [
        row(status="suspended", valid_until="2027-12-31")], name="b.csv"))
    assert (second.inserted, second.updated) == (0, 1)
    event = CertificateEvent.objects.get(certificate=cert, reason_code="import_update")
    assert event.kind == "import" and event.data["line"] == 2
    assert event.data["previous"] == {"status": "valid", "valid_until": "2027-02-28"}
    cert.refresh_from_db()
    assert (cert.status, str(cert.valid_until)) == ("suspended", "2027-12-31")
    assert cert.status_changed_on is not None


def test_identical_rows_are_left_alone(cast, tmp_path):
    certificates_import(by=cast.issuer, path=write_csv(tmp_path, [row()], name="a.csv"))
    again = certificates_import(by=cast.issuer, path=write_csv(tmp_path, [row()], name="b.csv"))
    assert (again.inserted, again.updated, again.unchanged, again.accepted) == (0, 0, 1, 1)
    assert CertificateEvent.objects.count() == 1


def test_audit_has_one_entry_per_chunk_with_the_changes(cast, tmp_path, monkeypatch):
    from certguard.registry import importer

    monkeypatch.setattr(importer, "AUDIT_CHUNK", 2)
    certificates_import(by=cast.issuer, path=write_csv(tmp_path, [row()], name="a.csv"))
    seen = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    rows = [row(status="revoked"), *[row(person(i), f"张{'一二三四'[i]}") for i in range(4)]]
    report = certificates_import(by=cast.issuer, path=write_csv(tmp_path, rows, name="b.csv"))
    assert (report.inserted, report.updated) == (4, 1)
    chunks = AuditEntry.objects.filter(object_type="registry.certificate",
                                       id__gt=seen).order_by("id")
    created = [e.data for e in chunks if e.action == "create"]
    assert [d["created_lines"] for d in created] == [[[3, 3]], [[4, 5]], [[6, 6]]]
    assert all(d["file_sha256"] for d in created)
    updated = [e.data for e in chunks if e.action == "update"]
    assert updated == [{"count": 1, "changes": [{
        "id": Certificate.objects.get(id_no=GOOD_ID).pk, "before": {"status": "valid"},
        "after": {"status": "revoked"}}]}]
    assert all(entry.actor == "issuer" for entry in chunks)


def test_duplicates_in_the_file_identical_kept_once_conflicting_all_rejected(cast, tmp_path):
    report = certificates_import(by=cast.issuer, path=write_csv(tmp_path, [
        row(), row(), row(OTHER_ID, "钱小红"), row(OTHER_ID, "钱小红", status="revoked")]))
    codes = {r.line: r.code for r in report.rejected}
    assert codes == {3: "E_DUPLICATE", 4: "E_DUPLICATE_CONFLICT", 5: "E_DUPLICATE_CONFLICT"}
    assert "第2行" in next(r.message for r in report.rejected if r.line == 3)
    assert (report.inserted, report.accepted) == (1, 1)


def test_a_name_that_differs_from_the_registry_is_rejected(cast, tmp_path):
    certificates_import(by=cast.issuer, path=write_csv(tmp_path, [row()], name="a.csv"))
    report = certificates_import(by=cast.issuer, path=write_csv(tmp_path, [
        row(name="赵小勇", item_code="1.1")], name="b.csv"))
    assert [r.code for r in report.rejected] == ["holder_name_conflict"]
    assert "赵大勇" in report.rejected[0].message


def test_audit_runs_of_created_lines_without_updates(cast, tmp_path, monkeypatch):
    from certguard.registry import importer

    monkeypatch.setattr(importer, "AUDIT_CHUNK", 2)
    seen = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    rows = [row(person(i), f"张{'一二三四五'[i]}") for i in range(5)]
    rows.insert(2, row("123", "某人", cert_no="T123"))  # line 4: rejected, a gap in the runs
    report = certificates_import(by=cast.issuer, path=write_csv(tmp_path, rows, name="c.csv"))
    assert (report.inserted, report.updated, report.rejected_count) == (5, 0, 1)
    created = [e.data["created_lines"] for e in AuditEntry.objects.filter(
        object_type="registry.certificate", action="create", id__gt=seen).order_by("id")]
    assert created == [[[2, 3]], [[5, 6]], [[7, 7]]]
