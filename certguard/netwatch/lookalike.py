"""Generate the look-alike domains a fraudster would register for an official query host.

Techniques, each named in the output so a watch-list can say why a name is on it:
- ``flatten``: the official name with its dots replaced by "-", "." or nothing, under another
  suffix (cx-mem-gov.cn, cxmem-gov.xyz, cx.memgov.com);
- ``embed``: the official name in front of another registrable domain (mem.gov.cn.chaxun.vip);
- ``pinyin``: pinyin and initials of the authority and the trade, with query words
  (yjglb-cx.com, tzzy-chaxun.top, anquanshengchan-gov.cn);
- ``latin``: Latin look-alikes in the flattened name (cx-rnem-gov.cn, ch1nasafety-gov.com);
- ``dnstwist:<fuzzer>``: dnstwist's own passive permutations (no DNS), IDN decoded.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from certguard.netwatch.lexicon import OfficialForms, official_forms, pinyin_forms
from certguard.netwatch.officials import OfficialHost

SUFFIXES = ("cn", "com", "net", "xyz", "top", "vip", "cc", "com.cn", "net.cn", "org", "info",
            "shop", "site", "online", "icu", "ltd")
EMBED_HOSTS = ("chaxun.vip", "zscx.top", "cert-query.com", "zhengshu.cc", "jiance.xyz",
               "gov-cx.com")
QUERY_WORDS = ("cx", "chaxun", "zscx", "zs", "gov")
_LATIN = (("m", "rn"), ("o", "0"), ("l", "1"), ("i", "1"), ("w", "vv"), ("d", "cl"))


@dataclass(frozen=True)
class Candidate:
    domain: str
    imitates: str
    technique: str


def generate(officials: Iterable[OfficialHost], *, dnstwist: bool = True) -> Iterator[Candidate]:
    """All candidates for every official host, each domain once (first technique wins)."""
    seen: set[str] = set()
    official_names = set()
    forms = [official_forms(o) for o in officials]
    for form in forms:
        official_names |= {form.official.host, form.registrable}
    for form in forms:
        for candidate in _for_official(form, dnstwist=dnstwist):
            name = candidate.domain
            if name in seen or name in official_names or _under_official(name, forms):
                continue
            seen.add(name)
            yield candidate


def _for_official(form: OfficialForms, *, dnstwist: bool) -> Iterator[Candidate]:
    host = form.official.host
    yield from (Candidate(d, host, "flatten") for d in _flattened(form))
    yield from (Candidate(d, host, "embed") for d in _embedded(form))
    yield from (Candidate(d, host, "pinyin") for d in _pinyin(form))
    yield from (Candidate(d, host, "latin") for d in _latin(form))
    if dnstwist:
        yield from _dnstwist(form)


def _flattened(form: OfficialForms) -> Iterator[str]:
    parts = [*form.labels, "gov"] if form.registrable.endswith("gov.cn") else list(form.labels)
    runs = [parts[i:j] for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)]
    for words in runs:
        if not any(w in form.distinctive for w in words):
            continue
        for joints in itertools.product(("-", "", "."), repeat=len(words) - 1):
            if joints and joints[-1] == ".":
                continue  # "x.gov" + suffix would be a subdomain of gov.<suffix>
            name = words[0] + "".join(j + w for j, w in zip(joints, words[1:], strict=True))
            for suffix in SUFFIXES:
                yield f"{name}.{suffix}"
    for tail in (".com", ".net", "-cx.com"):
        yield form.registrable.replace(".", "-") + tail


def _embedded(form: OfficialForms) -> Iterator[str]:
    for official in {form.official.host, form.registrable}:
        for host in EMBED_HOSTS:
            yield f"{official}.{host}"
            yield f"{official}-{host}"


def _pinyin(form: OfficialForms) -> Iterator[str]:
    names = [*form.official.authority_names, *form.official.trade_names]
    for name in names:
        for spelling in pinyin_forms(name):
            for word in QUERY_WORDS:
                for suffix in ("com", "cn", "top", "vip"):
                    yield f"{spelling}-{word}.{suffix}"
                    yield f"{word}{spelling}.{suffix}"
    for name in form.official.authority_names:
        for spelling in pinyin_forms(name):
            yield f"{spelling}.com"


def _latin(form: OfficialForms) -> Iterator[str]:
    for joiner in ("", "-"):
        flat = joiner.join(form.labels)
        for plain, lookalike in _LATIN:
            if plain in flat:
                disguised = flat.replace(plain, lookalike, 1)
                for tail in ("-gov.cn", "-gov.com", ".com", "-cx.top"):
                    yield disguised + tail


def _dnstwist(form: OfficialForms) -> Iterator[Candidate]:
    from dnstwist import Fuzzer

    for target in (form.official.host, form.registrable):
        fuzzer = Fuzzer(target)
        fuzzer.generate()
        for permutation in sorted(fuzzer.domains, key=lambda p: p["domain"]):
            if permutation["fuzzer"] == "*original" or not permutation["domain"]:
                continue
            name = permutation["domain"]
            try:
                name = ".".join(label.encode("ascii").decode("idna") if label.startswith("xn--")
                                else label for label in name.split("."))
            except UnicodeError:
                continue
            yield Candidate(name, form.official.host, "dnstwist:" + permutation["fuzzer"])


def _under_official(name: str, forms: list[OfficialForms]) -> bool:
    return any(name.endswith("." + form.registrable) for form in forms)
