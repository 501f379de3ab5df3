from django.contrib import admin

from certguard.screening.models import ScreeningRun


@admin.register(ScreeningRun)
class ScreeningRunAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "as_of", "source", "status", "clue_count", "created_at")
    list_filter = ("status", "source")
    raw_id_fields = ("owner", "organisation", "job")
