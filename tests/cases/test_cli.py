"""``certguard cases``: expiry of listings, overdue clocks, the credit export."""

from __future__ import annotations

import io
import json
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from certguard.cases.models import Listing
from tests.cases.records import WORKER_ID, expire, referral_at


def test_overdue_and_expiry_and_export(world, tmp_path):
    r = referral_at(world, "received")
    expire("police_decision", r)
    out = io.StringIO()
    call_command("cases", "overdue", stdout=out)
    assert json.loads(out.getvalue().splitlines()[0])["kind"] == "police_decision"
    from certguard.cases import services
    from certguard.cases.models import ListingCondition

    listing = services.listing_notice(
        by=world.user("inspector", "A"), case_id=r.case_id,
        party_id=r.case.parties.get(kind="worker").pk,
        condition_id=ListingCondition.objects.get(code="local_personal_forged_cert").pk,
        facts="伪造证书")
    Listing.objects.filter(pk=listing.pk).update(
        status="published", decided_at=timezone.now() - timedelta(days=1200),
        expires_at=timezone.now() - timedelta(days=100))
    target = tmp_path / "credit.csv"
    call_command("cases", "credit-export", "--fmt", "csv", "--out", str(target),
                 stdout=io.StringIO())
    assert WORKER_ID in target.read_text(encoding="utf-8-sig")
    out = io.StringIO()
    call_command("cases", "expire-listings", stdout=out)
    assert "1 条" in out.getvalue()
    assert Listing.objects.get().status == "removed"
