"""Labels and defaults of tip-offs (DOMAIN.md §4.4)."""

from __future__ import annotations

from decimal import Decimal

SUBJECT_KINDS = {"fake_certificate": "假证书", "fake_site": "假冒查询网站",
                 "seller": "售卖假证的人或广告", "employer": "使用假证或无证上岗的用人单位",
                 "institution": "培训考试机构弄虚作假"}
FAMILIES = {"special_ops": "特种作业操作证", "safety_manager": "安全生产知识和管理能力考核合格证",
            "construction": "建筑施工特种作业操作资格证书",
            "special_equipment": "特种设备安全管理和作业人员证", "": "不清楚"}
STATUSES = {"received": "已收到", "accepted": "已受理", "refused": "不予受理",
            "handled": "已办结"}
REFUSALS = {"duplicate": "重复举报（已并入首次举报）", "unclear": "没有明确的被举报对象或事实",
            "other_procedure": "应通过其他法定途径解决（如诉讼、仲裁、信访、行政复议）"}
MESSAGE_KINDS = {"question": "办理人提问", "answer": "举报人答复", "feedback": "办理结果反馈",
                 "notice": "告知"}
CLOCK_KINDS = {"handle": "办理期限", "feedback": "反馈期限"}
REWARD_STATUSES = {"claimed": "已申领", "approved": "已批准", "paid": "已发放",
                   "refused": "不予奖励"}
ACCIDENT_GRADES = {"general": "一般事故", "larger": "较大事故", "major": "重大事故",
                   "extraordinary": "特别重大事故"}

# 安监总财〔2018〕19号 (defaults; each jurisdiction may set its own in TipSettings).
DEFAULTS = {
    "handling_days": 60, "extension_days": 30, "feedback_days": 10,
    "reward_rate": Decimal("0.15"), "reward_min": Decimal("3000"),
    "reward_max": Decimal("300000"),
    "concealed_per_death": {"general": 30000, "larger": 40000, "major": 50000,
                            "extraordinary": 60000},
    "concealed_max": Decimal("300000"),
    "source": "安监总财〔2018〕19号；期限参照安监总财〔2012〕63号（待核实）",
}

# Who answers for what: the department type by subject and certificate family or sector.
FAMILY_DEPARTMENT = {"special_ops": "yj", "safety_manager": "yj", "construction": "zj",
                     "special_equipment": "scjg"}
SECTOR_DEPARTMENT = {"construction": "zj"}
RULE_TIP = "TIP"
