"""The CLI through its real argparse definitions (pure), then the management command."""

from __future__ import annotations

import argparse
import io
import json

import pytest

from certguard.netwatch import cli
from certguard.netwatch.errors import NetwatchError

DOMAIN_KEYS = {"line", "domain", "verdict", "imitates", "score", "reasons"}
AD_KEYS = {"line", "verdict", "score", "matched", "normalised", "evasions", "text"}


def run(*argv: str, cache_dir=None) -> tuple[int, list, str]:
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(vars(parser.parse_args(argv)), out=out, err=err, cache_dir=cache_dir)
    lines = out.getvalue().splitlines()
    if "--json" in argv:
        lines = [json.loads(line) for line in lines]
    return code, lines, err.getvalue()


def test_domains_json_shape(tmp_path) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_text("cx.mem.gov.cn\ncx-mem-gov.cn\nmember.com\n", encoding="utf-8")
    code, records, summary = run("domains", str(feed), "--json")
    assert code == 0
    assert [set(r) for r in records] == [DOMAIN_KEYS] * 3
    assert [(r["line"], r["verdict"]) for r in records] == [
        (1, "official"), (2, "lookalike"), (3, "unrelated")]
    fake = records[1]
    assert fake["imitates"] == "cx.mem.gov.cn" and isinstance(fake["score"], int)
    assert 0 <= fake["score"] <= 100 and all(isinstance(r, str) for r in fake["reasons"])
    assert records[2]["imitates"] is None
    assert "共处理域名 3 行" in summary


def test_domains_plain_output(tmp_path) -> None:
    feed = tmp_path / "feed.txt"
    feed.write_text("cx-mem-gov.cn\n", encoding="utf-8")
    code, lines, _ = run("domains", str(feed))
    assert code == 0 and lines[0].startswith("1\tcx-mem-gov.cn\t仿冒 cx.mem.gov.cn\t")


def test_ads_json_shape(tmp_path, model_cache, classifier) -> None:
    texts = tmp_path / "ads.txt"
    texts.write_text("警惕“不用考试、全国可查”的假证广告\n电工证不用考试 全国联网可查 加V abc123\n",
                     encoding="utf-8")
    code, records, summary = run("ads", str(texts), "--json", cache_dir=model_cache)
    assert code == 0
    assert [set(r) for r in records] == [AD_KEYS] * 2
    assert [r["verdict"] for r in records] == ["clean", "selling"]
    assert records[1]["matched"][:3] == ["电工证", "不用考试", "全国联网可查"]
    assert records[1]["normalised"].startswith("电工证不用考试全国联网可查")
    assert "共处理文本 2 行：正常 1、售证 1" in summary


def test_custom_keyword_list_is_used(tmp_path, model_cache) -> None:
    from certguard.netwatch.keywords import default_keyword_list

    data = default_keyword_list().to_dict()
    data["version"] = 9
    data["keywords"].append({"phrase": "秒出本", "category": "sales"})
    path = tmp_path / "kw.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    texts = tmp_path / "ads.txt"
    texts.write_text("电工证秒出本\n", encoding="utf-8")
    _, records, _ = run("ads", str(texts), "--json", "--keywords", str(path),
                        cache_dir=model_cache)
    assert "秒出本" in records[0]["matched"]


def test_generate_watch_list() -> None:
    code, records, _ = run("generate", "--official", "cx.mem.gov.cn", "--no-dnstwist", "--json")
    assert code == 0 and records
    assert {r["imitates"] for r in records} == {"cx.mem.gov.cn"}
    assert {r["technique"] for r in records} == {"flatten", "embed", "pinyin", "latin"}
    with pytest.raises(NetwatchError, match="不在官方网址清单中"):
        run("generate", "--official", "evil.example.com")


def test_ads_eval_reports_precision_and_recall(model_cache, classifier) -> None:
    code, records, _ = run("ads-eval", "--count", "200", cache_dir=model_cache)
    report = json.loads(records[0])
    assert code == 0 and report["samples"] == 200
    assert {"precision", "recall", "recall_by_evasion", "missed_examples"} <= set(report)


def call_command_exit(*argv: str) -> tuple[int, str, str]:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from certguard.netwatch.management.commands.netwatch import Command

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(Command(), *argv, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), str(exc)
    return 0, out.getvalue(), err.getvalue()


def test_management_command_exit_codes(tmp_path, settings) -> None:
    settings.VAR_DIR = tmp_path
    feed = tmp_path / "feed.txt"
    feed.write_text("cx-mem-gov.cn\n", encoding="utf-8")
    code, out, _ = call_command_exit("domains", str(feed), "--json")
    assert code == 0 and json.loads(out)["verdict"] == "lookalike"
    code, _, message = call_command_exit("domains", str(tmp_path / "missing.txt"))
    assert code == 2 and message == f"[input_unreadable] 找不到文件：{tmp_path / 'missing.txt'}"
    feed.write_text("cx-mem-gov.cn\nnot a domain\n", encoding="utf-8")
    code, out, message = call_command_exit("domains", str(feed), "--json")
    assert code == 2 and "部分行无法识别" in message
    assert [json.loads(line)["line"] for line in out.splitlines()] == [1, 2]
