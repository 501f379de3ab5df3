"""The official tables and REPORT.xlsx as a regulator prints them: each XLSX rendered by
LibreOffice to PDF, each PDF rendered by pdftoppm; page counts, no text overlapping other
text (pdfplumber word boxes), and ruled signature spaces with width."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest

from certguard.selfcheck import outcomes as o
from certguard.selfcheck.official import TABLES, write_pdf, write_xlsx
from certguard.selfcheck.report import write_report
from tests.selfcheck.official_data import LONG, data

MM = 72 / 25.4
# Pages each rendering may take (30 workers; the checklist's answers are long paragraphs).
PAGES = {"register": 2, "checklist": 3, "management": 3, "REPORT": 4}


def _report(path: Path) -> Path:
    outcomes = [o.WorkerOutcome(sheet="花名册", row_no=i + 3, result=o.VALID if i % 4 else
                                o.ALTERED, values={"worker_name": f"工人{i}",
                                                   "worker_id_no": f"14052119800101{i:04d}",
                                                   "cert_no": f"T14052119800101{i:04d}"},
                                details=[] if i % 4 else [LONG])
                for i in range(40)]
    counts = {o.VALID: 30, o.ALTERED: 10}
    return write_report(path=path, outcomes=outcomes, as_of="2025-06-01",
                        title="沁水县鑫泰煤业有限公司 · 花名册.xlsx", counts=counts)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    """name -> PDF: the tables written as PDF, and every XLSX rendered by LibreOffice."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice and shutil.which("pdftoppm"), "`make test` installs LibreOffice and poppler"
    folder = tmp_path_factory.mktemp("official")
    table_data = data(30, long_answers=True)
    pdfs = {f"{t}.pdf": write_pdf(table_data, folder / f"{t}.pdf", table=t) for t in TABLES}
    books = [write_xlsx(table_data, folder / f"{t}.xlsx", table=t) for t in TABLES]
    books.append(_report(folder / "REPORT.xlsx"))
    subprocess.run([soffice, "--headless", "--norestore",
                    f"-env:UserInstallation=file://{folder}/lo-profile", "--convert-to", "pdf",
                    "--outdir", str(folder / "lo"), *map(str, books)],
                   check=True, capture_output=True, timeout=300)
    pdfs.update({f"{b.stem}.xlsx": folder / "lo" / f"{b.stem}.pdf" for b in books})
    return pdfs


def _overlaps(words: list[dict]) -> list[tuple[str, str]]:
    """Pairs of words whose boxes intersect (text drawn over text)."""
    found = []
    words = sorted(words, key=lambda w: w["top"])
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            if b["top"] >= a["bottom"] - 1:
                break
            if min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > 1:
                found.append((a["text"], b["text"]))
    return found


def _signature_rules(page) -> list[float]:
    """For each word with 签字, the width of the horizontal rule that starts at its end."""
    rules = [e for e in page.edges if e["orientation"] == "h"]
    widths = []
    for word in (w for w in page.extract_words() if "签字" in w["text"]):
        below = [e["x1"] - max(e["x0"], word["x1"] - 3) for e in rules
                 if word["bottom"] - 4 <= e["top"] <= word["bottom"] + 12
                 and e["x1"] > word["x1"] and e["x0"] <= word["x1"] + 20]
        widths.append(max(below, default=0.0))
    return widths


@pytest.mark.parametrize("name", [f"{t}.{f}" for t in TABLES for f in ("pdf", "xlsx")]
                         + ["REPORT.xlsx"])
def test_rendered_pages_fit_do_not_overlap_and_leave_room_to_sign(rendered, name, tmp_path):
    with pdfplumber.open(rendered[name]) as pdf:
        pages = pdf.pages
        assert 1 <= len(pages) <= PAGES[name.split(".")[0]], name
        for page in pages:
            portrait = name.startswith(("checklist", "management")) or (
                name.startswith("REPORT") and page.page_number == 1)  # 汇总: two columns
            assert (page.width < page.height) == portrait, (name, page.page_number)
            assert not _overlaps(page.extract_words()), (name, page.page_number)
        text = "".join(p.extract_text() or "" for p in pages)
        widths = [w for p in pages for w in _signature_rules(p)]
    if name.startswith("REPORT"):
        for header in ("行号", "说明", "证书编号（证书库）", "触发规则"):  # no column cut off
            assert header in text.replace(" ", ""), header
    else:
        assert widths and min(widths) >= 35 * MM, (name, widths)
    images = subprocess.run(["pdftoppm", "-r", "40", "-png", str(rendered[name]),
                             str(tmp_path / "page")], capture_output=True, timeout=120)
    assert images.returncode == 0 and len(list(tmp_path.glob("page*.png"))) == len(pages)


def test_a_register_of_two_thousand_workers_is_compact(tmp_path):
    path = write_pdf(data(2000), tmp_path / "register.pdf", table="register")
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) <= 50  # about 45 rows a page, the header repeated on each
        assert "身份证号" in (pdf.pages[-2].extract_text() or "").replace(" ", "")
        assert not _overlaps(pdf.pages[1].extract_words())
