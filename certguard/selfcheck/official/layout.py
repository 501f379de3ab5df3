"""Each official table as a document of plain blocks (title, lines, tables), so the XLSX and
the PDF writers render one layout and cannot drift apart."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from certguard.selfcheck.official.data import CHECKLIST, SelfCheckData

REGISTER = "施工单位特种作业人员持证情况自查登记表"
CHECKLIST_FORM = "安全生产资格证书涉假专项治理自查表（生产经营单位）"
MANAGEMENT_FORM = "生产经营单位特种作业管理情况自查表"


@dataclass
class Grid:
    headers: list[str]
    rows: list[list[str]]
    widths: list[int] | None = None  # PDF relative widths when unlike the sheet's columns


@dataclass
class Document:
    title: str
    sheet: str
    widths: list[int]  # column widths in characters (XLSX) and relative widths (PDF)
    landscape: bool = False
    blocks: list[str | Grid | None] = field(default_factory=list)  # None = blank line

    def line(self, text: str) -> None:
        self.blocks.append(text)

    def grid(self, headers: list[str], rows: list[list[object]],
             widths: list[int] | None = None) -> None:
        self.blocks.append(Grid(headers, [["" if v is None else str(v) for v in r]
                                          for r in rows], widths))

    def blank(self) -> None:
        self.blocks.append(None)


def _date(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _employer(doc: Document, data: SelfCheckData, *, stamp: bool = True) -> None:
    e = data.employer
    doc.line(f"单位名称{'（盖章）' if stamp else ''}：{e.name}　　"
             f"统一社会信用代码：{e.credit_code}")
    doc.line(f"所在地区：{e.region}　　行业：{e.sector}　　地址：{e.address}")


def register(data: SelfCheckData) -> Document:
    doc = Document(REGISTER, "自查登记表", [5, 9, 5, 21, 12, 16, 22, 16, 12, 12, 20, 16],
                   landscape=True)
    _employer(doc, data)
    if data.employer.project:
        doc.line(f"工程项目名称：{data.employer.project}")
    doc.line(f"自查时间：{data.period}　　特种作业人员 {data.workers_total} 人，经核验有效 "
             f"{data.certified} 人，系统查询不到 {data.not_found} 人，无证 {data.uncertified} 人")
    doc.grid(["序号", "姓名", "性别", "身份证号", "工种（岗位）", "操作类别（项目）", "证书编号",
              "发证机关", "有效期至", "系统能否查询", "核验结论", "整改情况"],
             [[i, w.name, w.sex, w.id_no_masked, w.post, w.item, w.cert_no or "（无）", w.issuer,
               _date(w.valid_until), "能" if w.found_in_registry else "查询不到", w.result,
               w.rectification + (f"（{_date(w.rectified_on)}）" if w.rectified_on else "")]
              for i, w in enumerate(data.workers, start=1)])
    doc.blank()
    doc.line("说明：系统查询不到的特种作业人员操作证信息也须填报。")
    doc.line(f"填报人：{data.employer.contact}　　联系电话：{data.employer.phone}　　"
             f"单位负责人（签字）：　　　　　　　　填报日期：{_date(data.filled_on)}")
    doc.line("（单位公章）")
    return doc


def _checklist_rows(data: SelfCheckData) -> list[list[object]]:
    return [[i + 1, item, data.answer(i).situation, data.answer(i).problems,
             data.answer(i).measures] for i, item in enumerate(CHECKLIST)]


def checklist(data: SelfCheckData) -> Document:
    doc = Document(CHECKLIST_FORM, "涉假专项治理自查表", [6, 58, 30, 24, 24])
    doc.line(f"企业名称（盖章）：{data.employer.name}")
    doc.line(f"时间：{data.period}")
    doc.grid(["序号", "自查事项", "自查情况", "存在问题", "整改措施及完成时限"],
             _checklist_rows(data))
    doc.blank()
    doc.grid(["类别", "应持证人数", "持证合格人数", "核验发现问题", "已整改"], [
        ["主要负责人", data.principals_total, data.principals_certified, "", ""],
        ["安全生产管理人员", data.managers_total, data.managers_certified, "", ""],
        ["特种作业人员", data.workers_total, data.certified, data.problems, data.rectified]],
        widths=[30, 28, 28, 28, 28])
    doc.blank()
    doc.line(f"企业主要负责人（签字）：　　　　　　　　　　填表人：{data.employer.contact}")
    return doc


def management(data: SelfCheckData) -> Document:
    doc = Document(MANAGEMENT_FORM, "特种作业管理自查表", [6, 34, 18, 18, 30])
    _employer(doc, data)
    doc.line(f"主要负责人：{data.employer.principal}　　联系人：{data.employer.contact}　　"
             f"联系电话：{data.employer.phone}　　自查时间：{data.period}")
    doc.grid(["序号", "自查内容", "数量", "目标", "说明"], [
        [1, "特种作业岗位从业人员（人）", data.workers_total, "—", "按持证台账"],
        [2, "已查验证书真伪（人）", data.workers_total, "自查率100%", "经平台批量核验"],
        [3, "持有效证书（人）", data.certified, "持证率100%", f"持证率 {data.certified_rate}"],
        [4, "系统查询不到的证书（人）", data.not_found, "0", "疑似假证，已作为线索上报"],
        [5, "无证上岗（人）", data.uncertified, "0", "须停止作业、培训取证"],
        [6, "发现问题（项）", data.problems, "—", ""],
        [7, "已整改（项）", data.rectified, str(data.problems), ""]])
    doc.blank()
    doc.grid(["序号", "检查事项", "自查情况", "存在问题", "整改措施"], _checklist_rows(data))
    doc.blank()
    doc.line("单位主要负责人（签字）：　　　　　　　　　　（单位公章）")
    return doc


LAYOUTS: dict[str, Callable[[SelfCheckData], Document]] = {
    "register": register, "checklist": checklist, "management": management}
