"""Labels and reference lists of enforcement (Chinese UI): task sources, modes and states,
the checklists (seed 002 附件3 for employers; seed 002 and DOMAIN.md §4.1 for training and
exam institutions), finding kinds and their penalty articles, document kinds, clocks."""

from __future__ import annotations

UNIT_KINDS = {"enterprise": "生产经营单位", "institution": "培训机构", "exam_centre": "考试机构"}
RISK_TIERS = {"A": "高风险", "B": "较高风险", "C": "一般风险", "D": "低风险"}
# Default draw proportions (%) per risk tier when a plan sets none (DOMAIN.md §4.1: e.g.
# 30 / 10 / 2 / 1 %; set locally).
DEFAULT_RATIOS = {"A": 30, "B": 10, "C": 2, "D": 1}
# Departments that are legal enforcement bodies (国办发〔2024〕54号: only they inspect).
ENFORCEMENT_DEPARTMENTS = frozenset({"yj", "zj", "scjg", "ksjc"})

SOURCES = {"draw": "双随机抽取", "clue": "线索核查", "tip": "举报核查", "reinspection": "整改复查",
           "plan": "年度计划"}
MODES = {"normal": "常规检查", "secret": "四不两直", "cross": "异地交叉检查"}
STATUSES = {"draft": "待报批", "pending": "待审批", "approved": "已批准", "in_progress": "检查中",
            "completed": "已完成", "cancelled": "已取消", "rejected": "未批准"}
OPEN_STATUSES = ("draft", "pending", "approved", "in_progress")
DRAW_STATUSES = {"committed": "已承诺种子（待揭示）", "published": "已公布"}

CHECKLIST_EMPLOYER: list[tuple[str, str]] = [
    ("E1", "生产经营单位主要负责人、安全生产管理人员是否按照规定经主管部门对其安全生产知识和管理"
           "能力考核合格。"),
    ("E2", "特种作业人员是否经过专门的安全技术培训并考核合格，是否按规定持证上岗作业，是否存在"
           "伪造、涂改、转借、转让、冒用特种作业操作证等情况。"),
    ("E3", "是否建立“三项岗位人员”持证台账，并抽查台账证件。"),
    ("E4", "是否能通过应急管理部官网上全国统一的“特种作业操作证及安全生产知识和管理能力考核合格"
           "信息查询平台”（https://cx.mem.gov.cn）或微信公众号“国家安全生产考试”查询到“三项岗位"
           "人员”安全生产证书信息。"),
    ("E5", "“三项岗位人员”专业、学历及从业经历是否符合相关规定，学历及从业经历是否存在造假情况。"),
    ("E6", "是否建立健全从业人员安全培训档案，并详细、准确记录培训考核情况；是否按规定学时进行"
           "年度培训、复训等。"),
    ("E7", "是否按要求完成自查自纠，并完成自查自纠发现问题的整改工作。"),
]
CHECKLIST_INSTITUTION: list[tuple[str, str]] = [
    ("I1", "调看监控视频：培训、考试过程是否与记录一致，有无代考、替考、集中作弊。"),
    ("I2", "学员电话回访：学员是否实际参加培训，学时是否与记录一致。"),
    ("I3", "核对培训考试档案：档案是否齐全，签到、课时、成绩记录是否真实。"),
    ("I4", "培训学时是否满足大纲要求（学时不足）。"),
    ("I5", "是否按大纲施教（不按大纲施教）。"),
    ("I6", "考试机构是否纵容、参与考生作弊。"),
    ("I7", "是否存在勾结倒卖安全生产资格证书的行为。"),
]
CHECK_RESULTS = {"": "未检查", "ok": "符合", "problem": "存在问题", "na": "不适用"}

FINDING_KINDS = {
    "uncertified": "特种作业人员无证上岗",
    "fake_cert_employer": "单位使用伪造的证书",
    "fake_cert_worker": "个人伪造、涂改或使用伪造的证书",
    "lent_cert": "转借、转让、冒用证书",
    "training_short": "培训学时不足、不按大纲施教",
    "exam_cheating": "考试作弊、倒卖证书",
    "ledger": "持证台账不健全",
    "other": "其他问题",
}
# Finding kind → the penalty article code it is suggested under (catalog data).
FINDING_ARTICLES = {"uncertified": "AQSCF-97-7", "fake_cert_employer": "L30-40",
                    "fake_cert_worker": "L30-41-F", "lent_cert": "L30-41-L"}
# Kinds counted as "people without a certificate" / "with a fake" in the figures.
UNCERTIFIED_KINDS = ("uncertified",)
FAKE_KINDS = ("fake_cert_employer", "fake_cert_worker", "lent_cert")

CERT_RESULTS = {"": "未核验", "valid": "证书有效", "not_found": "证书库中查无此证",
                "name_mismatch": "姓名与证书库不一致", "invalid": "证书已失效",
                "ecert_valid": "电子证书验签通过", "ecert_invalid": "电子证书验签失败",
                "absent": "未到场"}

DOC_KINDS = {"record": "现场检查记录", "order": "责令限期整改指令书", "review": "整改复查意见书",
             "notice": "行政处罚告知书", "decision": "行政处罚决定书"}
# The short word of each kind in a document number (e.g. 应急责改).
DOC_WORDS = {"record": "检记", "order": "责改", "review": "复查", "notice": "罚告",
             "decision": "罚决"}
DEFAULT_NUMBER_FORMAT = "（{short}）应急{word}〔{year}〕{n}号"

PENALTY_STATUSES = {"draft": "拟处罚", "review": "法制审核中", "notified": "已告知",
                    "decided": "已决定", "delivered": "已送达", "paid": "已缴纳",
                    "closed": "已结案"}
REVIEW_STATUSES = {"": "无需审核", "pending": "待审核", "approved": "审核通过",
                   "rejected": "审核不通过"}
CLOCK_KINDS = {"decision": "作出处罚决定（立案后90日）", "delivery": "送达决定书（7日）",
               "hearing": "当事人申请听证（告知后5日）", "payment": "缴纳罚款（送达后15日）",
               "publication": "公开处罚决定（7个工作日）", "rectification": "限期整改"}
CLOCK_DAYS = {"decision": 90, "delivery": 7, "hearing": 5, "payment": 15}
PUBLICATION_WORKING_DAYS = 7
SURCHARGE_RATE_PER_DAY = 3  # % of the fine per day late (行政处罚法 Art. 72), capped at the fine

PHOTO_MAX_BYTES = 20 * 1024 * 1024
PHOTO_KINDS = {b"\xff\xd8\xff": "jpeg", b"\x89PNG\r\n\x1a\n": "png", b"GIF87a": "gif",
               b"GIF89a": "gif"}
