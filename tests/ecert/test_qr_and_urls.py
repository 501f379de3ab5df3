from __future__ import annotations

import pytest

from certguard.ecert import qr, urlcheck
from certguard.ecert.issue import sign_certificate

from .conftest import CHECKED, ISSUED


def test_png_and_svg(ed_key, fields) -> None:
    payload = sign_certificate(fields=fields, key=ed_key, issued_at=ISSUED)
    png = qr.render_png(payload, scale=2)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    svg = qr.render_svg(payload)
    assert svg.startswith("<svg") and "电子证书二维码" in svg


@pytest.mark.parametrize(("url", "verdict", "code"), [
    ("https://cx.mem.gov.cn/cert?id=1", "genuine", "official_host"),
    ("https://CX.MEM.GOV.CN./", "genuine", "official_host"),
    ("http://cx.mem.gov.cn/", "warning", "official_host"),
    ("https://www.mem.gov.cn/", "warning", "official_domain"),
    ("https://cx.mern.gov.cn/", "suspicious", "homoglyph"),
    ("https://cx.m\u0435m.gov.cn/", "suspicious", "homoglyph"),  # Cyrillic е
    ("https://cnse.sarnr.gov.cn/", "suspicious", "homoglyph"),
    ("https://cx.mem.gov.cn.cha-zheng.com/", "suspicious", "embedded_official_name"),
    ("https://zlaq-mohurd.com/query", "suspicious", "embedded_official_name"),
    ("https://cnse.e-cgs.cn/", "suspicious", "edit_distance"),
    ("https://cnse.samr.gov.cm/", "suspicious", "edit_distance"),
    ("https://123.56.7.8/query", "suspicious", "ip_address"),
    ("https://t.cn/A6abcd", "suspicious", "url_shortener"),
    ("https://cx.mem.gov.cn@evil.example/", "suspicious", "userinfo_trick"),
    ("https://zhengshu-chaxun.com/", "suspicious", "not_official_host"),
    ("cx.mem.gov.cn/cert", "warning", "official_host"),  # bare host as scanners show it
])
def test_url_classification(url, verdict, code) -> None:
    check = urlcheck.check_qr_text(url)
    assert (check.verdict, check.code) == (verdict, code), check.to_dict()
    assert check.message


def test_http_lookalike_lists_both_reasons() -> None:
    check = urlcheck.check_qr_text("http://cx-mem-gov.cn.example.com/")
    codes = [r["code"] for r in check.reasons]
    assert "insecure_http" in codes and check.verdict == "suspicious"


def test_allow_list_is_data() -> None:
    check = urlcheck.check_qr_text("https://query.example.org/x",
                                   official_hosts=["query.example.org"])
    assert check.verdict == "genuine"
    assert urlcheck.check_qr_text("https://cx.mem.gov.cn/",
                                  official_hosts=["query.example.org"]).verdict == "suspicious"


def test_signed_payload_recognised_and_verified(ed_key, fields) -> None:
    payload = sign_certificate(fields=fields, key=ed_key, issued_at=ISSUED)
    assert urlcheck.check_qr_text(payload).code == "ecert_payload"
    good = urlcheck.check_qr_text(payload, trust=ed_key.public)
    assert good.verdict == "genuine" and good.verification["valid"]
    assert CHECKED  # payloads here stay valid until 2031
    from certguard.ecert import keys

    other = keys.generate(alg=-8)
    bad = urlcheck.check_qr_text(payload, trust=other.public)
    assert bad.verdict == "invalid" and bad.verification["reason"] == "unknown_key"


def test_plain_text() -> None:
    assert urlcheck.check_qr_text("张三 特种作业操作证").kind == "text"


def test_tldextract_never_fetches(monkeypatch) -> None:
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    urlcheck._extractor.cache_clear()
    assert urlcheck.registrable_domain("a.b.example.com.cn") == "example.com.cn"


def test_png_decodes_back_to_the_payload(ed_key, fields, tmp_path) -> None:
    """End to end through a real QR reader: zbarimg (Debian zbar-tools, installed by
    `make test`)."""
    import shutil
    import subprocess

    assert shutil.which("zbarimg"), "zbarimg is required: `make test` installs zbar-tools"
    payload = sign_certificate(fields=fields, key=ed_key, issued_at=ISSUED)
    image = tmp_path / "qr.png"
    image.write_bytes(qr.render_png(payload))
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(image)], capture_output=True,
                             text=True, check=True, timeout=60).stdout.strip()
    assert decoded == payload
