"""The printable certificate, QR downloads and the scan page (payloads and URLs)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.cache import cache

from certguard.ecert import services
from tests.conftest import verified_login

from .platform import audit_entries


def test_printable_certificate_for_the_issuer(cast, cert, client):
    verified_login(client, cast.issuer)
    response = client.get(f"/ecert/certificates/{cert.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    # The holder's own document: nothing masked, sex, the authority's seal, the full address.
    assert "李建国" in page and cert.holder.id_no in page and "*" * 4 not in page
    assert 'data-testid="ecert-sex">男<' in page and 'data-testid="ecert-seal"' in page
    assert "<svg" in page and "低压电工作业" in page and "山西省应急管理厅" in page
    payload = services.certificate_sign(by=cast.issuer, certificate=cert).payload
    assert services.certificate_url(payload) in page
    assert f"扫码核验：https://{settings.PLATFORM_HOST}/v/" in page
    assert audit_entries(action="read", object_type="registry.holder",
                         object_id=str(cert.holder_id)).exists()


def test_no_inline_scripts_on_the_pages(cast, cert, client):
    verified_login(client, cast.issuer)
    for url in (f"/ecert/certificates/{cert.pk}/", "/ecert/scan/"):
        page = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url


@pytest.mark.parametrize("who", ["inspector_a", "user_x", "police"])
def test_others_cannot_print(cast, cert, client, who):
    verified_login(client, getattr(cast, who))
    # Their roles may not print at all (403); another authority's officer would get 404.
    assert client.get(f"/ecert/certificates/{cert.pk}/").status_code == 403
    assert client.get(f"/ecert/certificates/{cert.pk}/qr.png").status_code == 403


def test_qr_downloads(cast, cert, client):
    verified_login(client, cast.issuer)
    png = client.get(f"/ecert/certificates/{cert.pk}/qr.png")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert "attachment" in png["Content-Disposition"]
    svg = client.get(f"/ecert/certificates/{cert.pk}/qr.svg?download=1")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


def test_revoked_certificate_page_says_why(cast, cert, client):
    from certguard.registry import services as registry

    registry.certificate_revoke(by=cast.issuer, certificate=cert, on=registry.today(),
                                reason="unfit")
    verified_login(client, cast.issuer)
    response = client.get(f"/ecert/certificates/{cert.pk}/")
    assert response.status_code == 400 and "不能签发电子证书" in response.content.decode()
    assert client.get(f"/ecert/certificates/{cert.pk}/qr.svg").status_code == 404


def _scan(client, text: str):
    cache.clear()
    return client.post("/ecert/scan/", {"text": text})


def test_scan_page_has_camera_and_paste(client):
    page = client.get("/ecert/scan/").content.decode()
    assert "data-scan-camera" in page and 'name="text"' in page
    assert "ecert/scan.js" in page and "vendor/jsqr/jsQR.js" in page


def test_scan_valid_payload_shows_every_step(cast, cert, client):
    payload = services.certificate_sign(by=cast.issuer, certificate=cert).payload
    page = _scan(client, payload).content.decode()
    assert 'data-valid="true"' in page and "电子证书有效" in page
    assert page.count('data-step-state="ok"') == 8


def test_scan_tampered_payload_names_the_failing_step(cast, cert, client):
    payload = services.certificate_sign(by=cast.issuer, certificate=cert).payload
    response = _scan(client, payload[:-8] + ("A" if payload[-8] != "A" else "B") + payload[-7:])
    page = response.content.decode()
    assert 'data-valid="false"' in page
    assert re.search(r'data-step-state="failed">[^<]*未通过', page)


def test_scan_tampered_compressed_data_reads_as_chinese(cast, cert, client):
    from certguard.ecert import codec

    data = bytearray(codec.b45decode(
        services.certificate_sign(by=cast.issuer, certificate=cert).payload[4:]))
    data[-1] ^= 0x01  # zlib: "Error -3 while decompressing data: incorrect data check"
    page = _scan(client, "CG1:" + codec.b45encode(bytes(data))).content.decode()
    assert 'data-reason="bad_zlib"' in page and "校验和不符，内容已被改动" in page
    assert "Error" not in page and "decompress" not in page


def test_scan_relabelled_payload_is_refused(cast, cert, client):
    payload = services.certificate_sign(by=cast.issuer, certificate=cert).payload
    page = _scan(client, "HC2:" + payload[4:]).content.decode()
    assert 'data-valid="false"' in page and 'data-reason="bad_prefix"' in page
    assert "不支持的前缀 HC2:" in page


def test_scan_revoked_payload(cast, cert, client):
    from certguard.registry import services as registry

    payload = services.certificate_sign(by=cast.issuer, certificate=cert).payload
    registry.certificate_revoke(by=cast.issuer, certificate=cert, on=registry.today(),
                                reason="accident")
    page = _scan(client, payload).content.decode()
    assert 'data-reason="revoked"' in page and "吊销列表：未通过" in page


@pytest.mark.parametrize(("text", "verdict", "code"), [
    ("https://cx.mem.gov.cn/", "genuine", "official_host"),
    ("http://cx-mem-gov.cn.example.com/query", "suspicious", "embedded_official_name"),
    ("https://cx.rnem.gov.cn.com/", "suspicious", None),
    ("你好", "unknown", "not_a_url"),
])
def test_scan_url_runs_the_url_checker(db, client, text, verdict, code):
    # The allow-list is versioned data in the database (catalog), read on every scan.
    page = _scan(client, text).content.decode()
    assert f'data-verdict="{verdict}"' in page
    if code:
        assert f'data-code="{code}"' in page
    if verdict != "genuine":
        assert "12350" in page


def test_scan_needs_text(client):
    response = _scan(client, "")
    assert response.status_code == 200 and "errorlist" in response.content.decode()


def test_scan_page_masks_the_id_number(cast, cert, client):
    payload = services.certificate_sign(by=cast.issuer, certificate=cert).payload
    page = _scan(client, payload).content.decode()
    assert cert.holder.id_no not in page.replace(payload, "")
    assert cert.holder.id_no[:4] + "*" * 10 in page
