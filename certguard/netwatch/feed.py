"""Stream the lines of a feed file (domains, ad texts) without holding the file in memory.

Feeds arrive in UTF-8 (with or without BOM) or GBK / GB18030 from Chinese office software, and
sometimes one of each glued together; every line is decoded on its own (UTF-8 first, then
GB18030, a superset of GBK), so one bad line never spoils the next. Each line comes back with
its number; blank lines, binary garbage and over-long lines come back as problems with a
Chinese message, so a caller can report every line and lose none.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from certguard.netwatch.errors import NetwatchError

CHUNK = 1 << 20
_CONTROL = frozenset(range(0, 32)) - {9}  # tab separates columns; every other control is binary
_CONTROL_RE = re.compile(rb"[\x00-\x08\x0a-\x1f]")


@dataclass(frozen=True)
class FeedLine:
    number: int
    text: str | None  # None when the line is a problem
    problem: str | None = None  # "blank" | "binary" | "undecodable" | "too_long"
    message: str | None = None
    encoding: str | None = None


def open_feed(path: str) -> BinaryIO:
    """The file (or "-" for standard input), or a NetwatchError with a Chinese message."""
    if path == "-":
        import sys

        return sys.stdin.buffer
    if os.path.isdir(path):
        raise NetwatchError("input_unreadable", f"{path} 是目录，不是文件")
    try:
        handle = open(path, "rb")  # the caller closes it
    except FileNotFoundError:
        raise NetwatchError("input_unreadable", f"找不到文件：{path}") from None
    except OSError as exc:
        raise NetwatchError("input_unreadable", f"无法读取文件 {path}（{exc.strerror}）") from None
    return handle


def read_lines(handle: BinaryIO, *, max_bytes: int) -> Iterator[FeedLine]:
    """One FeedLine per physical line; a line longer than max_bytes is reported and skipped."""
    number = 0
    while True:
        raw = handle.readline(max_bytes + 1)
        if not raw:
            return
        number += 1
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            _skip_rest(handle)
            yield FeedLine(number, None, "too_long",
                           f"第 {number} 行超过 {max_bytes} 字节，已跳过（不是一条记录）")
            continue
        yield decode_line(number, raw)


def _skip_rest(handle: BinaryIO) -> None:
    while True:
        rest = handle.readline(CHUNK)
        if not rest or rest.endswith(b"\n"):
            return


def decode_line(number: int, raw: bytes) -> FeedLine:
    raw = raw.rstrip(b"\r\n")
    if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if not raw.strip():
        return FeedLine(number, None, "blank", f"第 {number} 行是空行，已跳过")
    if _CONTROL_RE.search(raw):
        return FeedLine(number, None, "binary",
                        f"第 {number} 行含有二进制控制字符，不是文本，已跳过")
    try:
        return FeedLine(number, raw.decode("utf-8"), encoding="utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return FeedLine(number, raw.decode("gb18030"), encoding="gb18030")
    except UnicodeDecodeError:
        return FeedLine(number, None, "undecodable",
                        f"第 {number} 行既不是 UTF-8 也不是 GBK 编码的文本，已跳过")


_MAGIC = (b"PK\x03\x04", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x7fELF",
          b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"7z\xbc\xaf", b"Rar!")


def looks_binary(handle: BinaryIO) -> bool:
    """A zip, an image, an office or compressed file, or a head that is mostly control bytes;
    a text feed with a few garbage lines is read line by line instead."""
    try:
        head = handle.peek(4096)[:4096]  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return False
    if head.startswith(_MAGIC):
        return True
    control = sum(1 for byte in head if byte in _CONTROL and byte not in (10, 13))
    return bool(head) and control / len(head) > 0.1
