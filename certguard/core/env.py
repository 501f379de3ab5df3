"""Settings from environment variables that fail fast, with a message naming the variable.

Kept free of Django imports so the settings module can use it before Django is configured.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


class SettingError(Exception):
    """A bad environment value; the CLI prints it without a traceback."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"环境变量 {name} 配置错误：{message}")
        self.name = name


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingError(name, f"应为 true 或 false，实际为 {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingError(name, f"应为整数，实际为 {raw!r}") from None
    if value < minimum:
        raise SettingError(name, f"不能小于 {minimum}，实际为 {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str) -> list[str]:
    """Comma-separated IP addresses or networks (``10.0.0.5``, ``10.0.0.0/24``, ``::1``)."""
    import ipaddress

    values = env_list(name, [])
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise SettingError(name, f"{value!r} 不是 IP 地址或网段（如 10.0.0.5、10.0.0.0/24）"
                               ) from None
    return values


def database_from_url(url: str, *, name: str = "DATABASE_URL") -> dict:
    """Parse a database URL (the variable ``name``) with dj-database-url, refusing what it
    would silently misread."""
    import dj_database_url

    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise SettingError(name,
                           f"不支持的数据库地址 {url!r}：应以 sqlite:/// 或 postgres:// 开头")
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj-database-url raises several types for malformed URLs
        raise SettingError(name, f"无法解析 {url!r}（{exc}）") from None
    if scheme != "sqlite" and not config.get("NAME"):
        raise SettingError(name, f"{url!r} 缺少数据库名")
    if config["ENGINE"].endswith("sqlite3"):
        # Keep the connection: opening one (and re-running the PRAGMAs) per request costs
        # more than the query. Each server worker process holds its own.
        config["CONN_MAX_AGE"] = 600
        # WAL lets readers run beside the one writer; IMMEDIATE avoids lock-upgrade deadlocks.
        # Memory-mapped reads and a larger page cache speed up the verification lookups
        # (the mapping is shared by all worker processes through the OS page cache).
        # A WAL that grew during a burst of writes keeps its size on disk (480 MB after a
        # 10-minute soak) unless a limit cuts it back each time it starts over.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                            "PRAGMA mmap_size=1073741824; PRAGMA cache_size=-32768; "
                            "PRAGMA journal_size_limit=67108864;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
    return dict(config)


def weak_key_problem(key: str, *, min_length: int = 32, min_distinct: int = 12) -> str:
    """'' for a key that looks random enough; else why not (a 36-character key of one
    repeated letter is long but guessable)."""
    if len(key) < min_length:
        return f"应为至少{min_length}个字符的随机串，实际只有{len(key)}个字符"
    if len(set(key)) < min_distinct:
        return f"随机性不足：只用了{len(set(key))}种字符，应不少于{min_distinct}种"
    for width in (1, 2, 3, 4):  # a short unit repeated ("abcabcabc…")
        if key == (key[:width] * (len(key) // width + 1))[:len(key)]:
            return "随机性不足：由重复片段组成"
    return ""


def fernet_key_problem(key: str) -> str:
    """'' for a Fernet key (URL-safe base64 of 32 bytes) made of random bytes."""
    import base64
    import binascii

    try:
        raw = base64.urlsafe_b64decode(key.encode())
    except (binascii.Error, ValueError):
        return "不是有效的 Fernet 密钥（应为32字节的 URL 安全 Base64 编码）"
    if len(raw) != 32:
        return "不是有效的 Fernet 密钥（应为32字节的 URL 安全 Base64 编码）"
    if len(set(raw)) < 16:
        return "随机性不足，请用 Fernet.generate_key() 生成"
    return ""


def allowed_hosts_problem(hosts: list[str]) -> str:
    """Production serves named hosts only: never '*' (any Host header, cache poisoning and
    password-reset links to another site), never an empty list."""
    if not hosts:
        return "生产模式下必须列出本平台的域名（逗号分隔）"
    wild = [h for h in hosts if "*" in h]
    if wild:
        return f"生产模式下不能使用通配符 {', '.join(wild)}，请逐一列出本平台的域名"
    return ""


def audit_key(*, production: bool, secret_key: str, var_dir: Path) -> str:
    """The audit log's chain key (AUDIT_KEY): required in production and kept apart from
    SECRET_KEY, so that rotating the session key never makes the log read as tampered and
    the web tier's SECRET_KEY alone cannot re-sign entries. In development a random key is
    made once in the var directory (never a key written in the source)."""
    key = os.environ.get("AUDIT_KEY", "")
    if key:
        if weak_key_problem(key):
            raise SettingError("AUDIT_KEY", "应为至少32个字符、不少于12种字符的随机串（"
                                            f"{weak_key_problem(key)}）")
        if key == secret_key:
            raise SettingError("AUDIT_KEY", "不能与 SECRET_KEY 相同")
        return key
    if production:
        raise SettingError("AUDIT_KEY", "生产模式下必须设置审计日志密钥（至少32个字符的随机串，"
                                        "不同于 SECRET_KEY；轮换时把旧密钥放入 AUDIT_OLD_KEYS）")
    return _development_audit_key(var_dir / "audit.key")


def _development_audit_key(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:  # a hard link appears whole: of several processes starting together, one wins
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()
