"""``certguard netwatch``: score domain feeds, classify ad texts, generate watch-lists.

Plain argparse and the engines; the Django management command only passes the var directory
(where the ad model is cached) and turns NetwatchError into exit code 2. Results stream: one
output line per input line as it is read, so a 1 GB feed never sits in memory. Every input line
is accounted for — a result, an error object with its line number, or (blank lines) a count in
the summary on standard error. Exit code 2 when any line could not be read as input.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

from certguard.netwatch.errors import NetwatchError
from certguard.netwatch.feed import FeedLine, looks_binary, open_feed, read_lines

DOMAIN_LINE_BYTES = 4096  # a host is at most 253 characters; a URL line gets some room
AD_LINE_BYTES = 1 << 20
AD_BATCH = 512
DOMAIN_KEYS = ("domain", "verdict", "imitates", "score", "reasons")
AD_KEYS = ("verdict", "score", "matched", "normalised")
VERDICT_WORDS = {"official": "官方", "lookalike": "仿冒", "unrelated": "无关",
                 "selling": "售证", "clean": "正常"}


def add_arguments(parser: Any) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    domains = sub.add_parser("domains",
                             help="逐行评估域名清单（网信、运营商推送、新注册域名、举报）")
    domains.add_argument("file", help="每行一个域名或网址的文本文件（UTF-8 或 GBK）；- 为标准输入")
    domains.add_argument("--json", dest="as_json", action="store_true", help="每行输出一个 JSON")
    domains.add_argument("--officials", help="官方网址清单 JSON（默认用内置清单）")
    ads = sub.add_parser("ads", help="逐行判断文本是否为售卖证书的广告")
    ads.add_argument("file", help="每行一条文本的文件（UTF-8 或 GBK）；- 为标准输入")
    ads.add_argument("--json", dest="as_json", action="store_true", help="每行输出一个 JSON")
    ads.add_argument("--keywords", help="关键词清单 JSON（默认用内置清单）")
    generate = sub.add_parser("generate", help="生成官方网址的仿冒域名监视清单")
    generate.add_argument("--official", action="append", help="只生成这些官方网址的（可重复）")
    generate.add_argument("--officials", help="官方网址清单 JSON（默认用内置清单）")
    generate.add_argument("--no-dnstwist", action="store_true", help="不含 dnstwist 的变形")
    generate.add_argument("--json", dest="as_json", action="store_true", help="每行输出一个 JSON")
    evaluate = sub.add_parser("ads-eval", help="在生成的测试集上报告广告识别的查准率和查全率")
    evaluate.add_argument("--seed", type=int, default=7)
    evaluate.add_argument("--count", type=int, default=4000)
    evaluate.add_argument("--keywords", help="关键词清单 JSON（默认用内置清单）")


@dataclass
class Summary:
    counts: dict[str, int] = field(default_factory=dict)
    blank: list[int] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)

    def count(self, verdict: str) -> None:
        self.counts[verdict] = self.counts.get(verdict, 0) + 1

    def text(self, noun: str) -> str:
        parts = "、".join(f"{VERDICT_WORDS.get(k, k)} {v}" for k, v in self.counts.items())
        message = f"共处理{noun} {sum(self.counts.values())} 行" + (f"：{parts}" if parts else "")
        if self.blank:
            message += f"；空行 {len(self.blank)} 行已跳过（第 {_numbers(self.blank)} 行）"
        if self.rejected:
            message += (f"；无法识别 {len(self.rejected)} 行（第 {_numbers(self.rejected)} 行），"
                        "已逐行输出原因，其余行照常输出")
        return message


def _numbers(numbers: list[int]) -> str:
    shown = "、".join(str(n) for n in numbers[:20])
    return shown + (f" 等 {len(numbers)} 处" if len(numbers) > 20 else "")


def run(options: dict[str, Any], *, out: TextIO, err: TextIO,
        cache_dir: Path | None = None) -> int:
    action = options["action"]
    if action == "domains":
        return _domains(options, out=out, err=err)
    if action == "ads":
        return _ads(options, out=out, err=err, cache_dir=cache_dir)
    if action == "generate":
        return _generate(options, out=out)
    return _evaluate(options, out=out, cache_dir=cache_dir)


def _domains(options: dict[str, Any], *, out: TextIO, err: TextIO) -> int:
    from certguard.netwatch.domainscore import DomainScorer
    from certguard.netwatch.hostnames import HostProblem, host_from_line

    scorer = DomainScorer(_officials(options))
    summary = Summary()
    for line in _feed(options["file"], max_bytes=DOMAIN_LINE_BYTES, summary=summary, out=out,
                      as_json=options["as_json"], empty_keys=DOMAIN_KEYS):
        try:
            host = host_from_line(line.text or "")
        except HostProblem as problem:
            _reject(out, summary, line.number, problem.code, problem.message, options["as_json"],
                    empty_keys=DOMAIN_KEYS, text=line.text)
            continue
        result = scorer.score(host)
        summary.count(result.verdict)
        if options["as_json"]:
            _json(out, {"line": line.number, **result.to_dict()})
        else:
            imitated = f" {result.imitates}" if result.verdict == "lookalike" else ""
            out.write(f"{line.number}\t{result.domain}\t{VERDICT_WORDS[result.verdict]}"
                      f"{imitated}\t{result.score}\t{'；'.join(result.reasons)}\n")
    return _finish(summary, err, noun="域名", empty="文件中没有域名")


def _ads(options: dict[str, Any], *, out: TextIO, err: TextIO, cache_dir: Path | None) -> int:
    from certguard.netwatch.adclassifier import AdClassifier
    from certguard.netwatch.keywords import load_keyword_list
    from certguard.netwatch.textnorm import MAX_CHARS

    keywords = load_keyword_list(options["keywords"]) if options.get("keywords") else None
    classifier = AdClassifier(keywords=keywords, cache_dir=cache_dir)
    summary = Summary()
    lines = _feed(options["file"], max_bytes=AD_LINE_BYTES, summary=summary, out=out,
                  as_json=options["as_json"], empty_keys=AD_KEYS)
    while batch := list(islice(lines, AD_BATCH)):
        for line, verdict in zip(batch, classifier.classify_many(
                line.text or "" for line in batch), strict=True):
            summary.count(verdict.verdict)
            text = line.text or ""
            if options["as_json"]:
                record = {"line": line.number, **verdict.to_dict(), "text": text[:MAX_CHARS]}
                if len(text) > MAX_CHARS:
                    record["truncated"] = True
                _json(out, record)
            else:
                out.write(f"{line.number}\t{VERDICT_WORDS[verdict.verdict]}\t{verdict.score}\t"
                          f"{'、'.join(verdict.matched)}\t{verdict.normalised[:200]}\n")
    return _finish(summary, err, noun="文本", empty="文件中没有文本")


def _feed(path: str, *, max_bytes: int, summary: Summary, out: TextIO, as_json: bool,
          empty_keys: tuple[str, ...]) -> Iterator[FeedLine]:
    """Usable lines; blank and unreadable ones are counted and reported on the way."""
    handle = open_feed(path)
    try:
        if looks_binary(handle):
            raise NetwatchError("input_binary", "文件含有二进制内容（如压缩包、图片或 Office "
                                                "文件），不是每行一条记录的文本文件")
        for line in read_lines(handle, max_bytes=max_bytes):
            if line.problem == "blank":
                summary.blank.append(line.number)
            elif line.problem:
                _reject(out, summary, line.number, line.problem, line.message or "", as_json,
                        empty_keys=empty_keys)
            else:
                yield line
    except OSError as exc:
        raise NetwatchError("input_unreadable", f"读取文件时出错（{exc.strerror}）") from None
    finally:
        if path != "-":
            handle.close()


def _reject(out: TextIO, summary: Summary, number: int, code: str, message: str,
            as_json: bool, *, empty_keys: tuple[str, ...], text: str | None = None) -> None:
    summary.rejected.append(number)
    if not message.startswith("第 "):
        message = f"第 {number} 行：{message}"
    if as_json:
        # The result keys stay (null) so a reader of the stream sees one shape per line.
        record: dict[str, Any] = {"line": number, **dict.fromkeys(empty_keys),
                                  "error": {"code": code, "message": message}}
        if text is not None:
            record["input"] = text[:300]
        _json(out, record)
    else:
        out.write(f"{number}\t错误 [{code}]\t{message}\n")


def _finish(summary: Summary, err: TextIO, *, noun: str, empty: str) -> int:
    if not summary.counts and not summary.rejected:
        raise NetwatchError("input_empty", empty + (
            f"（{len(summary.blank)} 行全是空行）" if summary.blank else ""))
    err.write(summary.text(noun) + "\n")
    return 2 if summary.rejected else 0


def _officials(options: dict[str, Any]):
    from certguard.netwatch.officials import default_official_hosts, load_official_hosts

    return load_official_hosts(options["officials"]) if options.get("officials") else \
        default_official_hosts()


def _generate(options: dict[str, Any], *, out: TextIO) -> int:
    from certguard.netwatch.lookalike import generate

    officials = _officials(options)
    wanted = set(options.get("official") or ())
    unknown = wanted - {o.host for o in officials}
    if unknown:
        raise NetwatchError("official_unknown",
                            f"不在官方网址清单中：{'、'.join(sorted(unknown))}")
    chosen = [o for o in officials if not wanted or o.host in wanted]
    for candidate in generate(chosen, dnstwist=not options.get("no_dnstwist")):
        if options["as_json"]:
            _json(out, {"domain": candidate.domain, "imitates": candidate.imitates,
                        "technique": candidate.technique})
        else:
            out.write(candidate.domain + "\n")
    return 0


def _evaluate(options: dict[str, Any], *, out: TextIO, cache_dir: Path | None) -> int:
    from certguard.netwatch.adclassifier import AdClassifier, evaluate
    from certguard.netwatch.keywords import load_keyword_list

    if options["count"] < 10:
        raise NetwatchError("bad_argument", "--count 至少为 10")
    keywords = load_keyword_list(options["keywords"]) if options.get("keywords") else None
    classifier = AdClassifier(keywords=keywords, cache_dir=cache_dir)
    _json(out, evaluate(classifier, seed=options["seed"], count=options["count"]))
    return 0


_ENCODER = json.JSONEncoder(ensure_ascii=False)  # one encoder: json.dumps builds one per call


def _json(out: TextIO, record: dict[str, Any]) -> None:
    out.write(_ENCODER.encode(record) + "\n")
