"""The printed QR opens the platform's verification page (https://<host>/v/#<payload>): the
payload in the fragment, the old bare CG1: text still accepted; the printed certificate in
full with sex, seal, photo or placeholder and the full host; 我的证书 for a bound worker;
public answers with sex, last review and Chinese dates; scan and URL check for anonymous
visitors on every page."""

from __future__ import annotations

import io
import subprocess
from datetime import date

import pytest
from django.conf import settings

from certguard.ecert import codec, qr, services
from certguard.ecert.models import HolderLink
from certguard.ecert.urlcheck import check_qr_text
from tests.conftest import verified_login

from .platform import issue
from .test_cli import flow, run  # noqa: F401 - the CLI fixture

# --- the URL ----------------------------------------------------------------------------------


def test_url_round_trip_keeps_every_base45_character():
    payload = "CG1:AB $%*+-./:Z9"
    url = codec.verification_url(payload, host="zs.example.gov.cn")
    assert url.startswith("https://zs.example.gov.cn/v/#CG1:")
    assert " " not in url and "%20" in url and "%25" in url
    assert codec.split_verification_url(url) == ("zs.example.gov.cn", payload)
    assert codec.clean_scanned(url) == payload
    assert codec.clean_scanned(payload + "\n") == payload  # the old bare text


def test_printed_qr_encodes_the_verification_url(cast, cert, client):
    verified_login(client, cast.issuer)
    payload = services.certificate_sign(by=cast.issuer, certificate=cert).payload
    url = services.certificate_url(payload)
    assert url == f"https://{settings.PLATFORM_HOST}/v/#" + url.split("#", 1)[1]
    svg = client.get(f"/ecert/certificates/{cert.pk}/qr.svg").content.decode()
    assert svg == qr.render_svg(url)
    assert qr.make_qr(url).mode == "byte" and qr.make_qr(payload).mode == "alphanumeric"


def test_scanner_and_api_accept_url_and_old_text(cast, cert, client):
    payload = services.certificate_sign(by=cast.issuer, certificate=cert).payload
    for text in (payload, services.certificate_url(payload)):
        answer = services.scan_check(text=text)
        assert answer["kind"] == "ecert" and answer["verification"]["valid"], text
        response = client.post("/api/v1/ecert/verify", {"payload": text},
                               content_type="application/json")
        assert response.status_code == 200 and response.json()["valid"], text


def test_genuine_payload_behind_a_lookalike_host_is_a_fake_site(cast, cert):
    payload = services.certificate_sign(by=cast.issuer, certificate=cert).payload
    fake = codec.verification_url(payload, host="cx-mem-gov.cn.example.com")
    answer = services.scan_check(text=fake)
    assert answer["kind"] == "url" and answer["check"]["verdict"] != "genuine"
    assert answer["verification"] is None
    assert check_qr_text(fake, official_hosts=["cx.mem.gov.cn"]).kind == "url"


def test_cli_verifies_the_url_form(flow):  # noqa: F811
    url = codec.verification_url(flow["payload"], host="zs.example.gov.cn")
    code, out = run("verify", url, "--trust", flow["pub"], "--at", "2026-01-15")
    assert code == 0 and out["valid"]


# --- the verification page ----------------------------------------------------------------------


def test_verification_page_and_worker_are_public_and_local(db, client):
    page = client.get("/v/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "/static/ecert/verify.js" in text and 'id="authority-names"' in text
    assert "http://" not in text.replace("http://www.w3.org", "")  # nothing from elsewhere
    worker = client.get("/v/sw.js")
    assert worker.status_code == 200 and "javascript" in worker["Content-Type"]
    assert "/api/v1/ecert/trust-list" in worker.content.decode()


@pytest.mark.parametrize("url", ["/verify/", "/ecert/scan/", "/v/", "/no-such-page/"])
def test_anonymous_visitors_reach_scan_and_url_check_everywhere(db, client, url):
    page = client.get(url).content.decode()
    links = page.split('data-testid="public-links"')[1].split("</span>")[0]
    assert ">扫码核验<" in links and ">网址核验<" in links
    assert "网址核验" in client.get("/ecert/scan/?kind=url").content.decode()


# --- the printed certificate ---------------------------------------------------------------------


def _pdf_text(data: bytes) -> tuple[str, int, int]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return (pdf.pages[0].extract_text() or "", len(pdf.pages), len(pdf.pages[0].images))


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (300, 400), (40, 90, 160)).save(out, format="JPEG")
    return out.getvalue()


