"""Reference lists of the orgs app: roles, department types and their remit, sectors.

Remit is configuration, not law: which certificate families and enterprise sectors each kind
of department oversees. Change it here (one place) when a province assigns duties differently.
"""

from certguard.core.rights import ROLES  # noqa: F401  (the one table of roles)

ORG_KINDS = {
    "department": "政府部门",
    "enterprise": "生产经营单位",
    "institution": "培训机构",
    "exam_centre": "考试机构",
}

SECTORS = {
    "non_coal_mine": "非煤矿山",
    "metallurgy": "冶金工贸",
    "hazardous_chemicals": "危险化学品",
    "coal_mine": "煤矿",
    "construction": "建筑施工",
    "fireworks": "烟花爆竹",
    "other": "其他",
}

ALL_SECTORS = frozenset(SECTORS)

# key: (name, certificate families in remit, enterprise sectors in remit)
DEPARTMENTS: dict[str, tuple[str, frozenset[str], frozenset[str]]] = {
    "yj": ("应急管理", frozenset({"special_ops", "safety_manager"}),
           frozenset({"non_coal_mine", "metallurgy", "hazardous_chemicals", "coal_mine",
                      "fireworks", "other"})),
    "zj": ("住房城乡建设", frozenset({"construction"}), frozenset({"construction"})),
    "scjg": ("市场监管", frozenset({"special_equipment"}), ALL_SECTORS),
    "ksjc": ("矿山安全监察", frozenset({"special_ops", "safety_manager"}),
             frozenset({"coal_mine", "non_coal_mine"})),
    "ga": ("公安", frozenset(), frozenset()),
    "wx": ("网信", frozenset(), frozenset()),
    "jcy": ("检察院", frozenset(), frozenset()),
    "fy": ("法院", frozenset(), frozenset()),
}

LEVELS = {"province": "省级", "city": "市级", "county": "县级"}


def region_level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def region_prefix(code: str) -> str:
    """Every code inside the region's subtree starts with this prefix."""
    return {"province": code[:2], "city": code[:4], "county": code}[region_level(code)]
