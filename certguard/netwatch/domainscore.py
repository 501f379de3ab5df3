"""Score candidate domains against the official query hosts: official, look-alike or unrelated.

Most domains in a feed share nothing with an official name, so a fast path (one Aho-Corasick
pass over the folded name, one dict lookup of dnstwist's exact permutations) settles them; the
rest are split into labels, and each label is segmented into known pieces (official labels,
pinyin of authorities and trades, "gov", query words, filler). Evidence is a piece *as a whole
word*, never a substring that happens to share letters: ``member.com`` contains ``mem`` but does
not segment into pieces, so it stays unrelated, while ``cx-mem-gov.cn`` and ``cxmem-gov.xyz``
segment into cx + mem + gov and score as flattened copies of cx.mem.gov.cn.

Scores run 0-100 (how strongly the name imitates an official host); 50 and above with a named
official host, or with "gov" plus query words, is a look-alike. Reasons are Chinese sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import ahocorasick
from pypinyin import lazy_pinyin

from certguard.netwatch.hostnames import fold, is_ip, registrable_domain, split_host
from certguard.netwatch.lexicon import Lexicon, OfficialForms, Piece, build_lexicon, compact
from certguard.netwatch.officials import OfficialHost, default_official_hosts

LOOKALIKE_THRESHOLD = 50
TRIGGER_KINDS = ("label", "authority", "trade", "gov")
# dnstwist fuzzers that change spelling; homoglyphs are covered by folding instead.
LABEL_FUZZERS = ("addition", "bitsquatting", "hyphenation", "insertion", "omission", "plural",
                 "repetition", "replacement", "transposition", "vowel-swap")
_CJK = re.compile(r"[\u3400-\u9fff]")
_DIGITS = Piece("0", "filler", None, "数字")


@dataclass
class DomainVerdict:
    domain: str
    verdict: str  # "official" | "lookalike" | "unrelated"
    imitates: str | None
    score: int
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"domain": self.domain, "verdict": self.verdict, "imitates": self.imitates,
                "score": self.score, "reasons": list(self.reasons)}


@dataclass
class _Evidence:
    score: int
    reason: str
    official: str | None


class DomainScorer:
    """Built once per official-host list (a second or so); then ~10 µs per unrelated name."""

    def __init__(self, officials: Iterable[OfficialHost] | None = None) -> None:
        officials = tuple(officials or default_official_hosts())
        self.lexicon: Lexicon = build_lexicon(officials)
        self._by_host = {o.host: o for o in officials}
        self._official_suffixes = tuple("." + f.registrable for f in self.lexicon.forms)
        self._registrables = frozenset(f.registrable for f in self.lexicon.forms)
        self._folded = [(form, fold(form.official.host), fold(form.registrable),
                         fold(form.official.host.removeprefix("www.")))
                        for form in self.lexicon.forms]
        self._forms = {form.official.host: form for form in self.lexicon.forms}
        self._lengths = sorted({len(k) for k in self.lexicon.pieces}, reverse=True)
        self._host_permutations = _host_permutations(officials)
        self._label_variants = _label_variants(officials)
        self._long = {k: p for k, p in self.lexicon.pieces.items()
                      if p.kind in ("label", "authority", "trade") and len(k) >= 5}
        self._trigger = ahocorasick.Automaton()
        for key, piece in self.lexicon.pieces.items():
            if piece.kind in TRIGGER_KINDS:
                self._trigger.add_word(key, key)
        for key in self._label_variants:
            self._trigger.add_word(key, key)
        self._trigger.make_automaton()

    # -- entry point -------------------------------------------------------------------------
    def score(self, host: str) -> DomainVerdict:
        """Score one normalised host (see hostnames.host_from_line)."""
        if is_ip(host):
            return DomainVerdict(host, "unrelated", None, 0, ["IP 地址而非域名，无法按名称比对"])
        known = self._official(host)
        if known is not None:
            return known
        permutation = self._host_permutations.get(host)
        folded = fold(host)
        cjk = bool(_CJK.search(host))
        if permutation is None and not cjk and next(self._trigger.iter(compact(folded)),
                                                    None) is None:
            return DomainVerdict(host, "unrelated", None, 0, [])
        return self._analyse(host, folded, permutation, cjk)

    def _official(self, host: str) -> DomainVerdict | None:
        bare = host[4:] if host.startswith("www.") else host
        official = self._by_host.get(host) or self._by_host.get(bare) or self._by_host.get(
            "www." + bare)
        if official is not None:
            reasons = [f"官方证书查询网址（{official.operator}）"]
            if official.status == "retired":
                reasons = [f"已停用的原官方网址（{official.operator}），列入监视：不再提供"
                           "证书查询，若能访问须核实是否被他人接管"]
            return DomainVerdict(host, "official", official.host, 0, reasons)
        if not host.endswith(self._official_suffixes) and host not in self._registrables:
            return None
        for form in self.lexicon.forms:
            if host == form.registrable or host.endswith("." + form.registrable):
                return DomainVerdict(host, "official", form.official.host, 0, [
                    f"属于官方机构域名 {form.registrable}（{form.official.operator}），"
                    f"但不是登记的证书查询网址 {form.official.host}"])
        return None

    # -- the slow path -----------------------------------------------------------------------
    def _analyse(self, host: str, folded: str, permutation: tuple[str, str] | None,
                 cjk: bool) -> DomainVerdict:
        evidence: list[_Evidence] = []
        if permutation is not None:
            official, fuzzer = permutation
            evidence.append(_Evidence(80, f"与官方网址 {official} 经 dnstwist「{fuzzer}」"
                                          "变形所得的域名完全一致", official))
        evidence += self._whole_host(host, folded)
        subdomain, domain, suffix = split_host(host)
        if suffix == "gov.cn" or suffix.endswith(".gov.cn"):
            return self._government(host, evidence, subdomain, domain)
        labels = [label for label in [*subdomain.split("."), domain] if label]
        if cjk:
            labels = ["".join(lazy_pinyin(label)) if _CJK.search(label) else label
                      for label in labels]
        evidence += self._labels(host, labels, domain, cjk)
        return _verdict(host, evidence)

    def _whole_host(self, host: str, folded: str) -> list[_Evidence]:
        found: list[_Evidence] = []
        dotted = "." + folded
        for form, target, registrable, bare in self._folded:
            official = form.official.host
            if folded in (target, registrable, bare) or \
                    folded.endswith("." + registrable):
                found.append(_Evidence(95, f"用形近字符拼出官方网址 {official}", official))
                continue
            embedded = next((name for name in (target, registrable)
                             if "." + name + "." in dotted + "." or "." + name + "-" in dotted),
                            None)
            if embedded:
                shown = official if embedded == target else form.registrable
                found.append(_Evidence(95, f"域名开头嵌入官方网址 {shown}，实际注册在 "
                                           f"{_registrable_of(host)} 名下", official))
        if not found and not folded.endswith(".gov.cn") and (
                ".gov.cn." in dotted or ".gov.cn-" in dotted):
            found.append(_Evidence(55, "域名中嵌入“.gov.cn”字样，但并非政府域名", None))
        return found

    def _government(self, host: str, evidence: list[_Evidence], subdomain: str,
                    domain: str) -> DomainVerdict:
        if evidence:
            return _verdict(host, evidence)
        pieces = [p for label in [*subdomain.split("."), domain] if label
                  for p in (self._segment_best(label) or ())
                  if p.kind in ("label", "authority", "trade")]
        reasons = ["政府域名（gov.cn）只能由政府机构注册，不属于仿冒；如是新的官方查询平台，"
                   "请管理员加入官方网址清单"] if pieces else []
        return DomainVerdict(host, "unrelated", None, 0, reasons)

    def _labels(self, host: str, labels: list[str], domain: str, cjk: bool) -> list[_Evidence]:
        strong: list[Piece] = []
        weak: list[tuple[int, str, str | None]] = []
        for label in labels:
            pieces = self._segment_best(label)
            if pieces is not None:
                strong += pieces
                continue
            # "cxmem-shop": a hyphen token that is itself two or more pieces still counts.
            rest = []
            for token in re.split(r"[-_]", label):
                pieces = self._segment_best(token) if token else None
                if pieces is not None and sum(p.kind != "filler" for p in pieces) >= 2:
                    strong += pieces
                else:
                    rest.append(token)
            weak += self._partial(label, rest)
        found = self._from_pieces(strong, registrable_label=compact(fold(domain)))
        found += [_Evidence(score, reason, official) for score, reason, official in weak]
        if found and any(p.kind in TRIGGER_KINDS for p in strong):
            plain = compact(host.lower())
            if not cjk and any(p.text not in plain for p in strong if p.kind in TRIGGER_KINDS):
                found.append(_Evidence(5, "用形近字符替换字母（如 rn→m、0→o、1→l）以躲避识别",
                                       None))
        if cjk and found:
            found.append(_Evidence(3, "中文域名，按拼音比对", None))
        return found

    def _partial(self, label: str, tokens: list[str]) -> list[tuple[int, str, str | None]]:
        """Evidence in a label that does not segment: whole hyphen tokens, long names, typos."""
        folded = compact(fold(label))
        found: list[tuple[int, str, str | None]] = []
        variant = self._label_variants.get(folded)
        if variant is not None:
            official, fuzzer, base = variant
            found.append((75, f"“{label}”与官方名称拼写 {base} 仅差个别字符"
                              f"（dnstwist「{fuzzer}」）", official))
        long_found = set()
        for key, piece in self._long.items():
            if key in folded and folded != key:
                score = {"label": 70, "authority": 60}.get(piece.kind, 40)
                found.append((score, f"含{_what(piece)}“{piece.text}”", piece.official))
                long_found.add(key)
        for token in tokens:
            piece = self.lexicon.piece(fold(token))
            if piece is not None and piece.kind in ("label", "authority") and \
                    fold(token) not in long_found:
                found.append((40, f"含官方名称片段“{piece.text}”（{piece.source}），"
                                  "但无其他仿冒特征", piece.official))
        return found

    def _from_pieces(self, pieces: list[Piece], *, registrable_label: str) -> list[_Evidence]:
        kinds = {p.kind for p in pieces}
        has_gov, has_context = "gov" in kinds, "context" in kinds
        matched = {fold(p.text) for p in pieces}
        found = [e for form in self.lexicon.forms
                 for e in self._official_evidence(form, pieces, matched, has_gov, has_context,
                                                  registrable_label)]
        if not found and has_gov:
            if has_context:
                words = "、".join(sorted({p.text for p in pieces if p.kind == "context"}))
                found.append(_Evidence(55, f"冒用“gov”字样并自称证书查询（{words}）", None))
            else:
                found.append(_Evidence(35, "含“gov”字样，但不是政府域名", None))
        if found and has_context:
            found.append(_Evidence(3, "含查询字样：" + "、".join(
                sorted({f"{p.text}（{p.source}）" for p in pieces if p.kind == "context"})),
                None))
        return found

    def _official_evidence(self, form: OfficialForms, pieces: list[Piece], matched: set[str],
                           has_gov: bool, has_context: bool,
                           registrable_label: str) -> list[_Evidence]:
        host = form.official.host
        found: list[_Evidence] = []
        own = [name for name in form.distinctive if fold(name) in matched]
        if own:
            whole = all(fold(name) in matched for name in form.labels)
            parts = "、".join(form.labels)
            if whole and has_gov:
                found.append(_Evidence(92, f"把官方网址 {host} 的各部分（{parts}、gov）拼接或改用"
                                           "“-”连接，注册在其他后缀下", host))
            elif whole and len(form.labels) >= 2:
                found.append(_Evidence(85, f"拼接官方网址 {host} 的各部分（{parts}）", host))
            elif has_gov:
                found.append(_Evidence(85, f"官方机构名“{own[0]}”与“gov”拼接，冒充政府域名 "
                                           f"{form.registrable}", host))
            elif has_context or any(p.official == host and p.kind in ("authority", "trade")
                                    for p in pieces):
                found.append(_Evidence(75, f"官方机构名“{own[0]}”与查询或行业字样组合", host))
            elif any(len(name) >= 5 for name in own):
                found.append(_Evidence(75, f"含官方机构名“{own[0]}”（{form.registrable}）", host))
            elif registrable_label == fold(own[0]):
                found.append(_Evidence(60, f"官方机构名“{own[0]}”换用其他后缀注册", host))
            else:
                found.append(_Evidence(50, f"含官方机构名“{own[0]}”（{form.registrable}）", host))
        authority = [p for p in pieces if p.kind == "authority" and p.official == host]
        trade = [p for p in pieces if p.kind == "trade" and p.official == host]
        if authority:
            p = authority[0]
            found.append(_Evidence(85 if has_gov or has_context else 65,
                                   f"含主管部门“{p.source}”的拼音或首字母“{p.text}”", host))
        if trade:
            p = trade[0]
            strong = has_gov or has_context or bool(authority) or bool(own)
            found.append(_Evidence(75 if strong else 45,
                                   f"含“{p.source}”的拼音或首字母“{p.text}”"
                                   + ("" if strong else "，但无查询或政府字样"), host))
        if found and form.official.status == "retired":
            found.append(_Evidence(5, f"仿冒已停用的原官方网址 {host}（{form.official.operator}）",
                                   host))
        return found

    # -- segmentation ------------------------------------------------------------------------
    def _segment_best(self, label: str) -> tuple[Piece, ...] | None:
        """Pieces of a label read with 0/1 as letters (g0v) and as digits (mem2024)."""
        label = compact(label)
        options = [self._segment(fold(label))]
        if "0" in label or "1" in label:
            options.append(self._segment(fold(label, digits=False)))
        options = [o for o in options if o is not None]
        if not options:
            return None
        return max(options, key=_weight)

    def _segment(self, text: str) -> tuple[Piece, ...] | None:
        """Fewest pieces covering the whole (compacted) label; a digit run is one filler."""
        n = len(text)
        best: list[tuple[Piece, ...] | None] = [None] * (n + 1)
        best[0] = ()
        for i in range(n):
            here = best[i]
            if here is None:
                continue
            if text[i].isdigit():
                j = i
                while j < n and text[j].isdigit():
                    j += 1
                _keep(best, j, here + (_DIGITS,))
                continue
            for length in self._lengths:
                if i + length <= n:
                    piece = self.lexicon.pieces.get(text[i:i + length])
                    if piece is not None:
                        _keep(best, i + length, here + (piece,))
        return best[n] if n else None


def _keep(best: list[tuple[Piece, ...] | None], j: int, pieces: tuple[Piece, ...]) -> None:
    current = best[j]
    if current is None or len(pieces) < len(current) or (
            len(pieces) == len(current) and _weight(pieces) > _weight(current)):
        best[j] = pieces


def _weight(pieces: tuple[Piece, ...]) -> int:
    order = {"label": 5, "authority": 4, "trade": 3, "gov": 2, "context": 1}
    return sum(order.get(p.kind, 0) for p in pieces)


def _verdict(host: str, evidence: list[_Evidence]) -> DomainVerdict:
    main = [e for e in evidence if e.score >= 35]
    if not main:
        return DomainVerdict(host, "unrelated", None, 0, [])
    top = max(main, key=lambda e: e.score)
    named = [e for e in main if e.official is not None]
    imitates = max(named, key=lambda e: e.score).official if named else None
    extra = sum(min(e.score, 5) for e in evidence if e is not top and e.score < 35)
    extra += 3 * sum(1 for e in main if e is not top and e.official in (imitates, None))
    score = min(100, top.score + extra)
    reasons = [e.reason for e in sorted(evidence, key=lambda e: -e.score)
               if e.official in (imitates, None)]
    reasons = list(dict.fromkeys(reasons))
    lookalike = score >= LOOKALIKE_THRESHOLD and (imitates is not None or top.score >= 55)
    return DomainVerdict(host, "lookalike" if lookalike else "unrelated",
                         imitates if lookalike else None, score, reasons)


def _what(piece: Piece) -> str:
    return {"label": "官方机构名", "authority": f"主管部门“{piece.source}”的拼音",
            "trade": f"“{piece.source}”的拼音"}.get(piece.kind, "")


def _registrable_of(host: str) -> str:
    _, domain, suffix = split_host(host)
    return f"{domain}.{suffix}" if suffix else host


@lru_cache(maxsize=4)
def _host_permutations(officials: tuple[OfficialHost, ...]) -> dict[str, tuple[str, str]]:
    """dnstwist's passive permutations of each official host (no DNS), IDN decoded."""
    from dnstwist import Fuzzer

    found: dict[str, tuple[str, str]] = {}
    targets = [(o.host, o.host) for o in officials]
    targets += [(o.host, registrable_domain(o.host)) for o in officials]
    for official, target in targets:
        fuzzer = Fuzzer(target)
        fuzzer.generate()
        for permutation in fuzzer.domains:
            name = permutation["domain"]
            if permutation["fuzzer"] == "*original" or not name:
                continue
            if "xn--" in name:
                try:
                    name = ".".join(label.encode("ascii").decode("idna") for label in
                                    name.split("."))
                except UnicodeError:
                    continue
            found.setdefault(name, (official, permutation["fuzzer"]))
    return found


