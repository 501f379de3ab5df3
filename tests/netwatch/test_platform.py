"""Network governance in the platform: feeds (GBK, IDN, blank lines, large) scored into
suspects, ads classified with the department's versioned keywords, a suspect becomes a clue
and a handover (numbered 移交函 PDF, evidence zip with hashes), rechecks record when a site
goes dark, the allow-list is versioned data the public URL check reads, and figures."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certguard.core.errors import AppError
from certguard.netwatch import handover as ho
from certguard.netwatch import services
from certguard.netwatch.models import Handover, SuspectDomain


def _feed_bytes() -> bytes:
    return (b"cx-mem-gov.cn\n\n" + "cx.mem.gov.cn\t官方网站\n".encode("gbk")
            + b"xn--cx-mem-gov-vb6q.cn\n\n" + b"flowers-shop.com\n" + b"\x00\x01binary\n"
            + "http://mem.gov.cn.chaxun.vip/查询\n".encode("gbk"))


def test_feed_upload_in_gbk_with_idn_and_blank_lines(world, netgov, client,
                                                     django_capture_on_commit_callbacks):
    client.force_login(netgov)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/netwatch/domains/", {"file": SimpleUploadedFile(
            "feed.txt", _feed_bytes())})
    assert response.status_code == 302
    from certguard.core.models import Job

    job = Job.objects.get(kind="netwatch_feed")
    assert job.status == "succeeded", job.error
    result = job.result
    assert result["blank"] == 2 and result["rejected_count"] == 1
    assert "第 7 行" in result["rejected"][0]["message"]
    assert result["counts"]["lookalike"] >= 2 and result["counts"]["official"] == 1
    domains = set(SuspectDomain.objects.values_list("domain", flat=True))
    assert {"cx-mem-gov.cn", "mem.gov.cn.chaxun.vip"} <= domains
    assert "flowers-shop.com" not in domains


def test_a_feed_larger_than_the_limit_is_refused_by_name(world, netgov, client, settings):
    settings.NETWATCH_FEED_MAX_BYTES = 2048
    client.force_login(netgov)
    response = client.post("/netwatch/domains/", {"file": SimpleUploadedFile(
        "big.txt", b"example.com\n" * 400)}, follow=True)
    assert "超过上限" in response.content.decode()


def test_a_large_feed_is_streamed(world, netgov, tmp_path):
    """Scoring reads line by line: 200,000 lines go through without holding the file."""
    from certguard.netwatch.feed import read_lines

    path = tmp_path / "feed.txt"
    with open(path, "wb") as out:
        for n in range(200_000):
            out.write(f"shop{n}.example.com\n".encode())
        out.write(b"cxmem-gov.xyz\n")
    with open(path, "rb") as handle:
        run = services.domains_score(by=netgov, lines=read_lines(handle, max_bytes=4096),
                                     source="feed", collect=False)
    assert run.counts["unrelated"] == 200_000 and run.kept == 1 and run.results == []


def test_paste_page_and_api(world, netgov, client):
    client.force_login(netgov)
    page = client.post("/netwatch/domains/", {"text": "cx-mem-gov.cn\n\nmember.com\n"})
    assert "仿冒 1" in page.content.decode()
    api = client.post("/api/v1/netwatch/domains/score", {"text": "cxmem-gov.xyz\nsamsung.com"},
                      content_type="application/json")
    body = api.json()
    assert api.status_code == 200 and body["counts"] == {"lookalike": 1, "unrelated": 1}
    assert body["results"][0]["imitates"] == "cx.mem.gov.cn"
    empty = client.post("/api/v1/netwatch/domains/score", {"text": "\n\n"},
                        content_type="application/json")
    assert empty.status_code == 400 and "空行" in empty.json()["error"]["message"]


def test_ads_with_a_departments_keyword_list(world, netgov, client):
    admin = world.user("admin", "province")
    data = {"department": "市场监管", "keywords": [
        {"phrase": "不用考试", "category": "sales"}, {"phrase": "办证", "category": "product"},
        {"phrase": "加微信", "category": "contact"}, {"phrase": "秒出证", "category": "sales"}]}
    made = services.keyword_list_publish(by=admin, text=json.dumps(data, ensure_ascii=False),
                                         note="新增“秒出证”")
    assert made.version == 1
    again = services.keyword_list_publish(by=admin, text=json.dumps(data, ensure_ascii=False),
                                          note="再发一版")
    assert again.version == 2
    with pytest.raises(AppError) as caught:
        services.keyword_list_publish(by=admin, text="{not json", note="x")
    assert "JSON" in caught.value.message
    run = services.ads_classify(by=netgov, texts=[
        "电工证不用考试，官网可查，加微信 13912345678", "警惕“不用考试、全国可查”的假证广告"],
        source="paste")
    assert [r["verdict"] for r in run.results] == ["selling", "clean"] and run.kept == 1


def test_suspect_to_clue_and_handover_with_letter_and_package(world, netgov, site):
    services.domains_score(by=netgov, lines=services.text_lines("cx-mem-gov.cn"),
                           source="paste")
    suspect = SuspectDomain.objects.get(domain="cx-mem-gov.cn")
    services.capture_site(by=netgov, url=site.url("/fake"), suspect_id=suspect.pk,
                          screenshot=False)
    clue_id = services.clue_from_suspect(by=netgov, kind="domain", pk=suspect.pk)
    from certguard.clues.selectors import clue_get

    assert clue_get(user=netgov, pk=clue_id).rule == "NW1"
    with pytest.raises(AppError):
        services.clue_from_suspect(by=netgov, kind="domain", pk=suspect.pk)
    handover = ho.handover_create(by=netgov, domain_id=suspect.pk, recipient="txgl",
                                  recipient_name="山西省通信管理局", facts="仿冒应急管理部查询网站")
    second = ho.handover_create(by=netgov, domain_id=suspect.pk, recipient="ga",
                                recipient_name="", facts="同上，涉嫌犯罪")
    assert handover.number.endswith("1号") and second.number.endswith("2号")
    pdf = (ho.handover_dir(handover.pk) / ho.LETTER).read_bytes()
    assert pdf.startswith(b"%PDF")
    import hashlib

    assert hashlib.sha256(pdf).hexdigest() == handover.letter_sha256
    package = zipfile.ZipFile(io.BytesIO((ho.handover_dir(handover.pk) / ho.PACKAGE)
                                         .read_bytes()))
    sums = package.read("SHA256SUMS").decode()
    page = next(n for n in package.namelist() if n.endswith("page.html"))
    assert hashlib.sha256(package.read(page)).hexdigest() in sums
    from pypdf import PdfReader

    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "移" in text and "cx-mem-gov.cn" in text and handover.number in text


def test_recheck_records_when_a_site_goes_dark_and_comes_back(world, netgov, site):
    suspect = SuspectDomain.objects.create(
        organisation=world.orgs["wx_A"], region_id="140521", verdict="lookalike", score=90,
        domain=site.url("/official").removeprefix("http://"), source="paste")
    handover = ho.handover_create(by=netgov, domain_id=suspect.pk, recipient="wx",
                                  recipient_name="", facts="仿冒网站")
    site.down()
    assert ho.handovers_recheck_due(by=netgov)["dark"] == 1
    handover.refresh_from_db()
    assert handover.dark_since is not None and handover.events.filter(kind="dark").exists()
    ho.handover_dispose(by=netgov, pk=handover.pk, note="通信管理局已关停")
    site.down(False)
    Handover.objects.filter(pk=handover.pk).update(last_checked_at=None)
    assert ho.handovers_recheck_due(by=netgov)["up"] == 1
    handover.refresh_from_db()
    assert handover.status == "reappeared" and handover.dark_since is None


def test_the_recheck_is_scheduled(world, django_capture_on_commit_callbacks):
    from certguard.core.models import Job
    from certguard.core.schedule import schedule_due

    with django_capture_on_commit_callbacks(execute=True):
        started = schedule_due()
    assert "netwatch_recheck" in [j.kind for j in started]
    assert Job.objects.get(kind="netwatch_recheck").status == "succeeded"
    assert not [j for j in schedule_due() if j.kind == "netwatch_recheck"]


def test_allow_list_is_versioned_and_read_by_the_public_url_check(world, verified_client):
    from certguard.catalog.services import official_hosts_current
    from certguard.ecert.services import scan_check

    admin = world.user("admin", "province")
    assert scan_check(text="https://sx.example.gov.cn/cx")["check"]["verdict"] != "genuine"
    version, entries = official_hosts_current()
    assert version == 0
    entries.append({"host": "sx.example.gov.cn", "operator": "山西省应急管理厅",
                    "platform": "山西省特种作业证查询", "status": "active"})
    assert services.officials_publish(by=admin, text=json.dumps(entries, ensure_ascii=False),
                                      note="增加省级平台") == 1
    assert scan_check(text="https://sx.example.gov.cn/cx")["check"]["verdict"] == "genuine"
    with pytest.raises(AppError):
        services.officials_publish(by=world.user("netgov_officer", "A"),
                                   text=json.dumps(entries), note="x")
    with pytest.raises(AppError) as caught:
        services.officials_publish(by=admin, text='[{"host": "bad host", "operator": "x"}]',
                                   note="x")
    assert "不是有效域名" in caught.value.message
    client = verified_client(admin)
    assert "sx.example.gov.cn" in client.get("/netwatch/officials/").content.decode()


def test_figures_count_and_list(world, netgov):
    from certguard.netwatch.figures import figure_records, netwatch_figures

    services.domains_score(by=netgov, lines=services.text_lines("cx-mem-gov.cn"),
                           source="paste")
    suspect = SuspectDomain.objects.get()
    handover = ho.handover_create(by=netgov, domain_id=suspect.pk, recipient="txgl",
                                  recipient_name="", facts="x")
    ho.handover_dispose(by=netgov, pk=handover.pk, note="")
    data = netwatch_figures(user=netgov, group_by="region")
    assert data["totals"] == {"sites_found": 1, "sites_blocked": 1, "ads_cleaned": 0,
                              "handovers": 1}
    assert list(figure_records(user=netgov, figure="sites_blocked")) == [handover]
    other = world.user("netgov_officer", "B")
    assert netwatch_figures(user=other)["totals"]["sites_found"] == 0
