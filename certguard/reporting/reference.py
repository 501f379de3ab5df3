"""Reference data of the statistical tables: period types, levels, statuses, and the seeds'
five tables as versioned layouts (DOMAIN.md §7, §7.1). The layouts are data: the demo and
``forms_install`` load them into the database, and an administrator adds new forms or
versions the same way (page, API), without code.

A layout is ``{"orientation", "measures", "dimension", "cumulative"}``:

- ``measures``: ``[{"code", "group", "label", "formula" | "manual": true}]`` — a formula is an
  arithmetic expression over indicators named ``<app>.<figure>`` (``+ - * /``, numbers,
  brackets), each resolved through ``certguard/<app>/figures.py``; a manual measure is typed
  by hand (宣传报道) and marked as such;
- ``dimension``: ``{"kind": "department", "items": [codes]}`` or null (one value per measure);
- ``orientation``: ``measure_rows`` (one row per measure, the period's column and, when
  ``cumulative``, the 累计 column) or ``dimension_rows`` (one row per department, one column
  per measure — 晋城's 附表);
- ``cumulative``: the 累计数据 column, derived as the running total since the campaign start
  (the sum of this and the earlier periods of the same series), never typed.
"""

from __future__ import annotations

PERIOD_TYPES = {"monthly": "月报", "bimonthly": "双月报", "once": "一次性"}
LEVELS = {"county": "县级", "city": "市级", "province": "省级"}
UPPER = {"county": "city", "city": "province"}
STATUSES = {"draft": "未报送", "submitted": "已报送待审核", "returned": "已退回",
            "approved": "已审核（锁定）"}
SOURCES = {"computed": "由业务记录计算", "manual": "手工填报", "missing": "暂无数据源",
           "aggregated": "下级汇总"}
MISSING_TEXT = "暂无数据源"
EVENT_KINDS = {"compute": "计算", "recompute": "重新计算", "enter": "手工填报", "submit": "报送",
               "return": "退回", "approve": "审核通过", "unlock": "解锁单个数值",
               "relock": "更正后重新锁定", "remind": "催报"}

# The departments of 晋城's 附表 (DOMAIN.md §7.1), in its order.
JINCHENG_DEPARTMENTS = ["yj", "wx", "ga", "zj", "scjg", "fy", "jcy", "ksjc"]


def _m(code: str, group: str, label: str, formula: str = "", *, manual: bool = False) -> dict:
    row: dict = {"code": code, "group": group, "label": label}
    if manual:
        row["manual"] = True
    else:
        row["formula"] = formula
    return row


