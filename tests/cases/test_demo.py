"""The cases demo: every state, a referral at each hop (overdue ones), a 以罚代刑 warning,
listings and a draft bulletin; work waiting for the head, the police and the prosecutor."""

from __future__ import annotations

import pytest

from certguard.cases import selectors
from certguard.cases.demo import HOPS, demo_cases_build
from certguard.cases.models import Bulletin, Case, Listing, Referral
from certguard.orgs.demo import demo_world_build
from certguard.orgs.models import User


@pytest.mark.django_db
def test_demo_cases_fill_every_state_and_inboxes():
    demo_world_build(seed=7)
    who = {k: User.objects.get(username=f"demo_{k}")
           for k in ("inspector", "head", "police", "prosecutor")}
    demo_cases_build(**who)
    assert set(Case.objects.values_list("status", flat=True)) == {"open", "decided", "referred",
                                                                   "closed"}
    assert set(Referral.objects.values_list("status", flat=True)) == set(HOPS)
    assert Case.objects.filter(children__isnull=False).distinct().count() == 1
    assert [c.kind for c in selectors.overdue_clocks(user=who["head"])] == ["head_decision"]
    assert selectors.supervision_list(user=who["head"]).count() == 1
    assert selectors.supervision_list(user=who["prosecutor"]).count() == 1
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
