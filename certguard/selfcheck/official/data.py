"""What the tables are filled from: the employer, one line per roster row, one set of figures,
what the platform checked for each of the seven checklist items, and the employer's answers.

The figures are computed once per upload (``Figures``) and every table and summary reads
them, so no two forms can state different counts for the same roster.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Seed 002 附件3: the canonical certificate checklist (the self-inspection asks the same).
CHECKLIST = (
    "生产经营单位主要负责人、安全生产管理人员是否按照规定经主管部门对其安全生产知识和管理能力"
    "考核合格。",
    "特种作业人员是否经过专门的安全技术培训并考核合格，是否按规定持证上岗作业，是否存在伪造、涂改、"
    "转借、转让、冒用特种作业操作证等情况。",
    "是否建立“三项岗位人员”持证台账，并抽查台账证件。",
    "是否能通过应急管理部官网上全国统一的“特种作业操作证及安全生产知识和管理能力考核合格信息查询平台”"
    "（网址 https://cx.mem.gov.cn ）或微信公众号“国家安全生产考试”查询到“三项岗位人员”"
    "安全生产证书信息。",
    "“三项岗位人员”专业、学历及从业经历是否符合相关规定，学历及从业经历是否存在造假情况。",
    "是否建立健全从业人员安全培训档案，并详细、准确记录培训考核情况；是否按规定学时进行年度培训、复训等。",
    "是否按要求完成自查自纠，并完成自查自纠发现问题的整改工作。",
)
QUERYABLE, NOT_QUERYABLE = "能", "不能"


@dataclass(frozen=True)
class Employer:
    name: str
    credit_code: str
    region: str = ""
    sector: str = ""
    address: str = ""
    principal: str = ""  # 主要负责人
    contact: str = ""  # 填报人
    phone: str = ""
    project: str = ""  # 工程项目名称 (construction)


@dataclass(frozen=True)
class WorkerLine:
    """One roster row as the register lists it. A row the platform could not check (a damaged
    or missing ID number) is listed too, with what is wrong in ``result``."""

    name: str
    id_no: str  # in full: the register goes to the regulator
    post: str
    item: str
    cert_no: str
    issuer: str  # the authority's name
    valid_until: date | None
    result: str  # the plain Chinese result, or "未核验：<reason>"
    queryable: str = ""  # 能 / 不能; "" when no number was declared or the row was not checked
    rectification: str = ""  # what was done: 调岗、辞退、重新培训取证、复审、线索上报
    rectified_on: date | None = None
    sex: str = ""


@dataclass(frozen=True)
class Figures:
    """One upload's figures: every table and the summary state these and nothing else."""

    rows: int = 0  # roster rows listing a worker (summary rows such as 合计 are not counted)
    checked: int = 0  # rows verified against the registry
    rejected: int = 0  # rows not checked: damaged or missing ID number and the like
    valid: int = 0
    not_found: int = 0  # a declared number the registry does not have (不能查询)
    uncertified: int = 0
    problems: int = 0  # rows with any problem result
    rectified: int = 0  # problem rows with a rectification recorded
    by_result: tuple[tuple[str, int], ...] = ()  # (label, n) of the problem results
    ledger_active: int | None = None  # workers on post in the employer's ledger

    @property
    def outstanding(self) -> int:
        return self.problems - self.rectified

    @property
    def found(self) -> int:
        """Rows whose certificate could be queried (checked, not 不能, not 无证)."""
        return self.checked - self.not_found - self.uncertified

    @property
    def checked_rate(self) -> str:
        return _pct(self.checked, self.rows)

    @property
    def certified_rate(self) -> str:
        return _pct(self.valid, self.rows)

    @property
    def problem_text(self) -> str:
        return "；".join(f"{label} {n} 人" for label, n in self.by_result)


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "—"


@dataclass(frozen=True)
class ChecklistAnswer:
    situation: str  # 自查情况
    problems: str = ""  # 存在问题
    measures: str = ""  # 整改措施及完成时限


@dataclass(frozen=True)
class Counts:
    """Principals and safety managers: what the employer entered (None = not entered)."""

    principals_total: int | None = None
    principals_certified: int | None = None
    managers_total: int | None = None
    managers_certified: int | None = None
    source: str = ""  # "企业填报" or "持证台账"

    @property
    def entered(self) -> bool:
        return self.principals_total is not None or self.managers_total is not None


@dataclass
class SelfCheckData:
    employer: Employer
    period: str  # e.g. "2024年9月"
    filled_on: date
    figures: Figures = field(default_factory=Figures)
    workers: list[WorkerLine] = field(default_factory=list)
    checklist: list[ChecklistAnswer] = field(default_factory=list)  # the employer's answers
    platform: list[ChecklistAnswer] = field(default_factory=list)  # what the platform checked
    counts: Counts = field(default_factory=Counts)

    def answer(self, index: int) -> ChecklistAnswer:
        return self.checklist[index] if index < len(self.checklist) else ChecklistAnswer("")

    def checked(self, index: int) -> ChecklistAnswer:
        return self.platform[index] if index < len(self.platform) else ChecklistAnswer("")

    def cell(self, index: int, part: str) -> str:
        """One checklist cell: the platform's statement (with its figures) first, then the
        employer's own words; blank when neither says anything (left for the employer)."""
        texts = [getattr(self.checked(index), part), getattr(self.answer(index), part)]
        return "\n".join(t for t in texts if t)
