"""Bad input at the public tip-off desk: a specific Chinese message, nothing lost, no crash."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certguard.core.errors import AppError
from certguard.tips.intake import tip_by_receipt, tip_submit
from certguard.tips.models import Tip
from tests.tips.records import png_bytes, tip_input

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200


def _form(**changes):
    data = {"subject_kind": "fake_certificate", "subject_name": "沁水县X煤业的电工张某",
            "subject_code": "", "family": "special_ops", "place": "140521",
            "description": "张某的证在官网查不到。", "anonymous": "1"}
    data.update(changes)
    return data


def test_executable_renamed_jpg_is_refused_and_the_text_kept(cast, client):
    response = client.post("/tips/", {**_form(), "attachments": SimpleUploadedFile(
        "现场照片.jpg", ELF, content_type="image/jpeg")})
    page = response.content.decode()
    assert response.status_code == 400
    assert "现场照片.jpg" in page and "按文件内容判断" in page
    assert "张某的证在官网查不到。" in page  # what was typed is still in the form
    assert Tip.objects.count() == 0


def test_a_megabyte_of_text_is_refused_with_its_length(cast, client):
    text = "假" * (1024 * 1024)
    response = client.post("/tips/", _form(description=text))
    assert response.status_code == 400
    assert "举报内容不能超过 5000 字（现为 1,048,576 字）" in response.content.decode()
    assert Tip.objects.count() == 0
    api = client.post("/api/v1/tips", _form(description=text))
    assert api.status_code == 400
    assert api.json()["error"]["fields"]["description"]


def test_receipt_guessing_is_locked_after_a_few_tries(cast, settings):
    tip, receipt = tip_submit(data=tip_input(), source="203.0.113.9")
    for guess in range(settings.TIPS_RECEIPT_TRIES - 1):
        with pytest.raises(AppError) as caught:
            tip_by_receipt(receipt=f"{guess:016d}", source="198.51.100.7")
        assert caught.value.code == "receipt_unknown"
    with pytest.raises(AppError) as caught:
        tip_by_receipt(receipt="9" * 16, source="198.51.100.7")
    assert caught.value.code == "receipt_locked" and "暂停查询" in caught.value.message
    # Locked means locked: even the right receipt is refused from that source for a while.
    with pytest.raises(AppError) as caught:
        tip_by_receipt(receipt=receipt, source="198.51.100.7")
    assert caught.value.code == "receipt_locked"
    assert tip_by_receipt(receipt=receipt, source="192.0.2.1").pk == tip.pk


def test_receipt_lock_on_the_page_and_the_api(cast, client, settings):
    for _ in range(settings.TIPS_RECEIPT_TRIES):
        client.post("/tips/follow/", {"action": "open", "receipt": "1234567812345678"})
    page = client.post("/tips/follow/", {"action": "open", "receipt": "1234567812345678"})
    assert page.status_code == 429 and "暂停查询" in page.content.decode()
    api = client.post("/api/v1/tips/follow", {"receipt": "1234567812345678"},
                      content_type="application/json")
    assert api.status_code == 429 and api.json()["error"]["code"] == "receipt_locked"


def test_insider_must_give_real_name(cast):
    with pytest.raises(AppError) as caught:
        tip_submit(data=tip_input(anonymous=True, insider=True, name="", contact=""),
                   source="a")
    assert "应急〔2020〕69号" in caught.value.message


def test_reports_per_source_are_rate_limited(cast, settings):
    settings.TIPS_RATE_PER_HOUR = 2
    tip_submit(data=tip_input(), source="198.51.100.20")
    tip_submit(data=tip_input(), source="198.51.100.20")
    with pytest.raises(AppError) as caught:
        tip_submit(data=tip_input(), source="198.51.100.20")
    assert caught.value.status == 429 and "12350" in caught.value.message


def test_exif_is_stripped_and_the_file_encrypted_at_rest(cast):
    from PIL import Image

    from certguard.tips import crypto
    from certguard.tips.intake import attachment_path

    exif = Image.Exif()
    exif[0x010F] = "ExampleCam"  # Make
    exif[0x8825] = {2: (39.0, 54.0, 0.0)}  # GPS latitude
    photo = png_bytes(exif=exif.tobytes())
    assert b"ExampleCam" in photo
    tip, _ = tip_submit(data=tip_input(files=[("p.jpg", photo)]), source="x")
    stored = attachment_path(tip.attachments.get().stored).read_bytes()
    assert b"ExampleCam" not in stored and not stored.startswith(b"\xff\xd8")  # encrypted
    clear = crypto.unseal(stored)
    assert clear.startswith(b"\xff\xd8") and b"ExampleCam" not in clear
    assert b"Exif" not in clear


def test_pdf_metadata_is_removed(cast):
    import io

    from pypdf import PdfWriter

    from certguard.tips import crypto
    from certguard.tips.intake import attachment_path

    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.add_metadata({"/Author": "Zhang San", "/Creator": "Scanner 3000"})
    out = io.BytesIO()
    writer.write(out)
    tip, _ = tip_submit(data=tip_input(files=[("scan.pdf", out.getvalue())]), source="y")
    clear = crypto.unseal(attachment_path(tip.attachments.get().stored).read_bytes())
    assert clear.startswith(b"%PDF") and b"Zhang San" not in clear


def test_no_address_in_the_audit_of_an_anonymous_report(cast, client):
    from certguard.core.audit_spool import audit_ingest
    from certguard.core.models import AuditEntry

    response = client.post("/tips/", _form(), REMOTE_ADDR="203.0.113.77")
    assert response.status_code == 200 and "回执编号" in response.content.decode()
    audit_ingest(force=True)
    entries = AuditEntry.objects.filter(object_type__startswith="tips.")
    assert entries.exists()
    assert not entries.exclude(ip="").exists()
    assert not AuditEntry.objects.filter(ip="203.0.113.77").exists()
    assert all("张某的证" not in str(e.data) for e in entries)
