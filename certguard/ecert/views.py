"""Thin HTML views: the printable electronic certificate, QR downloads, the public trust and
revocation lists, and the scan page (camera or pasted text → online verification)."""

from __future__ import annotations

import io
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from certguard import ids
from certguard.catalog.services import item_names
from certguard.core import exports
from certguard.core.audit import audit_read
from certguard.core.errors import AppError
from certguard.core.middleware import client_ip
from certguard.core.policy import requires
from certguard.core.ratelimit import rate_limit
from certguard.ecert import pdf, qr, selectors, services
from certguard.ecert.result import STEPS
from certguard.registry.models import Certificate
from certguard.registry.services import today

CBOR = "application/cbor"
STEP_LABELS = {"prefix": "前缀", "base45": "Base45 解码", "zlib": "解压", "cose": "签名结构",
               "signature": "签名验证", "expiry": "有效期", "revocation": "吊销列表",
               "registry": "证书库比对"}
STEP_STATES = {"ok": "通过", "failed": "未通过", "skipped": "跳过", "not_reached": "未执行"}


def _certificate(request, pk: int, action: str = "ecert.print") -> Certificate:
    cert = (Certificate.objects.restrict(request.user, action)
            .select_related("holder", "family", "issuer").filter(pk=pk).first())
    if cert is None:
        raise Http404
    return cert


def _payload(request, pk: int) -> tuple[Certificate, str]:  # issuing officer
    cert = _certificate(request, pk)
    try:
        return cert, services.certificate_sign(by=request.user, certificate=cert).payload
    except AppError as exc:
        raise Http404(exc.message) from None


def _sheet(cert: Certificate, payload: str | None) -> dict:
    """What the printed certificate shows: every number in full (it is the holder's own
    document), sex, the authority's name for its seal, and the QR opening the official page."""
    sex = cert.holder.sex or ids.check_id_no(cert.holder.id_no).sex or ""
    context = {"cert": cert, "sex": sex, "id_no": cert.holder.id_no, "cert_no": cert.cert_no,
               "item_name": item_names().get((cert.family_id, cert.item_code), ""),
               "state": cert.status_on(today()),
               "authority": cert.issuer.name if cert.issuer else cert.issuer_code,
               "verify_address": f"https://{services.platform_host()}/v/",
               "has_photo": services.holder_photo(cert.holder_id) is not None}
    if payload:
        url = services.certificate_url(payload)
        # segno's SVG is generated from base45 text and the host setting: nothing to escape.
        context.update(payload=payload, qr_url=url,
                       qr_svg=mark_safe(qr.render_svg(url, scale=3)))  # noqa: S308
    return context


def _cn(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "—"


def _pdf(cert: Certificate, payload: str) -> bytes:
    context = _sheet(cert, payload)
    fields = [("姓名", cert.holder.name), ("性别", context["sex"]), ("身份证号", context["id_no"]),
              ("证书编号", context["cert_no"]),
              ("操作项目", f"{cert.item_code} {context['item_name']}".strip()),
              ("初次领证", _cn(cert.first_issued)),
              ("有效期", f"{_cn(cert.valid_from)} 至 {_cn(cert.valid_until)}"),
              ("应复审日期", _cn(cert.review_due)), ("最近复审", _cn(cert.last_review))]
    state = context["state"]
    return pdf.render(pdf.Sheet(
        title=cert.family.name, fields=fields, authority=context["authority"],
        qr_text=context["qr_url"], verify_address=context["verify_address"],
        photo=services.holder_photo(cert.holder_id),
        status_note="" if state.code == "valid" else f"当前状态：{state.label}（{state.reason}）"))


def _pdf_download(request, cert: Certificate, payload: str, summary: str):
    return exports.download(
        user=request.user, filename=f"ecert-{cert.pk}.pdf", file=io.BytesIO(_pdf(cert, payload)),
        content_type="application/pdf",
        export=exports.Export(object_type="registry.certificate", object_id=cert.pk,
                              summary=summary, data={"holder": cert.holder_id}))


@requires("ecert.print", post="ecert.photo")
def certificate_print(request, pk: int):
    """A4 / phone page of one electronic certificate: what the paper shows, and its QR."""
    if request.method == "POST":
        cert = _certificate(request, pk, "ecert.photo")
        upload = request.FILES.get("photo")
        try:
            if upload is None:
                raise AppError("photo_required", "请选择照片文件")
            services.holder_photo_set(by=request.user, holder=cert.holder,
                                      data=upload.read(services.PHOTO_MAX_BYTES + 1))
        except AppError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已保存持证人照片")
        return redirect("ecert:certificate", pk=cert.pk)
    cert = _certificate(request, pk)
    context = {}
    try:
        payload = services.certificate_sign(by=request.user, certificate=cert).payload
    except AppError as exc:
        context["error"] = exc.message
        payload = None
    context.update(_sheet(cert, payload))
    audit_read(object_type="registry.holder", object_ids=[cert.holder_id],
               fields=["name", "id_no"], summary=f"打印电子证书 {cert.pk}", user=request.user)
    return render(request, "ecert/certificate.html", context,
                  status=400 if "error" in context else 200)


@requires("ecert.print")
def certificate_pdf(request, pk: int):
    cert, payload = _payload(request, pk)
    return _pdf_download(request, cert, payload, f"下载电子证书 PDF {cert.pk}")


@requires("ecert.print")
def holder_photo(request, pk: int):
    """The holder's photo as printed (issuing officers of the certificate only)."""
    cert = _certificate(request, pk)
    data = services.holder_photo(cert.holder_id)
    if data is None:  # the placeholder printed in its place
        return HttpResponse(PHOTO_PLACEHOLDER, content_type="image/svg+xml")
    return HttpResponse(data, content_type="image/jpeg")


PHOTO_PLACEHOLDER = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="132" height="176" viewBox="0 0 132 176">'
    '<rect x="1" y="1" width="130" height="174" fill="#f4f6f8" stroke="#888" '
    'stroke-dasharray="4 3"/><text x="66" y="92" font-size="16" text-anchor="middle" '
    'fill="#777">照片</text></svg>')


