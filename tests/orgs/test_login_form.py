"""An empty or half-filled login form comes back with a message next to each empty field."""

from __future__ import annotations


def test_empty_login_form_says_what_is_missing(db, client):
    response = client.post("/account/login/", {"username": "", "password": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "请输入用户名" in page and "请输入密码" in page


def test_missing_password_alone(db, client):
    page = client.post("/account/login/", {"username": "someone"}).content.decode()
    assert "请输入密码" in page and "请输入用户名" not in page
