from django.contrib import admin

from certguard.clues.models import Clue, ClueEvent


@admin.register(Clue)
class ClueAdmin(admin.ModelAdmin):
    list_display = ("id", "rule", "severity", "status", "cert_no", "region", "created_at")
    list_filter = ("rule", "severity", "status", "source_kind")
    search_fields = ("cert_no", "id_no", "employer_code")
    raw_id_fields = ("region", "organisation", "assignee", "decided_by")


@admin.register(ClueEvent)
class ClueEventAdmin(admin.ModelAdmin):
    list_display = ("clue", "kind", "actor", "at")
    raw_id_fields = ("clue", "actor", "assignee")
