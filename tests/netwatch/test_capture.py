"""Evidence capture against local sites: hostile pages end in a Chinese message within the
limits; a fake query page is detected, hashed into the audit chain, and scored against a
reference capture of the official page (TLSH, perceptual hash, form, emblem, badge)."""

from __future__ import annotations

import resource
import time

import pytest

from certguard.netwatch.fetch import FetchProblem, fetch
from certguard.netwatch.services import capture_dir, capture_site


def test_a_page_that_redirects_forever_stops(site):
    started = time.monotonic()
    with pytest.raises(FetchProblem) as caught:
        fetch(site.url("/loop"), max_bytes=10_000_000)
    assert caught.value.code == "too_many_redirects" and "无限跳转" in caught.value.message
    assert time.monotonic() - started < 10


def test_a_200_mb_page_is_cut_at_the_limit(site):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    with pytest.raises(FetchProblem) as caught:
        fetch(site.url("/huge"), max_bytes=10 * 1024 * 1024)
    assert caught.value.code == "too_large" and "超过取证上限 10 MB" in caught.value.message
    assert time.monotonic() - started < 20
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak
    assert grown_kb < 80 * 1024  # nowhere near 200 MB held in memory


def test_capture_of_a_hostile_page_is_recorded_with_its_reason(world, netgov, site):
    capture = capture_site(by=netgov, url=site.url("/loop"), screenshot=False)
    assert not capture.ok and capture.error_code == "too_many_redirects"
    assert "跳转" in capture.error
    capture = capture_site(by=netgov, url=site.url("/huge"), screenshot=False)
    assert not capture.ok and capture.error_code == "too_large"


def test_fake_query_page_is_detected_and_scored_against_the_official(world, netgov, site):
    from certguard.core.audit_spool import audit_ingest
    from certguard.core.models import AuditEntry

    reference = capture_site(by=netgov, url=site.url("/official"),
                             reference_host="cx.mem.gov.cn")
    assert reference.ok and reference.screenshot_sha256 and reference.phash
    fake = capture_site(by=netgov, url=site.url("/fake"))
    plain = capture_site(by=netgov, url=site.url("/plain"))
    assert fake.signals["fake_form"] and fake.signals["emblem"] and fake.signals["badge"]
    assert not plain.signals["fake_form"]
    assert fake.similarity["reference_host"] == "cx.mem.gov.cn"
    assert fake.similarity["tlsh_distance"] is not None
    assert fake.similarity["phash_distance"] is not None
    assert fake.score >= 70 > plain.score
    assert any("国徽" in r for r in fake.signals["reasons"])
    folder = capture_dir(fake.pk)
    assert (folder / "page.html").exists() and (folder / "screenshot.png").exists()
    assert any(r.get("sha256") for r in fake.resources)
    audit_ingest(force=True)
    entry = AuditEntry.objects.filter(object_type="netwatch.capture",
                                      object_id=str(fake.pk), summary__startswith="网页取证").get()
    assert entry.data["files"]["page.html"] == fake.html_sha256
    assert entry.data["package_sha256"] == fake.package_sha256
