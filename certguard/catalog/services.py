"""Reads and loads of the catalogue (it is reference data: services and selectors in one)."""

from __future__ import annotations

from datetime import date

from certguard.catalog import reference
from certguard.catalog.lifecycle_defaults import LIFECYCLE
from certguard.catalog.models import Category, Family, Item
from certguard.core.errors import AppError
from certguard.core.memo import ttl_cached
from certguard.core.scoping import UserLike


def catalog_load() -> int:
    """Load the reference catalogue where it is missing; returns how many items were added."""
    for fam in reference.FAMILIES:
        defaults: dict[str, object] = {"name": fam.name, "issuer": fam.issuer,
                                       "source": fam.source}
        defaults.update(LIFECYCLE[fam.key])
        Family.objects.get_or_create(key=fam.key, defaults=defaults)
    for cat in reference.CATEGORIES:
        Category.objects.get_or_create(family_id=cat.family, code=cat.code,
                                       defaults={"name": cat.name})
    categories = {(c.family_id, c.code): c for c in Category.objects.all()}
    existing = set(Item.objects.values_list("family_id", "code"))
    new = [Item(family_id=i.family, category=categories[(i.family, i.category)], code=i.code,
                name=i.name, min_training_hours=i.min_training_hours, confirmed=i.confirmed)
           for i in reference.ITEMS if (i.family, i.code) not in existing]
    Item.objects.bulk_create(new)
    return len(new)


def family_get(*, key: str) -> Family:
    family = Family.objects.filter(pk=key).first()
    if family is None:
        names = "、".join(Family.objects.values_list("key", flat=True))
        raise AppError("family_unknown", f"未知的证书类别：{key}（可选：{names}）",
                       fields={"family": ["未知的证书类别"]})
    return family


def item_get(*, family: str, code: str, on: date) -> Item:
    """The version of an item in force on a date."""
    item = (Item.objects.effective_on(on).filter(family_id=family, code=str(code).strip())
            .select_related("family", "category").order_by("-version").first())
    if item is None:
        raise AppError("item_unknown", f"证书类别 {family} 中没有操作项目 {code}"
                       f"（或该项目在 {on:%Y-%m-%d} 不适用）",
                       fields={"item_code": ["未知的操作项目"]})
    return item


@ttl_cached(60)
def item_names() -> dict[tuple[str, str], str]:
    """(family, code) -> current name. Read on every verification, changed a few times a
    year: kept in memory for a minute."""
    return {(f, c): n for f, c, n in
            Item.objects.order_by("version").values_list("family_id", "code", "name")}


@ttl_cached(60)
def family_names() -> dict[str, str]:
    return dict(Family.objects.values_list("key", "name"))


def min_training_hours() -> dict[str, float]:
    """Item code -> minimum hours, the screening rule R12's default."""
    return {code: float(hours or 0) for code, hours in Item.objects.exclude(
        min_training_hours=None).order_by("version").values_list("code", "min_training_hours")}


# --- Official certificate query hosts -------------------------------------------------------

def _default_official_hosts() -> dict:
    import json
    from importlib import resources

    text = resources.files("certguard.catalog.data").joinpath("official_hosts.json").read_text(
        encoding="utf-8")
    return json.loads(text)


def official_hosts_current() -> tuple[int, list[dict]]:
    """(version, entries) of the allow-list in force: the latest published version, else the
    package default as version 0. Read by the public URL check and by network governance."""
    from certguard.catalog.models import OfficialHostVersion

    latest = OfficialHostVersion.objects.order_by("-version").values_list(
        "version", "entries").first()
    if latest is not None:
        return latest[0], list(latest[1])
    return 0, list(_default_official_hosts()["hosts"])


def official_active_hosts() -> tuple[str, ...]:
    """The hosts a genuine query may be made on (retired hosts are watched, not trusted)."""
    _, entries = official_hosts_current()
    return tuple(e["host"] for e in entries if e.get("status", "active") == "active")


def official_hosts_versions(*, limit: int = 50) -> list:
    from certguard.catalog.models import OfficialHostVersion

    return list(OfficialHostVersion.objects.order_by("-version")[:limit])


def official_hosts_publish(*, by: UserLike, entries: list[dict], note: str) -> int:
    """Publish a new version of the allow-list (entries already validated by the caller's
    engine: netwatch.officials); returns its number. Administrators only."""
    from django.db import transaction

    from certguard.catalog.models import OfficialHostVersion
    from certguard.core.policy import require

    actor = require(by, "netwatch.officials")
    note = (note or "").strip()
    if not note:
        raise AppError("note_required", "请填写修订说明（改了什么、依据是什么）",
                       fields={"note": ["请填写修订说明"]})
    if not entries:
        raise AppError("officials_invalid", "官方网址清单不能为空")
    with transaction.atomic():
        current = OfficialHostVersion.objects.select_for_update().order_by("-version").first()
        version = (current.version if current else 0) + 1
        OfficialHostVersion.objects.create(version=version, entries=entries, note=note[:300],
                                           published_by=actor.username)
    return version


# --- enforcement: penalty articles and discretion tiers --------------------------------------

def penalty_catalog_load() -> int:
    """Load DOMAIN.md §3's penalty articles and tiers where missing; returns rows added."""
    from certguard.catalog import penalty_data
    from certguard.catalog.models import DiscretionTier, PenaltyArticle

    return penalty_data.load(PenaltyArticle, DiscretionTier)


def penalty_article_get(*, code: str, on: date):
    """The version of a penalty article in force on a date, with its tiers."""
    from certguard.catalog.models import PenaltyArticle

    article = (PenaltyArticle.objects.effective_on(on).filter(code=code)
               .prefetch_related("tiers").order_by("-version").first())
    if article is None:
        raise AppError("article_unknown", f"处罚条款 {code[:40]} 不存在或在 {on:%Y-%m-%d} 不适用",
                       fields={"article": ["未知的处罚条款"]})
    return article


def penalty_articles(*, on: date) -> list:
    """Every penalty article in force on a date (newest version of each), with tiers."""
    from certguard.catalog.models import PenaltyArticle

    newest: dict[str, object] = {}
    for article in (PenaltyArticle.objects.effective_on(on).prefetch_related("tiers")
                    .order_by("code", "-version")):
        newest.setdefault(article.code, article)
    return list(newest.values())
