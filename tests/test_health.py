from unittest import mock

from django.db.utils import OperationalError


def test_health_answers_ok_without_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}


def test_health_says_when_the_database_is_down(client, db):
    with mock.patch("ebank.health.connection.cursor", side_effect=OperationalError("gone")):
        response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"] == "unavailable"
