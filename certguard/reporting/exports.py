"""One report's table in the official layout: XLSX (through the one export helper) and PDF
ready to stamp. The documents state what the platform computed or was given; the filler, the
telephone, the signature and the seal are left for a person."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from certguard.core import exports
from certguard.core.exports import inert_text
from certguard.reporting.reference import LEVELS, STATUSES
from certguard.reporting.selectors import Cell, Table

NOTE = ("说明：数值由平台根据业务记录计算（可逐项查看所计的记录）；标“手工”者为手工填报；"
        "“暂无数据源”表示该项业务尚未在平台办理，须另行核实，不是零。")
SIGN_LINE = "填表人：__________    联系电话：__________    审核人：__________    （盖章）"


def _heading(table: Table, unit_name: str) -> tuple[str, str]:
    report, period = table.report, table.report.period
    title = period.form.name
    sub = (f"填报单位：{unit_name}（{LEVELS[report.level]}）    统计期间：{period.label}    "
           f"报送期限：{report.due_date:%Y年%m月%d日}    状态：{STATUSES[report.status]}")
    return title, sub


def _cell_text(cell: Cell, cumulative: bool = False) -> str:
    text = cell.cumulative_text if cumulative else cell.text
    if cell.source == "manual" and text:
        return f"{text}（手工）"
    return text


def grid(table: Table) -> tuple[list[list[str]], list[list[str]], list[float]]:
    """(header rows, body rows, column widths) of the printed table."""
    if table.orientation == "dimension_rows":
        groups = ["部门"] + [m.get("group", "") for m in table.measures]
        labels = ["部门"] + [m["label"] for m in table.measures]
        rows = [[str(row["label"])] + [_cell_text(c) for c in row["cells"]]
                for row in table.rows]
        return [groups, labels], rows, [10.0] + [11.0] * len(table.measures)
    head = ["类别", "项目", "本期数据"] + (["累计数据"] if table.cumulative else [])
    body: list[list[str]] = []
    for row in table.rows:
        cell = row["cells"][0]
        line = [row["group"], row["label"], _cell_text(cell)]
        if table.cumulative:
            line.append(_cell_text(cell, cumulative=True))
        body.append(line)
    return [head], body, [24.0, 34.0, 14.0] + ([14.0] if table.cumulative else [])


def write_xlsx(table: Table, path: str | Path, *, unit_name: str) -> Path:
    title, sub = _heading(table, unit_name)
    heads, body, widths = grid(table)
    book = exports.workbook(path, title=title, author="安全生产资格证书防伪平台")
    sheet = book.add_worksheet("统计表")
    f_title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    f_sub = book.add_format({"font_size": 10})
    f_head = book.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter",
                              "text_wrap": True})
    f_cell = book.add_format({"border": 1, "valign": "top", "text_wrap": True})
    f_num = book.add_format({"border": 1, "valign": "top", "align": "right"})
    last = len(widths) - 1
    sheet.merge_range(0, 0, 0, last, inert_text(title), f_title)
    sheet.merge_range(1, 0, 1, last, inert_text(sub), f_sub)
    row = 2
    for head in heads:
        for j, text in enumerate(head):
            sheet.write_string(row, j, inert_text(text), f_head)
        sheet.set_row(row, exports.row_height(head, widths))
        row += 1
    if len(heads) == 2:  # merge the group headings over their measures, and 部门 down
        sheet.merge_range(2, 0, 3, 0, "部门", f_head)
        start = 1
        for j in range(2, len(heads[0]) + 1):
            if j == len(heads[0]) or heads[0][j] != heads[0][start]:
                if j - 1 > start:
                    sheet.merge_range(2, start, 2, j - 1, inert_text(heads[0][start]), f_head)
                start = j
    first_body = row
    for line in body:
        for j, text in enumerate(line):
            numeric = j >= (1 if table.orientation == "dimension_rows" else 2)
            sheet.write_string(row, j, inert_text(text), f_num if numeric else f_cell)
        sheet.set_row(row, exports.row_height(line, widths))
        row += 1
    if table.orientation == "measure_rows":  # the seed's 类别 column spans its rows
        start = first_body
        for i in range(1, len(body) + 1):
            if i == len(body) or body[i][0] != body[start - first_body][0]:
                if first_body + i - 1 > start:
                    sheet.merge_range(start, 0, first_body + i - 1, 0,
                                      inert_text(body[start - first_body][0]), f_cell)
                start = first_body + i
    sheet.merge_range(row + 1, 0, row + 1, last, inert_text(NOTE),
                      book.add_format({"font_size": 9, "text_wrap": True}))
    sheet.set_row(row + 1, 30)
    sheet.merge_range(row + 3, 0, row + 3, last, SIGN_LINE, f_sub)
    exports.print_setup(sheet, widths=widths, header_rows=(2, 1 + len(heads)))
    book.close()
    return Path(path)


SYSTEM_FONTS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


@cache
def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    for path in SYSTEM_FONTS:
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont("CJK", path, subfontIndex=0))
            return "CJK"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_pdf(table: Table, path: str | Path, *, unit_name: str) -> Path:
    """A4 (landscape when wide), the grid ruled, the signature line and a blank space for
    the seal at the end."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    font = _font()
    title, sub = _heading(table, unit_name)
    heads, body, widths = grid(table)
    wide = sum(widths) > 90
    size = landscape(A4) if wide else A4
    usable = size[0] - 24 * mm
    scale = usable / sum(widths)
    cell = ParagraphStyle("cell", fontName=font, fontSize=7 if wide else 9, leading=9 if wide
                          else 12)
    big = ParagraphStyle("title", fontName=font, fontSize=15, leading=20, alignment=1)
    small = ParagraphStyle("sub", fontName=font, fontSize=9, leading=12)
    data = [[Paragraph(_escape(t), cell) for t in line] for line in heads + body]
    grid_table = PdfTable(data, colWidths=[w * scale for w in widths], repeatRows=len(heads))
    grid_table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, len(heads) - 1), colors.HexColor("#eeeeee"))]))
    doc = SimpleDocTemplate(str(path), pagesize=size, leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=title)
    story = [Paragraph(_escape(title), big), Spacer(1, 4 * mm), Paragraph(_escape(sub), small),
             Spacer(1, 3 * mm), grid_table, Spacer(1, 3 * mm), Paragraph(_escape(NOTE), small),
             Spacer(1, 8 * mm), Paragraph(_escape(SIGN_LINE), small),
             Spacer(1, 30 * mm), Paragraph("（单位盖章）    年    月    日", small)]
    doc.build(story)
    return Path(path)
