"""The official self-inspection tables: real XLSX that LibreOffice opens, and a PDF to stamp."""

import shutil
import subprocess

import openpyxl
import pytest

from certguard.selfcheck.official import TABLES, write_pdf, write_xlsx
from certguard.selfcheck.official.data import CHECKLIST
from certguard.selfcheck.official.layout import Grid, Sign
from tests.selfcheck.official_data import data


def _cells(path) -> list:
    sheet = openpyxl.load_workbook(path).active
    return [c.value for row in sheet.iter_rows() for c in row if c.value is not None]


@pytest.mark.parametrize("table", list(TABLES))
def test_xlsx_has_the_official_title_rows_and_no_live_formula(tmp_path, table):
    cells = _cells(write_xlsx(data(), tmp_path / f"{table}.xlsx", table=table))
    assert cells[0] == TABLES[table](data()).title
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)
    if table == "register":
        assert "不能" in cells and "'=HYPERLINK(\"http://x\",\"李四\")" in cells
        assert data().workers[0].id_no in cells  # in full: the regulator's copy
    else:
        assert any(CHECKLIST[3][:20] in str(v) for v in cells)


def test_every_figure_in_the_three_tables_is_the_same(tmp_path):
    f = data(6).figures
    register = " ".join(map(str, _cells(write_xlsx(data(6), tmp_path / "r.xlsx",
                                                   table="register"))))
    assert f"系统查询不到 {f.not_found} 人" in register and f"无证 {f.uncertified} 人" in register
    management = _cells(write_xlsx(data(6), tmp_path / "m.xlsx", table="management"))
    at = management.index("系统查询不到的证书（人）")
    assert management[at + 1] == str(f.not_found)
    checklist = _cells(write_xlsx(data(6), tmp_path / "c.xlsx", table="checklist"))
    at = checklist.index("特种作业人员")
    assert checklist[at + 1:at + 4] == [str(f.rows), str(f.valid),
                                        f"核验发现问题 {f.problems} 人，已整改 {f.rectified} 人"]


def test_items_the_platform_did_not_check_are_left_to_the_employer(tmp_path):
    doc = TABLES["checklist"](data())
    rows = next(b for b in doc.blocks if isinstance(b, Grid)).rows
    assert rows[5][2:] == ["", "", ""]  # training archives: blank, nothing claimed
    assert rows[4][2] == "已核对专业、学历"  # the employer's own words only
    assert rows[1][2].startswith("平台逐人核验 3 人，证书有效 1 人")
    text = " ".join(" ".join(r) for r in rows)
    assert "未发现造假情况" not in text and "按规定组织年度培训和复训" not in text


def test_the_counts_the_employer_entered_are_stated():
    doc = TABLES["checklist"](data())
    counts = [b for b in doc.blocks if isinstance(b, Grid)][1].rows
    assert counts[0][:3] == ["主要负责人", "1", "1"]
    assert counts[1][:3] == ["安全生产管理人员", "3", "2"]


@pytest.mark.parametrize("table", list(TABLES))
def test_every_table_has_signature_fields_and_room_for_the_seal(table):
    signs = [b for b in TABLES[table](data()).blocks if isinstance(b, Sign)]
    labels = [label for s in signs for label, _value in s.fields]
    assert any("签字" in label for label in labels) and signs[-1].seal


@pytest.mark.parametrize("table", list(TABLES))
def test_pdf_is_a_real_pdf_with_the_title(tmp_path, table):
    path = write_pdf(data(), tmp_path / f"{table}.pdf", table=table)
    content = path.read_bytes()
    assert content.startswith(b"%PDF") and len(content) > 2000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                              text=True, check=True).stdout.replace(" ", "")
        assert TABLES[table](data()).title[:10] in text


def test_libreoffice_opens_every_table(tmp_path):
    """Real office software reads the exported workbooks: convert each to CSV headless."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is required: `make test` installs libreoffice-calc-nogui"
    paths = [write_xlsx(data(), tmp_path / f"{t}.xlsx", table=t) for t in TABLES]
    subprocess.run([soffice, "--headless", "--norestore",
                    f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",
                    "--outdir", str(tmp_path / "csv"), *map(str, paths)],
                   check=True, capture_output=True, timeout=180)
    for table in TABLES:
        text = (tmp_path / "csv" / f"{table}.csv").read_text(encoding="utf-8")
        assert TABLES[table](data()).title in text
