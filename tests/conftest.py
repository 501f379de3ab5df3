"""The fixed cast every test can ask "who may see this?" of.

Two counties (A = 沁水县, B = 阳城县) under one city (晋城市): an emergency-management
inspector in each county and one in the city; a construction (住建) inspector in county A;
users of enterprises X (county A) and Y (county B); a police officer in county A; an
administrator; and the anonymous visitor (``None``).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass

import pytest

from certguard import ids

PASSWORD = "Cast#Passw0rd"
COUNTY_A, COUNTY_B, CITY = "140521", "140522", "140500"


@dataclass
class Cast:
    inspector_a: object
    inspector_b: object
    inspector_city: object
    construction_inspector_a: object
    user_x: object
    user_y: object
    police: object
    admin: object
    anonymous: None
    issuer: object  # issuing officer of the provincial emergency-management department
    auditor: object  # audit administrator (三权分立)
    security_officer: object  # security administrator
    enterprise_x: object
    enterprise_y: object
    construction_site_a: object
    department_a: object
    issuing_authority: object


def _user(username, org, role, *, superuser=False):
    from certguard.orgs.models import Membership, User

    user = User(username=username, display_name=username, is_superuser=superuser,
                is_staff=superuser)
    user.set_password(PASSWORD)
    user.save()
    if org is not None:
        Membership.objects.create(user=user, organisation=org, role=role)
    return user


def _org(kind, name, region, **extra):
    from certguard.orgs.models import Organisation

    return Organisation.objects.create(kind=kind, name=name, region_id=region, **extra)


@pytest.fixture
def cast(db) -> Cast:
    yj_a = _org("department", "沁水县应急管理局", COUNTY_A, department="yj")
    yj_b = _org("department", "阳城县应急管理局", COUNTY_B, department="yj")
    yj_city = _org("department", "晋城市应急管理局", CITY, department="yj")
    zj_a = _org("department", "沁水县住房和城乡建设局", COUNTY_A, department="zj")
    ga_a = _org("department", "沁水县公安局", COUNTY_A, department="ga")
    yj_province = _org("department", "山西省应急管理厅", "140000", department="yj",
                       issuer_code="140000-YJ")
    ent_x = _org("enterprise", "沁水县X煤业有限公司", COUNTY_A, sector="coal_mine",
                 credit_code=ids.make_credit_code(COUNTY_A, 1))
    ent_y = _org("enterprise", "阳城县Y化工有限公司", COUNTY_B, sector="hazardous_chemicals",
                 credit_code=ids.make_credit_code(COUNTY_B, 2))
    site_a = _org("enterprise", "沁水县Z建筑工程有限公司", COUNTY_A, sector="construction",
                  credit_code=ids.make_credit_code(COUNTY_A, 3))
    return Cast(
        inspector_a=_user("inspector_a", yj_a, "inspector"),
        inspector_b=_user("inspector_b", yj_b, "inspector"),
        inspector_city=_user("inspector_city", yj_city, "inspector"),
        construction_inspector_a=_user("zj_inspector_a", zj_a, "inspector"),
        user_x=_user("user_x", ent_x, "enterprise_user"),
        user_y=_user("user_y", ent_y, "enterprise_user"),
        police=_user("police_a", ga_a, "police"),
        admin=_user("admin", yj_city, "admin", superuser=True),
        anonymous=None,
        issuer=_user("issuer", yj_province, "issuing_officer"),
        auditor=_user("auditor", yj_province, "audit_admin"),
        security_officer=_user("security_officer", yj_province, "security_admin"),
        issuing_authority=yj_province,
        enterprise_x=ent_x, enterprise_y=ent_y, construction_site_a=site_a,
        department_a=yj_a,
    )


def verified_login(client, user):
    """Log ``client`` in as ``user`` with a session that passed the second factor (which the
    three administrators and issuing officers must use)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="test",
                                                 defaults={"confirmed": True})
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def verified_client(client):
    """A test client whose login counts as TOTP-verified (for administrators)."""

    def login(user):
        return verified_login(client, user)

    return login


@pytest.fixture(autouse=True)
def _audit_guards(request):
    """Tests that flush the database (transactional and browser tests) must be able to delete
    audit entries afterwards; every other test runs with the append-only guards in place."""
    if not request.node.get_closest_marker("django_db"):
        yield
        return
    from django.db import connection

    from certguard.core.dbguards import install_audit_guards, remove_audit_guards

    flushes = request.node.get_closest_marker("django_db").kwargs.get("transaction", False)
    if flushes:
        request.getfixturevalue("transactional_db")
    else:
        request.getfixturevalue("db")
    install_audit_guards(connection)
    yield
    if flushes:
        remove_audit_guards(connection)


@pytest.fixture(scope="session")
def _var_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("var")


@pytest.fixture(autouse=True)
def _private_var_dir(settings, _var_dir):
    """Tests write uploads and the audit spool to their own directory, empty at each start."""
    from certguard.core import audit_spool

    settings.VAR_DIR = _var_dir
    audit_spool._writer.close()
    for path in _var_dir.iterdir():
        shutil.rmtree(path) if path.is_dir() else path.unlink()


@pytest.fixture(autouse=True)
def _fresh_rate_limit_leases():
    """Each test starts as a newly started worker: no units of a rate limit leased ahead
    (the counters themselves are rows, rolled back with the test)."""
    from certguard.core import ratelimit

    ratelimit.forget_leases()


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Argon2 is deliberately slow; tests that check hashing ask for it themselves.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- The whole cast: every role in two counties of one city and in a second city -----------

