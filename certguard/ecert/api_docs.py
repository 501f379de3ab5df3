"""The documented shape of an e-certificate verification (``VerificationResult.to_dict``)."""

from __future__ import annotations

from rest_framework import serializers

STEP_STATES = ["ok", "failed", "skipped", "not_reached"]


class VerifyStepsDoc(serializers.Serializer):
    """Each step's outcome, in order: a failed step stops the ones after it (not_reached)."""

    prefix = serializers.ChoiceField(choices=STEP_STATES)
    base45 = serializers.ChoiceField(choices=STEP_STATES)
    zlib = serializers.ChoiceField(choices=STEP_STATES)
    cose = serializers.ChoiceField(choices=STEP_STATES)
    signature = serializers.ChoiceField(choices=STEP_STATES)
    expiry = serializers.ChoiceField(choices=STEP_STATES)
    revocation = serializers.ChoiceField(choices=STEP_STATES)
    registry = serializers.ChoiceField(choices=STEP_STATES)


class EcertVerificationDoc(serializers.Serializer):
    valid = serializers.BooleanField()
    reason = serializers.CharField(help_text="ok，或失败原因代码（bad_prefix、bad_signature …）")
    message = serializers.CharField(help_text="中文说明")
    steps = VerifyStepsDoc()
    details = serializers.DictField(child=serializers.CharField(),
                                    help_text="失败或跳过的步骤的详细说明")
    kid = serializers.CharField(allow_null=True, help_text="签名密钥编号")
    alg = serializers.CharField(allow_null=True, help_text="签名算法")
    authority = serializers.CharField(allow_null=True, help_text="发证机关")
    issued_at = serializers.IntegerField(allow_null=True, help_text="签发时间（Unix 秒）")
    expires_at = serializers.IntegerField(allow_null=True, help_text="失效时间（Unix 秒）")
    certificate = serializers.DictField(child=serializers.CharField(), allow_null=True,
                                        help_text="证书内容（仅签名有效时）")
