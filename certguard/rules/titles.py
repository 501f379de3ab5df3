"""The rules as users read them: the Chinese title of each code (the contract's keys and
severities are declared with the rules themselves, in ``base.RULES``)."""

from __future__ import annotations

TITLES: dict[str, str] = {
    "R01": "申报证书不存在",
    "R02": "身份证号无效",
    "R03": "证书编号与身份证号不符",
    "R04": "持证人姓名不符",
    "R05": "疑似涂改证书编号",
    "R06": "一证多单位使用",
    "R07": "证书已过期",
    "R08": "逾期未复审",
    "R09": "撤销、注销或暂扣的证书仍在使用",
    "R10": "岗位无对应操作项目的有效证书",
    "R11": "持证人年龄不符",
    "R12": "培训学时不足",
    "R13": "疑似未经考试发证",
    "R14": "同时参加两地培训",
    "R15": "考试用时过短",
    "R16": "考点通过率异常",
    "R17": "跨库持证人信息冲突",
}


def rule_titles() -> dict[str, str]:
    return dict(TITLES)


def rule_severities() -> dict[str, str]:
    """Code -> severity, as the contract sets it (spec/exchange-format.md)."""
    from certguard.rules import activity_rules, holder_rules, roster_rules  # noqa: F401
    from certguard.rules.base import RULES

    return {code: rule.severity for code, rule in sorted(RULES.items())}
