"""Stable reason codes with their Chinese messages, and the one error type of the module."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "ok": "电子证书有效",
    "bad_prefix": "前缀无效：不是本平台支持的电子证书二维码",
    "bad_base45": "Base45 解码失败：二维码内容已损坏或被篡改",
    "bad_zlib": "解压失败：二维码内容已损坏或未经压缩",
    "bad_cose": "签名结构（COSE/CWT）无效",
    "unknown_key": "签名密钥不在信任列表中，或签发时密钥不在有效期内",
    "bad_signature": "签名验证失败：证书内容被篡改或不是发证机关签发",
    "expired": "电子证书已过期",
    "not_yet_valid": "电子证书尚未生效",
    "revoked": "证书已被吊销或注销",
    "not_in_registry": "证书库中查无此证",
    "differs_from_registry": "电子证书内容与证书库记录不一致",
    "bad_trust_list": "信任列表无效或格式错误",
    "bad_trust_signature": "信任列表签名无效：不是由根密钥签发",
    "bad_revocation_list": "吊销列表无效或签名错误",
    "revocation_gap": "吊销列表增量版本不连续，请下载完整列表",
    "bad_key": "密钥文件无效或算法不受支持",
    "bad_fields": "证书字段不完整或格式错误",
}


def message_for(code: str) -> str:
    return MESSAGES.get(code, code)


class EcertError(Exception):
    """Raised by the pure ecert functions; ``code`` is one of MESSAGES' keys."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {message_for(code)}" + (f" ({detail})" if detail else ""))

    @property
    def message(self) -> str:
        return message_for(self.code)
