"""The official self-inspection tables: real XLSX that LibreOffice opens, and a PDF to stamp."""

import shutil
import subprocess
from datetime import date

import openpyxl
import pytest

from certguard.selfcheck.official import (
    TABLES,
    ChecklistAnswer,
    Employer,
    SelfCheckData,
    WorkerLine,
    write_pdf,
    write_xlsx,
)
from certguard.selfcheck.official.data import CHECKLIST


def _data() -> SelfCheckData:
    employer = Employer(name="沁水县鑫泰煤业有限公司", credit_code="91140521MA0K000000",
                        region="山西省晋城市沁水县", sector="煤矿", contact="李安全",
                        phone="0356-7000000", principal="王矿长")
    workers = [
        WorkerLine("张三", "1405**********0011", "井下电工", "5.1 煤矿井下电气作业",
                   "T140521198001010011", "山西省应急管理厅", date(2027, 1, 1), "有效", True),
        WorkerLine("=HYPERLINK(\"http://x\",\"李四\")", "1405**********0022", "爆破工",
                   "5.2 煤矿井下爆破作业", "T140521199001010022", "", None,
                   "证书不存在（疑似假证）", False, rectification="调岗、线索上报",
                   rectified_on=date(2024, 9, 3)),
        WorkerLine("王五", "1405**********0033", "瓦斯检查工", "5.4 煤矿瓦斯检查作业", "", "",
                   None, "无证上岗", False),
    ]
    answers = [ChecklistAnswer("已核查", "", "") for _ in CHECKLIST]
    answers[1] = ChecklistAnswer("核验3人", "1人证书查询不到，1人无证", "已调岗，限期取证")
    return SelfCheckData(employer=employer, period="2024年9月", filled_on=date(2024, 9, 10),
                         workers=workers, checklist=answers, principals_total=1,
                         principals_certified=1, managers_total=2, managers_certified=2)


def test_totals_follow_the_rows():
    data = _data()
    assert (data.workers_total, data.certified, data.not_found, data.uncertified,
            data.problems, data.rectified) == (3, 1, 1, 1, 2, 1)
    assert data.certified_rate == "33.3%"


@pytest.mark.parametrize("table", list(TABLES))
def test_xlsx_has_the_official_title_rows_and_no_live_formula(tmp_path, table):
    path = write_xlsx(_data(), tmp_path / f"{table}.xlsx", table=table)
    sheet = openpyxl.load_workbook(path).active
    cells = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert cells[0] == TABLES[table](_data()).title
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)
    if table == "register":
        assert "查询不到" in cells and "'=HYPERLINK(\"http://x\",\"李四\")" in cells
    else:
        assert any(CHECKLIST[3][:20] in str(v) for v in cells)


@pytest.mark.parametrize("table", list(TABLES))
def test_pdf_is_a_real_pdf_with_the_title(tmp_path, table):
    path = write_pdf(_data(), tmp_path / f"{table}.pdf", table=table)
    content = path.read_bytes()
    assert content.startswith(b"%PDF") and len(content) > 2000
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                              text=True, check=True).stdout.replace(" ", "")
        assert TABLES[table](_data()).title[:10] in text


def test_libreoffice_opens_every_table(tmp_path):
    """Real office software reads the exported workbooks: convert each to CSV headless."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is required: `make test` installs libreoffice-calc-nogui"
    paths = [write_xlsx(_data(), tmp_path / f"{t}.xlsx", table=t) for t in TABLES]
    subprocess.run([soffice, "--headless", "--norestore",
                    f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",
                    "--outdir", str(tmp_path / "csv"), *map(str, paths)],
                   check=True, capture_output=True, timeout=180)
    for table in TABLES:
        text = (tmp_path / "csv" / f"{table}.csv").read_text(encoding="utf-8")
        assert TABLES[table](_data()).title in text
