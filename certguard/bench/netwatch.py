"""Benchmark: score 1,000,000 candidate domains (goal ≤ 60 s) and classify 100,000 ad texts
(goal ≤ 30 s) through the same code path as ``certguard netwatch domains|ads --json``, each
against the bare cost of reading the same file with the same line reader in the same run.

The domain feed is generated: ordinary names built from English and pinyin words (with the
near-misses member, memo, samsung, chaxun among them), 1 % look-alikes from the generator, a
few blank lines, IDN names and GBK lines. The ad file is the classifier's test family (a seed
unlike training). Setting up (the scorer's tables, training the ad model) is timed separately.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

GOALS = {"domains_seconds": 60, "ads_seconds": 30}
WORDS = ("shop", "tech", "cloud", "home", "food", "travel", "news", "game", "mall", "data",
         "bao", "xin", "hua", "tian", "long", "feng", "jia", "le", "meng", "yun", "kuai", "mei",
         "net", "web", "app", "smart", "green", "blue", "star", "sun", "city", "life", "auto",
         "member", "memo", "samsung", "chaxun", "memory", "health", "gov", "safety", "china",
         "zhong", "guo", "an", "quan", "jian", "she", "best", "top", "fast", "market")
SUFFIXES = ("com", "cn", "net", "com.cn", "org", "xyz", "top", "vip", "cc", "info", "shop")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domains", type=int, default=1_000_000, help="candidate domains")
    parser.add_argument("--ads", type=int, default=100_000, help="ad texts")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--work-dir", help="where the generated files go (default: temp dir)")


def run(options: dict[str, Any]) -> dict[str, Any]:
    work = Path(options.get("work_dir") or tempfile.mkdtemp(prefix="certguard-netwatch-"))
    work.mkdir(parents=True, exist_ok=True)
    seed = int(options.get("seed") or 11)
    load = os.getloadavg()
    domains = _bench_domains(work, count=int(options["domains"]), seed=seed)
    ads = _bench_ads(work, count=int(options["ads"]), seed=seed)
    return {"load_average": [round(x, 2) for x in load], "domains": domains, "ads": ads,
            "goals": GOALS,
            "goals_met": {"domains_seconds": domains["seconds"] <= GOALS["domains_seconds"],
                          "ads_seconds": ads["seconds"] <= GOALS["ads_seconds"]}}


def _bench_domains(work: Path, *, count: int, seed: int) -> dict[str, Any]:
    from certguard.netwatch import cli
    from certguard.netwatch.domainscore import DomainScorer

    path = work / f"domains-{count}-{seed}.txt"
    planted = write_domain_feed(path, count=count, seed=seed)
    baseline = _read_only(path, max_bytes=cli.DOMAIN_LINE_BYTES)
    started = time.perf_counter()
    DomainScorer()
    setup = time.perf_counter() - started
    out_path = work / "domains-out.jsonl"
    seconds, cpu = _timed_cli({"action": "domains", "file": str(path), "as_json": True,
                               "officials": None}, out_path)
    verdicts = _verdicts(out_path, "verdict")
    return {"lines": count, "file_mb": round(path.stat().st_size / 2**20, 1),
            "setup_seconds": round(setup, 2), "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2),
            "per_second": round(count / seconds), "baseline_read_seconds": round(baseline, 4),
            "ratio_to_baseline": round(seconds / max(baseline, 1e-6), 1), "verdicts": verdicts,
            "planted_lookalikes": planted}


def _bench_ads(work: Path, *, count: int, seed: int) -> dict[str, Any]:
    from certguard.netwatch import adcorpus, cli
    from certguard.netwatch.adclassifier import load_or_train
    from certguard.netwatch.keywords import default_keyword_list

    path = work / f"ads-{count}-{seed}.txt"
    if not path.exists():
        with open(path, "w", encoding="utf-8") as out:
            for text in adcorpus.iter_texts(count=count, seed=seed,
                                            keywords=default_keyword_list()):
                out.write(text + "\n")
    baseline = _read_only(path, max_bytes=cli.AD_LINE_BYTES)
    started = time.perf_counter()
    load_or_train(keywords=default_keyword_list(), cache_dir=work / "model")
    setup = time.perf_counter() - started
    out_path = work / "ads-out.jsonl"
    seconds, cpu = _timed_cli({"action": "ads", "file": str(path), "as_json": True,
                               "keywords": None}, out_path, cache_dir=work / "model")
    return {"lines": count, "file_mb": round(path.stat().st_size / 2**20, 1),
            "train_or_load_seconds": round(setup, 2), "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2),
            "per_second": round(count / seconds), "baseline_read_seconds": round(baseline, 4),
            "ratio_to_baseline": round(seconds / max(baseline, 1e-6), 1),
            "verdicts": _verdicts(out_path, "verdict")}


def _timed_cli(options: dict[str, Any], out_path: Path,
               cache_dir: Path | None = None) -> tuple[float, float]:
    """Wall-clock and CPU seconds: on a shared machine the CPU figure is the stable one."""
    from certguard.netwatch import cli

    started, cpu = time.perf_counter(), _cpu()
    with open(out_path, "w", encoding="utf-8") as out:
        code = cli.run(options, out=out, err=io.StringIO(), cache_dir=cache_dir)
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    if code not in (0, 2):
        raise RuntimeError(f"netwatch {options['action']} exited with {code}")
    return seconds, cpu


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _read_only(path: Path, *, max_bytes: int) -> float:
    """The bare cost: the same streaming line reader and decoder, nothing done with a line."""
    from certguard.netwatch.feed import read_lines

    started = time.perf_counter()
    with open(path, "rb") as handle:
        for _ in read_lines(handle, max_bytes=max_bytes):
            pass
    return time.perf_counter() - started


def _verdicts(path: Path, key: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            verdict = json.loads(line).get(key) or "error"
            counts[verdict] = counts.get(verdict, 0) + 1
    return counts


def write_domain_feed(path: Path, *, count: int, seed: int) -> int:
    """A feed of ``count`` lines; returns how many planted look-alikes it holds."""
    from certguard.netwatch.lookalike import generate
    from certguard.netwatch.officials import default_official_hosts

    rng = random.Random(seed)
    fakes = [c.domain for c in generate(default_official_hosts(), dnstwist=True)]
    fakes = [d for d in fakes if not d.endswith(".gov.cn")]  # registrable by anyone
    planted = 0
    with open(path, "wb") as out:
        for index in range(count):
            roll = rng.random()
            if roll < 0.01:
                line, planted = rng.choice(fakes).encode("utf-8"), planted + 1
            elif roll < 0.0105:
                line = b""
            elif roll < 0.011:
                line = (rng.choice(("数据", "云端", "商城")) + ".中国").encode("gb18030")
            else:
                words = rng.sample(WORDS, rng.choice((1, 2, 2, 3)))
                name = rng.choice(("", "-")).join(words)
                if rng.random() < 0.2:
                    name += str(rng.randrange(1, 999))
                line = f"{name}{index % 97 if rng.random() < 0.3 else ''}.{rng.choice(SUFFIXES)}"
                line = line.encode("ascii")
            out.write(line + b"\n")
    return planted
