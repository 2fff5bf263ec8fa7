"""The reminders run by a real Celery worker on Redis, against PostgreSQL, sending through a real
SMTP server and a real webhook: the beat's task sent twice at once (a rerun, or a second beat)
tells and sends each message once; the deliveries go to the queue the reminders came from."""

import datetime
import os
import time

import pytest

from ebank.notify.models import Notification, WeComRobot
from ebank.org.roles import Role
from reports.tasks import reminders_evaluate_task
from tests import processes
from tests.factories import user_with_role
from tests.netbanking.factories import TicketFactory

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "")


@pytest.mark.worker
def test_a_real_worker_tells_and_sends_each_message_once(
    transactional_db, tree, smtp_server, wecom_server, monkeypatch
):
    database_url = processes.require_postgresql_and_broker(BROKER or None)
    from django.apps import apps

    from ebank.org.roles import groups_sync

    groups_sync(apps)  # the role groups, which an earlier transactional test's flush removed
    monkeypatch.setenv("EMAIL_URL", f"smtp://127.0.0.1:{smtp_server.port}")
    monkeypatch.setenv("SITE_URL", "https://ebank.example.cn")
    staff = user_with_role(Role.STAFF, username="staff", email="staff@example.cn")
    WeComRobot.objects.create(name="电子银行部群", webhook_url=wecom_server.url("robot-dept"))
    TicketFactory(branch=tree["b"], subject="网银无法登录", deadline=datetime.date(2020, 1, 6))
    with processes.celery_worker(broker=BROKER, database_url=database_url) as (client, queue, _process):
        first = client.send_task(reminders_evaluate_task.name, queue=queue)
        second = client.send_task(reminders_evaluate_task.name, queue=queue)
        assert sorted([first.get(timeout=90), second.get(timeout=90)]) == [0, 1]
        deadline = time.monotonic() + 60
        while Notification.objects.exclude(status="sent").exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(2)  # anything sent twice would have arrived by now
    rows = Notification.objects.filter(recipient=staff)
    assert sorted(rows.values_list("channel", "status")) == [
        ("email", "sent"),
        ("inapp", "sent"),
        ("wecom", "sent"),
    ]
    (message,) = smtp_server.messages
    assert "网银无法登录" in message["Subject"] and "https://ebank.example.cn/" in message.get_content()
    ((path, payload),) = wecom_server.posts
    assert path.endswith("key=robot-dept") and "网银无法登录" in payload["markdown"]["content"]
