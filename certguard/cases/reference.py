"""Reference data of the cases app: states, kinds, the legal bases a case cites, the criminal
markers (rules as data), the clocks of 行刑衔接 and the national and local listing conditions.

Figures marked ``confirmed=False`` are *unconfirmed* (DOMAIN.md): they are data with their
source, editable here or (listing conditions) in the database, never constants in code."""

from __future__ import annotations

from dataclasses import dataclass

CASE_STATUSES = {
    "open": "立案调查中",
    "decided": "已作出处理决定",
    "referred": "已移送司法机关",
    "closed": "已结案",
}

# Where a case comes from: a reference to the record, never a copy of it. "inspection" and
# "penalty" are the enforcement app's findings and penalty decisions, by their number, read
# through enforcement's selectors (the finding, its inspection record and photos are linked).
SOURCE_KINDS = {
    "clue": "确认的线索",
    "tip": "举报",
    "inspection": "执法检查发现",
    "penalty": "执法处罚决定",
    "split": "由卖证案件拆分",
}

PARTY_KINDS = {
    "enterprise": "用人单位",
    "worker": "从业人员",
    "seller": "售证者",
    "website_operator": "网站经营者",
    "institution": "培训机构",
    "exam_centre": "考试机构",
}
INDIVIDUAL_PARTIES = frozenset({"worker", "seller", "website_operator"})

EVIDENCE_KINDS = {
    "clue": "线索证据",
    "finding": "检查发现的问题",
    "inspection_record": "现场检查记录",
    "photo": "现场照片",
    "screening_run": "筛查批次",
    "page_capture": "网页取证",
    "tip": "举报材料",
    "penalty": "执法处罚决定",
    "document": "其他书证",
}
# Kinds of enforcement findings that are a worker's own conduct (Order No. 30 Art. 41): a case
# opened from one has the worker as its party, not the inspected unit.
WORKER_FINDINGS = frozenset({"fake_cert_worker", "lent_cert"})
# Evidence held by the enforcement app, checked and shown through its selectors.
ENFORCEMENT_EVIDENCE = frozenset({"finding", "inspection_record", "photo", "penalty"})

# "一类一通报" kinds (seed 002), and the quarterly bulletin.
BULLETIN_KINDS = {
    "unlicensed": "无证上岗",
    "fake_site_docs": "假冒政府网站和证件",
    "platform_ads": "平台虚假宣传",
    "training_sham": "培训“走形式”",
    "exam_fraud": "考试弄虚作假",
}
BULLETIN_TYPES = {**{k: f"一类一通报：{v}" for k, v in BULLETIN_KINDS.items()},
                  "quarterly": "一季度一通报"}
BULLETIN_STATUSES = {"draft": "草稿", "approved": "已审批", "published": "已发布"}

DECISION_KINDS = {
    "penalty": "行政处罚决定",
    "no_penalty": "不予行政处罚决定",
    "order": "责令限期改正",
}

CLOSURES = {
    "penalty": "作出行政处罚后结案",
    "referred": "移送司法机关后结案",
    "no_violation": "违法事实不成立",
    "split": "已拆分为子案件办理",
}


@dataclass(frozen=True)
class Offence:
    """A criminal offence a referral cites (not an administrative penalty: those come from the
    catalogue's penalty articles, ``catalog.PenaltyArticle``)."""

    conduct: str
    basis: str
    confirmed: bool = True
    source: str = "DOMAIN.md §3、§4.2"


# The offences of 应急厅〔2021〕53号 a referral to the police cites (DOMAIN.md §4.2).
CRIMINAL_OFFENCES: dict[str, Offence] = {
    "criminal_280": Offence("伪造、变造、买卖国家机关证件", "《刑法》第二百八十条"),
    "criminal_287_1": Offence("设立假冒证书查询网站",
                              "《刑法》第二百八十七条之一（非法利用信息网络罪）"),
    "criminal_287_2": Offence("为假冒网站提供接入、托管、存储等帮助",
                              "《刑法》第二百八十七条之二（帮助信息网络犯罪活动罪）"),
    "criminal_266": Offence("以“免考”“包过”出售证书骗取钱财", "《刑法》第二百六十六条（诈骗罪）"),
}

# The legal basis of a case and of its decisions is an article of the penalty catalogue
# (``catalog.PenaltyArticle``, loaded by catalog's migration 0003 and shared with
# enforcement), cited by its code; the version in force on the day is linked.
# Before that, cases cited keys of a list of their own; migration 0003 of this app maps them:
OLD_BASIS_KEYS = {"aqscf_97_7": "AQSCF-97-7", "order30_40": "L30-40",
                  "order30_41_forge": "L30-41-F", "order30_41_lend": "L30-41-L"}
# ("public_security_52" — 治安管理处罚法, the police's own penalty — and the criminal keys have
# no catalogue article: such rows are kept as "unmatched" for a person to fix.)

