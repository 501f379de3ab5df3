"""Keyword lists of certificate-selling ads: versioned data per department.

市场监管 receives the phrases from the industry regulators and versions them; this module is
the plain structure both the package default and a database version load into
(``keyword_list_from_dict``), with a fingerprint the classifier cache is keyed on. Categories:
``sales`` (the promise: 不用考试, 包过, 全国联网可查), ``product`` (what is sold: 办证,
电工证) and ``contact`` (how to buy: 加微信). ``initials`` marks phrases whose pinyin initials
sellers write (bz = 办证); ``variants`` are spellings a department has seen; ``false_friends``
are ordinary words that contain a disguised spelling (操作正常 is not 操作证).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from certguard.netwatch.errors import NetwatchError

CATEGORIES = ("sales", "product", "contact")


@dataclass(frozen=True)
class Keyword:
    phrase: str
    category: str
    initials: bool = False
    variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class KeywordList:
    department: str
    version: int
    keywords: tuple[Keyword, ...]
    false_friends: tuple[str, ...] = ()
    source: str = ""

    def phrases(self, category: str) -> list[str]:
        return [k.phrase for k in self.keywords if k.category == category]

    def to_dict(self) -> dict[str, Any]:
        return {"department": self.department, "version": self.version, "source": self.source,
                "keywords": [{"phrase": k.phrase, "category": k.category,
                              "initials": k.initials, "variants": list(k.variants)}
                             for k in self.keywords],
                "false_friends": list(self.false_friends)}

    def fingerprint(self) -> str:
        canonical = json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def keyword_list_from_dict(data: Any) -> KeywordList:
    if not isinstance(data, dict):
        raise NetwatchError("keywords_invalid", "关键词清单应为 JSON 对象")
    department = str(data.get("department") or "").strip()
    if not department:
        raise NetwatchError("keywords_invalid", "关键词清单缺少提供部门（department）")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise NetwatchError("keywords_invalid", "关键词清单的版本号（version）应为正整数")
    entries = data.get("keywords")
    if not isinstance(entries, list) or not entries:
        raise NetwatchError("keywords_invalid", "关键词清单没有关键词（keywords）")
    keywords = [_keyword(number, entry) for number, entry in enumerate(entries, 1)]
    phrases = [k.phrase for k in keywords]
    duplicates = sorted({p for p in phrases if phrases.count(p) > 1})
    if duplicates:
        raise NetwatchError("keywords_invalid", f"关键词重复：{'、'.join(duplicates)}")
    friends = data.get("false_friends") or []
    if not isinstance(friends, list) or not all(isinstance(f, str) and f for f in friends):
        raise NetwatchError("keywords_invalid", "false_friends 应为词语列表")
    return KeywordList(department=department, version=version, keywords=tuple(keywords),
                       false_friends=tuple(friends), source=str(data.get("source") or ""))


def _keyword(number: int, entry: Any) -> Keyword:
    if not isinstance(entry, dict):
        raise NetwatchError("keywords_invalid", f"第 {number} 个关键词不是对象")
    phrase = str(entry.get("phrase") or "").strip()
    if len(phrase) < 2:
        raise NetwatchError("keywords_invalid",
                            f"第 {number} 个关键词“{phrase}”太短（至少 2 个字）")
    category = entry.get("category")
    if category not in CATEGORIES:
        raise NetwatchError("keywords_invalid",
                            f"关键词“{phrase}”的类别“{category}”无效，"
                            "应为 sales、product 或 contact")
    variants = entry.get("variants") or []
    if not isinstance(variants, list) or not all(isinstance(v, str) and v for v in variants):
        raise NetwatchError("keywords_invalid", f"关键词“{phrase}”的 variants 应为字符串列表")
    return Keyword(phrase=phrase, category=category, initials=bool(entry.get("initials")),
                   variants=tuple(v.lower() for v in variants))


@lru_cache(maxsize=1)
def default_keyword_list() -> KeywordList:
    text = resources.files("certguard.netwatch.data").joinpath("ad_keywords.json").read_text(
        encoding="utf-8")
    return keyword_list_from_dict(json.loads(text))


def load_keyword_list(path: str) -> KeywordList:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError:
        raise NetwatchError("keywords_unreadable", f"无法读取关键词清单文件：{path}") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise NetwatchError("keywords_invalid", "关键词清单文件不是 UTF-8 编码的 JSON") from None
    return keyword_list_from_dict(data)