GUANGDONG = {
    "orientation": "measure_rows", "cumulative": True, "dimension": None,
    "measures": [
        _m("sc_employers", "自查自纠情况/用人单位", "用人单位（家）", "selfcheck.filed"),
        _m("sc_fake", "自查自纠情况/用人单位", "发现假冒证件（人）", "selfcheck.found"),
        _m("sc_reported", "自查自纠情况/用人单位", "上报处理（人）", "selfcheck.found"),
        _m("inst_count", "自查自纠情况/安全培训机构", "安全培训机构（家）",
           "institutions.filed"),
        _m("inst_fake", "自查自纠情况/安全培训机构", "默许或协助复审或换发假冒证件（人）",
           "institutions.fake_passed_people"),
        _m("inst_reported", "自查自纠情况/安全培训机构", "上报处理（人）",
           "institutions.findings_referred"),
        _m("issuer_problems", "自查自纠情况/考核发证机构", "发现问题（条）",
           "institutions.authority_problems"),
        _m("issuer_streamlined", "自查自纠情况/考核发证机构", "优化办事程序（条）",
           "institutions.procedures_streamlined"),
        _m("en_fake", "执法情况/用人单位", "发现假冒证件（人）", "enforcement.fake_cert_people"),
        _m("en_orders", "执法情况/用人单位", "责令整改（家）", "enforcement.orders"),
        _m("en_suspensions", "执法情况/用人单位", "停产整顿（家）", "enforcement.suspensions"),
        _m("en_fines", "执法情况/用人单位", "行政罚款（元）", "enforcement.fines"),
        _m("en_police", "执法情况/用人单位", "移送公安（人）", "cases.referred"),
        _m("ei_fake", "执法情况/安全培训机构", "发现假冒证件（人）", "institutions.findings"),
        _m("ei_orders", "执法情况/安全培训机构", "责令整改（家）", manual=True),
        _m("ei_suspensions", "执法情况/安全培训机构", "停产整顿（家）", manual=True),
        _m("ei_fines", "执法情况/安全培训机构", "行政罚款（元）", manual=True),
        _m("ei_police", "执法情况/安全培训机构", "移送公安（人）",
           "institutions.findings_referred"),
        _m("web_found", "执法情况/假冒网站", "发现假冒网站（家）", "netwatch.sites_found"),
        _m("web_blocked", "执法情况/假冒网站", "封堵网站（家）", "netwatch.sites_blocked"),
        _m("agent_cases", "执法情况/违法中介", "查处违法中介（家）", manual=True),
        _m("agent_orders", "执法情况/违法中介", "责令整改（家）", manual=True),
        _m("agent_fines", "执法情况/违法中介", "行政罚款（元）", manual=True),
        _m("agent_police", "执法情况/违法中介", "移送公安（人）", manual=True),
    ],
}

JINCHENG = {
    "orientation": "dimension_rows", "cumulative": False,
    "dimension": {"kind": "department", "items": JINCHENG_DEPARTMENTS},
    "measures": [
        _m("units_inspected", "对企业执法检查情况", "开展执法检查的企业数量（家）",
           "enforcement.units_inspected"),
        _m("people", "对企业执法检查情况", "查出无证、假证人员数量（人）",
           "enforcement.uncertified_people + enforcement.fake_cert_people"),
        _m("problems", "对企业执法检查情况", "查出企业问题总数（项）", "enforcement.problems"),
        _m("orders", "对企业执法检查情况", "限期整改的企业数量（家）", "enforcement.orders"),
        _m("suspensions", "对企业执法检查情况", "停产整顿的企业数量（家）",
           "enforcement.suspensions"),
        _m("fines", "对企业执法检查情况", "罚款金额（万元）", "enforcement.fines / 10000"),
        _m("ads_cleaned", "网络空间治理情况", "清理涉安全生产资格证书违法违规信息量（项）",
           "netwatch.ads_cleaned"),
        _m("net_handovers", "网络空间治理情况", "涉嫌犯罪的线索移交数量（项）",
           "netwatch.handovers"),
        _m("referred", "立案查处情况", "涉嫌犯罪的线索移交公安数量（项）", "cases.referred"),
        _m("police_cases", "立案查处情况", "公安机关查处的假证案件数量（件）",
           "cases.police_accepted"),
        _m("prosecutor", "立案查处情况", "检察机关提前介入假证案件数量（件）",
           "cases.prosecutor_involved"),
        _m("publicity", "宣传报道情况", "宣传报道（篇）", manual=True),
    ],
}

QINSHUI = {
    "orientation": "measure_rows", "cumulative": False, "dimension": None,
    "measures": [
        _m("inspections", "检查情况", "检查生产经营单位（家次）", "enforcement.inspections"),
        _m("units", "检查情况", "检查生产经营单位（家）", "enforcement.units_inspected"),
        _m("uncertified", "检查事项2：持证上岗", "无证上岗人员（人）",
           "enforcement.uncertified_people"),
        _m("fake", "检查事项2：持证上岗", "伪造、涂改、冒用证件人员（人）",
           "enforcement.fake_cert_people"),
        _m("problems", "检查事项1—7", "发现问题（项）", "enforcement.problems"),
        _m("orders", "整改意见", "责令限期整改（家）", "enforcement.orders"),
        _m("suspensions", "整改意见", "停产整顿（家）", "enforcement.suspensions"),
        _m("fines", "整改意见", "罚款金额（元）", "enforcement.fines"),
        _m("selfcheck", "检查事项7：自查自纠", "完成自查自纠的单位（家）", "selfcheck.filed"),
    ],
}

