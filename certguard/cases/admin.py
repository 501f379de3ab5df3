"""Reference data of the cases app in the admin: listing conditions per jurisdiction (a new
rule is a new version; the system administrator adds it, audited like every change)."""

from django.contrib import admin

from certguard.cases.models import ListingCondition


@admin.register(ListingCondition)
class ListingConditionAdmin(admin.ModelAdmin):
    list_display = ["jurisdiction", "code", "version", "title", "subject", "effective_from",
                    "effective_to", "source"]
    list_filter = ["jurisdiction", "subject"]
