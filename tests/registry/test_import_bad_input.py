"""Known bad input: each gets a specific code and a Chinese message that shows no server path
and no library text, and every row of a readable file is reported accepted or rejected."""

import gzip
import io
import re
import zipfile

import pytest

from certguard.core.errors import AppError
from certguard.core.scoping import COMMAND_LINE
from certguard.registry.importer import certificates_import
from certguard.registry.models import Certificate
from tests.conftest import verified_login

from .importfiles import GOOD_ID, OTHER_ID, csv_text, person, row

ROWS = [row(), row(OTHER_ID, "钱小红", item_code="2.1"), row(person(5), "孙五")]
LEAKS = re.compile(r"Error|Exception|Traceback|codec|decode|/tmp|\\x|\{'|EOCD|_rels|"
                   r"[A-Za-z]+\.py")


def clean(message: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", message)) and not LEAKS.search(message)


def fails_with(path, code):
    before = Certificate.objects.count()
    with pytest.raises(AppError) as failure:
        certificates_import(by=COMMAND_LINE, path=path)
    assert failure.value.code == code, failure.value.message
    assert clean(failure.value.message), failure.value.message
    assert str(path.parent) not in failure.value.message
    assert Certificate.objects.count() == before
    return failure.value.message


def load(path, **kwargs):
    report = certificates_import(by=COMMAND_LINE, path=path, **kwargs)
    assert report.accepted + report.rejected_count == report.rows_read
    assert all(clean(r.message) for r in report.rejected), report.rejected
    return report


def test_truncated_gzip(cast, tmp_path):
    data = gzip.compress(csv_text(ROWS * 200).encode())
    (tmp_path / "c.csv.gz").write_bytes(data[: len(data) // 2])
    assert "未写入任何数据" in fails_with(tmp_path / "c.csv.gz", "E_GZIP_CORRUPT")


def test_corrupt_parquet_and_a_parquet_cut_short(cast, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(ROWS * 50), tmp_path / "good.parquet")
    data = (tmp_path / "good.parquet").read_bytes()
    (tmp_path / "cut.parquet").write_bytes(data[:-20])
    fails_with(tmp_path / "cut.parquet", "E_PARQUET_CORRUPT")
    broken = bytearray(data)
    broken[200:400] = b"\x00" * 200
    (tmp_path / "broken.parquet").write_bytes(bytes(broken))
    fails_with(tmp_path / "broken.parquet", "E_PARQUET_CORRUPT")


def test_docx_renamed_xlsx_and_corrupt_zip(cast, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as docx:
        docx.writestr("[Content_Types].xml", "<Types/>")
        docx.writestr("word/document.xml", "<w:document/>")
    (tmp_path / "a.xlsx").write_bytes(buffer.getvalue())
    fails_with(tmp_path / "a.xlsx", "E_XLSX_CORRUPT")
    (tmp_path / "b.xlsx").write_bytes(b"PK\x03\x04" + b"\x07" * 300)
    fails_with(tmp_path / "b.xlsx", "E_XLSX_CORRUPT")


def test_gbk_csv_reads_like_the_roster_reader(cast, tmp_path):
    (tmp_path / "gbk.csv").write_bytes(csv_text(ROWS).encode("gbk"))
    report = load(tmp_path / "gbk.csv")
    assert (report.rows_read, report.inserted) == (3, 3)
    assert Certificate.objects.filter(name="钱小红").exists()


def test_utf16_csv_reads(cast, tmp_path):
    (tmp_path / "u16.csv").write_bytes(csv_text(ROWS).encode("utf-16"))
    assert load(tmp_path / "u16.csv").inserted == 3


def test_a_line_in_another_encoding_is_rejected_alone(cast, tmp_path):
    text = csv_text(ROWS).encode()
    lines = text.split(b"\n")
    lines[2] = lines[2].replace("钱小红".encode(), b"\xff\xfe\x81")
    (tmp_path / "mixed.csv").write_bytes(b"\n".join(lines))
    report = load(tmp_path / "mixed.csv")
    assert [(r.line, r.code) for r in report.rejected] == [(3, "E_ENCODING")]
    assert report.inserted == 2


def test_nul_bytes(cast, tmp_path):
    text = csv_text(ROWS).replace("孙五", "孙\x00五")
    (tmp_path / "nul.csv").write_text(text, encoding="utf-8")
    report = load(tmp_path / "nul.csv")
    assert [(r.line, r.code) for r in report.rejected] == [(4, "E_NUL")]
    (tmp_path / "binary.csv").write_bytes(b"\x00" * 5000)
    fails_with(tmp_path / "binary.csv", "E_BINARY")


def test_a_stray_quote_rejects_its_line_and_swallows_nothing(cast, tmp_path):
    rows = [row(person(i), f"王{'一二三四五六七八九十'[i]}") for i in range(10)]
    lines = csv_text(rows).splitlines()
    lines[3] = lines[3].replace(",王", ',"王')  # opened, never closed
    lines[6] = lines[6].replace("gd-yj", 'gd"-yj"x')  # a quote inside an unquoted field
    (tmp_path / "quote.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = load(tmp_path / "quote.csv")
    assert report.rows_read == 10
    assert [(r.line, r.code) for r in report.rejected] == [(4, "E_CSV_QUOTE"), (7, "E_CSV_QUOTE")]
    assert report.inserted == 8


def test_control_characters_in_names(cast, tmp_path):
    rows = [row(name="赵\x1b[31m大勇"), row(OTHER_ID, "钱\u0085小红", item_code="2.1"),
            row(person(5), "孙\t五")]
    (tmp_path / "ctl.csv").write_text(csv_text(rows), encoding="utf-8")
    report = load(tmp_path / "ctl.csv")
    assert {r.line: r.code for r in report.rejected} == {2: "E_CONTROL_CHAR", 3: "E_CONTROL_CHAR"}
    assert Certificate.objects.get().name == "孙五"  # a tab is white space, removed from names


def test_short_lines_and_missing_columns(cast, tmp_path):
    text = csv_text(ROWS).splitlines()
    text[2] = ",".join(text[2].split(",")[:5])
    text[3] = text[3].replace("gd-yj", "gd,yj")  # an unquoted comma: one column too many
    text.append(text[1] + ",,")  # empty trailing cells, as spreadsheets write them: fine
    (tmp_path / "short.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    report = load(tmp_path / "short.csv", dry_run=True)
    assert [(r.line, r.code) for r in report.rejected] == [(3, "E_COLUMNS"), (4, "E_COLUMNS"),
                                                           (5, "E_DUPLICATE")]
    (tmp_path / "nohead.csv").write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    assert "cert_no" in fails_with(tmp_path / "nohead.csv", "E_MISSING_COLUMN")
    (tmp_path / "empty.csv").write_bytes(b"")
    fails_with(tmp_path / "empty.csv", "E_EMPTY_FILE")


def test_dry_run_says_what_it_would_do_in_chinese(cast, tmp_path):
    rows = [*ROWS, row("123", "某人", cert_no="T123")]
    (tmp_path / "d.csv").write_text(csv_text(rows), encoding="utf-8")
    report = load(tmp_path / "d.csv", dry_run=True)
    assert report.summary.startswith("检查完成（只检查，未写入）：读取 4 行，接受 3 行")
    assert "新增 3" in report.summary and "拒绝 1 行" in report.summary
    assert not Certificate.objects.exists()
    assert GOOD_ID not in report.summary


def test_issuer_ui_gbk_upload_shows_no_path_and_no_dict(cast, client, tmp_path,
                                                        django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    verified_login(client, cast.issuer)
    data = csv_text([*ROWS, row("123", "某人", cert_no="T123")]).encode("gbk")
    upload = SimpleUploadedFile("证书.csv", data, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/issuer/import/", {"file": upload, "dry_run": "on"})
    page = client.get(response["Location"]).content.decode()
    assert "读取 4 行，接受 3 行" in page and "拒绝 1 行" in page
    assert "uploads" not in page and "{&#x27;" not in page and "{'" not in page
    assert "接受 -" not in page
    partial = client.get(response["Location"] + "?partial=1").content.decode()
    assert "id_length" in partial and "<html" not in partial


def test_cli_refuses_a_damaged_file_with_code_and_exit_2(cast, tmp_path, monkeypatch):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    monkeypatch.chdir(tmp_path)
    (tmp_path / "c.csv.gz").write_bytes(b"\x1f\x8b\x08\x00broken")
    with pytest.raises(CommandError) as failure:
        call_command("registry", "import", str(tmp_path / "c.csv.gz"), "--quiet")
    assert failure.value.returncode == 2
    assert str(failure.value).startswith("[E_GZIP_CORRUPT] ")
    assert not (tmp_path / "c.rejected.csv").exists()


def test_cli_keeps_the_default_report_only_when_rows_were_rejected(cast, tmp_path, monkeypatch,
                                                                    capsys):
    from django.core.management import call_command

    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.csv").write_text(csv_text(ROWS), encoding="utf-8")
    call_command("registry", "import", "ok.csv", "--quiet")
    assert not (tmp_path / "ok.rejected.csv").exists()
    (tmp_path / "bad.csv").write_text(csv_text([row("123", "某人", cert_no="T123")]),
                                      encoding="utf-8")
    call_command("registry", "import", "bad.csv", "--quiet")
    assert "id_length" in (tmp_path / "bad.rejected.csv").read_text(encoding="utf-8-sig")
    assert "拒绝 1 行" in capsys.readouterr().err


def test_an_ole2_file_goes_to_the_workbook_reader(cast, tmp_path):
    """Excel 97-2003 (.xls) is read by its content like .xlsx; a broken one is refused."""
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    fails_with(tmp_path / "old.xls", "E_XLSX_CORRUPT")
