"""Reference data of campaigns: supervision steps and their clocks (DOMAIN.md §4.5: local
rules, so data, not law), and the seeds' campaigns (晋城 2024, seed 002; 广东 2018, seed 004
with the national 2018 phases of seed 000)."""

from __future__ import annotations

from datetime import date

STAGES = {"remind": "提醒", "warn": "警示", "interview": "约谈", "listing": "挂牌督办",
          "bulletin": "通报"}
STAGE_ORDER = list(STAGES)
SUPERVISION_STATUSES = {"open": "办理中", "escalated": "已升级", "closed": "已办结"}
DOC_KINDS = {"notice": "通知", "minutes": "约谈纪要", "rectification": "整改报告",
             "listing_notice": "挂牌督办通知", "publication": "公开", "extension": "延期申请",
             "closing": "销号", "bulletin": "通报"}
# Working days each step gives (local rules: editable here, one place).
CLOCKS = {"remind": 5, "warn": 10, "interview_report": 5, "listing_publish": 5}
# The campaign office coordinates and supervises departments; it never inspects enterprises
# (国办发〔2024〕54号).
NOT_ENTERPRISES = ("专项行动办公室只督办政府部门，不督办、不检查企业"
                   "（国办发〔2024〕54号：议事协调机构不对企业开展检查）")

TARGET_MEASURES = {
    "selfcheck_rate": "企业自查率", "certified_rate": "特种作业人员持证率",
    "on_time_rate": "报表按时报送率", "inspections": "执法检查（次）", "cases": "立案（件）",
}
TWO_HUNDRED = [
    {"code": "selfcheck_rate", "label": "企业自查率达到100%", "threshold": 1.0},
    {"code": "certified_rate", "label": "特种作业人员持证率达到100%", "threshold": 1.0},
    {"code": "on_time_rate", "label": "统计表按时报送", "threshold": 1.0},
]

_ALL = ["yj", "wx", "ga", "zj", "scjg", "fy", "jcy", "ksjc"]

JINCHENG_2024 = {
    "name": "安全生产资格证书涉假专项治理", "doc_no": "晋市应急教发〔2024〕174号",
    "issuer": "晋城市应急管理局、市委网信办、市公安局、市住房和城乡建设局、市市场监督管理局、"
              "国家矿山安全监察局山西局执法九处、市中级人民法院、市人民检察院",
    "region": "140500", "start": date(2024, 8, 14), "end": date(2024, 12, 31),
    "final_due": date(2025, 1, 10),
    "goal": "全链条查处打击安全生产资格证书制假、售假、买假、用假、虚假营销等违法犯罪行为，"
            "坚决杜绝无证、假证上岗。",
    "targets": TWO_HUNDRED,
    "phases": [
        ("动员部署", date(2024, 8, 14), date(2024, 8, 31), "印发方案，成立工作专班"),
        ("自查自纠", date(2024, 8, 14), date(2024, 9, 15),
         "组织用工企业、培训考试机构自查自改；9月15日前报送企业自查表"),
        ("执法检查", date(2024, 9, 16), date(2024, 11, 30),
         "逢查必检证书，联合执法、异地交叉检查；每月20日前报送检查表"),
        ("专项督查", date(2024, 12, 1), date(2024, 12, 20), "对进展缓慢的部门督办"),
        ("总结提高", date(2024, 12, 21), date(2025, 1, 10), "2025年1月10日前报送工作总结"),
    ],
    "responsibilities": [
        ("组织用工企业自查自改",
         "督促企业排查持证情况并核验证书真伪，假证线索报告行业监管部门",
         ["yj", "zj", "scjg"], ["selfcheck.filed", "selfcheck.found"]),
        ("组织培训考试机构自查自改",
         "培训机构排查学时不足、不按大纲施教；考试机构排查作弊、倒卖证书",
         ["yj", "zj", "scjg"], ["institutions.filed", "institutions.findings"]),
        ("严格监管和执法处罚", "逢查必检证书，大数据比对筛查，依法处罚用工企业，涉嫌犯罪移送公安",
         ["yj", "zj", "scjg", "ksjc"], ["enforcement.inspections", "enforcement.fines"]),
        ("加强网络空间治理", "清理涉证违法违规信息，网络交易与广告监测，线索移交公安",
         ["wx", "ga", "scjg"], ["netwatch.ads_cleaned", "netwatch.handovers"]),
        ("严格立案查处", "公安打击制售假证和假冒网站；检察提前介入；法院依法审判",
         ["ga", "jcy", "fy"], ["cases.police_accepted", "cases.prosecutor_involved",
                               "cases.judged"]),
        ("强化典型案例曝光", "一类一通报、一季度一通报", _ALL, []),
        ("畅通投诉举报途径", "开辟举报窗口和12350热线，开展宣传", _ALL, ["tips.received"]),
    ],
    "forms": [("jc-2024", date(2024, 7, 1), date(2024, 11, 1)),
              ("qs-2024", date(2024, 8, 1), date(2024, 12, 1))],
}

GUANGDONG_2018 = {
    "name": "打击假冒特种作业操作证专项治理行动", "doc_no": "粤安办〔2018〕（附件统计表）",
    "issuer": "广东省安全生产委员会办公室", "region": "440000",
    "start": date(2018, 7, 10), "end": date(2018, 12, 31), "final_due": date(2018, 12, 25),
    "goal": "用人单位特种作业人员依法持证率达到100%。",
    "targets": TWO_HUNDRED[:2],
    "phases": [
        ("动员部署", date(2018, 8, 1), date(2018, 8, 31), "动员部署，广泛宣传"),
        ("自查自纠", date(2018, 8, 1), date(2018, 8, 25), "生产经营单位全面检查持证情况"),
        ("执法检查", date(2018, 8, 25), date(2018, 10, 31), "专项执法检查，联合执法"),
        ("专项督查", date(2018, 11, 1), date(2018, 11, 30), "督查进展，警示、约谈、通报"),
        ("总结提高", date(2018, 12, 1), date(2018, 12, 31), "12月25日前报送工作总结"),
    ],
    "responsibilities": [
        ("用人单位自查自纠", "全面检查特种作业人员持证情况", ["yj"], ["selfcheck.filed"]),
        ("执法检查", "持证上岗执法检查", ["yj"], ["enforcement.inspections"]),
        ("假冒网站封堵", "发现、封堵或关闭假冒网站", ["wx", "ga"], ["netwatch.sites_blocked"]),
        ("打击制假售假犯罪", "移送公安、依法打击", ["ga"], ["cases.referred"]),
    ],
    "forms": [("gd-2018", date(2018, 8, 1), date(2018, 12, 1))],
}

SEED_CAMPAIGNS = {"jc-2024": JINCHENG_2024, "gd-2018": GUANGDONG_2018}
