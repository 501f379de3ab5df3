"""Workflows that change organisations, users and memberships."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from certguard import ids
from certguard.core.errors import AppError, Forbidden
from certguard.core.policy import require
from certguard.core.scoping import UserLike
from certguard.orgs.models import Membership, Organisation, Region, User
from certguard.orgs.reference import DEPARTMENTS, ORG_KINDS, ROLES, SECTORS


def region_get(*, code: str) -> Region:
    region = Region.objects.filter(pk=str(code).strip()).first()
    if region is None:
        raise AppError("region_unknown", f"未知的行政区划代码：{code}",
                       fields={"region_code": ["不是有效的 GB/T 2260 行政区划代码"]})
    return region


def _check_credit_code(raw: str) -> str:
    result = ids.check_credit_code(raw)
    if not result.ok:
        raise AppError("credit_code_invalid", result.message,
                       fields={"credit_code": [result.message]})
    if Organisation.objects.filter(credit_code=result.code).exists():
        raise AppError("credit_code_taken", f"统一社会信用代码 {result.code} 已登记",
                       fields={"credit_code": ["该代码已登记"]})
    return result.code


def organisation_create(*, by: UserLike, kind: str, name: str, region_code: str,
                        credit_code: str = "", sector: str = "", department: str = "",
                        issuer_code: str = "", address: str = "",
                        contact_phone: str = "") -> Organisation:
    """Register an organisation. Regulators may register enterprises inside their region;
    the system administrator any organisation."""
    actor = require(by, "organisations.create")
    if kind not in ORG_KINDS:
        raise AppError("org_kind_unknown", f"未知的单位类型：{kind}")
    name = name.strip()
    if not name:
        raise AppError("org_name_missing", "单位名称不能为空", fields={"name": ["必填"]})
    region = region_get(code=region_code)
    if not actor.is_admin and not (actor.is_regulator and kind == "enterprise"
                                   and region.code.startswith(actor.region_prefix)):
        raise Forbidden("forbidden", "无权在该地区登记此类单位")
    if kind == "department":
        if department not in DEPARTMENTS:
            raise AppError("department_unknown", f"未知的部门类别：{department}")
        code = None
    else:
        code = _check_credit_code(credit_code)
    if kind == "enterprise" and sector not in SECTORS:
        raise AppError("sector_unknown", f"未知的行业：{sector}", fields={"sector": ["请选择行业"]})
    try:
        with transaction.atomic():
            return Organisation.objects.create(
                kind=kind, name=name, region=region, credit_code=code, sector=sector,
                department=department if kind == "department" else "",
                issuer_code=issuer_code, address=address, contact_phone=contact_phone)
    except IntegrityError:
        raise AppError("credit_code_taken", f"统一社会信用代码 {code} 已登记") from None


def throwaway_password() -> str:
    """A start password the validators always accept (random, with every character class,
    which token_urlsafe alone does not guarantee), for an account whose real password is set
    right after: the demo's published one, which the validators would refuse. A random string
    may still hold a keyboard walk ("ponm"), so candidates are drawn until one passes."""
    while True:
        candidate = secrets.token_urlsafe(24) + "Kq7%"
        try:
            validate_password(candidate)
        except ValidationError:
            continue
        return candidate


def user_create(*, username: str, password: str, display_name: str = "", phone: str = "",
                organisation: Organisation | None = None, role: str = "",
                is_superuser: bool = False) -> User:
    """Create a login; the password must meet the 等保 level-3 rules."""
    username = username.strip()
    if not username:
        raise AppError("username_missing", "用户名不能为空")
    if User.objects.filter(username=username).exists():
        raise AppError("username_taken", f"用户名 {username} 已被使用",
                       fields={"username": ["已被使用"]})
    if role and role not in ROLES:
        raise AppError("role_unknown", f"未知的角色：{role}")
    candidate = User(username=username, display_name=display_name)
    if organisation is not None:  # a password must not be built from the organisation's names
        candidate._password_context = (  # type: ignore[attr-defined]
            organisation.name, organisation.credit_code or "", organisation.issuer_code)
    try:
        validate_password(password, candidate)
    except ValidationError as exc:
        raise AppError("password_weak", "；".join(exc.messages),
                       fields={"password": exc.messages}) from None
    with transaction.atomic():
        user = User(username=username, display_name=display_name, phone=phone,
                    is_superuser=is_superuser, is_staff=is_superuser)
        user.set_password(password)
        user.save()
        if organisation is not None and role:
            Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def membership_switch(*, user: User, membership_id: int) -> Membership:
    membership = user.memberships.filter(pk=membership_id, active=True).first()
    if membership is None:
        raise AppError("membership_unknown", "您在该单位没有有效的任职")
    return membership
