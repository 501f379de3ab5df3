"""Where a report goes: the department type answering for its subject (by certificate family
or the employer's sector), at the place it happened — the county's department, else the
city's, else the province's ("谁主管、谁负责"; 安全生产法 Art. 73)."""

from __future__ import annotations

from certguard.tips.reference import FAMILY_DEPARTMENT, SECTOR_DEPARTMENT


def department_for(*, subject_kind: str, family: str, sector: str) -> str:
    if subject_kind == "fake_site":
        return "wx"  # look-alike query sites: the 网信 office finds and hands them over
    if subject_kind == "seller":
        return "scjg"  # certificate-selling ads and sellers: market regulation (DOMAIN §6)
    if family in FAMILY_DEPARTMENT:
        return FAMILY_DEPARTMENT[family]
    return SECTOR_DEPARTMENT.get(sector, "yj")
