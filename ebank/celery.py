"""The Celery application: configured from Django's settings (CELERY_*), tasks autodiscovered."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ebank.settings.local")

app = Celery("ebank")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def enqueue_on_commit(task, *args, on_failure) -> None:
    """Queue `task(*args)` once the current transaction commits. When the broker does not answer,
    call `on_failure(error)` so that the record waiting for the task says it was not queued,
    instead of waiting for ever; the web request itself goes on."""
    import logging

    from django.db import transaction
    from kombu.exceptions import OperationalError

    def send():
        try:
            task.apply_async(args=args, retry=True, retry_policy={"max_retries": 2, "interval_start": 0.2})
        except OperationalError as error:
            logging.getLogger(__name__).error("could not queue %s%s: %s", task.name, args, error)
            on_failure(error)

    transaction.on_commit(send)


def not_queued_message() -> str:
    """What a job's record says when the broker did not take its task."""
    from django.utils.translation import gettext as _

    return _(
        "The task queue did not answer, so the job was not queued and nothing was done. Try again "
        "in a few minutes; if it keeps failing, tell the IT staff that Redis is down."
    )