# --- criminal markers: rules as data (no 以罚代刑) ------------------------------------------
# Each rule: code, label and one test over the case file: a party of a kind, at least N split
# cases (buyers reached), evidence of a kind, or a catalogue article cited (by the case, its
# decisions, or the penalty decisions enforcement recorded for its parties).
CRIMINAL_MARKERS: list[dict] = [
    {"code": "seller", "label": "存在售证者", "party_kind": "seller",
     "source": "应急厅〔2021〕53号"},
    {"code": "many_buyers", "label": "涉及多名购证者（≥3个拆分案件）", "children_at_least": 3,
     "source": "应急厅〔2021〕53号；北京2023年案例"},
    {"code": "lookalike_site", "label": "涉及假冒证书查询网站", "party_kind": "website_operator",
     "evidence_kind": "page_capture", "source": "应急厅〔2021〕53号"},
    {"code": "forged_documents", "label": "伪造、买卖国家机关证件",
     "basis_in": ["L30-40", "L30-41-F"],
     "source": "《刑法》第二百八十条"},
]


@dataclass(frozen=True)
class ClockRule:
    label: str
    hours: int
    owner: str  # "agency" | "police" | "procuratorate"
    basis: str
    confirmed: bool = True


# The hops of 行刑衔接 (国务院令第310号, 应急〔2019〕54号), each a clock with its owner.
CLOCKS: dict[str, ClockRule] = {
    "head_decision": ClockRule("负责人审批是否移送", 72, "agency", "国务院令第310号第五条（3日）"),
    "transfer": ClockRule("向同级公安机关移送", 24, "agency", "国务院令第310号第五条（24小时）"),
    "police_receipt": ClockRule("公安机关接收并出具回执", 24, "police",
                                "国务院令第310号第八条（书面受理；时限为平台约定）",
                                confirmed=False),
    "police_decision": ClockRule("公安机关决定是否立案", 72, "police",
                                 "国务院令第310号第八条（3日）"),
    "reconsider_request": ClockRule("行政执法机关提请复议", 72, "agency",
                                    "国务院令第310号第九条（3日）"),
    "reconsider_answer": ClockRule("公安机关作出复议决定", 72, "police",
                                   "国务院令第310号第九条（3日）"),
    "supervision_request": ClockRule("建议检察机关立案监督", 72, "agency",
                                     "国务院令第310号第九条（3日）"),
}
CLOCK_LABELS = {k: v.label for k, v in CLOCKS.items()}
OWNER_LABELS = {"agency": "行政执法机关", "police": "公安机关", "procuratorate": "人民检察院"}

REFERRAL_STATUSES = {
    "proposed": "待负责人审批",
    "head_refused": "负责人决定不移送",
    "approved": "已批准，待移送",
    "transferred": "已移送，待公安机关接收",
    "received": "公安机关已接收，待决定是否立案",
    "police_accepted": "公安机关已立案",
    "police_refused": "公安机关不予立案",
    "reconsideration": "已提请复议",
    "reconsider_refused": "复议维持不予立案",
    "supervision": "已建议检察机关立案监督",
    "judged": "已判决",
    "closed": "移送程序终结",
}
REFERRAL_EVENTS = {
    "propose": "提请移送", "head_refer": "负责人批准移送", "head_refuse": "负责人决定不移送",
    "transfer": "移送公安机关", "receipt": "公安机关回执", "accept": "公安机关立案",
    "refuse": "公安机关不予立案", "reconsider": "提请复议", "reconsider_accept": "复议后立案",
    "reconsider_refuse": "复议维持不予立案", "supervise": "建议立案监督",
    "supervision_result": "立案监督结果", "early": "检察机关提前介入", "court": "法院判决",
    "close": "移送程序终结",
}
COURT_OUTCOMES = {"convicted": "有罪判决", "acquitted": "无罪判决", "not_prosecuted": "不起诉",
                  "withdrawn": "撤回起诉"}

# --- dishonesty listing (应急管理部令第11号; seeds 000/001) -------------------------------
LISTING_STATUSES = {
    "noticed": "已告知，待异议期满",
    "objected": "当事人已提出异议",
    "decided": "已决定列入",
    "published": "已公示",
    "repair_requested": "已申请信用修复",
    "removed": "已移出",
    "dropped": "决定不予列入",
}
LISTING_EVENTS = {
    "notice": "列入前告知", "objection": "当事人异议", "objection_result": "异议处理",
    "decide": "作出列入决定", "drop": "不予列入", "publish": "公示",
    "repair_request": "申请信用修复",
    "repair_grant": "准予信用修复，移出名单", "repair_refuse": "不予信用修复",
    "restore": "修复系以欺骗手段取得，恢复列入", "expire": "期满移出",
}

# The listing conditions themselves are versioned rows (migration 0002 loads the national
# ones of 应急管理部令第11号 and the seeds' local rule); an administrator adds new versions.
LISTING_SUBJECTS = {"organisation": "单位", "individual": "个人", "both": "单位或个人"}
