"""Known-bad roster files through the upload page, the API and the command line: each gets a
specific Chinese message, never a server path, an exception class name or a repr."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings

from certguard import ids
from certguard.selfcheck import services
from certguard.selfcheck.models import RosterUpload

ROWS = f"姓名,身份证号\n张三,{ids.make_id_no('110101', date(1990, 3, 7), 123)}\n"
LEAKS = re.compile(r"/(tmp|var|work|home|usr)/|Error\b|Exception\b|Traceback|<[a-zA-Z_.]+ object|"
                   r"\b(b'|u')|\\x[0-9a-f]{2}|[A-Za-z_]+\(")


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _truncated_xlsx() -> bytes:
    book, buffer = openpyxl.Workbook(), io.BytesIO()
    book.active.append(["姓名", "身份证号"])
    book.save(buffer)
    return buffer.getvalue()[:400]


BAD = {
    "corrupt_zip": (b"PK\x03\x04" + bytes(range(256)) * 4, "损坏"),
    "truncated_xlsx": (_truncated_xlsx(), "损坏"),
    "docx_renamed": (_docx(), "Word 文档"),
    "nul_bytes": (b"\xe5\xa7\x93\xe5\x90\x8d,id\n\x00\x00\x01", "空字符"),
    "over_long_field": (("姓名,身份证号\n" + "张" * 200_000 + ",1\n").encode(), "第 2 行"),
    "empty": (b"", "空的"),
}
GOOD_ENCODINGS = {"gbk": ROWS.encode("gbk"), "utf16": ROWS.encode("utf-16"),
                  "utf16le_without_bom": ROWS.encode("utf-16-le")}


def _clean(message: str) -> None:
    assert re.search(r"[\u4e00-\u9fff]", message), message
    assert not LEAKS.search(message), message


@pytest.mark.parametrize("name", list(BAD))
def test_the_upload_page_names_the_problem(cast, client, name):
    data, words = BAD[name]
    client.force_login(cast.user_x)
    page = client.post("/selfcheck/uploads/new/",
                       {"file": SimpleUploadedFile(f"{name}.xlsx", data)}, follow=True)
    text = page.content.decode()
    message = re.search(r'class="[^"]*(error|alert)[^"]*"[^>]*>(.*?)<', text, re.S)
    assert words in text and message, name
    _clean(message.group(2))
    assert not RosterUpload.objects.exists()


@pytest.mark.parametrize("name", list(BAD))
def test_the_api_answers_in_the_error_shape(cast, client, name):
    data, words = BAD[name]
    client.force_login(cast.user_x)
    response = client.post("/api/v1/selfcheck/uploads",
                           {"file": SimpleUploadedFile(f"{name}.csv", data)})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    if name != "empty":  # an empty upload is refused by the form field itself
        assert words in error["message"]
    _clean(error["message"])


@pytest.mark.parametrize("name", list(BAD))
def test_the_command_line_exits_2_with_the_reason(tmp_path, name, db):
    data, words = BAD[name]
    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(data)
    with pytest.raises(CommandError) as failed:
        call_command("selfcheck", str(path), "--json", stdout=io.StringIO(),
                     stderr=io.StringIO())
    assert failed.value.returncode == 2 and words in str(failed.value)
    _clean(str(failed.value).replace(path.name, ""))


def test_the_command_line_on_a_folder_or_a_missing_file(tmp_path, db):
    for target, words in ((tmp_path, "文件夹"), (tmp_path / "无.xlsx", "找不到")):
        with pytest.raises(CommandError) as failed:
            call_command("selfcheck", str(target), "--json", stdout=io.StringIO(),
                         stderr=io.StringIO())
        assert failed.value.returncode == 2 and words in str(failed.value)
        assert str(tmp_path) not in str(failed.value)


@pytest.mark.parametrize("name", list(GOOD_ENCODINGS))
def test_gbk_and_utf16_rosters_are_read(cast, name):
    upload = services.upload_create(by=cast.user_x, employer=cast.enterprise_x,
                                    file_name="r.csv", data=GOOD_ENCODINGS[name])
    assert upload.plan["accepted"] == 1


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=None)
def test_an_over_long_file_is_refused_before_it_is_read(cast, client, monkeypatch):
    monkeypatch.setattr(services, "DEFAULT_MAX_BYTES", 1000)
    client.force_login(cast.user_x)
    page = client.post("/selfcheck/uploads/new/",
                       {"file": SimpleUploadedFile("big.csv", ROWS.encode() * 100)}, follow=True)
    assert "文件过大" in page.content.decode() and "拆分" in page.content.decode()
    assert not RosterUpload.objects.exists()
