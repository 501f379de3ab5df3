"""JSON endpoints: verify a payload (the CLI's JSON), the trust list and revocations as JSON
or as the signed CBOR documents offline verifiers load."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from certguard.core.errors import AppError
from certguard.core.middleware import client_ip
from certguard.core.ratelimit import rate_limit
from certguard.ecert import services
from certguard.ecert.api_docs import EcertVerificationDoc

CBOR = "application/cbor"
ENCODING = OpenApiParameter("encoding", str, enum=["json", "cbor"],
                            description="json（默认，便于阅读）或 cbor（根密钥签名的原始文档）")


class EcertVerifyRequest(serializers.Serializer):
    payload = serializers.CharField(max_length=8000, help_text="二维码内容，如 CG1:...")


VERIFY_EXAMPLE = OpenApiExample("篡改的载荷", value={
    "valid": False, "reason": "bad_signature",
    "message": "签名验证失败：证书内容被篡改或不是发证机关签发",
    "steps": {"prefix": "ok", "base45": "ok", "zlib": "ok", "cose": "ok",
              "signature": "failed", "expiry": "not_reached", "revocation": "not_reached",
              "registry": "not_reached"},
    "details": {}, "kid": "1f2e3d4c5b6a7988", "alg": "Ed25519", "authority": None,
    "issued_at": 1767225600, "expires_at": 1956499199, "certificate": None})


def _wants_cbor(request) -> bool:
    # Not "format": DRF reserves that query parameter for renderer selection.
    return request.query_params.get("encoding") == "cbor"


def _cbor(data: bytes) -> HttpResponse:
    return HttpResponse(data, content_type=CBOR)


class VerifyApi(APIView):
    policy = "public.scan"

    @extend_schema(summary="核验电子证书载荷（签名、有效期、吊销列表、证书库）",
                   description="返回与命令行 `certguard ecert verify` 相同的 JSON；"
                               "steps 标明每一步的结果，reason 为失败原因代码。",
                   request=EcertVerifyRequest, responses={200: EcertVerificationDoc},
                   examples=[VERIFY_EXAMPLE])
    def post(self, request):
        data = EcertVerifyRequest(data=request.data)
        data.is_valid(raise_exception=True)
        if request.auth is None:
            rate_limit(scope="ecert-verify-api", key=client_ip(request),
                       limit=settings.VERIFY_RATE_ANONYMOUS_API)
        return Response(services.payload_verify(text=data.validated_data["payload"],
                                                user=request.user, channel="api"))


class TrustListApi(APIView):
    policy = "public.trust_lists"

    @extend_schema(summary="信任列表：各发证机关的签名公钥（含已轮换的旧密钥）",
                   parameters=[ENCODING],
                   responses={(200, "application/json"): {"type": "object"},
                              (200, CBOR): OpenApiTypes.BINARY})
    def get(self, request):
        if _wants_cbor(request):
            return _cbor(services.trust_list_build_signed())
        current = services.trust_list_current()
        root = services.root_key_ensure()
        return Response({"sequence": current.sequence,
                         "root": {"kid": root.kid, "public_key_pem": root.public_key_pem},
                         "keys": [e.describe() | {"public_key_pem": e.public.pem().decode()}
                                  for e in current.entries]})


class RevocationsApi(APIView):
    policy = "public.trust_lists"

    @extend_schema(summary="吊销列表（完整，或 since=N 时自版本 N 起的增量）",
                   description="条目为 SHA-256(机关代码 \\x1f 证书编号) 的前16字节（十六进制），"
                               "不含可读的个人信息。已是最新版本时返回 204。",
                   parameters=[ENCODING, OpenApiParameter("since", int, description="本地版本号")],
                   responses={(200, "application/json"): {"type": "object"},
                              (200, CBOR): OpenApiTypes.BINARY, 204: None})
    def get(self, request):
        since = request.query_params.get("since", "")
        if since and not since.isdigit():
            raise AppError("bad_since", "since 须为版本号（整数）", fields={"since": ["须为整数"]})
        if _wants_cbor(request):
            data = services.revocation_list_build(since=int(since) if since else None)
            return HttpResponse(status=204) if data is None else _cbor(data)
        return self._json(int(since) if since else None)

    def _json(self, since: int | None):
        current = services.revocation_list_current()
        if since is None:
            return Response({"type": "full", "sequence": current.sequence,
                             "hashes": sorted(h.hex() for h in current.hashes)})
        if since == current.sequence:
            return Response(status=204)
        base = services.revocation_list_at(since)
        return Response({"type": "delta", "base": since, "sequence": current.sequence,
                         "add": sorted(h.hex() for h in current.hashes - base.hashes),
                         "remove": sorted(h.hex() for h in base.hashes - current.hashes)})
