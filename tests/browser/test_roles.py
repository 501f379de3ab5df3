"""Every demo role logs in through the real UI in headless Chromium and lands on its home."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from certguard.orgs.demo import DEMO_PASSWORD, demo_world_build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOME_TITLES = {
    "demo_admin": "系统管理",
    "demo_security": "安全管理",
    "demo_auditor": "审计管理",
    "demo_head": "部门负责人工作台",
    "demo_inspector": "执法检查工作台",
    "demo_analyst": "数据比对工作台",
    "demo_issuer": "发证工作台",
    "demo_netgov": "网络治理工作台",
    "demo_campaign": "专项行动督导",
    "demo_police": "公安协查",
    "demo_prosecutor": "检察监督",
    "demo_enterprise": "企业工作台",
    "demo_institution": "机构工作台",
    "demo_worker": "从业人员服务",
    "demo_public": "公众服务",
}


@pytest.fixture
def demo(transactional_db):
    demo_world_build(seed=2024)


def _wait(browser, by, value):
    return WebDriverWait(browser, 10).until(ec.presence_of_element_located((by, value)))


def _log_in(browser, live_server, username):
    browser.get(f"{live_server.url}/account/login/")
    browser.find_element(By.NAME, "username").send_keys(username)
    browser.find_element(By.NAME, "password").send_keys(DEMO_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    if username in ("demo_admin", "demo_security", "demo_auditor", "demo_issuer"):  # TOTP
        _wait(browser, By.NAME, "token")
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        browser.find_element(By.NAME, "token").send_keys(f"{totp(device.bin_key):06d}")
        browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    return _wait(browser, By.CSS_SELECTOR, "[data-testid=home-title]")


@pytest.mark.parametrize("username", list(HOME_TITLES))
def test_each_role_lands_on_its_home(browser, live_server, demo, username):
    title = _log_in(browser, live_server, username)
    assert title.text.strip() == HOME_TITLES[username]
    assert browser.current_url.endswith("/home/")
    nav = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#mainnav a")]
    assert "首页" in nav
    if username in ("demo_inspector", "demo_analyst"):
        assert "辖区单位" in nav
    if username == "demo_auditor":
        assert "审计日志" in nav
    if username == "demo_admin":
        assert "审计日志" not in nav and "管理后台" in nav  # 三权分立
    if username in ("demo_public", "demo_worker"):
        assert "cx.mem.gov.cn" in browser.page_source


def test_phone_width_layout(browser, live_server, demo):
    # A desktop window cannot shrink to phone width; emulate the device as DevTools does.
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True})
    assert browser.execute_script("return window.innerWidth") == 390
    _log_in(browser, live_server, "demo_inspector")
    nav = browser.find_element(By.ID, "mainnav")
    assert not nav.is_displayed()  # collapsed behind the menu button
    browser.find_element(By.CSS_SELECTOR, "[data-nav-toggle]").click()
    assert nav.is_displayed()
    browser.get(f"{live_server.url}/organisations/")
    _wait(browser, By.CSS_SELECTOR, "table")
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the phone screen"


def test_wrong_password_shows_chinese_message(browser, live_server, demo):
    browser.get(f"{live_server.url}/account/login/")
    browser.find_element(By.NAME, "username").send_keys("demo_inspector")
    browser.find_element(By.NAME, "password").send_keys("wrong-password")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    alert = _wait(browser, By.CSS_SELECTOR, "[role=alert]")
    assert "用户名或密码错误" in alert.text


def test_job_progress_bar_updates_in_the_page(browser, live_server, demo, settings):
    _log_in(browser, live_server, "demo_auditor")
    browser.find_element(By.CSS_SELECTOR, "form[action='/audit/verify/'] button").click()
    job = WebDriverWait(browser, 15).until(
        lambda b: b.find_element(By.CSS_SELECTOR, "[data-testid=job]"))
    WebDriverWait(browser, 15).until(
        lambda b: b.find_element(By.CSS_SELECTOR, "[data-testid=job]")
        .get_attribute("data-status") == "succeeded")
    assert job is not None
    assert "审计日志完整" in browser.page_source