# --- a worker's own certificates (我的证书) -------------------------------------------------

def _mine(request, pk: int) -> tuple[Certificate, str]:
    cert = selectors.my_certificate(user=request.user, pk=pk)
    if cert is None:
        raise Http404
    try:
        return cert, services.certificate_sign_for_holder(by=request.user,
                                                          certificate=cert).payload
    except AppError as exc:
        raise Http404(exc.message) from None


@requires("ecert.mine")
def my_certificates(request):
    """Each of the worker's certificates with its e-certificate and QR, laid out for a phone."""
    cards = []
    for cert in selectors.my_certificates(user=request.user):
        try:
            payload = services.certificate_sign_for_holder(by=request.user,
                                                           certificate=cert).payload
        except AppError as exc:
            cards.append(_sheet(cert, None) | {"error": exc.message})
        else:
            cards.append(_sheet(cert, payload))
    return render(request, "ecert/mine.html", {"cards": cards})


@requires("ecert.mine")
def my_certificate_pdf(request, pk: int):
    cert, payload = _mine(request, pk)
    return _pdf_download(request, cert, payload, f"下载本人电子证书 PDF {cert.pk}")


# --- the verification page a printed QR opens ----------------------------------------------

VERIFY_WORKER = Path(__file__).resolve().parent / "static" / "ecert" / "verify-sw.js"


@requires("public.scan")
@require_GET
def verify_page(request):
    """The page https://<host>/v/#<payload> opens. Static: the payload stays in the fragment
    (never sent here); the page verifies the signature in the browser against the cached
    trust list and asks the server about revocation when online."""
    return render(request, "ecert/verify.html", {
        "host": services.platform_host(), "authority_names": services.authority_names(),
        "item_names": {f"{f}:{c}": n for (f, c), n in item_names().items()}})


@requires("public.scan")
@require_GET
def verify_worker(request):
    """The service worker that keeps the verification page and the trust list for offline
    use; served under /v/ so that its scope is the page."""
    response = HttpResponse(VERIFY_WORKER.read_text(encoding="utf-8"),
                            content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@requires("ecert.print")
def qr_png(request, pk: int):
    cert, payload = _payload(request, pk)
    response = HttpResponse(qr.render_png(services.certificate_url(payload), scale=6),
                            content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="ecert-{cert.pk}.png"'
    return response


@requires("ecert.print")
def qr_svg(request, pk: int):
    cert, payload = _payload(request, pk)
    response = HttpResponse(qr.render_svg(services.certificate_url(payload)),
                            content_type="image/svg+xml")
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
    item = item_names().get((fields.get("family", ""), fields.get("item_code", "")), "")
    return fields | {"id_no": masked, "item_name": item,
                     "sex": ids.check_id_no(fields["id_no"]).sex if fields.get("id_no") else "",
                     "issuer_name": services.authority_names().get(fields.get("issuer_code", ""),
                                                                   ""),
                     "cert_no": fields["cert_no"].replace(fields["id_no"], masked)
                     if masked else fields["cert_no"]}


@requires("public.scan")
def scan(request):
    """Scan with the phone camera (static JS + jsQR) or paste; the server does the checks."""
    form = ScanForm(request.POST or None)
    context, status = {"form": form, "url_mode": request.GET.get("kind") == "url"}, 200
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
