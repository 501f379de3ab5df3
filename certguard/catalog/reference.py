"""Reference data for the certificate catalogue (DOMAIN.md §1), as plain Python.

Pure data, no Django: the lead loads it into the catalog app's versioned tables, and the
synthetic-data generator and the screening CLI read it directly. The screening rules never
import it (they are the lowest layer): callers pass catalogue minimums in as a parameter.

Values marked ``confirmed=False`` are taken from secondary sources or are placeholders; an
administrator corrects them in the database tables, not here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Family:
    key: str
    name: str
    issuer: str
    validity_years: int
    review_years: int | None  # None = no periodic review (复审) inside the validity period
    source: str  # registry key used in the exchange format's `source` column
    cert_prefix: str  # how synthetic certificate numbers of this family start


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    family: str
    name: str


@dataclass(frozen=True, slots=True)
class Item:
    code: str
    family: str
    category: str
    name: str
    min_training_hours: float | None  # None = no minimum known: rule R12 is off for the item
    confirmed: bool = True  # False: numbering or hours not confirmed from the primary source


FAMILIES: tuple[Family, ...] = (
    Family("special_ops", "特种作业操作证", "应急管理部门", 6, 3, "mem", "T"),
    Family("construction", "建筑施工特种作业操作资格证书", "住房和城乡建设部门", 2, None,
           "mohurd", ""),
    # Review 1 or 3 months before expiry: sources conflict (DOMAIN.md §1).
    Family("special_equipment", "特种设备安全管理和作业人员证", "市场监督管理部门", 4, None,
           "samr", "TS"),
    Family("safety_manager", "安全生产知识和管理能力考核合格证", "应急管理部门", 3, None,
           "mem", "AQ"),
)

CATEGORIES: tuple[Category, ...] = (
    Category("1", "special_ops", "电工作业"),
    Category("2", "special_ops", "焊接与热切割作业"),
    Category("3", "special_ops", "高处作业"),
    Category("4", "special_ops", "制冷与空调作业"),
    Category("5", "special_ops", "煤矿安全作业"),
    Category("6", "special_ops", "金属非金属矿山安全作业"),
    Category("7", "special_ops", "石油天然气安全作业"),
    Category("8", "special_ops", "冶金（有色）生产安全作业"),
    Category("9", "special_ops", "危险化学品安全作业"),
    Category("10", "special_ops", "烟花爆竹安全作业"),
    Category("JZ", "construction", "建筑施工特种作业"),
    Category("TSG", "special_equipment", "特种设备安全管理和作业人员"),
    Category("AQ", "safety_manager", "安全生产知识和管理能力考核"),
)


def _ops(code: str, name: str, hours: float | None, confirmed: bool = True) -> Item:
    return Item(code, "special_ops", code.split(".")[0], name, hours, confirmed)


# Training hours: the 2011 national training outlines (安全技术培训大纲) give theory plus
# practical totals per item; the figures below were not checked against each outline.
_SPECIAL_OPS: tuple[Item, ...] = (
    _ops("1.1", "高压电工作业", 80, False),
    _ops("1.2", "低压电工作业", 80, False),
    _ops("1.3", "防爆电气作业", 80, False),
    _ops("2.1", "熔化焊接与热切割作业", 88, False),
    _ops("2.2", "压力焊作业", 72, False),
    _ops("2.3", "钎焊作业", 72, False),
    _ops("3.1", "登高架设作业", 72, False),
    _ops("3.2", "高处安装、维护、拆除作业", 72, False),
    _ops("4.1", "制冷与空调设备运行操作作业", 72, False),
    _ops("4.2", "制冷与空调设备安装修理作业", 72, False),
    # Categories 5, 6, 9 and 10: the item numbering is unconfirmed (DOMAIN.md §1.1).
    _ops("5.1", "煤矿井下电气作业", 100, False),
    _ops("5.2", "煤矿井下爆破作业", 100, False),
    _ops("5.3", "煤矿安全监测监控作业", 100, False),
    _ops("5.4", "煤矿瓦斯检查作业", 100, False),
    _ops("5.5", "煤矿安全检查作业", 100, False),
    _ops("5.6", "煤矿提升机操作作业", 100, False),
    _ops("5.7", "煤矿采煤机（掘进机）操作作业", 100, False),
    _ops("5.8", "煤矿瓦斯抽采作业", 100, False),
    _ops("5.9", "煤矿防突作业", 100, False),
    _ops("5.10", "煤矿探放水作业", 100, False),
    _ops("6.1", "金属非金属矿井下电气作业", 80, False),
    _ops("6.2", "金属非金属矿井通风作业", 80, False),
    _ops("6.3", "金属非金属矿山排水作业", 80, False),
    _ops("6.4", "金属非金属矿山安全检查作业", 80, False),
    _ops("6.5", "金属非金属矿山提升机操作作业", 80, False),
    _ops("6.6", "金属非金属矿山支柱作业", 80, False),
    _ops("6.7", "金属非金属矿山爆破作业", 80, False),
    _ops("6.8", "尾矿作业", 80, False),
    _ops("7.1", "司钻作业", 80, False),
    _ops("8.1", "煤气作业", 80, False),
    _ops("9.1", "光气及光气化工艺作业", 80, False),
    _ops("9.2", "氯碱电解工艺作业", 80, False),
    _ops("9.3", "氯化工艺作业", 80, False),
    _ops("9.4", "硝化工艺作业", 80, False),
    _ops("9.5", "合成氨工艺作业", 80, False),
    _ops("9.6", "裂解（裂化）工艺作业", 80, False),
    _ops("9.7", "氟化工艺作业", 80, False),
    _ops("9.8", "加氢工艺作业", 80, False),
    _ops("9.9", "重氮化工艺作业", 80, False),
    _ops("9.10", "氧化工艺作业", 80, False),
    _ops("9.11", "过氧化工艺作业", 80, False),
    _ops("9.12", "胺基化工艺作业", 80, False),
    _ops("9.13", "磺化工艺作业", 80, False),
    _ops("9.14", "聚合工艺作业", 80, False),
    _ops("9.15", "烷基化工艺作业", 80, False),
    _ops("9.16", "化工自动化控制仪表作业", 80, False),
    _ops("10.1", "烟火药制造作业", 72, False),
    _ops("10.2", "黑火药制造作业", 72, False),
    _ops("10.3", "引火线制造作业", 72, False),
    _ops("10.4", "烟花爆竹产品涉药作业", 72, False),
    _ops("10.5", "烟花爆竹储存作业", 72, False),
)


def _jz(code: str, name: str) -> Item:
    # Trade codes from the legacy provincial numbering (建质〔2008〕75号); hours unconfirmed.
    return Item(code, "construction", "JZ", name, None, False)


_CONSTRUCTION: tuple[Item, ...] = (
    _jz("01", "建筑电工"),
    _jz("02", "建筑架子工（普通脚手架）"),
    _jz("03", "建筑架子工（附着升降脚手架）"),
    _jz("04", "建筑起重信号司索工"),
    _jz("05", "建筑起重机械司机（塔式起重机）"),
    _jz("06", "建筑起重机械司机（施工升降机）"),
    _jz("07", "建筑起重机械司机（物料提升机）"),
    _jz("08", "建筑起重机械安装拆卸工（塔式起重机）"),
    _jz("09", "建筑起重机械安装拆卸工（施工升降机）"),
    _jz("10", "建筑起重机械安装拆卸工（物料提升机）"),
    _jz("11", "高处作业吊篮安装拆卸工"),
)


def _tsg(code: str, name: str) -> Item:
    # TSG Z6001-2019 item codes; the 2022 revision's details are unconfirmed.
    return Item(code, "special_equipment", "TSG", name, None, False)


_SPECIAL_EQUIPMENT: tuple[Item, ...] = (
    _tsg("A", "特种设备安全管理"),
    _tsg("G1", "工业锅炉司炉"),
    _tsg("G2", "电站锅炉司炉"),
    _tsg("G3", "锅炉水处理"),
    _tsg("R1", "快开门式压力容器操作"),
    _tsg("R2", "移动式压力容器充装"),
    _tsg("R3", "氧舱维护保养"),
    _tsg("P", "气瓶充装"),
    _tsg("T", "电梯修理"),
    _tsg("Q1", "起重机指挥"),
    _tsg("Q2", "起重机司机"),
    _tsg("S1", "客运索道修理"),
    _tsg("S2", "客运索道司机"),
    _tsg("Y1", "大型游乐设施修理"),
    _tsg("Y2", "大型游乐设施操作"),
    _tsg("N1", "叉车司机"),
    _tsg("N2", "观光车和观光列车司机"),
    _tsg("F", "安全阀校验"),
)

_SAFETY_MANAGER: tuple[Item, ...] = (
    # Item codes are this platform's own (no national code found); hours: initial training
    # for principals and safety managers is at least 32 / 48 hours in high-risk sectors.
    Item("M1", "safety_manager", "AQ", "主要负责人", 32, False),
    Item("M2", "safety_manager", "AQ", "安全生产管理人员", 48, False),
)

ITEMS: tuple[Item, ...] = _SPECIAL_OPS + _CONSTRUCTION + _SPECIAL_EQUIPMENT + _SAFETY_MANAGER


def family(key: str) -> Family:
    return {f.key: f for f in FAMILIES}[key]


def items_of(family_key: str) -> tuple[Item, ...]:
    return tuple(item for item in ITEMS if item.family == family_key)


def min_training_hours() -> dict[str, float]:
    """Item code -> minimum training hours, for items that have a minimum (R12's default)."""
    return {item.code: item.min_training_hours for item in ITEMS
            if item.min_training_hours is not None}
