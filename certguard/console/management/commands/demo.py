from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# --- reporting and campaigns ---
from certguard.campaigns.demo import demo_campaigns_build
from certguard.cases.demo import demo_cases_build  # --- cases ---
from certguard.ecert.demo import demo_keys_build, demo_worker_link_build
from certguard.enforcement.demo import demo_enforcement_build  # --- enforcement ---
from certguard.institutions.demo import demo_institutions_build  # --- institutions ---

# --- network governance and tip-offs ---
from certguard.netwatch.demo import demo_netwatch_build
from certguard.orgs.demo import DEMO_PASSWORD, demo_admin_totp_secret, demo_world_build
from certguard.orgs.models import Organisation
from certguard.registry.demo import demo_certificates_build
from certguard.reporting.demo import demo_reporting_build
from certguard.tips.demo import demo_tips_build


class Command(BaseCommand):
    """The demo world spans every layer, so it is assembled here, above them all."""

    help = "生成演示数据（可重复执行）并打印演示账号"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, seed: int, **options) -> None:
        if settings.PRODUCTION:  # --- security: the demo's accounts have published passwords
            raise CommandError("[demo_refused] 生产模式下不能生成演示数据：演示账号的密码和动态口令"
                               "密钥是公开的", returncode=2)
        logins = demo_world_build(seed=seed)
        certificates = demo_certificates_build(seed=seed)
        demo_keys_build()
        demo_worker_link_build()  # user-facing: 我的证书 of demo_worker
        # --- network governance and tip-offs ---
        netwatch = demo_netwatch_build(by=_demo_user("demo_netgov"))
        receipts = demo_tips_build(inspector=_demo_user("demo_inspector"),
                                   head=_demo_user("demo_head"))
        enforcement = demo_enforcement_build(inspector=_demo_user("demo_inspector"), head=_demo_user("demo_head"), enterprise_user=_demo_user("demo_enterprise"))  # noqa: E501 --- enforcement ---
        cases = demo_cases_build(inspector=_demo_user("demo_inspector"),  # --- cases ---
                                 head=_demo_user("demo_head"), police=_demo_user("demo_police"),
                                 prosecutor=_demo_user("demo_prosecutor"))
        self.stdout.write(demo_institutions_build(password=DEMO_PASSWORD))  # --- institutions ---
        # --- reporting and campaigns ---
        campaigns = demo_campaigns_build(city=_demo_user("demo_campaign"), password=DEMO_PASSWORD)
        campaigns["reporting"] = demo_reporting_build(**campaigns.pop("reporting"))
        enterprises = Organisation.objects.filter(kind="enterprise").count()
        self.stdout.write(f"演示数据就绪：山西省、2个市、5个县，{enterprises} 家生产经营单位，"
                          f"{certificates} 张证书。")
        self.stdout.write(f"网络治理：{netwatch}")
        self.stdout.write(f"案件：{cases}")  # --- cases ---
        self.stdout.write(f"专项行动与统计报表：{campaigns}")
        if enforcement:  # --- enforcement ---
            self.stdout.write(f"执法检查：{enforcement}")
        if receipts:
            self.stdout.write("举报回执编号（在 /tips/follow/ 查询）：")
            for state, receipt in receipts:
                self.stdout.write(f"  {receipt}  {state}")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for login in logins:
            self.stdout.write(f"  {login.username:<18} {login.role:<17} {login.organisation}")
        self.stdout.write("demo_admin、demo_security、demo_auditor、demo_issuer 须输入动态口令："
                          f"验证器密钥 {demo_admin_totp_secret()}"
                          "（或 certguard totp 用户名 显示当前口令）")


def _demo_user(username: str):
    from certguard.orgs.models import User

    return User.objects.get(username=username)
