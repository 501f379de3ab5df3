"""Demo data of network governance: suspect domains from a feed, ads, captures of pages served
from local fixtures during the build (127.0.0.1), handovers in each state. Safe to re-run."""

from __future__ import annotations

from django.db import transaction

from certguard.netwatch import handover as ho
from certguard.netwatch import services
from certguard.netwatch.models import Handover, SuspectAd, SuspectDomain

FEED = ["cx-mem-gov.cn", "cxmem-gov.xyz", "mem.gov.cn.chaxun.vip", "chinasafety-gov.com",
        "yjglb-tzzy.com", "zlaq-mohurd.top", "cnse-samr-gov.cn", "tzzy-cx.com",
        "cx.mem.gov.cn", "member.com", "flowers-shop.com", "samsung.com"]
ADS = ["电工证焊工证不用考试，全国联网可查，加微信 13912345678",
       "登高证 免 考 包 过，官 网 可 查，V信同号",
       "叉車證當天出證，終身可查 📞 13800001111",
       "警惕“不用考试、官网可查”的假证广告，请到官方网站查询证书",
       "我校开设低压电工作业培训班，考试合格由应急管理部门发证，可在官网查询",
       "bz 加急 ，dtcz，wx：zheng888"]


@transaction.atomic
def demo_netwatch_build(*, by) -> dict:
    """``by``: the demo network-governance officer."""
    if SuspectDomain.objects.exists():
        return {"domains": SuspectDomain.objects.count()}
    services.domains_score(by=by, lines=services.text_lines("\n".join(FEED)), source="feed")
    services.ads_classify(by=by, texts=ADS, source="paste", where="某二手交易平台")
    captured = _captures(by)
    first = SuspectDomain.objects.order_by("-score", "domain").first()
    handovers = []
    for recipient, suspect in zip(("txgl", "ga", "wx"), SuspectDomain.objects.order_by(
            "-score", "domain")[:3], strict=False):
        handovers.append(ho.handover_create(by=by, domain_id=suspect.pk, recipient=recipient,
                                            recipient_name="", facts=f"{suspect.domain} 仿冒"
                                            f"{suspect.imitates or '官方'}证书查询网站，"
                                            "以“官网可查”诱导购买假证"))
    ad = SuspectAd.objects.order_by("-score").first()
    if ad is not None:
        handovers.append(ho.handover_create(by=by, ad_id=ad.pk, recipient="scjg",
                                            recipient_name="", facts="发布售卖特种作业操作证广告"))
    if len(handovers) >= 2:
        ho.handover_dispose(by=by, pk=handovers[0].pk, note="通信管理局已关停域名解析")
        ho.handover_dispose(by=by, pk=handovers[1].pk, note="公安机关已立案")
        ho.handover_reappear(by=by, pk=handovers[1].pk, note="换用新服务器后再次出现")
    if first is not None:
        services.clue_from_suspect(by=by, kind="domain", pk=first.pk)
    return {"domains": SuspectDomain.objects.count(), "ads": SuspectAd.objects.count(),
            "captures": captured, "handovers": Handover.objects.count()}


def _captures(by) -> int:
    """Pages served by a local fixture server for the duration of the build."""
    from certguard.netwatch.fixtures import FixtureSite

    site = FixtureSite()
    try:
        services.capture_site(by=by, url=site.url("/official"), reference_host="cx.mem.gov.cn")
        suspect = SuspectDomain.objects.filter(domain="cx-mem-gov.cn").first()
        services.capture_site(by=by, url=site.url("/fake"),
                              suspect_id=suspect.pk if suspect else None)
        services.capture_site(by=by, url=site.url("/loop"), screenshot=False)
        return 3
    finally:
        site.close()
