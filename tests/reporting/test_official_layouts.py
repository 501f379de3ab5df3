"""The seeds' tables in their official layouts: 晋城's 附表 one row per department with its
group headings, 广东's with 本月 / 累计; the workbooks open in LibreOffice, the PDFs render
(pdftoppm) — values the platform has no source for say so."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from certguard.core.scoping import COMMAND_LINE
from certguard.reporting import exports, selectors, services
from certguard.reporting.models import FormVersion

pytestmark = pytest.mark.django_db


def _table(world, code: str, start: date, region: str, level_code: str):
    services.forms_install(by=COMMAND_LINE)
    version = FormVersion.objects.get(form__code=code)
    period = services.period_open(by=COMMAND_LINE, version_id=version.pk, region_code=region,
                                  start=start)
    report = period.reports.get(region_id=level_code)
    services.report_compute(by=COMMAND_LINE, report_id=report.pk)
    return selectors.report_table(report=report)


@pytest.mark.usefixtures("enforcement_not_built")
def test_jincheng_table_has_a_row_per_department(world):
    table = _table(world, "jc-2024", date(2024, 7, 1), "140500", "140521")
    heads, body, _ = exports.grid(table)
    assert heads[0][1] == "对企业执法检查情况" and heads[1][-1] == "宣传报道（篇）"
    assert [row[0] for row in body] == ["应急管理", "网信", "公安", "住房城乡建设", "市场监管",
                                        "法院", "检察院", "矿山安全监察"]
    assert body[0][1] == "暂无数据源"  # enforcement is not on the platform yet: not a zero
    assert body[1][7] == "0"  # netwatch is: a real zero


def test_workbooks_open_in_libreoffice_and_pdfs_render(world, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is required"
    tables = {"jc": _table(world, "jc-2024", date(2024, 7, 1), "140500", "140521"),
              "gd": _table(world, "gd-2018", date(2018, 8, 1), "440000", "440100")}
    paths = []
    for name, table in tables.items():
        paths.append(exports.write_xlsx(table, tmp_path / f"{name}.xlsx", unit_name="测试单位"))
        pdf = exports.write_pdf(table, tmp_path / f"{name}.pdf", unit_name="测试单位")
        subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / name)],
                       check=True, timeout=120)
        assert list(tmp_path.glob(f"{name}-*.png"))
    subprocess.run([soffice, "--headless", "--norestore",
                    f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",
                    "--outdir", str(tmp_path / "csv"), *map(str, paths)],
                   check=True, capture_output=True, timeout=240)
    jc = (tmp_path / "csv" / "jc.csv").read_text(encoding="utf-8")
    assert "2024年工作情况统计表（附表）" in jc and "矿山安全监察" in jc
    gd = (tmp_path / "csv" / "gd.csv").read_text(encoding="utf-8")
    assert "累计数据" in gd and "发现假冒网站（家）" in gd
