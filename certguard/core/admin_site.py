"""The admin site: every action in it is audited, and log-like rows are view-only.

Django's own ``LogEntry`` records admin changes in an ordinary table that the administrator
can empty; here each admin request also goes to the tamper-evident audit log (a page viewed
as a personal-data read with the ids shown, a form or action posted as an admin entry), and
the models in ``audit_models.LOG_MODELS`` can be read but never added, changed or deleted
(GB/T 22239-2019 8.1.4.3 c, 8.1.4.2 separation of the administrator from the logs).
"""

from __future__ import annotations

from functools import update_wrapper

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.db.models.base import ModelBase
from django.http import HttpResponseForbidden

from certguard.core.audit import audit_read, audit_record
from certguard.core.audit_models import LOG_MODELS

# Form fields whose values never enter the log (the field's name does).
_UNLOGGED = {"csrfmiddlewaretoken", "password", "password1", "password2", "key", "token"}


class ReadOnlyLogAdmin:
    """First base of the admin of a log-like model: it can be read, nothing else. The one
    policy (``admin_policy``) still decides who may read it, never who may change it."""

    _policy_keeps_has_add_permission = True
    _policy_keeps_has_change_permission = True
    _policy_keeps_has_delete_permission = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _read_only(admin_class: type) -> type:
    if issubclass(admin_class, ReadOnlyLogAdmin):
        return admin_class
    return type(f"ReadOnly{admin_class.__name__}", (ReadOnlyLogAdmin, admin_class),
                {"__module__": admin_class.__module__})


def _shown_ids(response) -> list[str]:
    """The rows a change list page shows (already fetched for the page: no extra query)."""
    changelist = (getattr(response, "context_data", None) or {}).get("cl")
    if changelist is None:
        return []
    return [str(obj.pk) for obj in changelist.result_list]


def _audit_admin_request(request, response, *, model, view_name: str, kwargs: dict) -> None:
    label = model._meta.label_lower if model else "admin"
    object_id = str(kwargs.get("object_id", ""))
    if request.method == "POST":
        posted = sorted(k for k in request.POST if k not in _UNLOGGED)
        audit_record(action="admin", object_type=label, object_id=object_id,
                     summary=f"管理后台 {view_name} {request.path}"[:300],
                     data={"path": request.path, "view": view_name,
                           "status": response.status_code, "fields": posted,
                           "admin_action": request.POST.get("action", ""),
                           "selected": request.POST.getlist("_selected_action")[:1000]},
                     user=request.user)
    elif model is not None:
        ids = [object_id] if object_id else _shown_ids(response)
        fields = [f.name for f in model._meta.concrete_fields]
        summary = f"管理后台查看 {model._meta.verbose_name} {request.get_full_path()}"
        audit_read(object_type=label, object_ids=ids, fields=fields, summary=summary[:300],
                   user=request.user)


class AuditedAdminSite(admin.AdminSite):
    site_header = site_title = "证书防伪平台管理后台"

    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        models: list[type[Model]] = ([model_or_iterable]  # type: ignore[list-item]
                                     if isinstance(model_or_iterable, ModelBase)
                                     else list(model_or_iterable))
        for model in models:
            chosen = admin_class or admin.ModelAdmin
            if model._meta.label_lower in LOG_MODELS:
                chosen = _read_only(chosen)
            super().register(model, chosen, **options)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)
        model = getattr(getattr(view, "__self__", None), "model", None)
        view_name = getattr(view, "__name__", "view")

        def audited(request, *args, **kwargs):
            try:
                response = inner(request, *args, **kwargs)
            except PermissionDenied:  # a refused attempt is on record too
                if self.has_permission(request):
                    _audit_admin_request(request, HttpResponseForbidden(), model=model,
                                         view_name=view_name, kwargs=kwargs)
                raise
            if self.has_permission(request):
                _audit_admin_request(request, response, model=model, view_name=view_name,
                                     kwargs=kwargs)
            return response

        return update_wrapper(audited, inner)
