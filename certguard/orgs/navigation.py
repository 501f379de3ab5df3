"""The navigation each role sees: (label, url name). Only pages that exist are listed."""

from __future__ import annotations

from django.urls import reverse

from certguard.core.scoping import Actor

COMMON = [("首页", "orgs:home"), ("证书查询", "registry:verify"), ("扫码核验", "ecert:scan")]
STAFF_TAIL = [("后台任务", "core:jobs"), ("账户安全", "orgs:account")]
REGULATOR = [("辖区单位", "orgs:organisations")]
CLUES = [("线索", "clues:inbox")]
SCREENING = [("交叉比对筛查", "screening:runs")]
SELFCHECK = [("企业自查", "selfcheck:uploads"), ("企业自查统计", "selfcheck:figures")]

NAV_BY_ROLE: dict[str, list[tuple[str, str]]] = {
    "public": COMMON + [("账户安全", "orgs:account")],
    "worker": COMMON + [("账户安全", "orgs:account")],
    "enterprise_user": COMMON + [("本单位", "orgs:my_organisation"),
                                 ("单位人员", "orgs:members"), ("持证台账", "workforce:ledger"),
                                 ("花名册核验", "selfcheck:uploads")] + STAFF_TAIL,
    "institution_user": COMMON + [("本机构", "orgs:my_organisation"),
                                  ("机构人员", "orgs:members")] + STAFF_TAIL,
    "issuing_officer": COMMON + [("证书管理", "issuer:list")] + REGULATOR + CLUES + STAFF_TAIL,
    "inspector": COMMON + REGULATOR + SELFCHECK + SCREENING + CLUES + STAFF_TAIL,
    "analyst": COMMON + REGULATOR + SELFCHECK + SCREENING + CLUES + STAFF_TAIL,
    "netgov_officer": COMMON + REGULATOR + CLUES + STAFF_TAIL,
    "campaign_office": COMMON + REGULATOR + SELFCHECK + CLUES + STAFF_TAIL,
    "police": COMMON + STAFF_TAIL,
    "prosecutor": COMMON + STAFF_TAIL,
    "admin": COMMON + [("证书管理", "issuer:list"), ("交叉比对筛查", "screening:runs"),
                       ("线索", "clues:inbox"), ("企业自查", "selfcheck:uploads"),
                       ("持证台账", "workforce:ledger"), ("单位名录", "orgs:organisations"),
                       ("审计日志", "core:audit"),
                       ("管理后台", "admin:index")] + STAFF_TAIL,
}


def nav_for(actor: Actor) -> list[tuple[str, str]]:
    role = "admin" if actor.is_admin else actor.role
    return [(label, reverse(name)) for label, name in NAV_BY_ROLE.get(role, COMMON)]
