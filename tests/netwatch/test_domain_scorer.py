import re

import pytest

from certguard.netwatch.domainscore import DomainScorer
from certguard.netwatch.hostnames import HostProblem, host_from_line
from certguard.netwatch.officials import OfficialHost, default_official_hosts

CJK = re.compile(r"[\u4e00-\u9fff]")


def score(scorer, line):
    return scorer.score(host_from_line(line))


@pytest.mark.parametrize("host", ["cx.mem.gov.cn", "zlaq.mohurd.gov.cn", "cnse.samr.gov.cn",
                                  "cnse.e-cqs.cn", "CX.MEM.GOV.CN.", "https://cx.mem.gov.cn/x"])
def test_official_hosts(scorer, host) -> None:
    verdict = score(scorer, host)
    assert (verdict.verdict, verdict.score) == ("official", 0)
    assert verdict.imitates == host_from_line(host)


def test_other_hosts_of_an_official_domain_are_official_with_a_note(scorer) -> None:
    verdict = score(scorer, "www.mem.gov.cn")
    assert verdict.verdict == "official" and verdict.imitates == "cx.mem.gov.cn"
    assert "不是登记的证书查询网址" in verdict.reasons[0]


def test_retired_host_is_watched(scorer) -> None:
    verdict = score(scorer, "chinasafety.gov.cn")
    assert verdict.verdict == "official" and verdict.imitates == "www.chinasafety.gov.cn"
    assert "已停用" in verdict.reasons[0]
    fake = score(scorer, "chinasafety-gov.com")
    assert fake.verdict == "lookalike" and fake.imitates == "www.chinasafety.gov.cn"
    assert any("已停用" in r for r in fake.reasons)


@pytest.mark.parametrize(("domain", "imitates", "minimum", "reason"), [
    ("cx-mem-gov.cn", "cx.mem.gov.cn", 90, "拼接"),
    ("cxmem-gov.xyz", "cx.mem.gov.cn", 90, "拼接"),
    ("cx.memgov.com", "cx.mem.gov.cn", 90, "拼接"),
    ("mem.gov.cn.chaxun.vip", "cx.mem.gov.cn", 95, "嵌入官方网址 mem.gov.cn"),
    ("cx.mem.gov.cn-zscx.com", "cx.mem.gov.cn", 95, "嵌入官方网址 cx.mem.gov.cn"),
    ("yjglb-cx.com", "cx.mem.gov.cn", 80, "应急管理部"),
    ("yjglb.com", "cx.mem.gov.cn", 60, "应急管理部"),
    ("anquanshengchan-chaxun.top", "cx.mem.gov.cn", 70, "安全生产"),
    ("tzzy-cx.com", "cx.mem.gov.cn", 70, "特种作业"),
    ("tzzycx.com", "cx.mem.gov.cn", 70, "特种作业"),
    ("cx-rnem-gov.cn", "cx.mem.gov.cn", 95, "形近字符"),
    ("g0v-cx-mem.com", "cx.mem.gov.cn", 95, "形近字符"),
    ("zlaq-mohurd.com", "zlaq.mohurd.gov.cn", 80, "拼接"),
    ("mohurd-gov.top", "zlaq.mohurd.gov.cn", 80, "gov"),
    ("samr-gov.cn", "cnse.samr.gov.cn", 80, "gov"),
    ("cnse-e-cqs.com", "cnse.e-cqs.cn", 80, "拼接"),
    ("samr.com", "cnse.samr.gov.cn", 55, "其他后缀"),
    ("xcmem.com", "cx.mem.gov.cn", 70, "dnstwist"),
    ("cx.mems.gov.cn", "cx.mem.gov.cn", 75, "dnstwist"),
    ("住建部查询.com", "zlaq.mohurd.gov.cn", 80, "拼音"),
    ("cxmem-shop.com", "cx.mem.gov.cn", 80, "拼接"),
    ("yjglb-shop.com", "cx.mem.gov.cn", 55, "应急管理部"),
])
def test_lookalikes(scorer, domain, imitates, minimum, reason) -> None:
    verdict = score(scorer, domain)
    assert verdict.verdict == "lookalike", verdict
    assert verdict.imitates == imitates
    assert minimum <= verdict.score <= 100
    assert any(reason in r for r in verdict.reasons), verdict.reasons
    assert all(CJK.search(r) for r in verdict.reasons)


