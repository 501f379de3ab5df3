"""Table data built in code for the layout and rendering tests (no database)."""

from __future__ import annotations

from datetime import date

from certguard import ids
from certguard.selfcheck.official import (
    ChecklistAnswer,
    Counts,
    Employer,
    Figures,
    SelfCheckData,
    WorkerLine,
)
from certguard.selfcheck.official.data import CHECKLIST

EMPLOYER = Employer(name="沁水县鑫泰煤业有限公司", credit_code="91140521MA0K000000",
                    region="山西省晋城市沁水县", sector="煤矿", contact="李安全",
                    phone="0356-7000000", principal="王矿长")
LONG = ("该人员所持证书经平台核验发现登记信息与申报不一致，已要求其提供证书原件并向发证机关核实，"
        "核实前暂停其特种作业岗位工作")


def worker(i: int, **changes) -> WorkerLine:
    id_no = ids.make_id_no("140521", date(1980 + i % 20, 1 + i % 12, 1 + i % 27), i % 999 + 1)
    line = WorkerLine(name=f"工人{i:04d}", id_no=id_no, sex="男", post="井下电工",
                      item="5.1 煤矿井下电气作业", cert_no="T" + id_no, issuer="山西省应急管理厅",
                      valid_until=date(2027, 1, 1), result="有效", queryable="能")
    return WorkerLine(**{**line.__dict__, **changes})


def data(workers: int = 3, *, long_answers: bool = False) -> SelfCheckData:
    lines = [
        worker(1),
        worker(2, name='=HYPERLINK("http://x","李四")', issuer="", valid_until=None,
               result="证书不存在（疑似假证）", queryable="不能", rectification="调岗",
               rectified_on=date(2024, 9, 3)),
        worker(3, cert_no="", issuer="", valid_until=None, result="无证上岗", queryable=""),
    ]
    lines += [worker(i) for i in range(4, workers + 1)]
    if workers >= 5:
        lines[4] = WorkerLine(name="丢位数", id_no="1.10105e+17", post="电工", item="", cert_no="",
                              issuer="", valid_until=None,
                              result="未核验：“身份证号码”列：身份证号被表格软件存成了数字，后几位已丢失")
    figures = Figures(rows=len(lines), checked=len(lines) - (workers >= 5), valid=len(lines) - 2
                      - (workers >= 5), not_found=1, uncertified=1, problems=2, rectified=1,
                      by_result=(("证书不存在（疑似假证）", 1), ("无证上岗", 1)), ledger_active=12)
    answers = [ChecklistAnswer("") for _ in CHECKLIST]
    answers[4] = ChecklistAnswer("已核对专业、学历", "", "")
    if long_answers:
        answers = [ChecklistAnswer(LONG, LONG, LONG) for _ in CHECKLIST]
    platform = [ChecklistAnswer("") for _ in CHECKLIST]
    platform[1] = ChecklistAnswer(f"平台逐人核验 {figures.checked} 人，证书有效 {figures.valid} 人",
                                  figures.problem_text, "已整改 1 人，待整改 1 人")
    return SelfCheckData(employer=EMPLOYER, period="2024年9月", filled_on=date(2024, 9, 10),
                         figures=figures, workers=lines, checklist=answers, platform=platform,
                         counts=Counts(1, 1, 3, 2, source="企业填报"))
