"""Who may do what: the roles and the closed set of actions, in one table.

Every page, API endpoint, job, CLI command, export and download names one of these actions and
asks ``certguard.core.policy``; ``Model.objects.restrict(user, action)`` scopes reads through the
same table. An action that is not here fails at start-up (decorators look it up when the module
is imported) or in the tests, never silently. ``docs/policy.md`` is generated from this table.

An action's ``mode`` is what the model's ``scope(actor, mode)`` is asked ("view": records the
actor may read; "change": records the actor may change), and ``models`` the models that
``restrict()`` may be asked this action of.
"""

from __future__ import annotations

from dataclasses import dataclass

# Not logged in: the public verification pages, the tip-off form, login itself.
ANONYMOUS = "anonymous"
# The command line's operator and the platform's own background work (never a user's role).
SYSTEM = "system"

ROLES: dict[str, str] = {
    "public": "社会公众",
    "worker": "从业人员",
    "enterprise_user": "企业用户",
    "institution_user": "培训/考试机构用户",
    "issuing_officer": "发证人员",
    "inspector": "执法检查人员",
    "department_head": "部门负责人",
    "analyst": "数据分析人员",
    "netgov_officer": "网络治理人员",
    "campaign_office": "专项行动办公室",
    "police": "公安民警",
    "prosecutor": "检察官",
    # 三权分立 (GB/T 22239-2019 level 3, 8.1.4.2): three administrators, three accounts.
    "admin": "系统管理员",
    "security_admin": "安全管理员",
    "audit_admin": "审计管理员",
}
ROLE_LABELS = {ANONYMOUS: "未登录访客", **ROLES}
# No account may hold more than one of these (separation of duties).
ADMIN_ROLES = frozenset({"admin", "security_admin", "audit_admin"})

REGULATORS = frozenset({"inspector", "department_head", "analyst", "issuing_officer",
                        "netgov_officer", "campaign_office"})
# Regulators who work on cases and clues in the field (not issuing or campaign staff).
INVESTIGATORS = frozenset({"inspector", "department_head", "analyst"})
JUDICIAL = frozenset({"police", "prosecutor"})
ORG_STAFF = REGULATORS | JUDICIAL | {"enterprise_user", "institution_user"}
SIGNED_IN = frozenset(ROLES)
EVERYONE = SIGNED_IN | {ANONYMOUS}
ADMIN = frozenset({"admin"})


@dataclass(frozen=True)
class Right:
    label: str
    roles: frozenset[str]
    mode: str = "view"
    models: frozenset[str] = frozenset()


def _r(label: str, roles: frozenset[str] | set[str], mode: str = "view",
       models: tuple[str, ...] = ()) -> Right:
    return Right(label, frozenset(roles), mode, frozenset(models))


