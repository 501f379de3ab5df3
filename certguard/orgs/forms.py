from django import forms
from django.contrib.auth.forms import AuthenticationForm

from certguard.orgs.reference import ORG_KINDS, SECTORS


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。连续失败5次，账户将被锁定30分钟。",
        "inactive": "该账户已停用",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].error_messages["required"] = "请输入用户名"
        self.fields["password"].error_messages["required"] = "请输入密码"


class TokenForm(forms.Form):
    token = forms.CharField(label="动态口令", max_length=6, min_length=6,
                            widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                          "autocomplete": "one-time-code"}))


class SecondFactorForm(forms.Form):
    """The verification step: the authenticator's six digits or a one-time recovery code."""

    token = forms.CharField(label="动态口令或恢复码", max_length=20, min_length=6,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}))


class ResetCodeForm(forms.Form):
    reset_code = forms.CharField(label="重置码", max_length=20, min_length=12)


class OrganisationForm(forms.Form):
    kind = forms.ChoiceField(label="单位类型", choices=[(k, v) for k, v in ORG_KINDS.items()
                                                        if k != "department"])
    name = forms.CharField(label="单位名称", max_length=200)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=30)
    region_code = forms.CharField(label="所在县（区）行政区划代码", max_length=6)
    sector = forms.ChoiceField(label="行业", choices=[("", "—")] + list(SECTORS.items()),
                               required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)
