"""The documented shapes of the verification answers (OpenAPI only: the answers themselves are
built by ``verification.build_answer`` and ``batch.verify_many``)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from certguard.core.api_schema import ERROR_BODY


class VerifyStatusDoc(serializers.Serializer):
    code = serializers.CharField(help_text="valid 有效、expired 过期、revoked 撤销 …")
    label = serializers.CharField(help_text="状态（中文）")  # type: ignore[assignment]  # a field named like Field.label
    reason = serializers.CharField(allow_blank=True, help_text="说明")
    next_change = serializers.DateField(allow_null=True, help_text="下一次状态变化的日期")
    next_code = serializers.CharField(allow_null=True, help_text="届时的状态")


class VerifyCertificateDoc(serializers.Serializer):
    cert_no = serializers.CharField(help_text="证书编号（含身份证号的部分已打码）")
    family = serializers.CharField()
    family_name = serializers.CharField()
    item_code = serializers.CharField()
    item_name = serializers.CharField()
    issuer_code = serializers.CharField()
    issuer_name = serializers.CharField(allow_blank=True)
    first_issued = serializers.DateField(allow_null=True)
    valid_from = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    review_due = serializers.DateField(allow_null=True)
    last_review = serializers.DateField(allow_null=True)
    status = VerifyStatusDoc()


class VerifyQueryEchoDoc(serializers.Serializer):
    name = serializers.CharField(allow_blank=True)
    id_no_masked = serializers.CharField(allow_null=True)
    cert_no_masked = serializers.CharField(allow_null=True)
    on = serializers.DateField()


class VerifyHolderDoc(serializers.Serializer):
    name = serializers.CharField()
    id_no_masked = serializers.CharField()


class VerifyAnswerDoc(serializers.Serializer):
    result = serializers.ChoiceField(choices=["found", "not_found", "name_mismatch"],
                                     help_text="name_mismatch 仅对已登录的工作人员返回")
    message = serializers.CharField()
    query = VerifyQueryEchoDoc()
    holder = VerifyHolderDoc(allow_null=True, help_text="姓名与证件相符时的持证人（证件号打码）")
    certificates = VerifyCertificateDoc(many=True)


@extend_schema_field(ERROR_BODY)
class ItemErrorField(serializers.JSONField):
    """The error of one item: ``{"code", "message", "fields"}`` as in every error answer."""


class VerifyBatchItemDoc(serializers.Serializer):
    index = serializers.IntegerField(help_text="在提交的 items 中的序号（0 起）")
    result = serializers.ChoiceField(choices=["found", "not_found", "name_mismatch", "error"],
                                     help_text="error：这一条有误（见 error），其余各条照常核验")
    message = serializers.CharField(required=False)
    query = VerifyQueryEchoDoc(required=False)
    holder = VerifyHolderDoc(allow_null=True, required=False)
    certificates = VerifyCertificateDoc(many=True, required=False)
    error = ItemErrorField(required=False)


class VerifyBatchAnswerDoc(serializers.Serializer):
    count = serializers.IntegerField()
    results = VerifyBatchItemDoc(many=True)
