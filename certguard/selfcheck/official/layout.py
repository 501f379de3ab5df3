"""Each official table as a document of plain blocks (title, lines, tables, signature lines),
so the XLSX and the PDF writers render one layout and cannot drift apart."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from certguard.selfcheck.official.data import CHECKLIST, SelfCheckData

REGISTER = "施工单位特种作业人员持证情况自查登记表"
CHECKLIST_FORM = "安全生产资格证书涉假专项治理自查表（生产经营单位）"
MANAGEMENT_FORM = "生产经营单位特种作业管理情况自查表"
TITLES = {"register": REGISTER, "checklist": CHECKLIST_FORM, "management": MANAGEMENT_FORM}


@dataclass
class Grid:
    headers: list[str]
    rows: list[list[str]]
    widths: list[int] | None = None  # PDF relative widths when unlike the sheet's columns
    compact: bool = False  # a long list: smaller type, its header repeated on every page
    spans: list[int] | None = None  # sheet columns each column takes (default: one each)


@dataclass
class Sign:
    """A line of signature fields: (label, value). An empty value leaves a ruled space to
    sign or fill by hand; ``seal`` leaves room for the seal under the line."""

    fields: list[tuple[str, str]]
    seal: bool = False


Block = str | Grid | Sign | None  # None = blank line


@dataclass
class Document:
    title: str
    sheet: str
    widths: list[int]  # column widths in characters (XLSX) and relative widths (PDF)
    landscape: bool = False
    blocks: list[Block] = field(default_factory=list)

    def line(self, text: str) -> None:
        self.blocks.append(text)

    def grid(self, headers: list[str], rows: list[list[object]],
             widths: list[int] | None = None, *, compact: bool = False,
             spans: list[int] | None = None) -> None:
        self.blocks.append(Grid(headers, [["" if v is None else str(v) for v in r]
                                          for r in rows], widths, compact, spans))

    def sign(self, *fields: tuple[str, str], seal: bool = False) -> None:
        self.blocks.append(Sign(list(fields), seal))

    def blank(self) -> None:
        self.blocks.append(None)


def _date(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _cn_date(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "　　年　　月　　日"


def _employer(doc: Document, data: SelfCheckData, *, stamp: bool = True) -> None:
    e = data.employer
    doc.line(f"单位名称{'（盖章）' if stamp else ''}：{e.name}　　"
             f"统一社会信用代码：{e.credit_code}")
    doc.line(f"所在地区：{e.region}　　行业：{e.sector}　　地址：{e.address or '—'}")


def register(data: SelfCheckData) -> Document:
    """Seed 001 附件1: every roster row, including those the platform could not check, and the
    people the query system cannot find (the campaign asks for those to be listed too)."""
    f = data.figures
    doc = Document(REGISTER, "自查登记表", [4, 8, 4, 20, 10, 16, 21, 16, 11, 6, 18, 14],
                   landscape=True)
    _employer(doc, data)
    if data.employer.project:
        doc.line(f"工程项目名称：{data.employer.project}")
    doc.line(f"自查时间：{data.period}　　特种作业人员 {f.rows} 人：经平台核验 {f.checked} 人，"
             f"其中证书有效 {f.valid} 人、系统查询不到 {f.not_found} 人、无证 {f.uncertified} 人；"
             f"数据有误未核验 {f.rejected} 人")
    doc.grid(["序号", "姓名", "性别", "身份证号", "工种（岗位）", "操作类别（项目）", "证书编号",
              "发证机关", "有效期至", "系统能否查询", "核验结论", "整改情况"],
             [[i, w.name, w.sex, w.id_no, w.post, w.item, w.cert_no or "（无）", w.issuer,
               _date(w.valid_until), w.queryable, w.result,
               w.rectification + (f"（{_date(w.rectified_on)}）" if w.rectified_on else "")]
              for i, w in enumerate(data.workers, start=1)], compact=True)
    doc.line("说明：系统查询不到的特种作业人员操作证信息也须填报；“系统能否查询”为平台证书库逐人查询的结果，"
             "“不能”的证书不填写证书库信息，所列发证机关、有效期为花名册申报内容。")
    doc.sign(("填报人", data.employer.contact), ("联系电话", data.employer.phone))
    doc.sign(("单位负责人（签字）", ""), ("填报日期", _cn_date(data.filled_on)), seal=True)
    return doc


def _checklist_rows(data: SelfCheckData) -> list[list[object]]:
    return [[i + 1, item, data.cell(i, "situation"), data.cell(i, "problems"),
             data.cell(i, "measures")] for i, item in enumerate(CHECKLIST)]


def _count(value: int | None) -> str:
    return "" if value is None else str(value)


def checklist(data: SelfCheckData) -> Document:
    """Seed 002 附件2, laid out from the seven items of its 附件3 checklist."""
    f, c = data.figures, data.counts
    doc = Document(CHECKLIST_FORM, "涉假专项治理自查表", [5, 38, 28, 16, 18])
    doc.line(f"企业名称（盖章）：{data.employer.name}")
    doc.line(f"时间：{data.period}")
    doc.grid(["序号", "自查事项", "自查情况", "存在问题", "整改措施及完成时限"],
             _checklist_rows(data))
    doc.blank()
    found = f"核验发现问题 {f.problems} 人，已整改 {f.rectified} 人" if f.problems else ""
    doc.grid(["类别", "人数", "其中考核合格（持证有效）", "说明"], [
        ["主要负责人", _count(c.principals_total), _count(c.principals_certified), ""],
        ["安全生产管理人员", _count(c.managers_total), _count(c.managers_certified), ""],
        ["特种作业人员", f.rows, f.valid, found]], spans=[2, 1, 1, 1])
    if c.source:
        doc.line(f"注：主要负责人、安全生产管理人员人数为{c.source}；特种作业人员为平台逐人核验"
                 f"（数据有误未核验 {f.rejected} 人）。")
    doc.sign(("企业主要负责人（签字）", ""), ("填表人", data.employer.contact))
    doc.sign(("填表日期", _cn_date(data.filled_on)), seal=True)
    return doc


def management(data: SelfCheckData) -> Document:
    """Seed 003 附件2, with the "two 100%" targets (自查率, 持证率) of that campaign."""
    f = data.figures
    doc = Document(MANAGEMENT_FORM, "特种作业管理自查表", [5, 34, 12, 14, 35])
    _employer(doc, data)
    doc.line(f"主要负责人：{data.employer.principal}　　联系人：{data.employer.contact}　　"
             f"联系电话：{data.employer.phone}　　自查时间：{data.period}")
    rejected = f"；{f.rejected} 人数据有误未核验" if f.rejected else ""
    doc.grid(["序号", "自查内容", "数量", "目标", "说明"], [
        [1, "特种作业岗位从业人员（人）", f.rows, "—", "按本次花名册"],
        [2, "已查验证书真伪（人）", f.checked, "自查率100%",
         f"经平台逐人核验，自查率 {f.checked_rate}{rejected}"],
        [3, "持有效证书（人）", f.valid, "持证率100%", f"持证率 {f.certified_rate}"],
        [4, "系统查询不到的证书（人）", f.not_found, "0", "疑似假证，已作为线索报送监管部门"
         if f.not_found else ""],
        [5, "无证上岗（人）", f.uncertified, "0", "须停止作业、培训取证" if f.uncertified else ""],
        [6, "发现问题（人）", f.problems, "—", f.problem_text],
        [7, "已整改（人）", f.rectified, str(f.problems), f"待整改 {f.outstanding} 人"
         if f.outstanding else ""]])
    doc.blank()
    doc.grid(["序号", "检查事项", "自查情况", "存在问题", "整改措施"], _checklist_rows(data),
             widths=[5, 30, 30, 19, 20])
    doc.sign(("单位主要负责人（签字）", ""), ("日期", _cn_date(data.filled_on)), seal=True)
    return doc


LAYOUTS: dict[str, Callable[[SelfCheckData], Document]] = {
    "register": register, "checklist": checklist, "management": management}
