from __future__ import annotations

from django import forms


class DecisionForm(forms.Form):
    ACTIONS = [("confirm", "确认为问题线索"), ("dismiss", "排除"), ("reopen", "重新打开"),
               ("note", "添加备注")]

    action = forms.ChoiceField(label="处理", choices=ACTIONS)
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000, required=False)


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label="承办人")
    reason = forms.CharField(label="说明", max_length=2000, required=False)

    def __init__(self, *args, users=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ChoiceField = self.fields["assignee"]  # type: ignore[assignment]
        field.choices = [(u.pk, f"{u}（{u.username}）") for u in users]
