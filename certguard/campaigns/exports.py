"""The campaign's final 工作总结 as a DOCX draft, pre-filled with what the platform knows
(the campaign's document, phases, figures from the records, reporting completeness, lagging
units and supervision steps); the assessment, the experience and next year's work are left
for a person to write."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from certguard.campaigns.models import Campaign

TO_WRITE = "（待填写）"


def write_summary(campaign: Campaign, path: str | Path, *, figures: list[tuple[str, str]],
                  completeness: list[tuple[str, str]], lagging: list[str],
                  supervisions: list[str]) -> Path:
    from docx import Document
    from docx.shared import Pt

    doc: Any = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(12)
    doc.add_heading(f"{campaign.name}工作总结（草稿）", level=0)
    doc.add_paragraph(f"依据：{campaign.doc_no or TO_WRITE}"
                      f"　印发单位：{campaign.issuer or TO_WRITE}")
    doc.add_paragraph(f"时间：{campaign.start:%Y年%m月%d日}至{campaign.end:%Y年%m月%d日}"
                      + (f"　总结报送期限：{campaign.final_due:%Y年%m月%d日}"
                         if campaign.final_due else ""))
    doc.add_heading("一、工作开展情况", level=1)
    for phase in campaign.phases.order_by("order"):
        doc.add_paragraph(f"{phase.name}（{phase.start:%m月%d日}—{phase.end:%m月%d日}）："
                          f"{phase.tasks}", style="List Bullet")
    doc.add_paragraph(TO_WRITE)
    doc.add_heading("二、主要成效（平台统计）", level=1)
    doc.add_paragraph("以下数据由平台根据业务记录统计，截至生成本稿之日；"
                      "“暂无数据源”表示该项业务未在平台办理，须另行核实。")
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "项目", "数值"
    for label, value in figures:
        row = table.add_row().cells
        row[0].text, row[1].text = label, value
    doc.add_heading("三、统计报表报送情况", level=1)
    for label, value in completeness:
        doc.add_paragraph(f"{label}：{value}", style="List Bullet")
    doc.add_heading("四、存在的问题", level=1)
    for line in lagging or ["平台未发现进度滞后的单位。"]:
        doc.add_paragraph(line, style="List Bullet")
    for line in supervisions:
        doc.add_paragraph(line, style="List Bullet")
    doc.add_paragraph(TO_WRITE)
    doc.add_heading("五、经验做法", level=1)
    doc.add_paragraph(TO_WRITE)
    doc.add_heading("六、下一步工作", level=1)
    doc.add_paragraph(TO_WRITE)
    doc.add_paragraph("\n（单位盖章）\n年　　月　　日")
    doc.save(str(path))
    return Path(path)
