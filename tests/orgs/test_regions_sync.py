"""An installation made before the region table was corrected is brought up to date."""

import pytest

from certguard.orgs.models import Region
from certguard.orgs.regions import regions_ensure, regions_sync


@pytest.mark.django_db
def test_sync_fixes_years_and_adds_new_codes():
    regions_ensure()
    Region.objects.filter(code="110103").update(end_year=2009)  # the old, one-year-early value
    Region.objects.filter(code="610981").delete()  # created after the old list
    assert regions_sync() == 2
    assert Region.objects.get(code="110103").end_year == 2010
    assert Region.objects.get(code="610981").parent_code == "610900"
    assert regions_sync() == 0
