"""What the tables are filled from: the employer, its workers' check results, the answers to
the seven checklist items, and the totals derived from them."""

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
VALID_RESULT = "有效"
NOT_FOUND_RESULT = "证书不存在（疑似假证）"
NO_CERT_RESULT = "无证上岗"


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
    name: str
    id_no_masked: str
    post: str
    item: str
    cert_no: str
    issuer: str
    valid_until: date | None
    result: str  # the plain Chinese result of the batch verification
    found_in_registry: bool
    rectification: str = ""  # what was done: 调岗、辞退、重新培训取证、复审、线索上报
    rectified_on: date | None = None
    sex: str = ""


@dataclass(frozen=True)
class ChecklistAnswer:
    situation: str  # 自查情况
    problems: str = ""  # 存在问题
    measures: str = ""  # 整改措施及完成时限


@dataclass
class SelfCheckData:
    employer: Employer
    period: str  # e.g. "2024年9月"
    filled_on: date
    workers: list[WorkerLine] = field(default_factory=list)
    checklist: list[ChecklistAnswer] = field(default_factory=list)
    principals_total: int = 0  # 主要负责人
    principals_certified: int = 0
    managers_total: int = 0  # 安全生产管理人员
    managers_certified: int = 0

    @property
    def workers_total(self) -> int:
        return len(self.workers)

    @property
    def certified(self) -> int:
        return sum(1 for w in self.workers if w.result == VALID_RESULT)

    @property
    def not_found(self) -> int:
        return sum(1 for w in self.workers if not w.found_in_registry and w.cert_no)

    @property
    def uncertified(self) -> int:
        return sum(1 for w in self.workers if not w.cert_no or w.result == NO_CERT_RESULT)

    @property
    def problems(self) -> int:
        return sum(1 for w in self.workers if w.result != VALID_RESULT)

    @property
    def rectified(self) -> int:
        return sum(1 for w in self.workers if w.result != VALID_RESULT and w.rectified_on)

    @property
    def certified_rate(self) -> str:
        return f"{self.certified / self.workers_total:.1%}" if self.workers_total else "—"

    def answer(self, index: int) -> ChecklistAnswer:
        return self.checklist[index] if index < len(self.checklist) else ChecklistAnswer("")
