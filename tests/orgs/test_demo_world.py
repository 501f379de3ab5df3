from collections import Counter

import pytest

from certguard import ids
from certguard.orgs.demo import demo_world_build
from certguard.orgs.models import Membership, Organisation, User
from certguard.orgs.reference import ROLES


@pytest.mark.django_db
def test_demo_world_shape_and_rerun_is_safe():
    logins = demo_world_build(seed=7)
    kinds = Counter(Organisation.objects.values_list("kind", flat=True))
    assert kinds["enterprise"] == 300
    assert kinds["institution"] == 3 and kinds["exam_centre"] == 2
    regions = set(Organisation.objects.filter(kind="department")
                  .values_list("region_id", flat=True))
    assert regions == {"140000", "140500", "140400", "140521", "140522", "140525",
                       "140423", "140428"}
    sectors = set(Organisation.objects.filter(kind="enterprise")
                  .values_list("sector", flat=True))
    assert {"coal_mine", "non_coal_mine", "metallurgy", "hazardous_chemicals",
            "construction"} <= sectors
    assert all(ids.check_credit_code(c).ok for c in Organisation.objects.exclude(
        credit_code=None).values_list("credit_code", flat=True))
    assert {login.role for login in logins} == set(ROLES)
    counts = (Organisation.objects.count(), User.objects.count(), Membership.objects.count())
    demo_world_build(seed=7)
    assert (Organisation.objects.count(), User.objects.count(),
            Membership.objects.count()) == counts


@pytest.mark.django_db
def test_demo_world_is_deterministic():
    demo_world_build(seed=11)
    first = sorted(Organisation.objects.filter(kind="enterprise").values_list("name", flat=True))
    Organisation.objects.filter(kind="enterprise").delete()
    demo_world_build(seed=11)
    again = sorted(Organisation.objects.filter(kind="enterprise").values_list("name", flat=True))
    assert first == again
