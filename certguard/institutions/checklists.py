"""The platform's own figures beside a checklist's answers, and the checklist as XLSX and PDF
ready to stamp. A document states only what the platform computed from the records filed with
it; every other line is the filer's own word, and signatures, seal and date are left blank."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.db.models import Count, Q

from certguard.core.exports import print_setup, row_height, workbook
from certguard.institutions.models import ExamSitting, Filing, Finding, Period, Plan, TrainingRecord
from certguard.institutions.reference import CHECKLISTS, KINDS

TITLES = {"training": "安全培训机构自查自纠情况表", "exam": "考试机构（考点）自查自纠情况表",
          "authority": "考核发证机关自查自纠情况表"}
NOTE = ("“平台数据”栏是平台依据本单位报送的培训、考试记录（或证书库）计算的数字，截至报送时；"
        "为空的项目平台没有相应数据，未作核对。其余内容由填报单位如实填写并负责。")


def _in_period(field: str, period: Period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lte": period.end})


def platform_figures(*, organisation, kind: str, period: Period) -> dict[str, dict]:
    """{key: {"label", "value"}}: what the platform can say for this filer and period."""
    figures: dict[str, dict] = {}

    def put(key: str, label: str, value: object) -> None:
        figures[key] = {"label": label, "value": value}

    findings = Finding.objects.filter(organisation=organisation)
    if kind == "training":
        rows = TrainingRecord.objects.filter(organisation=organisation, current=True) \
            .filter(_in_period("start_date", period))
        counts = rows.aggregate(classes=Count("class_id", distinct=True),
                                trainees=Count("trainee_id_no", distinct=True))
        put("classes", "本期开班数（个）", counts["classes"])
        put("trainees", "本期参训学员（人）", counts["trainees"])
        put("short_hours", "平台发现学时不足（人次）",
            findings.filter(rule="R12", present=True).count())
        put("review_fakes", "平台发现复审换证学员证书查不到（人）",
            findings.filter(rule="RV", present=True).values("id_no").distinct().count())
    elif kind == "exam":
        sittings = ExamSitting.objects.filter(organisation=organisation, current=True) \
            .filter(_in_period("exam_date", period))
        counts = sittings.aggregate(n=Count("pk"), passed=Count("pk", filter=Q(passed=True)))
        put("candidates", "本期考试（人次）", counts["n"])
        put("pass_rate", "本期合格率",
            f"{counts['passed'] * 100 / counts['n']:.1f}%" if counts["n"] else "")
        put("too_fast", "平台发现用时过短即合格（人次）",
            findings.filter(rule="R15", present=True).count())
        put("outliers", "平台发现通过率异常（项目）",
            findings.filter(rule="R16", present=True).count())
    else:
        put("issued", "本期初次发证（张）", _issued(organisation, period))
    if kind != "authority":
        put("findings", "平台发现问题（条）", findings.count())
        put("answered", "其中已答复（条）", findings.exclude(status="open").count())
        plans = Plan.objects.filter(organisation=organisation)
        put("plans", "整改计划（项）", plans.count())
        put("plans_done", "其中已完成（项）", plans.filter(status="done").count())
    return figures


def _issued(organisation, period: Period) -> int | str:
    if not organisation.issuer_code:
        return ""
    from certguard.core.scoping import COMMAND_LINE
    from certguard.registry.selectors import certificates_for
    from certguard.registry.services import today

    return certificates_for(user=COMMAND_LINE, on=today()).filter(
        issuer_code=organisation.issuer_code, first_issued__gte=period.start,
        first_issued__lte=period.end).count()


def lines(filing: Filing) -> list[tuple[str, str, str, str, str]]:
    """(item, situation, problems, measures, platform figure) per checklist item."""
    out = []
    for number, item in enumerate(CHECKLISTS[filing.kind], start=1):
        answer = filing.answers.get(item.key, {})
        figure = filing.figures.get(item.figure) if item.figure else None
        shown = f"{figure['label']}：{figure['value']}" if figure and figure["value"] != "" \
            else ""
        out.append((f"{number}. {item.text}", answer.get("situation", ""),
                    answer.get("problems", ""), answer.get("measures", ""), shown))
    return out


def _head(filing: Filing) -> list[tuple[str, str]]:
    head = [("填报单位", filing.organisation.name),
            ("统一社会信用代码", filing.organisation.credit_code or ""),
            ("类别", KINDS[filing.kind]), ("自查期间", f"{filing.period.name}（"
                                                   f"{filing.period.start}至{filing.period.end}）")]
    head += [(label, value) for label, value in (
        ("主要负责人", filing.principal), ("填报人", filing.contact),
        ("联系电话", filing.phone)) if value]
    if filing.kind == "authority":
        head += [("发现问题（条）", str(filing.problems_found)),
                 ("优化办事程序（条）", str(filing.procedures_streamlined))]
    return head


def _summary(filing: Filing) -> list[tuple[str, str]]:
    keys = ("findings", "answered", "plans", "plans_done", "classes", "trainees", "candidates")
    return [(f["label"], str(f["value"])) for k, f in filing.figures.items()
            if k in keys and f["value"] != ""]


HEADERS = ("自查项目", "自查情况（单位填写）", "存在问题（单位填写）", "整改措施（单位填写）",
           "平台数据")
WIDTHS = (34, 30, 22, 22, 22)


def write_xlsx(filing: Filing, path: Path) -> Path:
    book = workbook(path, title=TITLES[filing.kind])
    sheet = book.add_worksheet("自查表")
    title = book.add_format({"bold": True, "font_size": 16, "align": "center"})
    head = book.add_format({"bold": True, "border": 1, "text_wrap": True, "valign": "vcenter",
                            "bg_color": "#F2F2F2"})
    cell = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    plain = book.add_format({"text_wrap": True, "valign": "top"})
    row = 0
    sheet.merge_range(row, 0, row, len(WIDTHS) - 1, TITLES[filing.kind], title)
    row += 2
    for label, value in _head(filing):
        sheet.write_string(row, 0, label, head)
        sheet.merge_range(row, 1, row, len(WIDTHS) - 1, value, cell)
        row += 1
    row += 1
    header_row = row
    for j, text in enumerate(HEADERS):
        sheet.write_string(row, j, text, head)
    sheet.set_row(row, row_height(HEADERS, WIDTHS))
    for values in lines(filing):
        row += 1
        sheet.set_row(row, row_height(values, WIDTHS))
        for j, text in enumerate(values):
            sheet.write_string(row, j, text, cell)
    row += 2
    for label, value in _summary(filing):
        sheet.write_string(row, 0, f"平台数据：{label}", plain)
        sheet.write_string(row, 1, value, plain)
        row += 1
    row += 1
    sheet.merge_range(row, 0, row, len(WIDTHS) - 1, NOTE, plain)
    sheet.set_row(row, row_height([NOTE], [sum(WIDTHS)]))
    row += 2
    for label in ("主要负责人（签字）：", "填报人：", "联系电话：", "单位（盖章）：",
                  "日期：      年    月    日"):
        sheet.write_string(row, 0, label, plain)
        row += 2
    print_setup(sheet, widths=WIDTHS, header_rows=(header_row, header_row), landscape=True,
                freeze=False)
    book.close()
    return path


@cache
def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    for candidate in ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
                      "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"):
        if Path(candidate).exists():
            pdfmetrics.registerFont(TTFont("CJK-inst", candidate, subfontIndex=0))
            return "CJK-inst"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\n", "<br/>"))


def write_pdf(filing: Filing, path: Path) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _font()
    title = ParagraphStyle("t", fontName=font, fontSize=16, leading=22, alignment=1)
    text = ParagraphStyle("x", fontName=font, fontSize=10, leading=15)
    cell = ParagraphStyle("c", fontName=font, fontSize=8.5, leading=11)
    doc = SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=12 * mm,
                            rightMargin=12 * mm, topMargin=12 * mm, bottomMargin=12 * mm,
                            title=TITLES[filing.kind])
    total = landscape(A4)[0] - 24 * mm
    widths = [total * w / sum(WIDTHS) for w in WIDTHS]
    story: list = [Paragraph(_escape(TITLES[filing.kind]), title), Spacer(1, 4 * mm)]
    for label, value in _head(filing):
        story.append(Paragraph(_escape(f"{label}：{value}"), text))
    story.append(Spacer(1, 3 * mm))
    rows = [[Paragraph(_escape(h), cell) for h in HEADERS]]
    rows += [[Paragraph(_escape(v), cell) for v in values] for values in lines(filing)]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F2F2F2")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [table, Spacer(1, 3 * mm)]
    for label, value in _summary(filing):
        story.append(Paragraph(_escape(f"平台数据：{label} {value}"), text))
    story += [Spacer(1, 2 * mm), Paragraph(_escape(NOTE), cell), Spacer(1, 6 * mm)]
    sign = Table([["主要负责人（签字）：", "", "填报人：", ""],
                  ["联系电话：", "", "单位（盖章）：", ""], ["日期：", "", "", ""]],
                 colWidths=[35 * mm, 55 * mm, 30 * mm, 55 * mm], rowHeights=[11 * mm] * 3)
    sign.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font, 10),
                              ("LINEBELOW", (1, 0), (1, -1), 0.5, colors.black),
                              ("LINEBELOW", (3, 0), (3, 1), 0.5, colors.black),
                              ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    story += [sign, Spacer(1, 28 * mm)]
    doc.build(story)
    return path


def checklist_write(*, filing: Filing, fmt: str, path: Path) -> Path:
    return write_xlsx(filing, path) if fmt == "xlsx" else write_pdf(filing, path)
