"""The penalty articles and discretion tiers of DOMAIN.md §3, as loaded into the catalogue.

Every row names its source; what DOMAIN.md marks *unconfirmed* (all discretion tiers, the
article numbering of 应急管理部令第18号) is loaded with ``unconfirmed=True`` and stays editable
in the admin. Amounts in yuan."""

from __future__ import annotations

DOMAIN = "DOMAIN.md §3"
B90 = "应急〔2024〕90号 应急管理行政处罚裁量权基准 第26项（档次未核实）"

# code, conduct, basis, penalty, party, min, max, suspension, escalation, source, unconfirmed
ARTICLES: list[tuple] = [
    ("AQSCF-97-7", "未经培训取得证书的特种作业人员上岗作业（用人单位）",
     "《安全生产法》（2021）第三十条、第九十七条第七项",
     "责令限期改正，处十万元以下的罚款；逾期未改正的，责令停产停业整顿，并处十万元以上二十万元"
     "以下的罚款，对其直接负责的主管人员和其他直接责任人员处二万元以上五万元以下的罚款",
     "organisation", 0, 100000, False, "AQSCF-97-7-U", DOMAIN, False),
    ("AQSCF-97-7-U", "特种作业人员无证上岗，逾期未改正（用人单位）",
     "《安全生产法》（2021）第九十七条第七项",
     "责令停产停业整顿，并处十万元以上二十万元以下的罚款",
     "organisation", 100000, 200000, True, "", DOMAIN, False),
    ("AQSCF-97-7-P", "特种作业人员无证上岗，逾期未改正（直接负责的主管人员和其他直接责任人员）",
     "《安全生产法》（2021）第九十七条第七项", "处二万元以上五万元以下的罚款",
     "person", 20000, 50000, False, "", DOMAIN, False),
    ("L30-40", "生产经营单位伪造、变造、买卖、使用伪造的特种作业操作证",
     "《特种作业人员安全技术培训考核管理规定》（原安监总局令第30号）第四十条",
     "给予警告，并处一万元以上三万元以下的罚款", "organisation", 10000, 30000, False, "",
     DOMAIN, False),
    ("L30-41-F", "特种作业人员伪造、涂改特种作业操作证或者使用伪造的特种作业操作证",
     "《特种作业人员安全技术培训考核管理规定》（原安监总局令第30号）第四十一条",
     "给予警告，并处一千元以上五千元以下的罚款", "person", 1000, 5000, False, "", DOMAIN,
     False),
    ("L30-41-L", "特种作业人员转借、转让、冒用特种作业操作证",
     "《特种作业人员安全技术培训考核管理规定》（原安监总局令第30号）第四十一条",
     "给予警告，并处二千元以上一万元以下的罚款", "person", 2000, 10000, False, "", DOMAIN,
     False),
]

# article code, tier code, label, condition, min people, max people, uncorrected, min, max,
# suspension, source
TIERS: list[tuple] = [
    ("AQSCF-97-7", "A", "一档（1人）", "无证上岗作业人员1人", 1, 1, False, 0, 30000, False, B90),
    ("AQSCF-97-7", "B", "二档（2至3人）", "无证上岗作业人员2至3人", 2, 3, False, 30000, 60000,
     False, B90),
    ("AQSCF-97-7", "C", "三档（4人以上）", "无证上岗作业人员4人以上", 4, None, False, 60000,
     100000, False, B90),
    ("AQSCF-97-7-U", "A", "逾期未改正一档", "逾期未改正，无证上岗1人", 1, 1, True, 100000,
     130000, True, B90),
    ("AQSCF-97-7-U", "B", "逾期未改正二档", "逾期未改正，无证上岗2人以上", 2, None, True,
     130000, 200000, True, B90),
    ("AQSCF-97-7-P", "A", "一般", "直接负责的主管人员和其他直接责任人员", 0, None, True, 20000,
     50000, False, B90),
    ("L30-40", "A", "一般", "使用伪造证书1至2人", 1, 2, False, 10000, 20000, False, B90),
    ("L30-40", "B", "较重", "使用伪造证书3人以上，或伪造、买卖证书", 3, None, False, 20000,
     30000, False, B90),
    ("L30-41-F", "A", "一般", "使用伪造证书", 0, None, False, 1000, 5000, False, B90),
    ("L30-41-L", "A", "一般", "转借、转让、冒用证书", 0, None, False, 2000, 10000, False, B90),
]


def load(article_model, tier_model) -> int:
    """Load the rows that are missing (models passed in, so a migration can call it)."""
    added = 0
    for (code, conduct, basis, penalty, party, low, high, suspension, escalation, source,
         unconfirmed) in ARTICLES:
        _, created = article_model.objects.get_or_create(
            code=code, version=1, defaults=dict(
                conduct=conduct, basis=basis, penalty=penalty, party=party, min_amount=low,
                max_amount=high, suspension=suspension, escalation_code=escalation,
                source=source, unconfirmed=unconfirmed))
        added += created
    for (code, tier, label, condition, lo_people, hi_people, uncorrected, low, high,
         suspension, source) in TIERS:
        article = article_model.objects.get(code=code, version=1)
        _, created = tier_model.objects.get_or_create(
            article=article, code=tier, defaults=dict(
                label=label, condition=condition, min_people=lo_people, max_people=hi_people,
                uncorrected=uncorrected, min_amount=low, max_amount=high,
                suspension=suspension, source=source, unconfirmed=True))
        added += created
    return added
