"""File-level failures of a roster read: a stable code for programs, a Chinese message for people.

Row-level problems are not errors: they become rejected rows (see ``result.RejectedRow``).
"""

from __future__ import annotations

FILE_EMPTY = "file_empty"
FILE_TOO_LARGE = "file_too_large"
FILE_NOT_FOUND = "file_not_found"
FILE_ENCRYPTED = "file_encrypted"
FILE_CORRUPT = "file_corrupt"
FILE_UNSUPPORTED = "file_format_unsupported"
FILE_ENCODING = "file_encoding"
NO_ID_COLUMN = "no_id_column"
FILE_UNREADABLE = "file_unreadable"
FILE_NOT_SPREADSHEET = "file_not_spreadsheet"
FILE_BINARY = "file_binary"
CSV_MALFORMED = "csv_malformed"


class RosterReadError(Exception):
    """The file as a whole cannot be read; nothing of it is imported."""

    def __init__(self, *, code: str, message: str) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message


def file_empty() -> RosterReadError:
    return RosterReadError(code=FILE_EMPTY, message="文件是空的（0 字节），请重新选择花名册文件")


def file_not_found(*, name: str) -> RosterReadError:
    return RosterReadError(code=FILE_NOT_FOUND, message=f"找不到文件 {name}")


def file_too_large(*, size: int, limit: int) -> RosterReadError:
    mb = 1024 * 1024
    return RosterReadError(
        code=FILE_TOO_LARGE,
        message=f"文件过大（{size / mb:.1f} MB），超过上限 {limit / mb:.0f} MB，请拆分后分批导入",
    )


def file_encrypted() -> RosterReadError:
    return RosterReadError(
        code=FILE_ENCRYPTED,
        message="工作簿设置了打开密码（已加密），无法读取，请在表格软件中取消密码后另存再导入",
    )


def file_corrupt(*, kind: str) -> RosterReadError:
    return RosterReadError(
        code=FILE_CORRUPT,
        message=f"文件已损坏或不是有效的 {kind} 工作簿，请用表格软件打开确认后另存再导入",
    )


def file_unsupported() -> RosterReadError:
    return RosterReadError(
        code=FILE_UNSUPPORTED,
        message="不支持的文件格式，请上传 .xlsx、.xls 或 .csv 文件",
    )


def file_encoding() -> RosterReadError:
    return RosterReadError(
        code=FILE_ENCODING,
        message="无法识别 CSV 文件的文字编码（支持 UTF-8 与 GBK/GB18030），请另存为 UTF-8 后再导入",
    )


def no_id_column() -> RosterReadError:
    return RosterReadError(
        code=NO_ID_COLUMN,
        message="没有找到身份证号列：请确认表头含有“身份证号”“公民身份号码”或“证件号码”等列名",
    )


def file_unreadable(*, name: str) -> RosterReadError:
    return RosterReadError(code=FILE_UNREADABLE,
                           message=f"无法读取 {name}：它是文件夹，或没有读取权限")


def file_not_spreadsheet(*, what: str) -> RosterReadError:
    return RosterReadError(
        code=FILE_NOT_SPREADSHEET,
        message=f"这是 {what}，不是电子表格（可能被改了扩展名），请上传 .xlsx、.xls 或 .csv 花名册",
    )


def file_binary() -> RosterReadError:
    return RosterReadError(
        code=FILE_BINARY,
        message="文件含有空字符，既不是文本格式的 CSV，也不是 Excel 工作簿，"
                "请用表格软件另存为 .xlsx 或 UTF-8 编码的 CSV 后再导入",
    )


def csv_malformed(*, line: int) -> RosterReadError:
    return RosterReadError(
        code=CSV_MALFORMED,
        message=f"CSV 文件第 {line} 行格式有误（单元格内容过长或引号不配对），"
                "请用表格软件打开检查后另存再导入",
    )