COUNTY_C, CITY_C, PROVINCE = "140423", "140400", "140000"  # 襄垣县 of 长治市; 山西省
PLACES = {"A": COUNTY_A, "B": COUNTY_B, "C": COUNTY_C}
# Roles held in a county's own departments: (role, department type).
COUNTY_ROLES = [("inspector", "yj"), ("department_head", "yj"), ("analyst", "yj"),
                ("campaign_office", "yj"), ("netgov_officer", "wx"), ("police", "ga"),
                ("prosecutor", "jcy")]


@dataclass
class World:
    """Everyone the permission matrix asks. ``users[(role, place)]``: place is "A", "B", "C"
    (counties; A and B in 晋城, C in 长治), "city" (晋城), "province" or "" (no organisation);
    the enterprise users and workers of the second enterprise of a county use place "A2" …"""

    cast: Cast
    users: dict[tuple[str, str], object]
    orgs: dict[str, object]

    def user(self, role: str, place: str = "A"):
        return self.users[(role, place)]

    def everyone(self) -> list[tuple[str, object]]:
        """(label, user) for every member of the cast, the anonymous visitor included."""
        return [("anonymous", None)] + [(f"{role}@{place}", user)
                                        for (role, place), user in sorted(self.users.items())]

    def one_per_role(self) -> list[tuple[str, object]]:
        seen: dict[str, tuple[str, object]] = {}
        for label, user in self.everyone():
            seen.setdefault(label.split("@")[0], (label, user))
        return list(seen.values())


def _make_world(cast: Cast) -> World:
    orgs = {"yj_A": cast.department_a, "yj_city": _org_named("晋城市应急管理局"),
            "yj_province": cast.issuing_authority, "X": cast.enterprise_x,
            "A2": cast.construction_site_a, "Y": cast.enterprise_y}
    users: dict[tuple[str, str], object] = {
        ("inspector", "A"): cast.inspector_a, ("inspector", "B"): cast.inspector_b,
        ("inspector", "city"): cast.inspector_city, ("police", "A"): cast.police,
        ("enterprise_user", "A"): cast.user_x, ("enterprise_user", "B"): cast.user_y,
        ("issuing_officer", "province"): cast.issuer,
    }
    names = {"A": "沁水县", "B": "阳城县", "C": "襄垣县"}
    kinds = {"yj": "应急管理局", "wx": "网信办", "ga": "公安局", "jcy": "人民检察院"}
    for place, code in PLACES.items():
        for department in kinds:
            key = f"{department}_{place}"
            if key not in orgs:
                orgs[key] = _org("department", names[place] + kinds[department], code,
                                 department=department)
        for role, department in COUNTY_ROLES:
            if (role, place) not in users:
                users[(role, place)] = _user(f"{role}_{place.lower()}",
                                             orgs[f"{department}_{place}"], role)
        orgs[f"inst_{place}"] = _org("institution", f"{names[place]}安全培训中心", code,
                                     credit_code=ids.make_credit_code(code, 40 + len(orgs)))
        users[("institution_user", place)] = _user(f"inst_{place.lower()}", orgs[f"inst_{place}"],
                                                   "institution_user")
    orgs["Y2"] = _org("enterprise", "阳城县Y2冶金有限公司", COUNTY_B, sector="metallurgy",
                      credit_code=ids.make_credit_code(COUNTY_B, 5))
    orgs["W"] = _org("enterprise", "襄垣县W煤业有限公司", COUNTY_C, sector="coal_mine",
                     credit_code=ids.make_credit_code(COUNTY_C, 6))
    orgs["W2"] = _org("enterprise", "襄垣县W2化工有限公司", COUNTY_C, sector="hazardous_chemicals",
                      credit_code=ids.make_credit_code(COUNTY_C, 7))
    for key, place in (("A2", "A2"), ("Y2", "B2"), ("W", "C"), ("W2", "C2")):
        users[("enterprise_user", place)] = _user(f"ent_{key.lower()}", orgs[key],
                                                  "enterprise_user")
    for key, place in (("X", "A"), ("Y", "B"), ("W", "C")):
        users[("worker", place)] = _user(f"worker_{key.lower()}", orgs[key], "worker")
    orgs["yj_C_city"] = _org("department", "长治市应急管理局", CITY_C, department="yj")
    users[("inspector", "C_city")] = _user("inspector_c_city", orgs["yj_C_city"], "inspector")
    for role in ("campaign_office", "analyst", "department_head"):
        users[(role, "city")] = _user(f"{role}_city", orgs["yj_city"], role)
    orgs["zj_province"] = _org("department", "山西省住房和城乡建设厅", PROVINCE, department="zj",
                               issuer_code="140000-ZJ")
    users[("issuing_officer", "province_zj")] = _user("issuer_zj", orgs["zj_province"],
                                                      "issuing_officer")
    users[("admin", "province")] = cast.admin
    users[("audit_admin", "province")] = cast.auditor
    users[("security_admin", "province")] = cast.security_officer
    users[("public", "")] = _user("public_user", None, "")
    return World(cast=cast, users=users, orgs=orgs)


def _org_named(name: str):
    from certguard.orgs.models import Organisation

    return Organisation.objects.get(name=name)


@pytest.fixture
def world(cast) -> World:
    return _make_world(cast)
