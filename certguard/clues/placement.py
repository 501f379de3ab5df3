"""Where a clue belongs: its region (for scoping by subtree) and family or sector (for remit).

The region comes from the organisation the clue is about (employer, institution, exam centre)
when the platform knows it by credit code, else from the workplace region the roster gave,
else from the authority that issued the certificate; otherwise it stays unplaced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from certguard.catalog.reference import ITEMS
from certguard.orgs.models import Organisation, Region

_CHUNK = 500  # stays below SQLite's bound-parameter limit
ITEM_FAMILY = {item.code: item.family for item in ITEMS}


@dataclass
class ClueHints:
    """What the detector's own inputs say: cert_no -> (issuer_code, family) and
    employer_code -> (region_code, sector)."""

    certs: dict[str, tuple[str, str]] = field(default_factory=dict)
    employers: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class Placement:
    region_id: str | None
    family: str
    employer_sector: str


class Placer:
    def __init__(self, *, codes: Iterable[str], hints: ClueHints | None = None) -> None:
        self.hints = hints or ClueHints()
        self.regions = set(Region.objects.values_list("code", flat=True))
        self.orgs = _organisations(set(filter(None, codes)))

    def _region(self, code: str | None) -> str | None:
        return code if code and code in self.regions else None

    def place(self, row: dict) -> Placement:
        employer = row.get("employer_code") or ""
        org_region, sector = self.orgs.get(employer, (None, ""))
        hint_region, hint_sector = self.hints.employers.get(employer, ("", ""))
        issuer_code, cert_family = self.hints.certs.get(row.get("cert_no") or "", ("", ""))
        candidates = (org_region, self._region(hint_region),
                      self.orgs.get(row.get("institution_code") or "", (None, ""))[0],
                      self.orgs.get(row.get("exam_center_code") or "", (None, ""))[0],
                      self._region(issuer_code.split("-")[0]))
        region = next((c for c in candidates if c), None)
        return Placement(region, cert_family or _item_family(row.get("evidence") or {}),
                         sector or hint_sector or "")


def _item_family(evidence: dict) -> str:
    item = evidence.get("item_code") or evidence.get("required_item_code")
    return ITEM_FAMILY.get(str(item), "") if item else ""


def _organisations(codes: set[str]) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    ordered = sorted(codes)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start:start + _CHUNK]
        for code, region, sector in Organisation.objects.filter(credit_code__in=chunk) \
                .values_list("credit_code", "region_id", "sector"):
            found[str(code)] = (region, sector)
    return found
