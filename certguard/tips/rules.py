"""The deadlines and reward schedule in force for a place: the most local TipSettings row
(county, city, province), else the national defaults."""

from __future__ import annotations

from certguard.tips.models import TipSettings
from certguard.tips.reference import DEFAULTS

FIELDS = ("handling_days", "extension_days", "feedback_days", "reward_rate", "reward_min",
          "reward_max", "concealed_per_death", "concealed_max", "source")


def tip_rules(*, region_code: str) -> dict:
    places = [region_code, region_code[:4] + "00", region_code[:2] + "0000"]
    rows = {s.region_id: s for s in TipSettings.objects.filter(region_id__in=places)}
    for place in places:
        if place in rows:
            row = rows[place]
            rules = {name: getattr(row, name) for name in FIELDS}
            rules["concealed_per_death"] = rules["concealed_per_death"] or \
                DEFAULTS["concealed_per_death"]
            return rules
    return dict(DEFAULTS)
