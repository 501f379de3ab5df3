"""Clues placed around the cast: county A and B (应急 remit), construction in county A."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.conftest import COUNTY_A, COUNTY_B


@dataclass
class Clues:
    county_a: object  # special_ops, county A, employer X
    county_b: object  # special_ops, county B, employer Y
    construction_a: object  # construction, county A
    sector_a: object  # no family; coal-mine employer in county A (应急 by sector)
    unplaced: object  # no region: only the organisation that produced it (and admins)


def make_clue(**values):
    from certguard.clues.models import Clue

    defaults = {"source_kind": "screening", "source_id": 1, "rule": "R04", "severity": "high",
                "severity_rank": 1, "subject": "worker", "cert_no": "T1", "id_no": "",
                "name": "张三", "detail": "证书的持证人姓名与申报姓名不符",
                "evidence": {"declared_name": "张三", "registry_name": "张山"}}
    return Clue.objects.create(**{**defaults, **values})


@pytest.fixture
def clues(cast) -> Clues:
    return Clues(
        county_a=make_clue(region_id=COUNTY_A, family="special_ops", cert_no="TA1",
                           employer_code=cast.enterprise_x.credit_code, name="县甲"),
        county_b=make_clue(region_id=COUNTY_B, family="special_ops", cert_no="TB1",
                           employer_code=cast.enterprise_y.credit_code, name="县乙"),
        construction_a=make_clue(region_id=COUNTY_A, family="construction", cert_no="TC1",
                                 rule="R07", severity="medium", severity_rank=2, name="建甲"),
        sector_a=make_clue(region_id=COUNTY_A, family="", employer_sector="coal_mine",
                           rule="R02", cert_no="", name="行甲", evidence={"reason": "id_length"}),
        unplaced=make_clue(region_id=None, family="special_ops", cert_no="TU1", name="无地",
                           organisation=cast.department_a),
    )
