"""Forms of the issuer screens. They only shape input; the rules live in the services, whose
AppError messages the views put back on the form."""

from __future__ import annotations

from datetime import date

from django import forms

from certguard.catalog.models import Family, Item
from certguard.registry import lifecycle


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _date(label: str) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput())


def item_choices(*, families: frozenset[str] | None, on: date) -> list:
    """Items in force, grouped by family (``families`` None = every family)."""
    fams = Family.objects.order_by("key")
    if families is not None:
        fams = fams.filter(key__in=families)
    groups = []
    for fam in fams:
        items = (Item.objects.effective_on(on).filter(family=fam).order_by("code", "-version")
                 .values_list("code", "name"))
        seen: dict[str, str] = {}
        for code, name in items:
            seen.setdefault(code, name)
        groups.append((fam.name, [(f"{fam.key}:{c}", f"{c} {n}") for c, n in seen.items()]))
    return groups


class IssueForm(forms.Form):
    name = forms.CharField(label="持证人姓名", max_length=50)
    id_no = forms.CharField(label="身份证号", max_length=30)
    item = forms.ChoiceField(label="操作项目")
    first_issued = _date("发证日期")
    cert_no = forms.CharField(label="证书编号", max_length=40, required=False,
                              help_text="特种作业操作证编号为“T+身份证号”，自动生成，无需填写")

    def __init__(self, *args, item_choices: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "请选择")] + item_choices

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        family, _, code = data["item"].partition(":")
        return {"name": data["name"], "id_no": data["id_no"], "family": family,
                "item_code": code, "first_issued": data["first_issued"],
                "cert_no": data["cert_no"]}


class ActionForm(forms.Form):
    """Every action has a date; subclasses add their reasons."""

    on = _date("办理日期")

    def service_kwargs(self) -> dict:
        return {"on": self.cleaned_data["on"]}


class ReviewForm(ActionForm):
    passed = forms.TypedChoiceField(label="复审结论", widget=forms.RadioSelect,
                                    choices=[("1", "合格"), ("0", "不合格")],
                                    coerce=lambda v: v == "1")
    reasons = forms.MultipleChoiceField(
        label="不合格原因（《特种作业人员安全技术培训考核管理规定》第二十五条）", required=False,
        choices=lifecycle.REVIEW_FAIL_REASONS.items(), widget=forms.CheckboxSelectMultiple)
    extended_cycle = forms.BooleanField(label="申请延长复审周期（第二十一条）", required=False)
    continuous_years = forms.IntegerField(label="连续从事本工种年数", required=False,
                                          min_value=0, max_value=60)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {**super().service_kwargs(), "passed": data["passed"],
                "reasons": data["reasons"], "extended_cycle": data["extended_cycle"],
                "continuous_years": data["continuous_years"] or 0}


class ExtendForm(ActionForm):
    pass


def _reason_form(name: str, label: str, reasons: dict[str, str]) -> type[ActionForm]:
    field = forms.ChoiceField(label=label, choices=[("", "请选择")] + list(reasons.items()))

    def service_kwargs(self) -> dict:
        return {**ActionForm.service_kwargs(self), "reason": self.cleaned_data["reason"]}

    return type(name, (ActionForm,), {"reason": field, "service_kwargs": service_kwargs})


RevokeForm = _reason_form("RevokeForm", "撤销原因（第三十条）", lifecycle.REVOKE_REASONS)
CancelForm = _reason_form("CancelForm", "注销原因（第三十一条）", lifecycle.CANCEL_REASONS)
SuspendForm = _reason_form("SuspendForm", "暂扣原因", lifecycle.SUSPEND_REASONS)
ReinstateForm = _reason_form("ReinstateForm", "恢复理由", lifecycle.REINSTATE_REASONS)
