"""The on-site page in headless Chromium at phone width: opened once online, it keeps working
offline (service worker + localStorage); entries made offline sync when the network returns,
a conflicting checklist item is shown (the other inspector's record is kept), and a task
cancelled meanwhile refuses the sync with a Chinese message."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _wait(browser, test, timeout=15):
    return WebDriverWait(browser, timeout).until(test)


def _sign_in(browser, live_server, user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    browser.get(f"{live_server.url}/enforcement/sw.js")
    browser.add_cookie({"name": "sessionid", "value": client.cookies["sessionid"].value,
                        "path": "/"})


def _network(browser, online: bool):
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": not online, "latency": 0, "downloadThroughput": -1,
        "uploadThroughput": -1})


def _open(browser, live_server, task):
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True})
    browser.get(f"{live_server.url}/enforcement/tasks/{task.pk}/onsite/")
    _wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, "[data-code=E3]")))
    # the second load is answered through the service worker, which caches the page
    _wait(browser, lambda b: b.execute_script(
        "return navigator.serviceWorker && navigator.serviceWorker.controller !== null "
        "|| (location.reload(), false)"))
    _wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, "[data-code=E3]")))


def _record(browser, code, result, note):
    item = browser.find_element(By.CSS_SELECTOR, f"[data-code={code}]")
    item.find_element(By.TAG_NAME, "select").send_keys(
        {"ok": "符合", "problem": "存在问题"}[result])
    item.find_element(By.TAG_NAME, "input").send_keys(note)
    item.find_element(By.TAG_NAME, "button").click()


def _queued(browser, task) -> int:
    return browser.execute_script(
        f"return JSON.parse(localStorage.getItem('cg-pending-{task.pk}') || '[]').length")


def test_offline_entries_sync_with_conflict_shown(browser, live_server, world):
    from certguard.enforcement import services
    from certguard.enforcement.models import ChecklistEntry, Finding
    from tests.enforcement.records import new_task, team

    t = team(world)
    task = new_task(t, status="in_progress")
    _sign_in(browser, live_server, t.inspector)
    _open(browser, live_server, task)
    _network(browser, online=False)
    browser.refresh()  # offline: the page comes from the service worker's cache
    _wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, "[data-code=E3]")))
    assert browser.find_element(By.CSS_SELECTOR, "[data-net]").text == "离线"
    _record(browser, "E3", "ok", "台账齐全")
    form = browser.find_element(By.CSS_SELECTOR, "[data-finding]")
    form.find_element(By.NAME, "description").send_keys("一名焊工无证上岗")
    form.find_element(By.TAG_NAME, "button").click()
    assert _queued(browser, task) == 2
    assert not Finding.objects.exists()
    # meanwhile the second inspector records the same item online
    services.checklist_set(by=t.second, task_id=task.pk, code="E3", result="problem",
                           note="台账缺2人", base_version=0)
    _network(browser, online=True)
    browser.execute_script("window.dispatchEvent(new Event('online'))")
    _wait(browser, lambda b: _queued(b, task) == 0)
    conflict = _wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, ".conflict")))
    assert "台账缺2人" in conflict.text and "未覆盖" in conflict.text
    assert Finding.objects.filter(task=task, description="一名焊工无证上岗").count() == 1
    e3 = ChecklistEntry.objects.get(task=task, code="E3")
    assert (e3.result, e3.note) == ("problem", "台账缺2人")


def test_cancelled_task_refuses_the_sync(browser, live_server, world):
    from certguard.enforcement import services
    from certguard.enforcement.models import Finding
    from tests.enforcement.records import new_task, team

    t = team(world)
    task = new_task(t, status="in_progress")
    _sign_in(browser, live_server, t.inspector)
    _open(browser, live_server, task)
    _network(browser, online=False)
    form = browser.find_element(By.CSS_SELECTOR, "[data-finding]")
    form.find_element(By.NAME, "description").send_keys("无证上岗")
    form.find_element(By.TAG_NAME, "button").click()
    services.task_cancel(by=t.head, task_id=task.pk, reason="企业已停产")
    _network(browser, online=True)
    browser.execute_script("window.dispatchEvent(new Event('online'))")
    message = _wait(browser, lambda b: "取消" in b.find_element(
        By.CSS_SELECTOR, "[data-message]").text and b.find_element(
        By.CSS_SELECTOR, "[data-message]"))
    assert "离线记录未同步" in message.text
    assert _queued(browser, task) == 1  # kept on the phone, not lost
    assert not Finding.objects.exists()


def test_qr_code_verified_offline_against_the_cached_trust_list(browser, live_server, world):
    from certguard.ecert import services as ecert
    from tests.core.matrix_objects import _certificate
    from tests.enforcement.records import new_task, team

    cert = _certificate(world)  # an Ed25519 signing key and a certificate of 李建国
    payload = ecert.certificate_sign(by=world.cast.issuer, certificate=cert).payload
    t = team(world)
    task = new_task(t, status="in_progress")
    _sign_in(browser, live_server, t.inspector)
    _open(browser, live_server, task)
    _network(browser, online=False)
    for text in (payload, payload[:-6] + "ABCDEF"):
        form = browser.find_element(By.CSS_SELECTOR, "[data-qr]")
        form.find_element(By.NAME, "qr_text").send_keys(text)
        form.find_element(By.TAG_NAME, "button").click()
    results = _wait(browser, lambda b: len(b.find_elements(
        By.CSS_SELECTOR, "[data-qr-result]")) == 2 and b.find_elements(
        By.CSS_SELECTOR, "[data-qr-result]"))
    assert results[0].get_attribute("data-qr-result") == "ecert_valid"
    assert "李建国" in results[0].text
    assert results[1].get_attribute("data-qr-result") == "ecert_invalid"
    assert _queued(browser, task) == 2