GUIYANG = {
    "orientation": "measure_rows", "cumulative": True, "dimension": None,
    "measures": [
        _m("projects", "执法检查", "检查在建项目（个）", "enforcement.units_inspected"),
        _m("inspections", "执法检查", "检查次数（次）", "enforcement.inspections"),
        _m("selfcheck", "企业自查", "报送自查登记表的施工企业（家）", "selfcheck.filed"),
        _m("checked", "企业自查", "核验特种作业人员（人）", "selfcheck.checked"),
        _m("uncertified", "查处情况", "无证上岗人员（人）", "enforcement.uncertified_people"),
        _m("fake", "查处情况", "持假证人员（人）", "enforcement.fake_cert_people"),
        _m("orders", "查处情况", "责令整改（家）", "enforcement.orders"),
        _m("suspensions", "查处情况", "停工整改（家）", "enforcement.suspensions"),
        _m("fines", "查处情况", "罚款金额（元）", "enforcement.fines"),
        _m("referred", "查处情况", "移送公安（人）", "cases.referred"),
        _m("listed", "查处情况", "列入失信名单（家）", "cases.listed"),
    ],
}

SHENZHEN = {
    "orientation": "measure_rows", "cumulative": False, "dimension": None,
    "measures": [
        _m("employers", "企业自查", "辖区生产经营单位（家）", "selfcheck.employers"),
        _m("filed", "企业自查", "完成自查（家）", "selfcheck.filed"),
        _m("checked", "企业自查", "特种作业人员（人）", "selfcheck.checked"),
        _m("valid", "企业自查", "持有效证件（人）", "selfcheck.valid"),
        _m("inspections", "核查抽查", "核查抽查企业（家次）", "enforcement.inspections"),
        _m("uncertified", "核查抽查", "发现无证上岗（人）", "enforcement.uncertified_people"),
        _m("fake", "核查抽查", "发现持假证（人）", "enforcement.fake_cert_people"),
        _m("fines", "查处情况", "罚款金额（元）", "enforcement.fines"),
        _m("referred", "查处情况", "移送公安（人）", "cases.referred"),
        _m("publicity", "宣传培训", "开展宣传活动（场次）", manual=True),
    ],
}

# code → (name, source document, period type, level that fills it, due rule, layout)
SEED_FORMS: dict[str, dict] = {
    "gd-2018": {"name": "广东省打击假冒特种作业操作证专项治理情况统计表",
                "source": "广东省安委会办公室 2018年7月10日印发（附件）", "period_type": "monthly",
                "fill_level": "city", "due": {"day": 25}, "layout": GUANGDONG},
    "jc-2024": {"name": "2024年工作情况统计表（附表）",
                "source": "晋市应急教发〔2024〕174号 附表", "period_type": "bimonthly",
                "fill_level": "county", "due": {"day": 25}, "layout": JINCHENG},
    "qs-2024": {"name": "安全生产资格证书涉假专项治理检查表（汇总）",
                "source": "沁应急发〔2024〕68号 附件3", "period_type": "monthly",
                "fill_level": "county", "due": {"day": 20}, "layout": QINSHUI},
    "gy-2018": {"name": "执法部门检查情况统计表", "source": "贵阳市住建局 2018 附件2",
                "period_type": "monthly", "fill_level": "county", "due": {"day": 25},
                "layout": GUIYANG},
    "sz-2020": {"name": "深圳市特种作业操作证专项治理行动工作情况统计表",
                "source": "深圳市应急管理局 2020 附件4", "period_type": "once",
                "fill_level": "county", "due": {"dates": {"2020-10": "2020-11-18"}},
                "layout": SHENZHEN},
}
