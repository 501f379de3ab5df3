"""The vocabulary of look-alike query domains, derived from the official hosts.

A fake flattens or re-spells the parts of an official host (``cx``, ``mem``, ``gov``) and the
pinyin of the authority and the trade (``yjglb`` = 应急管理部, ``tzzy`` = 特种作业), glued with
words that promise a certificate query (``chaxun``, ``zscx``) and filler (``www``, digits).
Both the generator and the scorer build from this one lexicon, so what one makes the other knows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin

from certguard.netwatch.hostnames import fold, split_host
from certguard.netwatch.officials import OfficialHost

# Words that promise a query or a certificate (pinyin, initials, English).
CONTEXT_WORDS = {
    "cx": "查询", "chaxun": "查询", "zscx": "证书查询", "zhengshu": "证书", "zs": "证书",
    "zhengjian": "证件", "cert": "证书", "certs": "证书", "certificate": "证书",
    "query": "查询", "search": "查询", "verify": "核验", "check": "核查", "yanzheng": "验证",
    "yz": "验证", "gs": "公示", "gongshi": "公示", "xinxi": "信息", "pingtai": "平台",
    "pt": "平台", "fuwu": "服务", "zwfw": "政务服务", "hy": "核验", "heyan": "核验",
}
GOV_WORDS = {"gov": "gov", "govcn": "gov.cn", "zhengfu": "政府"}
FILLER_WORDS = frozenset({
    "www", "wap", "app", "h5", "web", "online", "mobile", "cn", "com", "net", "org", "china",
    "zg", "zhongguo", "guojia", "gj", "quanguo", "qg", "official", "guanwang", "gw", "new",
})
# Provinces in pinyin and their two-letter codes: a provincial platform's host names its place
# (yjglt.henan.gov.cn), but henan.com imitates nobody; a place counts only beside other parts.
PLACES = frozenset({
    "beijing", "tianjin", "hebei", "shanxi", "neimenggu", "liaoning", "jilin", "heilongjiang",
    "shanghai", "jiangsu", "zhejiang", "anhui", "fujian", "jiangxi", "shandong", "henan",
    "hubei", "hunan", "guangdong", "guangxi", "hainan", "chongqing", "sichuan", "guizhou",
    "yunnan", "xizang", "shaanxi", "gansu", "qinghai", "ningxia", "xinjiang", "bj", "tj", "he",
    "sx", "nm", "ln", "jl", "hl", "sh", "js", "ah", "fj", "jx", "sd", "ha", "hb", "hn", "gd",
    "gx", "hi", "cq", "sc", "gz", "yn", "xz", "sn", "qh", "nx", "xj",
})
GENERIC = frozenset(CONTEXT_WORDS) | frozenset(GOV_WORDS) | FILLER_WORDS | PLACES
# Order decides which meaning wins when one spelling has two (official labels first).
KINDS = ("label", "authority", "trade", "gov", "context", "filler")


@dataclass(frozen=True)
class Piece:
    text: str  # the spelling as the official data gives it (unfolded)
    kind: str  # one of KINDS
    official: str | None  # the official host it points to, if any
    source: str  # what it stands for: an official label, a Chinese name, a word's meaning


@dataclass(frozen=True)
class OfficialForms:
    official: OfficialHost
    registrable: str  # "mem.gov.cn"
    labels: tuple[str, ...]  # host parts without the public suffix and "www": ("cx", "mem")
    distinctive: tuple[str, ...]  # labels that are no generic word: ("mem",)


@dataclass(frozen=True)
class Lexicon:
    pieces: dict[str, Piece]  # folded spelling → piece
    forms: tuple[OfficialForms, ...]
    longest: int

    def piece(self, folded: str) -> Piece | None:
        return self.pieces.get(folded)


def compact(text: str) -> str:
    return text.replace("-", "").replace("_", "").replace(".", "")


def pinyin_forms(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a Chinese name: 特种作业 → ("tezhongzuoye", "tzzy")."""
    full = "".join(lazy_pinyin(name, errors="ignore"))
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore"))
    return full.lower(), initials.lower()


def official_forms(official: OfficialHost) -> OfficialForms:
    subdomain, domain, suffix = split_host(official.host)
    labels = tuple(compact(label) for label in [*subdomain.split("."), domain]
                   if label and label != "www")
    return OfficialForms(official=official, registrable=f"{domain}.{suffix}", labels=labels,
                         distinctive=tuple(label for label in labels if label not in GENERIC))


def build_lexicon(officials: Iterable[OfficialHost]) -> Lexicon:
    forms = tuple(official_forms(o) for o in officials)
    entries: list[Piece] = []
    for form in forms:
        host = form.official.host
        entries += [Piece(label, "label", host, label) for label in form.distinctive]
        for kind, names in (("authority", form.official.authority_names),
                            ("trade", form.official.trade_names)):
            for name in names:
                entries += [Piece(spelling, kind, host, name) for spelling in pinyin_forms(name)]
    entries += [Piece(word, "gov", None, meaning) for word, meaning in GOV_WORDS.items()]
    entries += [Piece(word, "context", None, meaning) for word, meaning in CONTEXT_WORDS.items()]
    entries += [Piece(word, "filler", None, word) for word in sorted(FILLER_WORDS | PLACES)]
    pieces: dict[str, Piece] = {}
    for piece in sorted(entries, key=lambda p: KINDS.index(p.kind)):
        pieces.setdefault(fold(piece.text), piece)
    return Lexicon(pieces=pieces, forms=forms, longest=max(len(k) for k in pieces))
