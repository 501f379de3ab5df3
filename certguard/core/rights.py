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
# --- security (issue 10) ---
# Roles that must sign in with a second factor (TOTP, or a one-time recovery code).
SECOND_FACTOR_ROLES = ADMIN_ROLES | {"issuing_officer"}


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
    # --- user-facing: a worker's own certificates, holder photos ------------------------------
    "ecert.mine": _r("查看本人的证书与电子证书", {"worker"}, models=("ecert.holderlink",)),
    "ecert.link_holder": _r("将从业人员账户绑定到持证人（核实身份后）", ADMIN, "change",
                            models=("ecert.holderlink",)),
    "ecert.photo": _r("上传持证人照片（打印在电子证书上）", {"issuing_officer"} | ADMIN, "change",
                      models=("registry.certificate", "ecert.holderphoto")),
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
    # --- institutions (training institutions, exam centres, issuing authorities) ----------
    "institutions.view": _r("查看培训考试机构、发证机关的自查记录、问题与整改",
                            {"institution_user", "issuing_officer", "inspector",
                             "department_head", "analyst", "campaign_office"} | ADMIN,
                            models=("institutions.recordupload", "institutions.trainingrecord",
                                    "institutions.examsitting", "institutions.finding",
                                    "institutions.plan", "institutions.filing",
                                    "institutions.period")),
    "institutions.file": _r("上传本机构培训考试记录、自查、答复问题、制定整改计划、填报自查表",
                            {"institution_user"}, "change",
                            models=("institutions.recordupload", "institutions.finding",
                                    "institutions.plan", "institutions.filing")),
    "institutions.authority_file": _r("填报考核发证机关自查表", {"issuing_officer"}, "change",
                                      models=("institutions.filing",)),
    "institutions.return": _r("退回机构、发证机关自查表", {"inspector", "department_head",
                                                          "analyst", "campaign_office"} | ADMIN,
                              models=("institutions.filing",)),
    "institutions.refer": _r("将机构自查发现的问题转为线索", {"inspector", "analyst"} | ADMIN,
                             models=("institutions.finding",)),
    "institutions.periods": _r("设立机构自查期间", {"campaign_office"} | ADMIN, "change",
                               models=("institutions.period",)),
    "institutions.figures": _r("查看机构自查统计", REGULATORS | ADMIN,
                               models=("institutions.filing", "institutions.finding")),
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
    # --- cases -----------------------------------------------------------------------------
    "cases.view": _r("查看案件、移送进度与期限", INVESTIGATORS | {"campaign_office"} | ADMIN,
                     models=("cases.case", "cases.referral", "cases.clock")),
    "cases.work": _r("立案、办案（办案人员、当事人、证据、处理决定、拆分、提请移送、结案）",
                     {"inspector", "department_head"}, "change",
                     models=("cases.case", "cases.referral")),
    "cases.head": _r("审批移送、提请复议与立案监督、查看超期期限",
                     {"department_head"}, "change",
                     models=("cases.case", "cases.referral", "cases.clock")),
    "cases.referrals": _r("查看移送本单位的案件（公安、检察）", JUDICIAL,
                          models=("cases.case", "cases.referral", "cases.clock")),
    "cases.police": _r("公安：出具回执、立案或不予立案、复议决定", {"police"}, "change",
                       models=("cases.referral",)),
    "cases.procuratorate": _r("检察：提前介入、立案监督结果、记录判决", {"prosecutor"}, "change",
                              models=("cases.referral",)),
    "cases.supervision": _r("查看以罚代刑预警（有犯罪标记却只罚款结案）",
                            {"department_head", "prosecutor"} | ADMIN,
                            models=("cases.supervisionflag",)),
    "cases.listings": _r("查看失信名单办理", INVESTIGATORS | ADMIN, models=("cases.listing",)),
    "cases.listing_work": _r("失信名单：告知、记录异议、申请信用修复",
                             {"inspector", "department_head"}, "change",
                             models=("cases.listing",)),
    "cases.listing_decide": _r("失信名单：列入决定、公示、移出、修复审核、恢复列入",
                               {"department_head"}, "change", models=("cases.listing",)),
    "cases.credit_export": _r("导出个人信用记录（报送信用平台）", {"department_head"} | ADMIN,
                              models=("cases.listing",)),
    "cases.public_list": _r("查看失信名单公示", EVERYONE - {"security_admin"},
                            models=("cases.listing",)),
    "cases.bulletins": _r("查看典型案例通报", INVESTIGATORS | {"campaign_office"} | ADMIN,
                          models=("cases.bulletin",)),
    "cases.bulletin_draft": _r("起草典型案例通报", {"inspector", "department_head"}, "change",
                               models=("cases.bulletin",)),
    "cases.bulletin_approve": _r("审批、发布典型案例通报", {"department_head"}, "change",
                                 models=("cases.bulletin",)),
    "cases.figures": _r("查看案件统计", REGULATORS | ADMIN, models=("cases.case",)),
    # --- reporting and campaigns ---------------------------------------------------------------
    "reporting.view": _r("查看统计报表、报送进度与仪表板", REGULATORS | ADMIN,
                         models=("reporting.form", "reporting.formversion", "reporting.period",
                                 "reporting.report", "reporting.value",
                                 "reporting.reportevent")),
    "reporting.fill": _r("计算、填报、报送本单位统计报表", {"campaign_office"}, "change",
                         models=("reporting.report", "reporting.value")),
    "reporting.approve": _r("审核、退回下级报表，解锁单个数值，催报", {"campaign_office"},
                            "change", models=("reporting.report", "reporting.value",
                                              "reporting.period")),
    "reporting.periods": _r("开启报送期间", {"campaign_office"} | ADMIN, "change",
                            models=("reporting.formversion", "reporting.period")),
    "reporting.forms": _r("新增统计报表或报表版本", ADMIN, "change",
                          models=("reporting.form", "reporting.formversion")),
    "reporting.export": _r("导出统计报表（XLSX、PDF）与工作总结", REGULATORS | ADMIN,
                           models=("reporting.report",)),
    "campaigns.view": _r("查看专项行动、进度看板与督办", REGULATORS | ADMIN,
                         models=("campaigns.campaign", "campaigns.supervision")),
    "campaigns.manage": _r("建立专项行动（阶段、报表、目标、责任分工）", {"campaign_office"}
                           | ADMIN, "change", models=("campaigns.campaign",)),
    "campaigns.supervise": _r("督办滞后部门：提醒、警示、约谈、挂牌督办、通报",
                              {"campaign_office"}, "change",
                              models=("campaigns.campaign", "campaigns.supervision")),
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
