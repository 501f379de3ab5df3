"""Headless Chromium from Debian (chromium + chromium-driver), driven by Selenium.

No browser is downloaded at run time: the driver path is given explicitly, so Selenium
Manager never runs. A failing browser test leaves a screenshot in test-artifacts/.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--window-size=1280,900",
                 "--lang=zh-CN"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


@pytest.fixture(scope="session")
def browser_session():
    if not Path(CHROMEDRIVER).exists():
        pytest.fail("chromedriver missing: `make test` installs Debian's chromium-driver")
    driver = _driver()
    yield driver
    driver.quit()


@pytest.fixture
def browser(browser_session, request):
    browser_session.delete_all_cookies()
    browser_session.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    # Offline tests cut the network through DevTools; every test starts online again.
    browser_session.execute_cdp_cmd("Network.enable", {})
    browser_session.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    browser_session.set_window_size(1280, 900)
    yield browser_session
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        browser_session.save_screenshot(str(ARTIFACTS / f"{request.node.name}.png"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report
