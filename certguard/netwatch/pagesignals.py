"""What a fake query page shows (DOMAIN.md §6): a form asking for 姓名 + 身份证号 that answers
with 查询结果 / 证书信息, the national emblem, and the 党政机关网站 badge — none of which a
non-government host may show. Read from the HTML alone (html.parser, no network)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

NAME_FIELD = re.compile(r"姓名|xingming|\bxm\b|realname|user_?name|\bname\b", re.I)
ID_FIELD = re.compile(r"身份证|证件号|sfz|idcard|id_?no|id_?card|zjhm|sfzh", re.I)
RESULT_WORDS = ("查询结果", "证书信息", "证书查询结果", "持证信息")
EMBLEM = re.compile(r"国徽|guohui|emblem|national[_-]?badge", re.I)
BADGE = re.compile(r"党政机关|conac\.cn|dzjg|dangzheng", re.I)


@dataclass
class PageSignals:
    asks_name: bool = False
    asks_id: bool = False
    shows_result: bool = False
    emblem: bool = False
    badge: bool = False
    title: str = ""
    resources: list[str] = field(default_factory=list)

    @property
    def fake_form(self) -> bool:
        return self.asks_name and self.asks_id and self.shows_result

    def as_dict(self) -> dict:
        return {"asks_name": self.asks_name, "asks_id": self.asks_id,
                "shows_result": self.shows_result, "fake_form": self.fake_form,
                "emblem": self.emblem, "badge": self.badge, "title": self.title}

    def reasons(self, *, official: bool) -> list[str]:
        found = []
        if self.fake_form:
            found.append("页面有要求填写姓名和身份证号、显示“查询结果/证书信息”的查询表单")
        if not official and self.emblem:
            found.append("非官方网站使用国徽图案")
        if not official and self.badge:
            found.append("非官方网站使用“党政机关网站”标识")
        return found


class _Reader(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base, self.signals, self._label, self._in_title = base, PageSignals(), "", False
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        described = " ".join(values.get(k, "") for k in ("name", "id", "placeholder",
                                                         "aria-label", "title"))
        if tag in ("input", "textarea"):
            text = described + " " + self._label
            self.signals.asks_name |= bool(NAME_FIELD.search(text))
            self.signals.asks_id |= bool(ID_FIELD.search(text))
            self._label = ""
        marks = " ".join(values.get(k, "") for k in ("src", "alt", "title", "href", "class",
                                                     "id"))
        self.signals.emblem |= bool(EMBLEM.search(marks))
        self.signals.badge |= bool(BADGE.search(marks))
        link = values.get("src") if tag in ("img", "script", "iframe") else \
            values.get("href") if tag == "link" else None
        if link and not link.startswith(("data:", "javascript:")):
            self.signals.resources.append(urljoin(self.base, link))
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.signals.title += data.strip()
        stripped = data.strip()
        if stripped:
            self._label = stripped[-20:]
            self._text.append(stripped)


def read_page(html: str, *, base: str) -> PageSignals:
    reader = _Reader(base)
    try:
        reader.feed(html)
        reader.close()
    except (AssertionError, ValueError):
        pass  # broken markup: what was read so far stands
    text = " ".join(reader._text)
    signals = reader.signals
    signals.shows_result = any(word in text or word in html for word in RESULT_WORDS)
    signals.badge |= "党政机关网站" in text
    signals.emblem |= "国徽" in text
    signals.title = signals.title[:200]
    signals.resources = list(dict.fromkeys(signals.resources))
    return signals
