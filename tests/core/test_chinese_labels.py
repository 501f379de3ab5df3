"""What people read is Chinese: audit object types, clue evidence keys, the change history of
the ledger, and the admin (third-party apps, models and form fields included)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from certguard import ids
from certguard.core.templatetags.object_labels import object_type_label

CHINESE = re.compile(r"[\u4e00-\u9fff]")
SOURCE = Path(__file__).resolve().parents[2] / "certguard"


def test_every_audit_object_type_in_the_source_has_a_chinese_name(db):
    written = set()
    for path in SOURCE.rglob("*.py"):
        written |= set(re.findall(r"object_type=[\"']([a-z_]+\.[a-z_]+)[\"']",
                                  path.read_text(encoding="utf-8")))
    assert written
    unnamed = sorted(t for t in written if not CHINESE.search(object_type_label(t)))
    assert not unnamed, f"审计对象类型没有中文名称：{unnamed}"


def test_audit_page_names_object_types_in_chinese(cast, verified_client):
    from certguard.core.audit import audit_record
    from certguard.core.audit_spool import audit_ingest

    audit_record(action="create", object_type="registry.certificate", object_id="7",
                 summary="测试", data={}, user=cast.issuer)
    audit_ingest(force=True)
    page = verified_client(cast.auditor).get("/audit/").content.decode()
    assert ">证书 7<" in page and ">registry.certificate 7<" not in page


def test_every_evidence_key_of_the_rules_has_a_chinese_label():
    from certguard.clues.reference import EVIDENCE_LABELS

    keys = set()
    for path in (SOURCE / "rules").glob("*_rules.py"):
        text = path.read_text(encoding="utf-8").replace("\n", " ")
        for block in re.findall(r"evidence=\[(.*?)\]\)", text):
            keys |= set(re.findall(r"\(\"([a-z_]+)\"", block))
    assert len(keys) > 20
    missing = sorted(k for k in keys if not CHINESE.search(EVIDENCE_LABELS.get(k, "")))
    assert not missing, f"线索证据字段没有中文名称：{missing}"


def test_ledger_history_names_fields_in_chinese(world, client):
    from certguard.workforce.models import LedgerChange, LedgerEntry

    employer = world.cast.enterprise_x
    entry = LedgerEntry.objects.create(
        employer=employer, worker_id_no=ids.make_id_no("140521", date(1985, 3, 14), 31),
        worker_name="李建国", post="焊工", cert_no="T140521198503140311")
    LedgerChange.objects.create(entry=entry, employer=employer, kind="updated",
                                changes={"post": ["电工", "焊工"],
                                         "valid_until": ["2025-01-01", "2027-01-01"]})
    client.force_login(world.user("enterprise_user", "A"))
    page = client.get(f"/workforce/ledger/{entry.pk}/").content.decode()
    history = page.split('data-testid="history"')[1]
    assert "岗位：电工 → 焊工" in history and "申报有效期至：2025-01-01" in history
    assert "post：" not in history and "valid_until" not in history


def test_admin_index_and_third_party_forms_are_chinese(cast, verified_client):
    client = verified_client(cast.security_officer)
    index = client.get("/django-admin/").content.decode()
    for english in ("Axes", "Otp_Totp", "Access attempts", "TOTP devices"):
        assert english not in index, english
    assert "登录失败锁定" in index and "动态口令设备" in index
    device = client.get("/django-admin/otp_totp/totpdevice/add/")
    if device.status_code == 200:
        form = device.content.decode()
        assert "时钟偏移" in form and ">Drift<" not in form
