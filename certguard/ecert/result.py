"""What a verification says: valid, a stable reason code, a Chinese message, and every step."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from certguard.ecert.errors import message_for

STEPS = ("prefix", "base45", "zlib", "cose", "signature", "expiry", "revocation", "registry")
OK, FAILED, SKIPPED, NOT_REACHED = "ok", "failed", "skipped", "not_reached"


@dataclass
class VerificationResult:
    valid: bool = False
    reason: str = ""
    message: str = ""
    steps: dict[str, str] = field(default_factory=lambda: dict.fromkeys(STEPS, NOT_REACHED))
    details: dict[str, str] = field(default_factory=dict)
    kid: str | None = None
    alg: str | None = None
    authority: str | None = None
    issued_at: int | None = None
    expires_at: int | None = None
    certificate: dict[str, str] | None = None

    def passed(self, step: str) -> None:
        self.steps[step] = OK

    def skipped(self, step: str, detail: str = "") -> None:
        self.steps[step] = SKIPPED
        if detail:
            self.details[step] = detail

    def fail(self, step: str, reason: str, detail: str = "") -> VerificationResult:
        self.steps[step] = FAILED
        self.valid = False
        self.reason = reason
        self.message = message_for(reason) + (f"：{detail}" if detail else "")
        if detail:
            self.details[step] = detail
        return self

    def succeed(self) -> VerificationResult:
        # Defence in depth: a result with any failed step can never turn valid.
        if FAILED in self.steps.values():
            return self
        self.valid, self.reason, self.message = True, "ok", message_for("ok")
        return self

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid, "reason": self.reason, "message": self.message,
            "steps": dict(self.steps), "details": dict(self.details), "kid": self.kid,
            "alg": self.alg, "authority": self.authority, "issued_at": self.issued_at,
            "expires_at": self.expires_at, "certificate": self.certificate,
        }
