"""Reads of the registry, always through ``Certificate.objects.restrict(user, action)``."""

from __future__ import annotations

from datetime import date

from django.db.models import F, Q, QuerySet

from certguard.core.personal import logged_reads
from certguard.core.scoping import UserLike
from certguard.registry.models import Certificate, CertificateEvent
from certguard.registry.names import normalise_cert_no, normalise_name

PERSONAL_FIELDS = ("name", "id_no")


def _overdue(on: date) -> Q:
    """Review missed (the SQL twin of the review_overdue branch of ``lifecycle.status_on``)."""
    reviewed = Q(last_review__isnull=False, last_review__gte=F("review_due"))
    return Q(review_due__isnull=False, review_due__lt=on) & ~reviewed


def status_condition(code: str, on: date) -> Q:
    """Rows whose ``status_on(on)`` is ``code`` — so the list can filter in SQL."""
    if code in ("revoked", "cancelled", "suspended"):
        return Q(status=code)
    recorded_valid = Q(status=Certificate.RecordStatus.VALID)
    in_period = Q(valid_from__lte=on, valid_until__gte=on)
    conditions = {
        "not_yet_valid": Q(valid_from__gt=on),
        "expired": Q(valid_from__lte=on, valid_until__lt=on),
        "review_overdue": in_period & _overdue(on),
        "valid": in_period & ~_overdue(on),
    }
    if code not in conditions:
        return Q(pk__in=[])
    return recorded_valid & conditions[code]


def certificates_for(*, user: UserLike, on: date, family: str = "", item: str = "",
                     status: str = "", q: str = "") -> QuerySet[Certificate]:
    """The certificates the user works on, filtered; ``q`` is a number or a holder's name."""
    rows = _logged(Certificate.objects.restrict(user, "certificates.view")
                   .select_related("holder", "family", "issuer").order_by("-pk"), user)
    if family:
        rows = rows.filter(family_id=family)
    if item:
        rows = rows.filter(item_code=item.strip())
    if status:
        rows = rows.filter(status_condition(status, on))
    text = q.strip()
    if text:
        number = normalise_cert_no(text)
        rows = rows.filter(Q(cert_no=number) | Q(holder__id_no=number)
                           | Q(holder__name__contains=normalise_name(text)))
    return rows


def _logged(rows: QuerySet[Certificate], user: UserLike) -> QuerySet[Certificate]:
    """Names and ID numbers are personal data: every fetched holder is logged."""
    return logged_reads(rows, fields=PERSONAL_FIELDS, summary="查看证书及持证人信息", user=user,
                        object_type="registry.holder", id_field="holder_id")


def certificate_for(*, user: UserLike, pk: int,
                    action: str = "certificates.view") -> Certificate | None:
    return _logged(Certificate.objects.restrict(user, action)
                   .select_related("holder", "family", "issuer").filter(pk=pk), user).first()


def certificate_history(*, certificate: Certificate) -> QuerySet[CertificateEvent]:
    """Every event of a certificate the caller already holds (fetched through restrict)."""
    return certificate.events.select_related("by").order_by("at", "id")


# --- enforcement: the on-site certificate check -----------------------------------------------

def certificate_check(*, user: object, id_no: str, name: str, on: date | None = None) -> dict:
    """One worker's certificates by ID number and name, as the verification service answers
    a signed-in inspector (found / name_mismatch / not_found, with each certificate's status
    on the day); the query is audited there."""
    from certguard.registry.verification import VerifyQuery, verify_certificate

    return verify_certificate(query=VerifyQuery(name=name, id_no=id_no, on=on), user=user,
                              channel="执法检查")


def certificate_extract(*, user: object, id_nos: list[str], on: date) -> list[dict]:
    """The registry rows of these workers (an extract an inspector's phone caches before an
    inspection, to check offline): number, name, item, validity and status on the day. Every
    holder returned is logged as a personal-data read."""
    from certguard.registry.lifecycle import status_code_on

    rows = list(logged_reads(
        Certificate.objects.filter(id_no__in=id_nos[:5000]).select_related("family"),
        fields=PERSONAL_FIELDS, summary="执法检查缓存证书信息", user=user,
        object_type="registry.holder", id_field="holder_id"))
    out = []
    for cert in rows:
        out.append({"id_no": cert.id_no, "name": cert.name, "cert_no": cert.cert_no,
                    "family": cert.family_id, "item_code": cert.item_code,
                    "valid_until": cert.valid_until.isoformat(),
                    "status": status_code_on(on, cert.status, cert.valid_from,
                                             cert.valid_until, cert.review_due,
                                             cert.last_review)})
    return out