RIGHTS: dict[str, Right] = {
    # --- public -----------------------------------------------------------------------------
    "public.verify": _r("查询核验证书", EVERYONE),
    "public.scan": _r("扫码核验电子证书", EVERYONE),
    "public.trust_lists": _r("下载信任列表与吊销列表", EVERYONE),
    "public.api_docs": _r("查看接口文档", EVERYONE),
    "account.login": _r("登录、退出", EVERYONE),
    # --- one's own account ------------------------------------------------------------------
    "account.use": _r("使用本人账户（首页、修改密码、双因素认证、切换单位）", SIGNED_IN),
    "account.api_token": _r("申请接口令牌", SIGNED_IN - {"public", "worker"}),
    "jobs.view": _r("查看本人发起的后台任务", SIGNED_IN, models=("core.job",)),
    "reference.view": _r("查询参考数据（行政区划、证书目录）", SIGNED_IN),
    # --- organisations ----------------------------------------------------------------------
    "organisations.view": _r("查看辖区单位", REGULATORS | ADMIN,
                             models=("orgs.organisation",)),
    "organisations.view_own": _r("查看本单位", ORG_STAFF | ADMIN | {"worker"},
                                 models=("orgs.organisation",)),
    "organisations.create": _r("登记单位", REGULATORS | ADMIN, "change",
                               models=("orgs.organisation",)),
    "members.view": _r("查看本单位人员", ORG_STAFF | ADMIN, models=("orgs.membership",)),
    # --- administration (三权分立) ------------------------------------------------------------
    "system.admin_site": _r("使用管理后台", {"admin", "security_admin"}),
    "system.reference_data": _r("维护参考数据（单位、目录、区划）", ADMIN, "change"),
    "security.accounts": _r("管理账户、角色与双因素认证", {"security_admin"}, "change"),
    "audit.view": _r("查阅审计日志", {"audit_admin"}),
    "audit.verify": _r("校验审计日志完整性", {"audit_admin"}),
    # --- registry (issuing authorities) -----------------------------------------------------
    "certificates.view": _r("查看本机关证书", {"issuing_officer"} | ADMIN,
                            models=("registry.certificate",)),
    "certificates.issue": _r("发证", {"issuing_officer"}, "change",
                             models=("registry.certificate",)),
    "certificates.change": _r("办理复审、延期、撤销、注销、暂扣、恢复",
                              {"issuing_officer"}, "change", models=("registry.certificate",)),
    "certificates.import": _r("导入证书数据", {"issuing_officer"} | ADMIN, "change",
                              models=("registry.certificate",)),
    "ecert.print": _r("打印电子证书与二维码", {"issuing_officer"}, "change",
                      models=("registry.certificate",)),
    "ecert.keys": _r("查看签名密钥", {"issuing_officer"} | ADMIN, models=("ecert.ecertkey",)),
    "ecert.keys_manage": _r("生成、轮换签名密钥", {"issuing_officer"} | ADMIN, "change",
                            models=("ecert.ecertkey",)),
    # --- screening and clues ----------------------------------------------------------------
    "screening.view": _r("查看筛查批次", REGULATORS | ADMIN,
                         models=("screening.screeningrun",)),
    "screening.run": _r("发起交叉比对筛查", {"analyst", "inspector"} | ADMIN, "change",
                        models=("screening.screeningrun",)),
    "clues.view": _r("查看线索", REGULATORS | ADMIN, models=("clues.clue",)),
    "clues.work": _r("分派、确认、排除线索", {"analyst", "inspector"} | ADMIN, "change",
                     models=("clues.clue",)),
    "clues.export": _r("导出线索", REGULATORS | ADMIN, models=("clues.clue",)),
    # --- the employer's ledger and self-inspection ------------------------------------------
    "ledger.view": _r("查看持证台账", {"enterprise_user", "inspector", "department_head",
                                       "analyst", "campaign_office"} | ADMIN,
                      models=("workforce.ledgerentry", "workforce.ledgerchange")),
    "ledger.change": _r("更新本单位持证台账", {"enterprise_user"}, "change",
                        models=("workforce.ledgerentry",)),
    "selfcheck.view": _r("查看花名册核验与自查表", {"enterprise_user", "inspector",
                                                    "department_head", "analyst",
                                                    "campaign_office"} | ADMIN,
                         models=("selfcheck.rosterupload", "selfcheck.workerresult",
                                 "selfcheck.rectification")),
    "selfcheck.file": _r("导入花名册、确认核验、记录整改、填报自查表", {"enterprise_user"},
                         "change", models=("selfcheck.rosterupload", "selfcheck.workerresult",
                                           "selfcheck.rectification")),
    "selfcheck.return": _r("退回企业自查", {"inspector", "department_head", "analyst",
                                            "campaign_office"} | ADMIN,
                           models=("selfcheck.rosterupload",)),
    "selfcheck.figures": _r("查看企业自查统计", REGULATORS | ADMIN,
                            models=("orgs.organisation",)),
    "selfcheck.remind": _r("提醒未自查企业", {"inspector", "department_head", "analyst",
                                              "campaign_office"} | ADMIN,
                           models=("orgs.organisation",)),
    "selfcheck.reminders": _r("查看自查提醒", {"enterprise_user", "inspector",
                                               "department_head", "analyst",
                                               "campaign_office"} | ADMIN,
                              models=("selfcheck.reminder",)),
    "selfcheck.reminder_read": _r("确认收到自查提醒", {"enterprise_user"}, "change",
                                  models=("selfcheck.reminder",)),
    # --- network governance (netwatch) and tip-offs (tips) -----------------------------------
    "netwatch.view": _r("查看仿冒网站、售证广告、取证与移交", {"netgov_officer"} | INVESTIGATORS
                        | ADMIN, models=("netwatch.suspectdomain", "netwatch.suspectad",
                                         "netwatch.capture", "netwatch.handover",
                                         "netwatch.keywordlist")),
    "netwatch.work": _r("评估域名、识别广告、取证、移交处置、转为线索", {"netgov_officer"},
                        "change", models=("netwatch.suspectdomain", "netwatch.suspectad",
                                          "netwatch.capture", "netwatch.handover")),
    "netwatch.keywords": _r("维护本部门售证广告关键词清单", {"netgov_officer"} | ADMIN,
                            "change", models=("netwatch.keywordlist",)),
    "netwatch.officials": _r("维护官方证书查询网址清单", ADMIN, "change"),
    "netwatch.figures": _r("查看网络治理统计", REGULATORS | ADMIN,
                           models=("netwatch.suspectdomain",)),
    # Public like verification; the security administrator's account does nothing else.
    "tips.submit": _r("举报（可匿名）、凭回执查询进度、答复、申领奖励",
                      EVERYONE - {"security_admin"}),
    "tips.view": _r("查看本部门辖区的举报", {"inspector", "department_head", "netgov_officer"}
                    | ADMIN, models=("tips.tip",)),
    "tips.handle": _r("受理、不予受理、办理、答复举报，查看举报人身份与附件",
                      {"inspector", "department_head", "netgov_officer"}, "change",
                      models=("tips.tip",)),
    # Approved a level above the handling office: scoped as a read, the level checked on top.
    "tips.extend": _r("批准延长举报办理期限（上一级部门负责人）", {"department_head"},
                      models=("tips.tip",)),
    "tips.overdue": _r("查看超期未办结的举报", {"department_head"}, models=("tips.tip",)),
    "tips.reward_approve": _r("审批、发放举报奖励", {"department_head"}, "change",
                              models=("tips.tip",)),
    "tips.figures": _r("查看举报统计", REGULATORS | ADMIN, models=("tips.tip",)),
    # --- enforcement ---------------------------------------------------------------------------
    "enforcement.view": _r("查看检查计划、双随机抽取、检查任务、执法文书与处罚",
                           {"inspector", "department_head", "analyst", "campaign_office",
                            "enterprise_user", "institution_user"} | ADMIN,
                           models=("enforcement.task", "enforcement.plan", "enforcement.draw",
                                   "enforcement.registerunit", "enforcement.inspector",
                                   "enforcement.finding", "enforcement.penaltydecision",
                                   "enforcement.rectificationorder", "enforcement.clock")),
    # 国办发〔2024〕54号: only legal enforcement bodies inspect enterprises — never a campaign
    # office (议事协调机构): it supervises (enforcement.view, figures) but creates nothing.
    "enforcement.plan": _r("维护名录库、年度检查计划，发起双随机抽取",
                           {"inspector", "department_head"}, "change",
                           models=("enforcement.plan", "enforcement.draw",
                                   "enforcement.inspector", "enforcement.registerunit")),
    "enforcement.task_create": _r("创建检查任务并报批", {"inspector", "department_head"},
                                  "change", models=("enforcement.task",)),
    "enforcement.approve": _r("审批检查任务、年度计划，法制审核", {"department_head"}, "change",
                              models=("enforcement.task", "enforcement.plan",
                                      "enforcement.penaltydecision")),
    "enforcement.work": _r("现场检查：核验证书、记录问题、制作文书、责令整改",
                           {"inspector", "department_head"}, "change",
                           models=("enforcement.task", "enforcement.finding")),
    "enforcement.penalty": _r("拟定、告知、决定、送达、公开行政处罚",
                              {"inspector", "department_head"}, "change",
                              models=("enforcement.penaltydecision",)),
    "enforcement.overdue": _r("查看超期的执法时限", {"department_head"},
                              models=("enforcement.clock",)),
    "enforcement.figures": _r("查看执法检查统计", REGULATORS | ADMIN,
                              models=("enforcement.task", "enforcement.finding",
                                      "enforcement.penaltydecision",
                                      "enforcement.rectificationorder",
                                      "enforcement.dailyfigures")),
    "enforcement.public": _r("查看公开的抽取结果与处罚决定", EVERYONE - {"security_admin"}),
}


def action_labels() -> dict[str, str]:
    return {action: right.label for action, right in RIGHTS.items()}


def policy_markdown() -> str:
    """The table in ``docs/policy.md``: actions as rows, roles as columns (✓ = may)."""
    roles = [ANONYMOUS, *ROLES]
    head = "| 动作 | 说明 | " + " | ".join(f"{ROLE_LABELS[r]}<br>`{r}`" for r in roles) + " |"
    rule = "|" + "---|" * (len(roles) + 2)
    rows = [f"| `{action}` | {right.label} | "
            + " | ".join("✓" if r in right.roles else "" for r in roles) + " |"
            for action, right in RIGHTS.items()]
    intro = ("# 权限表（who may do what）\n\n"
             "Generated from `certguard/core/rights.py` — edit that table, then run\n"
             "`python -m certguard.core.rights > docs/policy.md` (a test fails while they\n"
             "differ). The command line and the platform's background work act as the `system`\n"
             "role, which may do everything. Scope (region, remit, own organisation) is applied\n"
             "on top by each model's `scope()`.\n\n")
    return intro + "\n".join([head, rule, *rows]) + "\n"


if __name__ == "__main__":
    print(policy_markdown(), end="")