def test_certificate_pdf_is_complete_and_opens(cast, cert, client, tmp_path):
    verified_login(client, cast.issuer)
    response = client.get(f"/ecert/certificates/{cert.pk}/certificate.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    text, pages, images = _pdf_text(data)
    compact = text.replace(" ", "")
    assert pages == 1 and images == 0
    assert cert.holder.id_no in compact and cert.cert_no in compact and "*" not in compact
    assert "性别男" in compact and "山西省应急管理厅" in compact
    assert f"https://{settings.PLATFORM_HOST}/v/" in compact
    assert "照片" in compact and "电子证书专用章" in compact
    (tmp_path / "c.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(tmp_path / "c.pdf"), str(tmp_path / "c")],
                   check=True, timeout=60)
    assert list(tmp_path.glob("c*.png"))
    # with the holder's photo
    upload = io.BytesIO(_jpeg())
    upload.name = "photo.jpg"
    assert client.post(f"/ecert/certificates/{cert.pk}/", {"photo": upload}).status_code == 302
    data = b"".join(client.get(f"/ecert/certificates/{cert.pk}/certificate.pdf")
                    .streaming_content)
    assert _pdf_text(data)[2] == 1
    assert client.get(f"/ecert/certificates/{cert.pk}/photo.jpg")["Content-Type"] == "image/jpeg"


def test_a_bad_photo_is_refused_in_chinese(cast, cert, client):
    verified_login(client, cast.issuer)
    upload = io.BytesIO(b"PK\x03\x04 not a picture")
    upload.name = "photo.jpg"
    response = client.post(f"/ecert/certificates/{cert.pk}/", {"photo": upload}, follow=True)
    assert "无法识别该照片" in response.content.decode()
    assert not hasattr(cert.holder, "photo") or cert.holder.photo is None


# --- 我的证书 ---------------------------------------------------------------------------------


def test_worker_sees_own_certificates_with_qr(world, cast, cert, client):
    worker = world.user("worker", "A")
    client.force_login(worker)
    empty = client.get("/ecert/mine/").content.decode()
    assert 'data-testid="mine-empty"' in empty
    services.holder_link(by=world.user("admin", "province"), user=worker,
                         id_no=cert.holder.id_no)
    page = client.get("/ecert/mine/").content.decode()
    assert page.count('data-testid="mine-card"') == 1
    assert cert.holder.id_no in page and 'data-testid="ecert-qr"' in page
    assert f"https://{settings.PLATFORM_HOST}/v/#CG1:" in page
    assert ">我的证书<" in page  # in the menu
    pdf = client.get(f"/ecert/mine/{cert.pk}/certificate.pdf")
    assert pdf.status_code == 200
    # another worker, not bound, gets nothing
    client.force_login(world.user("worker", "B"))
    assert client.get(f"/ecert/mine/{cert.pk}/certificate.pdf").status_code == 404
    assert 'data-testid="mine-empty"' in client.get("/ecert/mine/").content.decode()


def test_only_an_administrator_binds_accounts(world, cert):
    from certguard.core.errors import Forbidden

    with pytest.raises(Forbidden):
        services.holder_link(by=world.user("inspector", "A"), user=world.user("worker", "A"),
                             id_no=cert.holder.id_no)
    assert not HolderLink.objects.exists()


# --- public answers -------------------------------------------------------------------------------


def test_public_answers_show_sex_last_review_and_chinese_dates(cast, client):
    from certguard.registry.models import Certificate

    cert = issue(cast)
    Certificate.objects.filter(pk=cert.pk).update(last_review=date(2026, 3, 5))
    page = client.post("/verify/", {"key_type": "id_no", "key": cert.holder.id_no,
                                    "name": "李建国"}).content.decode()
    assert 'data-testid="verify-sex">性别：男<' in page
    assert 'data-testid="verify-last-review">2026年3月5日<' in page
    assert f"{cert.valid_until.year}年{cert.valid_until.month}月{cert.valid_until.day}日" in page
    assert cert.valid_until.isoformat() not in page


def test_scan_answer_shows_sex_and_chinese_dates(cast, cert, client):
    payload = services.certificate_sign(by=cast.issuer, certificate=cert).payload
    page = client.post("/ecert/scan/", {"text": services.certificate_url(payload)}
                       ).content.decode()
    assert 'data-testid="scan-sex">男<' in page and "山西省应急管理厅" in page
    assert f"{cert.valid_until.year}年{cert.valid_until.month}月" in page


def test_demo_worker_has_certificates_waiting(db, client):
    from certguard.ecert.demo import demo_keys_build, demo_worker_link_build
    from certguard.orgs.demo import demo_world_build
    from certguard.orgs.models import User
    from certguard.registry.demo import demo_certificates_build

    demo_world_build(seed=2024)
    demo_certificates_build(seed=2024)
    demo_keys_build()
    link = demo_worker_link_build()
    assert link is not None and demo_worker_link_build() == link  # safe to re-run
    client.force_login(User.objects.get(username="demo_worker"))
    page = client.get("/ecert/mine/").content.decode()
    assert 'data-testid="mine-card"' in page and "/v/#CG1:" in page
