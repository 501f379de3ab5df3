"""Input problems, named by file, line and column (messages for people are Chinese, with a code)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BadRow:
    file: str
    line: int  # 1 = header; for Parquet, the row number + 1 so it reads the same way
    column: str
    code: str
    message: str
    value: str | None = None

    def describe(self) -> str:
        shown = "" if self.value is None else f"（值：{self.value[:40]}）"
        return f"{self.file} 第{self.line}行 列 {self.column}: [{self.code}] {self.message}{shown}"


class InputError(Exception):
    """A file the engine cannot screen: missing column, broken quoting, empty file, bad rows."""

    def __init__(self, message: str, *, code: str, file: str, line: int | None = None,
                 column: str | None = None, bad_rows: tuple[BadRow, ...] = ()) -> None:
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.bad_rows = bad_rows
        where = file + (f" 第{line}行" if line else "") + (f" 列 {column}" if column else "")
        super().__init__(f"{where}: [{code}] {message}")
