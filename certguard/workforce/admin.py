from django.contrib import admin

from certguard.workforce.models import LedgerChange, LedgerEntry


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ("worker_name", "post", "cert_no", "employer", "active")
    list_filter = ("active",)
    search_fields = ("worker_name", "worker_id_no", "cert_no")
    raw_id_fields = ("employer",)


@admin.register(LedgerChange)
class LedgerChangeAdmin(admin.ModelAdmin):
    list_display = ("entry", "kind", "at", "by")
    raw_id_fields = ("entry", "employer", "by")
