"""The menu, drawn from the policy: an entry shows when the page's own action allows the actor.

The action is read from the view the URL resolves to (``@requires`` records it), so a hidden
link and a refused URL can never disagree.
"""

from __future__ import annotations

from functools import cache

from django.urls import resolve, reverse

from certguard.core.policy import allows, view_actions
from certguard.core.scoping import Actor

# (label, url name), in the order of the menu.
MENU: list[tuple[str, str]] = [
    ("首页", "orgs:home"),
    ("证书查询", "registry:verify"),
    ("扫码核验", "ecert:scan"),
    # --- user-facing: a worker's own certificates ---
    ("我的证书", "ecert:mine"),
    ("本单位", "orgs:my_organisation"),
    ("单位人员", "orgs:members"),
    ("持证台账", "workforce:ledger"),
    ("企业自查", "selfcheck:uploads"),
    ("机构自查", "institutions:home"),  # --- institutions ---
    ("机构自查统计", "institutions:figures"),  # --- institutions ---
    ("证书管理", "issuer:list"),
    ("辖区单位", "orgs:organisations"),
    ("企业自查统计", "selfcheck:figures"),
    ("交叉比对筛查", "screening:runs"),
    ("线索", "clues:inbox"),
    # --- network governance and tip-offs ---
    ("网络治理", "netwatch:home"),
    ("举报", "tips:inbox"),
    ("超期举报", "tips:overdue"),
    ("我要举报", "tips:submit"),
    # --- cases ---
    ("案件", "cases:list"),
    ("移送案件", "cases:inbox"),
    ("超期移送期限", "cases:overdue"),
    ("以罚代刑预警", "cases:supervision"),
    ("失信名单", "cases:listings"),
    ("典型案例通报", "cases:bulletins"),
    ("失信名单公示", "cases:public_list"),
    # --- reporting and campaigns ---
    ("统计报表", "reporting:home"),
    ("统计仪表板", "reporting:dashboard"),
    ("专项行动", "campaigns:list"),
    # --- enforcement ---
    ("执法检查", "enforcement:tasks"),
    ("检查计划与抽取", "enforcement:plans"),
    ("行政处罚", "enforcement:penalties"),
    ("超期执法时限", "enforcement:overdue"),
    ("执法统计", "enforcement:figures"),
    ("审计日志", "core:audit"),
    ("管理后台", "admin:index"),
    ("后台任务", "core:jobs"),
    ("账户安全", "orgs:account"),
]


@cache
def menu_action(url_name: str) -> str:
    """The action that guards the page behind a menu entry (its read action)."""
    if url_name == "admin:index":
        return "system.admin_site"
    actions = view_actions(resolve(reverse(url_name)).func)
    if actions is None:
        raise LookupError(f"菜单项 {url_name} 指向的页面未声明权限动作")
    return actions["read"]


def nav_for(actor: Actor) -> list[tuple[str, str]]:
    return [(label, reverse(name)) for label, name in MENU
            if allows(actor, menu_action(name))]
