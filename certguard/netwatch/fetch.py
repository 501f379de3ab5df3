"""Fetch a suspect page with hard limits: a site built to trap crawlers (redirecting forever,
serving hundreds of megabytes, trickling bytes) ends in a clear Chinese message, never a hung
worker or an exhausted memory. Redirects are followed by hand so each hop is recorded."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests

from certguard.core.errors import AppError

MAX_REDIRECTS = 10
CONNECT_TIMEOUT, READ_TIMEOUT = 5.0, 10.0
USER_AGENT = ("Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/120.0 Mobile Safari/537.36")  # fake query sites target phones


class FetchProblem(AppError):
    """The site could not be fetched within the limits (code + Chinese message)."""


@dataclass
class Fetched:
    url: str
    final_url: str
    status: int
    body: bytes
    content_type: str
    redirects: list[dict] = field(default_factory=list)

    @property
    def text(self) -> str:
        for encoding in ("utf-8", "gb18030"):
            try:
                return self.body.decode(encoding)
            except UnicodeDecodeError:
                continue
        return self.body.decode("utf-8", "replace")


def check_url(url: str) -> str:
    url = (url or "").strip()
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchProblem("url_invalid", f"“{url[:200]}”不是有效的网址（只支持 http 和 https）")
    return url


def fetch(url: str, *, max_bytes: int, deadline: float = 30.0,
          session: requests.Session | None = None) -> Fetched:
    """GET ``url`` following at most MAX_REDIRECTS redirects, reading at most ``max_bytes``
    within ``deadline`` seconds in all."""
    url = check_url(url)
    session = session or _session()
    started, redirects, current = time.monotonic(), [], url
    for _ in range(MAX_REDIRECTS + 1):
        response = _get(session, current)
        with response:
            if response.is_redirect:
                target = urljoin(current, response.headers.get("Location", ""))
                redirects.append({"from": current, "to": target, "status": response.status_code})
                if target in (r["from"] for r in redirects):
                    raise FetchProblem("redirect_loop", f"网址循环跳转（{current[:100]} → "
                                                        f"{target[:100]}），已停止")
                current = check_url(target)
                continue
            body = _read(response, max_bytes=max_bytes, started=started, deadline=deadline)
            return Fetched(url=url, final_url=current, status=response.status_code, body=body,
                           content_type=response.headers.get("Content-Type", ""),
                           redirects=redirects)
    raise FetchProblem("too_many_redirects",
                       f"跳转超过 {MAX_REDIRECTS} 次仍未到达页面，已停止（疑似无限跳转）")


def _session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment: evidence is fetched directly
    session.headers["User-Agent"] = USER_AGENT
    return session


def _get(session: requests.Session, url: str) -> requests.Response:
    try:
        return session.get(url, stream=True, allow_redirects=False,
                           timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))
    except requests.exceptions.ConnectTimeout:
        raise FetchProblem("connect_timeout", "连接网站超时（网站可能已关闭）") from None
    except requests.exceptions.ReadTimeout:
        raise FetchProblem("read_timeout", f"网站 {READ_TIMEOUT:.0f} 秒内没有响应") from None
    except requests.exceptions.SSLError:
        raise FetchProblem("tls_error", "网站的 HTTPS 证书无效或握手失败") from None
    except requests.exceptions.ConnectionError:
        raise FetchProblem("unreachable", "无法连接网站（域名无法解析、拒绝连接或已关闭）") \
            from None
    except requests.exceptions.RequestException:
        raise FetchProblem("fetch_failed", "访问网站失败") from None


def _read(response: requests.Response, *, max_bytes: int, started: float,
          deadline: float) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchProblem("too_large", f"页面大小 {int(declared) / 1e6:.0f} MB，超过取证上限 "
                                        f"{max_bytes / 1e6:.0f} MB，未下载")
    chunks, size = [], 0
    try:
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > max_bytes:
                raise FetchProblem("too_large", f"页面超过取证上限 {max_bytes / 1e6:.0f} MB，"
                                                "已停止下载（疑似恶意超大页面）")
            if time.monotonic() - started > deadline:
                raise FetchProblem("too_slow", f"{deadline:.0f} 秒内未能取完页面，已停止")
            chunks.append(chunk)
    except requests.exceptions.RequestException:
        raise FetchProblem("read_failed", "读取页面时连接中断") from None
    return b"".join(chunks)
