"""Dishonesty lists (应急管理部令第11号) and personal credit records (seed 000): conditions as
versioned data per jurisdiction; notice → objection → decision → publication → removal;
repair after 12 months; restoration after a fraudulent repair; the credit export."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from certguard.cases import exports, selectors, services
from certguard.cases.listings import conditions_for
from certguard.cases.models import Listing, ListingCondition
from certguard.core.errors import AppError
from tests.cases.records import WORKER_ID, open_case

HEAD, INSPECTOR = ("department_head", "A"), ("inspector", "A")


def _condition(code):
    return ListingCondition.objects.get(code=code, version=1)


def _noticed(world, case=None, code="local_personal_forged_cert", kind="worker"):
    case = case or open_case(world)
    party = case.parties.get(kind=kind)
    return services.listing_notice(by=world.user(*INSPECTOR), case_id=case.pk,
                                   party_id=party.pk, condition_id=_condition(code).pk,
                                   facts="使用伪造的特种作业操作证上岗")


def _pass_objection_period(listing):
    Listing.objects.filter(pk=listing.pk).update(
        objection_due_at=timezone.now() - timedelta(minutes=1))


def _published(world):
    listing = _noticed(world)
    _pass_objection_period(listing)
    services.listing_decide(by=world.user(*HEAD), pk=listing.pk, listed=True)
    return services.listing_publish(by=world.user(*HEAD), pk=listing.pk)


def test_conditions_are_versioned_data_per_jurisdiction(db):
    national = {c.code for c in conditions_for(region_code="320100")}
    shanxi = {c.code for c in conditions_for(region_code="140521")}
    assert "mem11_illegal_operation" in national and "local_tolerate_fake_certs" not in national
    assert {"local_tolerate_fake_certs", "local_personal_forged_cert"} <= shanxi
    old = _condition("local_tolerate_fake_certs")
    ListingCondition.objects.create(jurisdiction="140000", code=old.code, version=2,
                                    title=old.title + "（修订）", subject=old.subject,
                                    source="修订", effective_from=old.effective_from)
    latest = [c for c in conditions_for(region_code="140521") if c.code == old.code]
    assert [c.version for c in latest] == [2]


def test_a_listing_without_its_notice_period_is_refused(world):
    listing = _noticed(world)
    with pytest.raises(AppError, match="列入前须告知当事人并给予异议期") as refused:
        services.listing_decide(by=world.user(*HEAD), pk=listing.pk, listed=True)
    assert refused.value.code == "objection_period"
    with pytest.raises(AppError, match="尚未作出列入决定，不能公示"):
        services.listing_publish(by=world.user(*HEAD), pk=listing.pk)
    listing.refresh_from_db()
    assert listing.status == "noticed" and not listing.decision_no


def test_the_whole_cycle_with_an_objection(world):
    listing = _noticed(world)
    services.listing_objection(by=world.user(*INSPECTOR), pk=listing.pk, text_="证书系培训机构代办")
    with pytest.raises(AppError, match="请填写决定理由"):
        services.listing_decide(by=world.user(*HEAD), pk=listing.pk, listed=True)
    listing = services.listing_decide(by=world.user(*HEAD), pk=listing.pk, listed=True,
                                      note="异议不成立：本人明知证书系购买")
    assert listing.decision_no and listing.expires_at.year == listing.decided_at.year + 3
    services.listing_publish(by=world.user(*HEAD), pk=listing.pk)
    public = list(selectors.public_listings(user=None))
    assert [p.public_name for p in public] == ["王某某"]
    kinds = list(listing.events.values_list("kind", flat=True))
    assert kinds == ["notice", "objection", "objection_result", "decide", "publish"]


def test_the_inspector_cannot_decide(world):
    listing = _noticed(world)
    _pass_objection_period(listing)
    with pytest.raises(AppError) as refused:
        services.listing_decide(by=world.user(*INSPECTOR), pk=listing.pk, listed=True)
    assert refused.value.status == 403


def test_repair_before_12_months_is_refused_after_it_reviewed(world):
    listing = _published(world)
    with pytest.raises(AppError, match="列入满12个月后方可申请信用修复") as early:
        services.listing_repair_request(by=world.user(*INSPECTOR), pk=listing.pk,
                                        text_="已整改")
    assert early.value.code == "repair_too_early"
    Listing.objects.filter(pk=listing.pk).update(
        decided_at=timezone.now() - timedelta(days=370))
    services.listing_repair_request(by=world.user(*INSPECTOR), pk=listing.pk,
                                    text_="已参加培训并取得合格证书")
    removed = services.listing_repair_review(by=world.user(*HEAD), pk=listing.pk, grant=True,
                                             note="整改到位")
    assert removed.status == "removed" and not selectors.public_listings(user=None).exists()
    restored = services.listing_restore(by=world.user(*HEAD), pk=listing.pk,
                                        reason="修复材料中的培训合格证明系伪造")
    assert restored.status == "published" and restored.removed_at is None
    assert list(restored.events.values_list("kind", flat=True))[-3:] == [
        "repair_request", "repair_grant", "restore"]


def test_listing_expires_after_three_years(world):
    listing = _published(world)
    Listing.objects.filter(pk=listing.pk).update(expires_at=timezone.now() - timedelta(days=1))
    assert services.listings_expire() == 1
    listing.refresh_from_db()
    assert listing.status == "removed"


def test_an_organisation_condition_does_not_list_a_worker(world):
    with pytest.raises(AppError, match="只适用于单位"):
        _noticed(world, code="local_tolerate_fake_certs")


def test_credit_records_export_csv_and_json(world):
    listing = _published(world)
    rows = list(selectors.credit_records(user=world.user(*HEAD)))
    assert rows == [listing]
    text = "".join(exports.csv_chunks(rows))
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert table[0] == list(exports.HEADER) and table[1][1] == WORKER_ID
    document = json.loads(exports.json_file(rows).read())
    assert document["format"] == "certguard-credit-records" and document["version"] == 1
    assert document["records"][0]["condition_code"] == "local_personal_forged_cert"
    assert set(document["records"][0]) == set(exports.FIELDS)
    assert not selectors.credit_records(user=world.user("department_head", "B")).exists()
