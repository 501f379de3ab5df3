"""Labels and the self-inspection checklists of the three kinds (seeds 002 and 004).

The checklist items are editable data: a province that words its 基本条件 differently changes
them here, in one place. ``figure`` names the platform's own figure shown beside an item's
answer (see ``checklists.platform_figures``); an item without one is the filer's word alone.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = {"training": "安全培训机构", "exam": "考试机构（考点）", "authority": "考核发证机关"}
# The organisation kind (orgs.reference.ORG_KINDS) each filer kind belongs to.
ORG_KIND_OF = {"training": "institution", "exam": "exam_centre", "authority": "department"}
UPLOAD_KINDS = {"training": "培训班与学时记录", "exams": "考试记录"}

# Screening rules that concern institutions (spec: R11–R16), plus the platform's own check of
# review and renewal classes (RV: the certificate presented does not exist in the registry).
RULES_FOR = {"training": ("R11", "R12", "R13", "R14", "RV"),
             "exams": ("R11", "R13", "R15", "R16")}
RULE_LABELS = {
    "R11": "持证人年龄不符合要求",
    "R12": "培训学时不足",
    "R13": "发证早于培训结束或缺少考试合格记录",
    "R14": "同一学员在不同机构的培训时间重叠",
    "R15": "考试用时过短即合格",
    "R16": "考点通过率异常偏高",
    "RV": "复审或换证学员所持证书在证书库中查不到",
}
SEVERITIES = {"high": "高", "medium": "中", "low": "低"}
CLASS_KINDS = {"initial": "初训", "review": "复审", "renewal": "换证"}
CLASS_KIND_WORDS = {"初训": "initial", "复审": "review", "换证": "renewal", "复审换证": "review"}

FINDING_STATUSES = {"open": "待答复", "answered": "已答复", "planned": "整改中",
                    "resolved": "已整改", "gone": "复查已不再出现"}
ANSWER_KINDS = {"explanation": "情况说明", "correction": "更正记录", "plan": "整改计划"}
PLAN_STATUSES = {"in_progress": "整改中", "done": "已完成"}
FILING_STATUSES = {"filed": "已报送", "returned": "已退回"}


@dataclass(frozen=True)
class Item:
    key: str
    text: str
    figure: str = ""  # a platform figure shown beside the answer


CHECKLISTS: dict[str, tuple[Item, ...]] = {
    "training": (
        Item("conditions", "对照《安全生产培训机构基本条件》，场所、设施设备、师资、管理制度等"
                           "条件是否完善并保持"),
        Item("syllabus", "是否按大纲施教，培训内容与课程设置是否符合大纲要求", "classes"),
        Item("hours", "培训学时是否达到大纲规定的最低学时", "short_hours"),
        Item("attendance", "学员考勤记录是否真实完整（签到、影像资料）", "trainees"),
        Item("teachers", "授课教师是否具备相应资格，专兼职教师比例是否符合要求"),
        Item("archives", "培训档案（一期一档、一人一档）是否齐全并按期保存"),
        Item("review", "复审、换证培训是否核验学员所持证书真伪，有无默许或协助持假证参加"
                       "复审换证", "review_fakes"),
    ),
    "exam": (
        Item("identity", "考前是否逐一核验考生身份（人证比对），有无替考", "candidates"),
        Item("invigilation", "监考人员配备与监考是否规范，有无纵容、参与考生作弊", "too_fast"),
        Item("video", "考试全过程视频记录是否完整并按期保存"),
        Item("scoring", "阅卷评分是否规范，成绩录入与考试记录是否一致", "pass_rate"),
        Item("selling", "有无勾结倒卖安全生产资格证书等违法违规行为", "outliers"),
    ),
    "authority": (
        Item("process", "考核发证工作流程是否规范（受理、审核、考核、发证各环节）", "issued"),
        Item("problems", "自查发现的问题及整改情况（条数另填）"),
        Item("streamlined", "完善和优化办事程序、创新管理模式的情况（条数另填）"),
    ),
}
