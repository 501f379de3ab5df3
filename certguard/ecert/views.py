"""Thin HTML views: the printable electronic certificate, QR downloads, the public trust and
revocation lists, and the scan page (camera or pasted text → online verification)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from certguard import ids
from certguard.catalog.services import item_names
from certguard.core.audit import audit_read
from certguard.core.errors import AppError
from certguard.core.middleware import client_ip
from certguard.core.policy import requires
from certguard.core.ratelimit import rate_limit
from certguard.ecert import qr, services
from certguard.ecert.result import STEPS
from certguard.registry.models import Certificate
from certguard.registry.services import today

CBOR = "application/cbor"
STEP_LABELS = {"prefix": "前缀", "base45": "Base45 解码", "zlib": "解压", "cose": "签名结构",
               "signature": "签名验证", "expiry": "有效期", "revocation": "吊销列表",
               "registry": "证书库比对"}
STEP_STATES = {"ok": "通过", "failed": "未通过", "skipped": "跳过", "not_reached": "未执行"}


def _certificate(request, pk: int) -> Certificate:
    cert = (Certificate.objects.restrict(request.user, "ecert.print")
            .select_related("holder", "family", "issuer").filter(pk=pk).first())
    if cert is None:
        raise Http404
    return cert


def _payload(request, pk: int) -> tuple[Certificate, str]:
    cert = _certificate(request, pk)
    try:
        return cert, services.certificate_sign(by=request.user, certificate=cert).payload
    except AppError as exc:
        raise Http404(exc.message) from None


@requires("ecert.print")
def certificate_print(request, pk: int):
    """A4 / phone page of one electronic certificate: what the paper shows, and its QR."""
    cert = _certificate(request, pk)
    masked = ids.mask_id_no(cert.holder.id_no)
    # A special-operations number is "T" + the ID number: masked like the ID itself.
    context = {"cert": cert, "id_masked": masked,
               "cert_no_shown": cert.cert_no.replace(cert.holder.id_no, masked),
               "item_name": item_names().get((cert.family_id, cert.item_code), ""),
               "state": cert.status_on(today())}
    try:
        payload = services.certificate_sign(by=request.user, certificate=cert).payload
    except AppError as exc:
        context["error"] = exc.message
    else:
        # segno's SVG is generated from base45 text only: nothing user-supplied to escape.
        context.update(payload=payload, qr_svg=mark_safe(qr.render_svg(payload, scale=3)))  # noqa: S308
    audit_read(object_type="registry.holder", object_ids=[cert.holder_id],
               fields=["name", "id_no"], summary=f"打印电子证书 {cert.pk}", user=request.user)
    return render(request, "ecert/certificate.html", context,
                  status=400 if "error" in context else 200)


@requires("ecert.print")
def qr_png(request, pk: int):
    cert, payload = _payload(request, pk)
    response = HttpResponse(qr.render_png(payload, scale=6), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="ecert-{cert.pk}.png"'
    return response


@requires("ecert.print")
def qr_svg(request, pk: int):
    cert, payload = _payload(request, pk)
    response = HttpResponse(qr.render_svg(payload), content_type="image/svg+xml")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="ecert-{cert.pk}.svg"'
    return response


def _binary(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CBOR)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "public, max-age=300"
    return response


@requires("public.trust_lists")
@require_GET
def trust_list(request):
    return _binary(services.trust_list_build_signed(), "certguard-trust-list.cbor")


@requires("public.trust_lists")
@require_GET
def root_key(request):
    response = HttpResponse(services.root_key_ensure().public_key_pem,
                            content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="certguard-root.pub.pem"'
    return response


@requires("public.trust_lists")
@require_GET
def revocations(request):
    since = request.GET.get("since", "")
    if since and not since.isdigit():
        return HttpResponse("since 须为版本号（整数）", status=400,
                            content_type="text/plain; charset=utf-8")
    try:
        data = services.revocation_list_build(since=int(since) if since else None)
    except AppError as exc:
        return HttpResponse(exc.message, status=exc.status,
                            content_type="text/plain; charset=utf-8")
    if data is None:
        return HttpResponse(status=204)  # the caller is up to date
    return _binary(data, "certguard-revocations.cbor" if not since
                   else f"certguard-revocations-since-{since}.cbor")


class ScanForm(forms.Form):
    text = forms.CharField(label="二维码内容", max_length=8000,
                           widget=forms.Textarea(attrs={"rows": 4, "data-scan-text": ""}),
                           help_text="扫描不了时，可将二维码识别出的文字粘贴到这里")


def _steps(verification: dict | None) -> list[dict]:
    if not verification:
        return []
    return [{"name": STEP_LABELS[s], "state": verification["steps"][s],
             "label": STEP_STATES[verification["steps"][s]],
             "detail": verification["details"].get(s, "")} for s in STEPS]


def _masked(verification: dict | None) -> dict | None:
    """The page masks the ID number as the public verification page does."""
    fields = (verification or {}).get("certificate")
    if not fields:
        return None
    masked = ids.mask_id_no(fields["id_no"]) if fields.get("id_no") else ""
    return fields | {"id_no": masked,
                     "cert_no": fields["cert_no"].replace(fields["id_no"], masked)
                     if masked else fields["cert_no"]}


@requires("public.scan")
def scan(request):
    """Scan with the phone camera (static JS + jsQR) or paste; the server does the checks."""
    form = ScanForm(request.POST or None)
    context, status = {"form": form}, 200
    if request.method == "POST" and form.is_valid():
        try:
            rate_limit(scope="ecert-scan", key=client_ip(request),
                       limit=settings.VERIFY_RATE_PUBLIC)
            answer = services.scan_check(text=form.cleaned_data["text"], user=request.user)
        except AppError as exc:
            context["error"], status = exc.message, exc.status
        else:
            context.update(answer=answer, steps=_steps(answer["verification"]),
                           shown=_masked(answer["verification"]))
    return render(request, "ecert/scan.html", context, status=status)
