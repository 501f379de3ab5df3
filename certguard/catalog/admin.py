from django.contrib import admin

from certguard.catalog.models import Category, Family, Item


@admin.register(Family)
class FamilyAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "validity_months", "review_cycle_months", "confirmed"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["family", "code", "name"]
    list_filter = ["family"]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["family", "code", "name", "version", "effective_from", "effective_to",
                    "min_training_hours", "confirmed"]
    list_filter = ["family", "confirmed"]
    search_fields = ["code", "name"]


# --- enforcement: penalty articles and discretion tiers ---
from certguard.catalog.models import DiscretionTier, PenaltyArticle  # noqa: E402


class DiscretionTierInline(admin.TabularInline):
    model = DiscretionTier
    extra = 0


@admin.register(PenaltyArticle)
class PenaltyArticleAdmin(admin.ModelAdmin):
    list_display = ["code", "conduct", "basis", "min_amount", "max_amount", "version",
                    "effective_from", "unconfirmed"]
    list_filter = ["unconfirmed", "party"]
    inlines = [DiscretionTierInline]


@admin.register(DiscretionTier)
class DiscretionTierAdmin(admin.ModelAdmin):
    list_display = ["article", "code", "label", "min_amount", "max_amount", "unconfirmed"]
