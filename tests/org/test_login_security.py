"""Logins: lockout after repeated failures, idle sessions that expire, logout that ends the session
on the server, a new session key at login."""

import datetime

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

GOOD = "correct-horse-battery"


def _login(client, password, **headers):
    return client.post(
        reverse("admin:login"), {"username": "staff", "password": password, "next": "/"}, **headers
    )


def test_five_failures_lock_the_login_even_with_the_right_password(staff):
    client = Client(REMOTE_ADDR="192.0.2.10")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "wrong-password").status_code == 200
    assert _login(client, "wrong-password").status_code == 429
    locked = _login(client, GOOD)
    assert locked.status_code == 429
    assert "登录已锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_forged_x_forwarded_for_does_not_reset_the_lock(staff):
    client = Client(REMOTE_ADDR="192.0.2.10")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wrong-password", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert _login(client, GOOD, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


def test_token_login_is_locked_too(staff):
    client = APIClient(REMOTE_ADDR="192.0.2.11")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/api/v1/auth/token/", {"username": "staff", "password": "x"}).status_code == 400
    client.post("/api/v1/auth/token/", {"username": "staff", "password": "x"})
    response = client.post("/api/v1/auth/token/", {"username": "staff", "password": GOOD})
    assert response.status_code == 429
    assert "token" not in response.json() and "登录失败次数过多" in response.json()["detail"]


def test_the_session_key_changes_at_login(staff):
    client = Client()
    client.get(reverse("admin:login"))
    client.session.save()
    before = client.session.session_key
    assert _login(client, GOOD).status_code == 302
    assert client.session.session_key != before


def test_an_idle_session_expires_after_thirty_minutes(staff):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    client = Client()
    _login(client, GOOD)
    assert client.get(reverse("admin:index")).status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_each_request_renews_the_idle_clock(staff):
    client = Client()
    _login(client, GOOD)
    key = client.session.session_key
    soon = timezone.now() + datetime.timedelta(minutes=5)
    Session.objects.filter(session_key=key).update(expire_date=soon)
    client.get(reverse("admin:index"))
    assert Session.objects.get(session_key=key).expire_date > soon + datetime.timedelta(minutes=20)


def test_logout_ends_the_session_on_the_server(staff):
    client = Client()
    _login(client, GOOD)
    key = client.session.session_key
    client.post(reverse("admin:logout"))
    assert not Session.objects.filter(session_key=key).exists()
