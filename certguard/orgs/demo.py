"""The demo world: one province (山西), 2 cities, 5 counties, their departments, about 300
enterprises, training institutions, exam centres and one login per role.

Deterministic from a seed, and safe to re-run: everything is looked up before it is created.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from certguard import ids
from certguard.orgs.models import Membership, Organisation, Region, User
from certguard.orgs.regions import regions_ensure

PROVINCE = ("140000", "山西省")
CITIES = {"140500": "晋城市", "140400": "长治市"}
COUNTIES = {"140521": "沁水县", "140522": "阳城县", "140525": "泽州县",
            "140423": "襄垣县", "140428": "长子县"}

DEPARTMENT_NAMES = {
    "province": {"yj": "山西省应急管理厅", "zj": "山西省住房和城乡建设厅",
                 "scjg": "山西省市场监督管理局", "ksjc": "国家矿山安全监察局山西局",
                 "ga": "山西省公安厅", "wx": "中共山西省委网络安全和信息化委员会办公室",
                 "jcy": "山西省人民检察院", "fy": "山西省高级人民法院"},
    "city": {"yj": "{n}应急管理局", "zj": "{n}住房和城乡建设局", "scjg": "{n}市场监督管理局",
             "ga": "{n}公安局", "wx": "中共{n}委网络安全和信息化委员会办公室",
             "jcy": "{n}人民检察院", "fy": "{n}中级人民法院"},
    "county": {"yj": "{n}应急管理局", "zj": "{n}住房和城乡建设局", "scjg": "{n}市场监督管理局",
               "ga": "{n}公安局", "jcy": "{n}人民检察院", "fy": "{n}人民法院"},
}
ISSUERS = {"yj": "140000-YJ", "zj": "140000-ZJ", "scjg": "140000-SJ"}

SECTOR_PLAN = {"coal_mine": 60, "non_coal_mine": 40, "metallurgy": 45,
               "hazardous_chemicals": 50, "construction": 85, "fireworks": 5, "other": 15}
SECTOR_SUFFIX = {
    "coal_mine": ["煤业有限公司", "煤矿有限责任公司", "能源有限公司"],
    "non_coal_mine": ["矿业有限公司", "石料厂", "铁矿有限公司"],
    "metallurgy": ["钢铁有限公司", "铸造有限公司", "冶金有限公司"],
    "hazardous_chemicals": ["化工有限公司", "燃气有限公司", "化肥有限公司"],
    "construction": ["建筑工程有限公司", "建设集团有限公司", "路桥工程有限公司"],
    "fireworks": ["烟花爆竹有限公司"],
    "other": ["机械制造有限公司", "物流有限公司", "电力安装有限公司"],
}
TRADE_CHARS = "鑫晋泰华宏兴盛永恒昌源隆丰达通安康瑞祥利金鼎润和顺新远益辉泽沁阳太岳"

DEMO_PASSWORD = "Certguard#2024"  # noqa: S105  (demo world only, printed on purpose)
# A fixed demo secret so the administrator's authenticator can be set up from the printout.
DEMO_ADMIN_TOTP_HEX = "3132333435363738393031323334353637383930"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    display_name: str
    role: str
    organisation: str


def _department(region: Region, dept: str, level: str) -> Organisation:
    name = DEPARTMENT_NAMES[level][dept].format(n=region.name)
    org, _ = Organisation.objects.get_or_create(
        kind="department", department=dept, region=region, name=name,
        defaults={"issuer_code": ISSUERS.get(dept, "") if level == "province" else ""})
    return org


def _organisation(*, kind: str, name: str, region: Region, serial: int, sector: str = ""):
    code = ids.make_credit_code(region.code, serial, kind="52" if kind != "enterprise" else "91")
    org, _ = Organisation.objects.get_or_create(
        credit_code=code, defaults={"kind": kind, "name": name, "region": region,
                                    "sector": sector})
    return org


def _enterprises(rng: random.Random, counties: list[Region]) -> list[Organisation]:
    made: list[Organisation] = []
    names: set[str] = set()
    serial = 100_000
    for sector, count in SECTOR_PLAN.items():
        for i in range(count):
            county = counties[(i + len(made)) % len(counties)]
            while True:
                trade = rng.choice(TRADE_CHARS) + rng.choice(TRADE_CHARS)
                name = f"{county.name[:-1]}{trade}{rng.choice(SECTOR_SUFFIX[sector])}"
                if name not in names:
                    break
            names.add(name)
            serial += rng.randint(1, 997)
            made.append(_organisation(kind="enterprise", name=name, region=county,
                                      serial=serial, sector=sector))
    return made


def _login(username: str, display_name: str, org: Organisation | None, role: str,
           *, superuser: bool = False) -> DemoLogin:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, display_name=display_name, is_superuser=superuser,
                    is_staff=superuser)
        user.set_password(DEMO_PASSWORD)
        user.save()
    if org is not None:
        Membership.objects.get_or_create(user=user, organisation=org, role=role)
    return DemoLogin(username, display_name, role, org.name if org else "—")


@transaction.atomic
def demo_world_build(*, seed: int = 2024) -> list[DemoLogin]:
    regions_ensure()
    rng = random.Random(seed)
    province = Region.objects.get(pk=PROVINCE[0])
    cities = {code: Region.objects.get(pk=code) for code in CITIES}
    counties = [Region.objects.get(pk=code) for code in COUNTIES]
    depts = {("province", d): _department(province, d, "province")
             for d in DEPARTMENT_NAMES["province"]}
    for code, city in cities.items():
        depts.update({(code, d): _department(city, d, "city") for d in DEPARTMENT_NAMES["city"]})
    for county in counties:
        depts.update({(county.code, d): _department(county, d, "county")
                      for d in DEPARTMENT_NAMES["county"]})
    enterprises = _enterprises(rng, counties)
    institutions = [
        _organisation(kind="institution", name=name, region=Region.objects.get(pk=code),
                      serial=serial)
        for name, code, serial in [("晋城市安全生产培训中心", "140525", 501),
                                   ("沁水县安全技术培训学校", "140521", 502),
                                   ("长治市特种作业培训学校", "140423", 503)]]
    for name, code, serial in [("山西省特种作业考试中心晋城考点", "140525", 601),
                               ("山西省特种作业考试中心长治考点", "140423", 602)]:
        _organisation(kind="exam_centre", name=name, region=Region.objects.get(pk=code),
                      serial=serial)
    first_mine = next(e for e in enterprises if e.sector == "coal_mine"
                      and e.region_id == "140521")
    logins = [
        _login("demo_admin", "系统管理员", depts[("province", "yj")], "admin", superuser=True),
        _login("demo_security", "安全管理员", depts[("province", "yj")], "security_admin"),
        _login("demo_auditor", "审计管理员", depts[("province", "yj")], "audit_admin"),
        _login("demo_head", "沁水县应急管理局局长", depts[("140521", "yj")], "department_head"),
        _login("demo_inspector", "沁水县执法员", depts[("140521", "yj")], "inspector"),
        _login("demo_analyst", "晋城市数据分析员", depts[("140500", "yj")], "analyst"),
        _login("demo_issuer", "省厅发证员", depts[("province", "yj")], "issuing_officer"),
        _login("demo_netgov", "省网信办专员", depts[("province", "wx")], "netgov_officer"),
        _login("demo_campaign", "晋城市专项办", depts[("140500", "yj")], "campaign_office"),
        _login("demo_police", "沁水县民警", depts[("140521", "ga")], "police"),
        _login("demo_prosecutor", "沁水县检察官", depts[("140521", "jcy")], "prosecutor"),
        _login("demo_enterprise", "煤矿安全员", first_mine, "enterprise_user"),
        _login("demo_institution", "培训中心教务", institutions[0], "institution_user"),
        _login("demo_worker", "张建军", first_mine, "worker"),
        _login("demo_public", "王丽", None, "public"),
    ]
    for username in ("demo_admin", "demo_security", "demo_auditor", "demo_issuer"):
        TOTPDevice.objects.get_or_create(user=User.objects.get(username=username), confirmed=True,
                                         defaults={"name": "演示验证器",
                                                   "key": DEMO_ADMIN_TOTP_HEX})
    return logins


def demo_admin_totp_secret() -> str:
    import base64

    return base64.b32encode(bytes.fromhex(DEMO_ADMIN_TOTP_HEX)).decode()
