"""Normalise ad text against the ways sellers dodge keyword filters, and find the keywords.

Steps: NFKC (full-width letters, circled and squared signs such as 🈚 → 無), a few emoji that
stand for words (📞 → 电话), all other symbols and format characters dropped, traditional →
simplified (OpenCC t2s), lower case, then everything that is not a letter or digit removed, so
"办 证"、"办.证"、"办🔥证" all become "办证". Homophones (证 → 正) and pinyin (banzheng, bz) are
not rewritten character by character — 正 is far too common — but each keyword's disguised
spellings are put into one Aho-Corasick automaton (pyahocorasick) that maps them back to the
keyword, with longest-match-wins so that a listed false friend (操作正常) blocks a disguise
(操作正). Every evasion found is reported, since a notice never needs one.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import ahocorasick
import opencc
from pypinyin import Style, lazy_pinyin

from certguard.netwatch.keywords import KeywordList

MAX_CHARS = 20_000  # an ad is short; a longer line is analysed on its first 20,000 characters
# Characters sellers swap in for the keywords' characters (same or near sound).
HOMOPHONES = {
    "证": "正政症挣争铮怔峥征", "办": "半扮伴拌瓣", "考": "烤拷", "试": "式事市适",
    "包": "保宝胞饱苞", "过": "锅果裹", "查": "茶察插叉", "免": "勉缅娩", "速": "素宿诉",
    "成": "城诚承程", "挂": "褂卦", "靠": "铐", "代": "带贷袋黛", "急": "及级即吉",
    "网": "往望枉", "联": "连莲廉", "终": "钟忠", "身": "深申伸", "扫": "嫂", "码": "马玛蚂",
    "场": "厂常", "出": "初", "天": "添田", "国": "果锅", "全": "权泉", "微": "威薇维唯",
    "信": "心新芯", "岗": "港钢", "焊": "汗旱悍", "训": "讯迅汛", "培": "陪赔",
}
EMOJI_WORDS = {"📞": "电话", "☎": "电话", "📱": "电话", "💰": "钱", "💴": "钱", "🆔": "id"}
QUOTES = {"“": "”", "‘": "’", "\"": "\"", "'": "'", "「": "」", "『": "』", "《": "》"}
_LATIN = re.compile(r"[a-z]")
# Full-width letters and digits (ｂｚ, １３８): full-width punctuation is ordinary Chinese typing.
_FULLWIDTH_ALNUM = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_MAX_PER_PHRASE = 600


@dataclass
class Match:
    keyword: str
    category: str
    spelling: str
    kinds: tuple[str, ...]  # how the spelling disguises the keyword: homophone, pinyin, ...
    quoted: bool = False
    separated: bool = False


@dataclass
class Normalised:
    text: str  # compact text with every disguised keyword written plainly
    matches: list[Match] = field(default_factory=list)
    evasions: set[str] = field(default_factory=set)
    truncated: bool = False

    @property
    def keywords(self) -> list[str]:
        return list(dict.fromkeys(m.keyword for m in self.matches))


class Normaliser:
    def __init__(self, keywords: KeywordList) -> None:
        self.keywords = keywords
        self._automaton = _automaton(keywords)
        self._t2s = _converter()

    def normalise(self, text: str) -> Normalised:
        truncated = len(text) > MAX_CHARS
        text = text[:MAX_CHARS]
        evasions: set[str] = set()
        nfkc = unicodedata.normalize("NFKC", text)
        if nfkc != text and _FULLWIDTH_ALNUM.search(text):
            evasions.add("fullwidth")
        readable, emoji = _drop_symbols(nfkc)
        if emoji:
            evasions.add("emoji")
        simplified = self._t2s.convert(readable)
        if simplified != readable:
            evasions.add("traditional")
        lowered = simplified.lower()
        compact, positions = _compact(lowered)
        quoted = _quoted_positions(lowered)
        matches, spans = self._find(compact, positions, lowered, quoted)
        for match in matches:
            evasions.update(match.kinds)
            if match.separated:
                evasions.add("separator")
        return Normalised(text=_rewrite(compact, spans), matches=matches, evasions=evasions,
                          truncated=truncated)

    def _find(self, compact: str, positions: list[int], text: str, quoted: set[int]
              ) -> tuple[list[Match], list[tuple[int, int, str]]]:
        found = []
        for end, (spelling, keyword, category, kinds) in self._automaton.iter(compact):
            start = end - len(spelling) + 1
            # Pinyin must stand as its own word: "bz" in "abzc" is not 办证.
            before, after = positions[start] - 1, positions[end] + 1
            if _LATIN.match(spelling) and before >= 0 and _LATIN.match(text[before]):
                continue
            if _LATIN.match(spelling[-1]) and after < len(text) and _LATIN.match(text[after]):
                continue
            found.append((start, end + 1, spelling, keyword, category, kinds))
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        matches, spans, reach = [], [], 0
        for start, stop, spelling, keyword, category, kinds in found:
            if start < reach:
                continue
            reach = stop
            if keyword is None:  # a false friend: an ordinary word, not a disguise
                continue
            first, last = positions[start], positions[stop - 1]
            matches.append(Match(keyword=keyword, category=category, spelling=spelling,
                                 kinds=kinds, quoted=first in quoted,
                                 separated=last - first + 1 > len(spelling)))
            spans.append((start, stop, keyword))
        return matches, spans


def _drop_symbols(text: str) -> tuple[str, bool]:
    out, emoji = [], False
    for char in text:
        word = EMOJI_WORDS.get(char)
        if word is not None:
            out.append(word)
            emoji = True
            continue
        category = unicodedata.category(char)
        if category in ("So", "Sk", "Cf", "Cs", "Co", "Mn", "Me"):
            emoji = emoji or category in ("So", "Cs")
            continue
        out.append(char)
    return "".join(out), emoji


def _compact(text: str) -> tuple[str, list[int]]:
    chars, positions = [], []
    for index, char in enumerate(text):
        if char.isalnum():
            chars.append(char)
            positions.append(index)
    return "".join(chars), positions


def _quoted_positions(text: str) -> set[int]:
    inside: set[int] = set()
    for opening, closing in QUOTES.items():
        start = 0
        while (begin := text.find(opening, start)) >= 0:
            end = text.find(closing, begin + 1)
            if end < 0 or end - begin > 60:
                break
            inside.update(range(begin + 1, end))
            start = end + 1
    return inside


def _rewrite(compact: str, spans: list[tuple[int, int, str]]) -> str:
    if not spans:
        return compact
    parts, last = [], 0
    for start, stop, keyword in spans:
        parts += [compact[last:start], keyword]
        last = stop
    parts.append(compact[last:])
    return "".join(parts)


@lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=8)
def _automaton_cached(fingerprint: str, keywords: KeywordList) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for keyword in keywords.keywords:
        for spelling, kinds in spellings(keyword.phrase, initials=keyword.initials):
            _add(automaton, spelling, keyword.phrase, keyword.category, kinds)
        for variant in keyword.variants:
            _add(automaton, _compact(variant)[0], keyword.phrase, keyword.category, ("variant",))
    for friend in keywords.false_friends:
        automaton.add_word(friend, (friend, None, None, ()))  # longest match wins: it blocks
    automaton.make_automaton()
    return automaton


def _automaton(keywords: KeywordList) -> ahocorasick.Automaton:
    return _automaton_cached(keywords.fingerprint(), keywords)


def _add(automaton: ahocorasick.Automaton, spelling: str, keyword: str, category: str,
         kinds: tuple[str, ...]) -> None:
    if not spelling:
        return
    existing = automaton.get(spelling, None)
    if existing is None or len(existing[3]) > len(kinds):  # the plainest reading wins
        automaton.add_word(spelling, (spelling, keyword, category, kinds))


def spellings(phrase: str, *, initials: bool = False) -> list[tuple[str, tuple[str, ...]]]:
    """The phrase and its disguises: homophones and pinyin per character (up to two changed
    characters in long phrases), whole-phrase pinyin, and initials where sellers use them."""
    phrase = phrase.lower()
    options = [[(c, ())] + [(h, ("homophone",)) for h in HOMOPHONES.get(c, "")]
               + ([(_pinyin(c), ("pinyin",))] if _is_cjk(c) else []) for c in phrase]
    out: dict[str, tuple[str, ...]] = {phrase: ()}
    total = 1
    for choice in options:
        total *= len(choice)
    if total <= _MAX_PER_PHRASE:
        combos = itertools.product(*options)
    else:
        combos = _few_changes(options, changes=2)
    for combo in combos:
        spelling = "".join(c for c, _ in combo)
        kinds = tuple(sorted({k for _, ks in combo for k in ks}))
        out.setdefault(spelling, kinds)
    if all(_is_cjk(c) for c in phrase):
        out.setdefault("".join(lazy_pinyin(phrase)), ("pinyin",))
        if initials:
            out.setdefault("".join(lazy_pinyin(phrase, style=Style.FIRST_LETTER)), ("initials",))
    return list(out.items())


def _few_changes(options: list[list[tuple[str, tuple[str, ...]]]], *, changes: int):
    plain = [choice[0] for choice in options]
    for count in range(1, changes + 1):
        for where in itertools.combinations(range(len(options)), count):
            pools = [options[i][1:] if i in where else [plain[i]] for i in range(len(options))]
            yield from itertools.product(*pools)


def _pinyin(char: str) -> str:
    return "".join(lazy_pinyin(char))


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"
