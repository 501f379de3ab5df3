"""The bytes decide the format; files that cannot be read fail with a stable code, never a
traceback."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from certguard.ids import make_id_no
from certguard.selfcheck.reader import RosterReadError, read_roster

ID = make_id_no("110105", date(1980, 1, 2), 11)
ID2 = make_id_no("440305", date(1975, 6, 30), 24)
HEADER = ["姓名", "身份证号", "证书编号", "有效期"]
ROWS = [["张三", ID, "T" + ID, "2025.5.5"], ["李四", ID2, "T" + ID2, "2026-01-31"]]


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def _csv_text(rows: list[list[object]]) -> str:
    return "\r\n".join(",".join(str(c) for c in row) for row in rows) + "\r\n"


def _assert_two_people(result) -> None:
    assert [r.worker_id_no for r in result.accepted] == [ID, ID2]
    assert [r.worker_name for r in result.accepted] == ["张三", "李四"]
    assert result.accepted[0].valid_until == date(2025, 5, 5)
    assert result.rejected == []


def test_xlsx_is_read_with_its_sheet_name(tmp_path: Path) -> None:
    result = read_roster(source=_xlsx(tmp_path / "r.xlsx", [HEADER, *ROWS]))
    assert result.file_kind == "xlsx"
    _assert_two_people(result)
    assert result.accepted[0].sheet == "Sheet"
    assert result.accepted[0].row_no == 2


def test_format_comes_from_the_bytes_not_the_name(tmp_path: Path) -> None:
    renamed = _xlsx(tmp_path / "r.xlsx", [HEADER, *ROWS]).rename(tmp_path / "花名册.csv")
    result = read_roster(source=renamed)
    assert result.file_kind == "xlsx"
    _assert_two_people(result)


def test_bytes_are_accepted_as_a_source(tmp_path: Path) -> None:
    data = _xlsx(tmp_path / "r.xlsx", [HEADER, *ROWS]).read_bytes()
    _assert_two_people(read_roster(source=data))


@pytest.mark.parametrize(("encoding", "expected"), [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030"),
    ("utf-16", "utf-16"),
])
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str, expected: str) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(_csv_text([HEADER, *ROWS]).encode(encoding))
    result = read_roster(source=path)
    assert (result.file_kind, result.encoding) == ("csv", expected)
    _assert_two_people(result)
    assert result.mappings[0].sheet == "r"


def test_gbk_text_with_rare_characters_survives(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    rows = [HEADER, ["喆䶮", ID, "", ""]]
    path.write_bytes(_csv_text(rows).encode("gb18030"))
    assert read_roster(source=path).accepted[0].worker_name == "喆䶮"


def test_tab_and_semicolon_separated_text_is_read(tmp_path: Path) -> None:
    for sep in ("\t", ";"):
        path = tmp_path / "r.txt"
        path.write_text("\n".join(sep.join(r) for r in [HEADER, *ROWS]), encoding="utf-8")
        _assert_two_people(read_roster(source=path))


def test_csv_fields_with_quotes_and_commas(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(f'姓名,身份证号,备注\n张三,{ID},"电工, 兼焊工"\n', encoding="utf-8")
    assert read_roster(source=path).accepted[0].remark == "电工, 兼焊工"


def _error(source: object, **kwargs: object) -> RosterReadError:
    with pytest.raises(RosterReadError) as caught:
        read_roster(source=source, **kwargs)  # type: ignore[arg-type]
    assert caught.value.message  # always a Chinese sentence for the user
    return caught.value


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"")
    error = _error(path)
    assert error.code == "file_empty"
    assert "空" in error.message


def test_missing_file(tmp_path: Path) -> None:
    assert _error(tmp_path / "nope.xlsx").code == "file_not_found"


def test_too_large_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "r.xlsx", [HEADER, *ROWS])
    error = _error(path, max_bytes=1000)
    assert error.code == "file_too_large"
    assert "MB" in error.message
    assert read_roster(source=path).accepted  # the default limit (200 MB) lets it through


def test_password_protected_workbook_made_by_msoffcrypto(tmp_path: Path) -> None:
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    plain = _xlsx(tmp_path / "plain.xlsx", [HEADER, *ROWS])
    encrypted = tmp_path / "locked.xlsx"
    with plain.open("rb") as source, encrypted.open("wb") as target:
        ooxml.OOXMLFile(source).encrypt("口令123", target)
    error = _error(encrypted)
    assert error.code == "file_encrypted"
    assert "密码" in error.message


def test_ole2_container_holding_encrypted_package(tmp_path: Path) -> None:
    # A hand-made stand-in: the OLE2 signature, then the stream name as directory entries hold it.
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode(
        "utf-16-le") + b"\x00" * 512
    assert _error(data).code == "file_encrypted"


@pytest.mark.parametrize("kind", ["truncated", "garbage_zip", "ole2"])
def test_corrupt_workbooks(tmp_path: Path, kind: str) -> None:
    good = _xlsx(tmp_path / "r.xlsx", [HEADER, *ROWS]).read_bytes()
    if kind == "truncated":
        data = good[: len(good) // 2]
    elif kind == "garbage_zip":
        data = b"PK\x03\x04" + bytes(range(256)) * 8
    else:
        data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 2048
    error = _error(data)
    assert error.code == "file_corrupt"
    assert "损坏" in error.message


@pytest.mark.parametrize(("parts", "what"), [
    (("hello.txt",), "压缩包"), (("[Content_Types].xml", "word/document.xml"), "Word 文档"),
    (("ppt/presentation.xml",), "PowerPoint")])
def test_a_zip_that_is_not_a_workbook_says_what_it_is(tmp_path: Path, parts, what) -> None:
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for part in parts:
            archive.writestr(part, "<x/>")
    error = _error(path.read_bytes())
    assert error.code == "file_not_spreadsheet" and what in error.message


def test_binary_that_is_not_a_spreadsheet(tmp_path: Path) -> None:
    error = _error(b"%PDF-1.7\x00\x01\x02binary")
    assert error.code == "file_not_spreadsheet" and "PDF" in error.message
    assert _error(b"\x01\x02\x00\x00\x05binary" * 10).code == "file_binary"


def test_utf16_without_byte_order_mark_is_read() -> None:
    from certguard.selfcheck.reader import read_roster

    text = "姓名,身份证号\n张三,110101199003071234\n"
    for encoding in ("utf-16-le", "utf-16-be"):
        result = read_roster(source=text.encode(encoding))
        assert result.encoding == encoding and result.data_rows == 1


def test_an_over_long_csv_field_is_a_file_error_not_a_crash() -> None:
    error = _error(("姓名,身份证号\n" + "张" * 200_000 + ",1\n").encode())
    assert error.code == "csv_malformed" and "第 2 行" in error.message


def test_undecodable_text() -> None:
    # Bytes that are neither UTF-8 nor GB18030 (0xFF never starts a GB18030 character).
    assert _error(b"\xff\xfa\xfb,\xff\xfe\xfd\n" * 3).code == "file_encoding"


def test_no_recognisable_id_column(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "r.xlsx", [["姓名", "岗位"], ["张三", "电工"]])
    error = _error(path)
    assert error.code == "no_id_column"
    assert "身份证号" in error.message


def test_xls_written_by_libreoffice(tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed here: no way to write a real .xls")
    source = _xlsx(tmp_path / "r.xlsx", [["XX公司花名册"], HEADER, *ROWS])
    subprocess.run([soffice, "--headless", "--convert-to", "xls", "--outdir", str(tmp_path),
                    str(source)], check=True, capture_output=True, timeout=120)
    result = read_roster(source=tmp_path / "r.xls")
    assert result.file_kind == "xls"
    _assert_two_people(result)