@lru_cache(maxsize=4)
def _label_variants(officials: tuple[OfficialHost, ...]) -> dict[str, tuple[str, str, str]]:
    """dnstwist's spelling fuzzers applied to flattened official names of 5+ letters, so a typo
    of ``cxmem`` or ``mohurd`` is known under any suffix (built once per official list)."""
    from dnstwist import Fuzzer

    lexicon = build_lexicon(officials)
    bases: dict[str, str] = {}
    for form in lexicon.forms:
        joined = "".join(form.labels)
        for base in (joined, joined + "gov", *(d + "gov" for d in form.distinctive),
                     *form.distinctive):
            # The name itself must be 5+ letters: a typo of "mem" + "gov" is any "mXm" + gov.
            if len(base.removesuffix("gov")) >= 5:
                bases.setdefault(base, form.official.host)
    known = {fold(b) for b in bases} | set(lexicon.pieces)
    variants: dict[str, tuple[str, str, str]] = {}
    for base, official in bases.items():
        fuzzer = Fuzzer(base + ".com")
        fuzzer.generate(fuzzers=list(LABEL_FUZZERS))
        for permutation in fuzzer.domains:
            label = compact(fold(permutation["domain"].rsplit(".", 1)[0]))
            if len(label) >= 5 and label not in known:
                variants.setdefault(label, (official, permutation["fuzzer"], base))
    return variants
