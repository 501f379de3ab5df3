"""Reads of the ecert platform layer that return personal data (logged where read)."""

from __future__ import annotations

from django.db.models import QuerySet

from certguard.core.personal import logged_reads
from certguard.core.scoping import UserLike
from certguard.ecert.models import HolderLink
from certguard.registry.models import Certificate


def my_certificates(*, user: UserLike) -> QuerySet[Certificate]:
    """The certificates of the holder the worker's account is bound to (我的证书)."""
    holders = HolderLink.objects.restrict(user, "ecert.mine").values("holder_id")
    rows = (Certificate.objects.filter(holder_id__in=holders)
            .select_related("holder", "family", "issuer").order_by("-valid_until", "pk"))
    return logged_reads(rows, fields=("name", "id_no"), summary="查看本人证书", user=user)


def my_certificate(*, user: UserLike, pk: int) -> Certificate | None:
    return my_certificates(user=user).filter(pk=pk).first()
