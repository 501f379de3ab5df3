"""A screenshot of a page in Debian's headless Chromium, driven by Selenium (as the browser
tests do: the driver path is given, so Selenium Manager never downloads anything)."""

from __future__ import annotations

import shutil
from pathlib import Path

from certguard.core.errors import AppError

PAGE_LOAD_SECONDS = 20
WINDOW = (414, 896)  # fake query pages are built for the phone a QR code opens them on


class ScreenshotProblem(AppError):
    pass


def chromium_paths() -> tuple[str, str]:
    return (shutil.which("chromium") or "/usr/bin/chromium",
            shutil.which("chromedriver") or "/usr/bin/chromedriver")


def take_screenshot(url: str, out: Path) -> None:
    """Write a PNG of ``url`` to ``out``; a page still loading after PAGE_LOAD_SECONDS is
    photographed as far as it got."""
    binary, driver_path = chromium_paths()
    if not Path(binary).exists() or not Path(driver_path).exists():
        raise ScreenshotProblem("chromium_missing",
                                "服务器未安装 Chromium 与 chromedriver，无法截图")
    from selenium import webdriver
    from selenium.common.exceptions import TimeoutException, WebDriverException
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-extensions",
                 "--disable-features=DownloadBubble", "--lang=zh-CN",
                 f"--window-size={WINDOW[0]},{WINDOW[1]}"):
        options.add_argument(flag)
    options.page_load_strategy = "normal"
    try:
        driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    except WebDriverException:
        raise ScreenshotProblem("chromium_failed", "无法启动 Chromium 截图") from None
    try:
        driver.set_page_load_timeout(PAGE_LOAD_SECONDS)
        try:
            driver.get(url)
        except TimeoutException:
            pass  # photograph what has loaded
        if not driver.save_screenshot(str(out)):
            raise ScreenshotProblem("screenshot_failed", "截图失败")
    except WebDriverException:
        raise ScreenshotProblem("screenshot_failed", "浏览器打开页面失败，未能截图") from None
    finally:
        driver.quit()
