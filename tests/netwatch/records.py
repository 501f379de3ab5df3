"""Network-governance records for tests: found by county A's 网信办 (``world.orgs["wx_A"]``)."""

from __future__ import annotations

from django.utils import timezone


def netwatch_records(world) -> dict:
    from certguard.netwatch import handover as ho
    from certguard.netwatch.models import Capture, Handover, SuspectAd, SuspectDomain
    from certguard.netwatch.services import capture_dir

    org = world.orgs["wx_A"]
    domain = SuspectDomain.objects.create(
        organisation=org, region_id=org.region_id, domain="cx-mem-gov.cn", verdict="lookalike",
        imitates="cx.mem.gov.cn", score=95, reasons=["扁平化官方域名"], source="paste")
    ad = SuspectAd.objects.create(
        organisation=org, region_id=org.region_id, text="电工证不用考试，官网可查，加微信",
        text_sha256="0" * 64, source="paste", verdict="selling", score=96,
        matched=["不用考试", "官网可查", "加微信"])
    capture = Capture.objects.create(
        suspect=domain, organisation=org, region_id=org.region_id, url="http://cx-mem-gov.cn/",
        captured_at=timezone.now(), ok=True, screenshot_sha256="1" * 64)
    folder = capture_dir(capture.pk)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "screenshot.png").write_bytes(b"\\x89PNG\\r\\n\\x1a\\n")
    handover = Handover.objects.create(
        number="网移〔2024〕1号", year=2024, serial=1, organisation=org, region_id=org.region_id,
        recipient="txgl", recipient_name="山西省通信管理局", domain=domain, facts="仿冒查询网站",
        handed_at=timezone.now())
    folder = ho.handover_dir(handover.pk)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ho.LETTER).write_bytes(b"%PDF-1.4")
    (folder / ho.PACKAGE).write_bytes(b"PK")
    return {"domain": domain, "ad": ad, "capture": capture, "handover": handover}
