"""Enforcement's settings as reference data the system administrator corrects without a
release: each authority's short name and document-number format (the national format is
unconfirmed), and the published yearly cap on inspections per enterprise."""

from django import forms
from django.contrib import admin

from certguard.core.errors import AppError
from certguard.enforcement.models import AuthoritySettings, CapSetting
from certguard.enforcement.numbering import check_format


class AuthoritySettingsForm(forms.ModelForm):
    class Meta:
        model = AuthoritySettings
        fields = ["organisation", "short_name", "number_format"]

    def clean_number_format(self) -> str:
        try:
            return check_format(self.cleaned_data["number_format"])
        except AppError as exc:
            raise forms.ValidationError(exc.message) from None


@admin.register(AuthoritySettings)
class AuthoritySettingsAdmin(admin.ModelAdmin):
    form = AuthoritySettingsForm
    list_display = ["organisation", "short_name", "number_format"]


@admin.register(CapSetting)
class CapSettingAdmin(admin.ModelAdmin):
    list_display = ["region", "yearly_cap", "source", "unconfirmed"]
