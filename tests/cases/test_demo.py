"""The cases demo: every state, a referral at each hop (overdue ones), 以罚代刑 warnings,
listings and a draft bulletin; work waiting for the head, the police and the prosecutor;
every case opened from an enforcement finding, citing the penalty catalogue."""

from __future__ import annotations

import pytest

from certguard.cases import selectors
from certguard.cases.demo import HOPS, demo_cases_build
from certguard.cases.models import Bulletin, Case, Listing, Referral
from certguard.orgs.demo import demo_world_build
from certguard.orgs.models import User


@pytest.mark.django_db
def test_demo_cases_fill_every_state_and_inboxes():
    from certguard.cases.models import CaseBasis, CaseDecision, CaseEvidence
    from certguard.enforcement.demo import demo_enforcement_build

    demo_world_build(seed=7)
    who = {k: User.objects.get(username=f"demo_{k}")
           for k in ("inspector", "head", "police", "prosecutor")}
    demo_enforcement_build(inspector=who["inspector"], head=who["head"],
                           enterprise_user=User.objects.get(username="demo_enterprise"))
    demo_cases_build(**who)
    # every case (but the split ones) opened from an inspection finding, its evidence linked
    opened = Case.objects.exclude(source_kind="split")
    assert set(opened.values_list("source_kind", flat=True)) == {"inspection"}
    for case in opened:
        kinds = set(CaseEvidence.objects.filter(case=case).values_list("kind", flat=True))
        assert {"finding", "inspection_record"} <= kinds
    assert not CaseBasis.objects.filter(article__isnull=True).exists()
    assert not CaseDecision.objects.filter(article__isnull=True).exists()
    mine = Case.objects.get(title="某煤矿使用伪造提升机操作证案")
    assert selectors.enforcement_penalties(user=who["inspector"], case=mine,
                                           decided_only=True).exists()
    assert "forged_documents" in mine.markers
    assert set(Case.objects.values_list("status", flat=True)) == {"open", "decided", "referred",
                                                                   "closed"}
    assert set(Referral.objects.values_list("status", flat=True)) == set(HOPS)
    assert Case.objects.filter(children__isnull=False).distinct().count() == 1
    assert [c.kind for c in selectors.overdue_clocks(user=who["head"])] == ["head_decision"]
    flagged = {f.case for f in selectors.supervision_list(user=who["head"])}
    assert mine in flagged and len(flagged) == 2
    assert {f.case for f in selectors.supervision_list(user=who["prosecutor"])} == flagged
    inbox = selectors.referrals_inbox(user=who["police"])
    assert inbox.count() == len(HOPS) - 2  # all but proposed and approved
    assert "police_decision" in {c.kind for c in selectors.overdue_clocks(user=who["police"])}
    assert selectors.open_clocks(user=who["police"]).exists()
    assert selectors.referrals_inbox(user=who["prosecutor"]).filter(
        status="supervision").exists()
    assert set(Listing.objects.values_list("status", flat=True)) == {"published", "noticed"}
    assert Bulletin.objects.get().status == "draft"
    count = Case.objects.count()
    demo_cases_build(**who)
    assert Case.objects.count() == count
