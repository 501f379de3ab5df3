"""The QR's verification page in headless Chromium: it verifies the signature in the browser,
asks the server about revocation when online, and — once visited — answers offline (service
worker cache of the page and the trust list). 我的证书 at phone width."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.signals import request_started
from django.test import Client
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from certguard import ids
from certguard.ecert import codec, services
from certguard.registry import services as registry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ID_NO = ids.make_id_no("140521", registry.today().replace(year=1985, month=3, day=14), 31)


@pytest.fixture
def signed(cast):
    services.key_generate(by=cast.issuer, authority=cast.issuing_authority, alg="ed25519")
    cert = registry.certificate_issue(by=cast.issuer, id_no=ID_NO, name="李建国",
                                      family="special_ops", item_code="1.2",
                                      first_issued=registry.today() - timedelta(days=30))
    return cert, services.certificate_sign(by=cast.issuer, certificate=cert).payload


def _page_url(live_server, payload: str) -> str:
    url = codec.verification_url(payload, host="x")
    return live_server.url + url.removeprefix("https://x")


def _verdict(browser, state: str):
    WebDriverWait(browser, 20).until(
        lambda b: b.find_element(By.CSS_SELECTOR, "[data-verdict]").get_attribute("data-state")
        == state)
    return browser.find_element(By.CSS_SELECTOR, "[data-verdict]").text


class _Hits:
    """Requests that reached the server while recording (the live server shares our process)."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.on = False
        self.lock = threading.Lock()

    def __call__(self, sender, environ=None, **kwargs) -> None:
        if self.on and environ is not None:
            with self.lock:
                self.paths.append(environ.get("PATH_INFO", ""))


def _offline(browser, offline: bool) -> None:
    """The page and its service worker lose (or regain) the network: DevTools' offline mode
    applies to one target, so the worker's own fetches are cut through its target too."""
    conditions = {"offline": offline, "latency": 0, "downloadThroughput": -1,
                  "uploadThroughput": -1}
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", conditions)
    targets = browser.execute_cdp_cmd("Target.getTargets", {})["targetInfos"]
    for target in targets:
        if target["type"] != "service_worker":
            continue
        session = browser.execute_cdp_cmd("Target.attachToTarget", {
            "targetId": target["targetId"], "flatten": False})["sessionId"]
        for n, (method, params) in enumerate((("Network.enable", {}),
                                              ("Network.emulateNetworkConditions", conditions))):
            browser.execute_cdp_cmd("Target.sendMessageToTarget", {
                "sessionId": session,
                "message": json.dumps({"id": 900 + n, "method": method, "params": params})})


def test_qr_url_verifies_online_then_offline(browser, live_server, signed):
    cert, payload = signed
    url = _page_url(live_server, payload)
    hits = _Hits()
    request_started.connect(hits, weak=False)
    try:
        browser.get(url)
        assert "签名有效" in _verdict(browser, "valid")
        fields = browser.find_element(By.CSS_SELECTOR, "[data-fields]").text
        assert "李建国" in fields and "男" in fields and "山西省应急管理厅" in fields
        assert f"{cert.valid_until.year}年{cert.valid_until.month}月" in fields
        assert ID_NO not in fields  # the public page masks the ID number
        WebDriverWait(browser, 20).until(
            lambda b: b.find_element(By.CSS_SELECTOR, "[data-verify]")
            .get_attribute("data-online") == "valid")
        WebDriverWait(browser, 20).until(
            lambda b: b.find_element(By.CSS_SELECTOR, "[data-verify]")
            .get_attribute("data-offline-ready") == "1")

        _offline(browser, True)
        hits.on = True
        browser.get("about:blank")
        browser.get(url)
        assert "签名有效" in _verdict(browser, "valid")
        online = browser.find_element(By.CSS_SELECTOR, "[data-online]").text
        assert "离线" in online
        # a tampered payload is refused offline too
        tampered = payload[:-6] + ("A" if payload[-6] != "A" else "B") + payload[-5:]
        browser.get("about:blank")
        browser.get(_page_url(live_server, tampered))
        assert "核验未通过" in _verdict(browser, "invalid")
        assert not [p for p in hits.paths if p.startswith(("/v/", "/api/", "/static/"))], \
            hits.paths  # everything came from the browser's cache
    finally:
        hits.on = False
        request_started.disconnect(hits)
        _offline(browser, False)
        browser.execute_cdp_cmd("Storage.clearDataForOrigin", {
            "origin": live_server.url, "storageTypes": "all"})


def test_revoked_certificate_says_so_online(browser, live_server, signed, cast):
    cert, payload = signed
    registry.certificate_revoke(by=cast.issuer, certificate=cert, on=registry.today(),
                                reason="unfit")
    try:
        browser.get(_page_url(live_server, payload))
        assert "撤销" in _verdict(browser, "revoked")
    finally:
        browser.execute_cdp_cmd("Storage.clearDataForOrigin", {
            "origin": live_server.url, "storageTypes": "all"})


def test_my_certificates_at_phone_width(browser, live_server, signed, world):
    _cert, _ = signed
    worker = world.user("worker", "A")
    services.holder_link(by=world.user("admin", "province"), user=worker, id_no=ID_NO)
    client = Client()
    client.force_login(worker)
    browser.get(live_server.url + "/verify/")
    browser.add_cookie({"name": settings.SESSION_COOKIE_NAME,
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                        "path": "/"})
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True})
    browser.get(live_server.url + "/ecert/mine/")
    card = WebDriverWait(browser, 10).until(
        lambda b: b.find_element(By.CSS_SELECTOR, "[data-testid=mine-card]"))
    assert ID_NO in card.text and "我的证书" in browser.title
    qr = card.find_element(By.CSS_SELECTOR, "[data-testid=ecert-qr] svg")
    assert qr.is_displayed() and 150 <= qr.size["width"] <= 390
    assert browser.execute_script(
        "return document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    caption = card.find_element(By.CSS_SELECTOR, "[data-testid=ecert-qr] figcaption").text
    assert f"https://{settings.PLATFORM_HOST}/v/" in caption
