from __future__ import annotations

from django import forms
from django.conf import settings
from django.shortcuts import render

from certguard.core.errors import AppError
from certguard.core.middleware import client_ip
from certguard.core.policy import requires
from certguard.core.ratelimit import RateLimited
from certguard.registry.limits import verify_limit
from certguard.registry.verification import VerifyQuery, verify_certificate


class VerifyForm(forms.Form):
    KEY_CHOICES = [("id_no", "身份证号"), ("cert_no", "证书编号")]
    key_type = forms.ChoiceField(label="查询方式", choices=KEY_CHOICES, initial="id_no",
                                 widget=forms.RadioSelect)
    key = forms.CharField(label="身份证号 / 证书编号", max_length=40)
    name = forms.CharField(label="持证人姓名", max_length=50)


@requires("public.verify")
def verify_page(request):
    """The public verification page: phone-friendly, rate-limited, every query audited."""
    form = VerifyForm(request.POST or None)
    context = {"form": form, "answer": None}
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        query = VerifyQuery(name=data["name"], **{data["key_type"]: data["key"]})
        try:
            verify_limit(user=request.user, ip=client_ip(request),
                         per_minute=settings.VERIFY_RATE_PUBLIC)
            context["answer"] = verify_certificate(query=query, user=request.user, channel="web")
        except RateLimited as exc:
            context["error"], status = exc.message, 429
        except AppError as exc:
            context["error"], status = exc.message, 400
    return render(request, "registry/verify.html", context, status=status)
