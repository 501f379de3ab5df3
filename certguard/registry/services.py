"""Workflows that change certificates: issue, review, extend, revoke, cancel, suspend, reinstate.

Each checks the rules of Order No. 30 (and the family's lifecycle in the catalogue), writes the
certificate and an event of its history in one transaction, and raises AppError otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from certguard import ids
from certguard.catalog.models import Family
from certguard.catalog.services import family_get, item_get
from certguard.core.errors import AppError, Forbidden
from certguard.core.policy import require
from certguard.core.rights import SYSTEM
from certguard.orgs.models import Organisation
from certguard.orgs.reference import DEPARTMENTS
from certguard.registry import lifecycle
from certguard.registry.lifecycle import add_months, period_end
from certguard.registry.models import Certificate, CertificateEvent, Holder
from certguard.registry.names import is_person_name, normalise_cert_no, normalise_name


def today() -> date:
    return timezone.localdate()


def canonical_id_no(raw: object, *, as_of: date | None = None) -> ids.IdCheck:
    """A checked ID number in its 18-character form (legacy 15-digit numbers are upgraded)."""
    check = ids.check_id_no(raw, as_of=as_of)
    if not check.ok:
        raise AppError(check.code, check.message, fields={"id_no": [check.message]})
    if len(check.id_no) == 15:
        return ids.check_id_no(ids.upgrade_legacy_id(check.id_no), as_of=as_of)
    return check


def _issuer_for(by: object, issuer: Organisation | None, family: Family) -> Organisation:
    """The authority that issues: the officer's own, for a family in its department's remit."""
    actor = require(by, "certificates.issue")
    if issuer is None:
        issuer = Organisation.objects.filter(pk=actor.organisation_id).first()
    if issuer is None or not issuer.issuer_code:
        raise Forbidden("not_an_issuer", "只有发证机关的发证人员可以办理证书业务")
    if actor.role == SYSTEM:  # the command line issues for any authority
        return issuer
    if issuer.pk != actor.organisation_id:
        raise Forbidden("not_an_issuer", "只有本发证机关的发证人员可以办理证书业务")
    families = DEPARTMENTS.get(issuer.department, ("", frozenset(), frozenset()))[1]
    if family.key not in families:
        raise Forbidden("family_not_in_remit", f"本机关不负责核发{family.name}")
    return issuer


def _age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _check_age(check: ids.IdCheck, family: Family, min_age: int, on: date) -> None:
    age = _age_on(check.birth_date, on)
    limit = family.retirement_age_male if check.sex == "男" else family.retirement_age_female
    if age < min_age:
        raise AppError("age_too_young", f"申请人发证时{age}岁，未满{min_age}周岁")
    if age >= limit:
        raise AppError("age_over_retirement",
                       f"申请人发证时{age}岁，已达法定退休年龄（{check.sex}性{limit}岁）")


def _holder(check: ids.IdCheck, name: str, on: date) -> Holder:
    holder = Holder.objects.select_for_update().filter(id_no=check.id_no).first()
    if holder is None:
        return Holder.objects.create(id_no=check.id_no, name=name, sex=check.sex or "",
                                     birth_date=check.birth_date)
    if holder.name != name:
        raise AppError("holder_name_conflict",
                       f"身份证号 {ids.mask_id_no(check.id_no)} 已登记的姓名为“{holder.name}”，"
                       f"与“{name}”不一致，请先核实身份")
    if holder.barred_until and on <= holder.barred_until:
        raise AppError("holder_barred",
                       f"该人员因以不正当手段取证被撤销证书，{holder.barred_until:%Y-%m-%d}前不得再次申请")
    return holder


def _event(cert: Certificate, kind: str, on: date, by: object, *, reason_code: str = "",
           reason: str = "", data: dict | None = None) -> CertificateEvent:
    return CertificateEvent.objects.create(
        certificate=cert, kind=kind, on=on, reason_code=reason_code, reason=reason,
        data=data or {}, by=by if getattr(by, "pk", None) else None)


@transaction.atomic
def certificate_issue(*, by: object, id_no: str, name: str, family: str, item_code: str,
                      first_issued: date | None = None, cert_no: str = "",
                      issuer: Organisation | None = None) -> Certificate:
    """Issue a certificate after the exam (the special-operations number is "T" + ID)."""
    on = first_issued or today()
    if on > today():
        raise AppError("issue_date_future",
                       f"发证日期 {on:%Y-%m-%d} 晚于今天，不能预先发证",
                       fields={"first_issued": ["不能晚于今天"]})
    fam = family_get(key=family)
    issuer = _issuer_for(by, issuer, fam)
    item = item_get(family=fam.key, code=item_code, on=on)
    name = normalise_name(name)
    if not name:
        raise AppError("name_required", "请填写持证人姓名", fields={"name": ["必填"]})
    if not is_person_name(name):
        raise AppError("name_invalid",
                       "持证人姓名应为身份证上的姓名：汉字或字母，少数民族姓名可含间隔号“·”，"
                       "不能含数字、符号或标签", fields={"name": ["姓名格式不正确"]})
    check = canonical_id_no(id_no, as_of=on)
    _check_age(check, fam, item.min_age or fam.min_age, on)
    holder = _holder(check, name, on)
    number = "T" + check.id_no if fam.key == "special_ops" else normalise_cert_no(cert_no)
    if not number:
        raise AppError("cert_no_required", "请填写证书编号（本类证书编号由发证机关编制）",
                       fields={"cert_no": ["必填"]})
    if Certificate.objects.filter(cert_no=number, family=fam, item_code=item.code).exists():
        raise AppError("certificate_exists",
                       f"证书 {number}（{item.name}）已登记，请办理复审或延期换证")
    valid_until = period_end(on, fam.validity_months)
    review_due = add_months(on, fam.review_cycle_months) if fam.review_cycle_months else None
    cert = Certificate.objects.create(
        cert_no=number, holder=holder, id_no=holder.id_no, name=holder.name, family=fam,
        item_code=item.code, issuer=issuer,
        issuer_code=issuer.issuer_code, first_issued=on, valid_from=on, valid_until=valid_until,
        review_due=review_due if review_due and review_due < valid_until else None,
        source="certguard")
    _event(cert, CertificateEvent.Kind.ISSUE, on, by, data={"item": item.name})
    return cert


def _ensure_own(by: object, cert: Certificate) -> None:
    if not Certificate.objects.restrict(by, "certificates.change").filter(pk=cert.pk).exists():
        raise Forbidden("not_your_certificate", "只有发证机关的发证人员可以办理该证书的业务")


def _editable(by: object, cert: Certificate, *, statuses: tuple[str, ...] = ("valid",)) -> None:
    _ensure_own(by, cert)
    if cert.status not in statuses:
        raise AppError("certificate_not_valid",
                       f"证书当前为“{cert.get_status_display()}”，不能办理此业务")


def _reasons(codes: Iterable[str], allowed: dict[str, str], what: str) -> list[str]:
    codes = list(codes)
    unknown = [c for c in codes if c not in allowed]
    if not codes or unknown:
        raise AppError("reason_required",
                       f"请选择{what}原因（可选：{'、'.join(allowed.values())}）",
                       fields={"reasons": ["请选择原因"]})
    return codes


@transaction.atomic
def certificate_review(*, by: object, certificate: Certificate, on: date, passed: bool,
                       reasons: Iterable[str] = (), continuous_years: int = 0,
                       extended_cycle: bool = False) -> Certificate:
    """复审 (Art. 21–26): within the window before the due date; a pass moves the due date."""
    cert = Certificate.objects.select_for_update().select_related("family").get(pk=certificate.pk)
    _editable(by, cert)
    fam = cert.family
    if not fam.review_cycle_months or cert.review_due is None:
        raise AppError("no_review_due", "该证书当前没有待办的复审，期满请办理延期换证")
    window_start = cert.review_due - timedelta(days=fam.review_window_days)
    if on > cert.review_due:
        raise AppError("review_too_late", f"复审期限为{cert.review_due:%Y-%m-%d}，已逾期，"
                       "证书失效，须重新参加考核取证")
    if on < window_start:
        raise AppError("review_too_early", f"复审应在到期前{fam.review_window_days}天内申请，"
                       f"即{window_start:%Y-%m-%d}至{cert.review_due:%Y-%m-%d}")
    if not passed:
        codes = _reasons(reasons, lifecycle.REVIEW_FAIL_REASONS, "复审不合格")
        _event(cert, CertificateEvent.Kind.REVIEW_FAIL, on, by, reason_code=",".join(codes),
               reason="；".join(lifecycle.REVIEW_FAIL_REASONS[c] for c in codes))
        return cert
    cycle = fam.review_cycle_months
    if extended_cycle:
        if not fam.extended_review_cycle_months or continuous_years < (fam.extension_min_years
                                                                       or 0):
            raise AppError("extension_not_allowed", f"延长复审周期须连续从事本工种"
                           f"{fam.extension_min_years}年以上且无违法行为")
        cycle = fam.extended_review_cycle_months
    due = add_months(cert.review_due, cycle)
    cert.last_review = on
    cert.review_due = due if due < cert.valid_until else None
    cert.save(update_fields=["last_review", "review_due", "updated_at"])
    _event(cert, CertificateEvent.Kind.REVIEW_PASS, on, by,
           data={"next_review_due": cert.review_due.isoformat() if cert.review_due else None,
                 "extended_cycle": extended_cycle})
    return cert


@transaction.atomic
def certificate_extend(*, by: object, certificate: Certificate, on: date) -> Certificate:
    """延期换证 / 延期复核: within the window before expiry, a new validity period."""
    cert = Certificate.objects.select_for_update().select_related("family").get(pk=certificate.pk)
    _editable(by, cert)
    fam = cert.family
    state = cert.status_on(on)
    if state.code != "valid":
        raise AppError("extend_not_allowed", f"证书{state.label}（{state.reason}），不能延期，"
                       "须重新参加考核取证")
    window_start = cert.valid_until - timedelta(days=fam.renewal_window_days)
    if on < window_start:
        raise AppError("extend_too_early", f"延期应在有效期届满前{fam.renewal_window_days}天内"
                       f"申请，即{window_start:%Y-%m-%d}至{cert.valid_until:%Y-%m-%d}")
    start = cert.valid_until + timedelta(days=1)
    cert.valid_from, cert.valid_until = start, period_end(start, fam.renewal_months)
    cert.last_review = on
    due = add_months(start, fam.review_cycle_months) if fam.review_cycle_months else None
    cert.review_due = due if due and due < cert.valid_until else None
    cert.save(update_fields=["valid_from", "valid_until", "last_review", "review_due",
                             "updated_at"])
    _event(cert, CertificateEvent.Kind.EXTEND, on, by,
           data={"valid_from": start.isoformat(), "valid_until": cert.valid_until.isoformat()})
    return cert


def _set_status(cert: Certificate, status: str, reason: str, on: date) -> None:
    cert.status, cert.status_reason, cert.status_changed_on = status, reason[:200], on
    cert.save(update_fields=["status", "status_reason", "status_changed_on", "updated_at"])


@transaction.atomic
def certificate_revoke(*, by: object, certificate: Certificate, on: date,
                       reason: str) -> Certificate:
    """撤销 (Art. 30); false information or fraud bars a new application for 3 years."""
    cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
    _editable(by, cert, statuses=("valid", "suspended"))
    _reasons([reason], lifecycle.REVOKE_REASONS, "撤销")
    text = lifecycle.REVOKE_REASONS[reason]
    _set_status(cert, Certificate.RecordStatus.REVOKED, text, on)
    if reason in lifecycle.BARRING_REVOKE_REASONS:
        Holder.objects.filter(pk=cert.holder_id).update(barred_until=add_months(on, 36))
    _event(cert, CertificateEvent.Kind.REVOKE, on, by, reason_code=reason, reason=text)
    return cert


@transaction.atomic
def certificate_cancel(*, by: object, certificate: Certificate, on: date,
                       reason: str) -> Certificate:
    """注销 (Art. 31): death, own request, or after revocation."""
    cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
    _ensure_own(by, cert)
    if cert.status == Certificate.RecordStatus.CANCELLED:
        raise AppError("already_cancelled", "证书已注销")
    if reason == "revoked" and cert.status != Certificate.RecordStatus.REVOKED:
        raise AppError("not_revoked", "证书未被撤销，不能以“已撤销”为由注销")
    _reasons([reason], lifecycle.CANCEL_REASONS, "注销")
    text = lifecycle.CANCEL_REASONS[reason]
    _set_status(cert, Certificate.RecordStatus.CANCELLED, text, on)
    _event(cert, CertificateEvent.Kind.CANCEL, on, by, reason_code=reason, reason=text)
    return cert


@transaction.atomic
def certificate_suspend(*, by: object, certificate: Certificate, on: date,
                        reason: str) -> Certificate:
    cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
    _editable(by, cert)
    _reasons([reason], lifecycle.SUSPEND_REASONS, "暂扣")
    _set_status(cert, Certificate.RecordStatus.SUSPENDED, lifecycle.SUSPEND_REASONS[reason], on)
    _event(cert, CertificateEvent.Kind.SUSPEND, on, by, reason_code=reason,
           reason=lifecycle.SUSPEND_REASONS[reason])
    return cert


@transaction.atomic
def certificate_reinstate(*, by: object, certificate: Certificate, on: date,
                          reason: str) -> Certificate:
    """Where the law allows: a suspension lifted, or a revocation overturned on appeal."""
    cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
    _ensure_own(by, cert)
    allowed = {Certificate.RecordStatus.SUSPENDED: "suspension_lifted",
               Certificate.RecordStatus.REVOKED: "decision_overturned"}
    if allowed.get(cert.status) != reason:
        raise AppError("reinstate_not_allowed",
                       f"证书为“{cert.get_status_display()}”，不能以该理由恢复"
                       "（暂扣的可解除暂扣；撤销决定经复议或诉讼被撤销的可恢复；已注销的不能恢复）")
    _set_status(cert, Certificate.RecordStatus.VALID, "", on)
    _event(cert, CertificateEvent.Kind.REINSTATE, on, by, reason_code=reason,
           reason=lifecycle.REINSTATE_REASONS[reason])
    return cert


def ecert_registry_lookup(fields: object) -> dict | None:
    """The registry row behind a signed electronic certificate, for the verifier's online step
    (``fields`` is ecert's CertificateFields; only its attributes are used, so registry stays
    below ecert). Record status revoked/cancelled makes the verifier answer "revoked"."""
    rows = Certificate.objects.filter(cert_no=fields.cert_no, issuer_code=fields.issuer_code,
                                      item_code=fields.item_code)
    if getattr(fields, "family", ""):
        rows = rows.filter(family_id=fields.family)
    cert = rows.select_related("holder").first()
    if cert is None:
        return None
    iso = lambda d: d.isoformat() if d else ""  # noqa: E731
    return {"cert_no": cert.cert_no, "id_no": cert.holder.id_no, "name": cert.holder.name,
            "family": cert.family_id, "item_code": cert.item_code,
            "issuer_code": cert.issuer_code, "valid_from": iso(cert.valid_from),
            "valid_until": iso(cert.valid_until), "review_due": iso(cert.review_due),
            "status": cert.status}
