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
