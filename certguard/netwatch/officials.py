"""The official certificate query hosts as data: who runs each, and what fakes borrow from it.

Each entry names the host, its operator, whether it is active or retired (retired hosts are
watched: fraudsters re-register lapsed official names), and the Chinese names of the authority
and the trades whose pinyin and initials look-alike domains borrow (``yjglb`` for 应急管理部,
``tzzy`` for 特种作业). The default list is package data (DOMAIN.md §6); an administrator's
versioned list from the database is passed in as the same plain dicts.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from certguard.netwatch.errors import NetwatchError

STATUSES = ("active", "retired")
_HOST_RE = re.compile(r"(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


@dataclass(frozen=True)
class OfficialHost:
    host: str
    operator: str
    platform: str = ""
    status: str = "active"
    authority_names: tuple[str, ...] = ()
    trade_names: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["authority_names"] = list(self.authority_names)
        data["trade_names"] = list(self.trade_names)
        return data


def official_hosts_from_dicts(entries: list[dict[str, Any]]) -> tuple[OfficialHost, ...]:
    """Validate plain dicts (package data, a database version, an uploaded JSON file)."""
    hosts: list[OfficialHost] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise NetwatchError("officials_invalid", f"官方网址清单第 {number} 项不是对象")
        host = str(entry.get("host") or "").strip().lower().rstrip(".")
        if not _HOST_RE.fullmatch(host):
            raise NetwatchError("officials_invalid",
                                f"官方网址清单第 {number} 项的网址“{host}”不是有效域名")
        if host in seen:
            raise NetwatchError("officials_invalid", f"官方网址清单中“{host}”重复")
        status = entry.get("status") or "active"
        if status not in STATUSES:
            raise NetwatchError("officials_invalid",
                                f"官方网址“{host}”的状态“{status}”无效，应为 active 或 retired")
        if not str(entry.get("operator") or "").strip():
            raise NetwatchError("officials_invalid", f"官方网址“{host}”缺少运营单位")
        seen.add(host)
        hosts.append(OfficialHost(
            host=host, operator=str(entry["operator"]).strip(),
            platform=str(entry.get("platform") or ""), status=status,
            authority_names=tuple(_names(entry, "authority_names", host)),
            trade_names=tuple(_names(entry, "trade_names", host))))
    if not hosts:
        raise NetwatchError("officials_invalid", "官方网址清单为空")
    return tuple(hosts)


def _names(entry: dict[str, Any], key: str, host: str) -> list[str]:
    names = entry.get(key) or []
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
        raise NetwatchError("officials_invalid", f"官方网址“{host}”的 {key} 应为中文名称列表")
    return [n.strip() for n in names]


@lru_cache(maxsize=1)
def default_official_hosts() -> tuple[OfficialHost, ...]:
    # The package default lives with the catalogue's reference data (layer 2), where the
    # database-backed list and the public URL check read it too; it is plain JSON.
    text = resources.files("certguard.catalog.data").joinpath("official_hosts.json").read_text(
        encoding="utf-8")
    return official_hosts_from_dicts(json.loads(text)["hosts"])


def load_official_hosts(path: str) -> tuple[OfficialHost, ...]:
    """An administrator's JSON file: a list of entries, or {"hosts": [...]}."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError:
        raise NetwatchError("officials_unreadable", f"无法读取官方网址清单文件：{path}") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise NetwatchError("officials_invalid", "官方网址清单文件不是 UTF-8 编码的 JSON") from None
    if isinstance(data, dict):
        data = data.get("hosts")
    if not isinstance(data, list):
        raise NetwatchError("officials_invalid", "官方网址清单应为列表，或含 hosts 列表的对象")
    return official_hosts_from_dicts(data)
