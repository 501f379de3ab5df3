"""The one application error type: a stable code for machines, a Chinese message for people."""

from __future__ import annotations


class AppError(Exception):
    status = 400

    def __init__(self, code: str, message: str, *, fields: dict | None = None,
                 status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or {}
        if status is not None:
            self.status = status

    def as_dict(self) -> dict:
        error: dict[str, object] = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = self.fields
        return {"error": error}


class NotFound(AppError):
    status = 404


class Forbidden(AppError):
    status = 403
