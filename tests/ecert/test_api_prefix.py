"""Only known contexts verify through the API: CG1 (ours) and the DCC's HC1; the DCC vectors'
HL0: and HC2:, any other prefix, and a genuine CG1 payload relabelled, answer bad_prefix."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from certguard.ecert import services


def _verify(text: str) -> dict:
    answer = APIClient().post("/api/v1/ecert/verify", {"payload": text}, format="json")
    assert answer.status_code == 200, answer.content
    return answer.json()


@pytest.mark.parametrize("prefix", ["HC2:", "HL0:", "HC1:", "CG2:", "XX9:", "cg1:", ""])
def test_a_genuine_payload_under_another_prefix_is_refused(cast, cert, prefix):
    payload = services.certificate_sign(by=cast.issuer, certificate=cert).payload
    assert _verify(payload)["valid"] is True
    answer = _verify(prefix + payload.removeprefix("CG1:"))
    assert (answer["valid"], answer["reason"]) == (False, "bad_prefix")
    assert answer["steps"]["prefix"] == "failed" and "前缀" in answer["message"]