def test_idn_names_are_decoded_and_folded(scorer) -> None:
    cyrillic = "cx.mem.g\u043ev.cn"  # Cyrillic о
    punycode = ".".join(label.encode("idna").decode() for label in cyrillic.split("."))
    verdict = score(scorer, punycode)
    assert verdict.domain == cyrillic
    assert verdict.verdict == "lookalike" and verdict.score >= 95
    chinese = "特种作业证书查询.cn".encode("idna").decode()
    verdict = score(scorer, chinese)
    assert verdict.domain == "特种作业证书查询.cn"
    assert verdict.verdict == "lookalike" and verdict.imitates == "cx.mem.gov.cn"


NEAR_MISSES = [
    "member.com", "memo.cn", "samsung.com", "chaxun.com", "memory.com", "members.mem-bers.net",
    "meme.cn", "sam.com", "samrt.net", "zlaqua.com", "license.com", "cnsearch.com",
    "government.com", "gov.uk", "governor.org", "yjglt.henan.gov.cn", "baidu.com",
    "qq.com", "taobao.com", "mohu.com", "chinasafe.com", "tezhong.com", "anquan.com",
    "www.samsung.com.cn", "memcached.org", "cx.com", "zs.cn", "mei-gov.org", "member-shop.com",
    "cxmember.com", "henan.com",
]


@pytest.mark.parametrize("domain", NEAR_MISSES)
def test_near_misses_stay_unrelated(scorer, domain) -> None:
    verdict = score(scorer, domain)
    assert verdict.verdict == "unrelated", verdict
    assert verdict.imitates is None and verdict.score < 50


def test_weak_evidence_is_explained_but_not_flagged(scorer) -> None:
    verdict = score(scorer, "mem-shop.com")
    assert verdict.verdict == "unrelated" and 0 < verdict.score < 50
    assert "无其他仿冒特征" in verdict.reasons[0]
    trade_only = score(scorer, "anquanshengchan.com")
    assert trade_only.verdict == "unrelated" and "无查询或政府字样" in trade_only.reasons[0]


def test_government_domains_are_never_called_fakes_for_sharing_words(scorer) -> None:
    verdict = score(scorer, "tezhongzuoye.henan.gov.cn")
    assert verdict.verdict == "unrelated"
    assert "只能由政府机构注册" in verdict.reasons[0]


def test_ip_addresses_are_unrelated_with_a_reason(scorer) -> None:
    verdict = score(scorer, "http://203.0.113.7/cx")
    assert verdict.verdict == "unrelated" and "IP" in verdict.reasons[0]


def test_an_added_provincial_platform_becomes_official() -> None:
    officials = (*default_official_hosts(),
                 OfficialHost(host="tzzy.yjglt.henan.gov.cn", operator="河南省应急管理厅"))
    scorer = DomainScorer(officials)
    assert scorer.score("tzzy.yjglt.henan.gov.cn").verdict == "official"
    fake = scorer.score("yjglt-henan-gov.com")
    assert fake.verdict == "lookalike" and fake.imitates == "tzzy.yjglt.henan.gov.cn"
    assert fake.score >= 80
    # The province alone imitates nobody.
    assert scorer.score("henan.com").verdict == "unrelated"
    assert scorer.score("henan-travel.com").verdict == "unrelated"


@pytest.mark.parametrize(("line", "code"), [
    ("not a domain", "not_a_domain"), ("localhost", "not_a_domain"),
    ("xn--zz-.com", "bad_idn"), ("a" * 300 + ".com", "not_a_domain"), ("http://[::1", None),
])
def test_lines_that_hold_no_host(line, code) -> None:
    with pytest.raises(HostProblem) as caught:
        host_from_line(line)
    assert code is None or caught.value.code == code
    assert CJK.search(caught.value.message)


@pytest.mark.parametrize(("line", "host"), [
    ("  Cx-Mem-Gov.CN.  ", "cx-mem-gov.cn"),
    ("cx-mem-gov.cn,2024-09-01,来源：网信", "cx-mem-gov.cn"),
    ("cx-mem-gov.cn/query?a=1", "cx-mem-gov.cn"),
    ("http://user@cx-mem-gov.cn:8080/", "cx-mem-gov.cn"),
    ("cx-mem-gov.cn:443", "cx-mem-gov.cn"), ("ｃｘ－ｍｅｍ－ｇｏｖ。ｃｎ", "cx-mem-gov.cn"),
])
def test_feed_line_forms(line, host) -> None:
    assert host_from_line(line) == host
