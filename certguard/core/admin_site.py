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


# Third-party apps and models in the admin, by their Chinese names (our own models carry
# Chinese verbose names; these come from libraries and are shown here only).
APP_NAMES = {
    "django_tasks": "后台任务", "django_tasks_database": "后台任务队列", "axes": "登录失败锁定",
    "django_otp": "动态口令", "otp_totp": "动态口令设备", "otp_static": "备用口令",
    "authtoken": "接口令牌", "auth": "用户组与权限", "rest_framework": "接口",
}
MODEL_NAMES = {
    "django_tasks_database.dbtaskresult": "任务执行记录", "axes.accessattempt": "登录失败记录",
    "axes.accesslog": "登录记录", "axes.accessfailurelog": "登录失败明细",
    "otp_totp.totpdevice": "动态口令设备", "otp_static.staticdevice": "备用口令设备",
    "authtoken.tokenproxy": "接口令牌", "authtoken.token": "接口令牌", "auth.group": "用户组",
}
FIELD_NAMES = {
    "user": "用户", "name": "名称", "confirmed": "已确认", "key": "密钥", "step": "时间步长（秒）",
    "t0": "起始时间", "digits": "位数", "tolerance": "容差", "drift": "时钟偏移",
    "last_t": "最近使用的时间步", "created_at": "创建时间", "last_used_at": "最近使用时间",
    "throttling_failure_timestamp": "最近失败时间", "throttling_failure_count": "连续失败次数",
    "user_agent": "浏览器标识", "ip_address": "IP 地址", "http_accept": "HTTP Accept",
    "path_info": "访问路径", "attempt_time": "时间", "get_data": "GET 参数",
    "post_data": "POST 参数", "failures_since_start": "失败次数", "logout_time": "退出时间",
    "session_hash": "会话摘要", "locked_out": "已锁定", "username": "用户名",
    "status": "状态", "enqueued_at": "入队时间", "started_at": "开始时间",
    "finished_at": "结束时间", "args_kwargs": "参数", "priority": "优先级",
    "task_path": "任务", "worker_ids": "执行进程", "queue_name": "队列",
    "backend_name": "后端", "run_after": "最早执行时间", "return_value": "返回值",
    "exception_class_path": "异常类型", "traceback": "出错信息", "family": "证书类别",
    "category": "类别", "permissions": "权限",
}


def _labelled(admin_class: type) -> type:
    """The admin of a third-party model with Chinese labels on its forms and columns."""

    class Labelled(admin_class):
        def get_form(self, request, obj=None, change=False, **kwargs):
            form = super().get_form(request, obj, change, **kwargs)
            for name, field in form.base_fields.items():
                if name in FIELD_NAMES:
                    field.label = FIELD_NAMES[name]
            return form

    Labelled.__name__ = Labelled.__qualname__ = f"Labelled{admin_class.__name__}"
    Labelled.__module__ = admin_class.__module__
    return Labelled


class AuditedAdminSite(admin.AdminSite):
    site_header = site_title = "证书防伪平台管理后台"
    index_title = "站点管理"

    def get_app_list(self, request, app_label=None):
        """Apps and models by their Chinese names, third-party ones included."""
        apps = super().get_app_list(request, app_label)
        for app in apps:
            app["name"] = APP_NAMES.get(app["app_label"], app["name"])
            for model in app["models"]:
                label = f"{app['app_label']}.{model['object_name'].lower()}"
                model["name"] = MODEL_NAMES.get(label, model["name"])
        return apps

    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        models: list[type[Model]] = ([model_or_iterable]  # type: ignore[list-item]
                                     if isinstance(model_or_iterable, ModelBase)
                                     else list(model_or_iterable))
        for model in models:
            chosen = admin_class or admin.ModelAdmin
            if not model.__module__.startswith("certguard."):
                chosen = _labelled(chosen)
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
