"""Helpers for API tests: a client acting as one of the cast, and the one error shape."""

from rest_framework.test import APIClient


def api_as(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def api_error(response, status: int, code: str) -> dict:
    """The project's error answer: the status, JSON, the code, and a Chinese message."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code, error
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"]), error
    return error
