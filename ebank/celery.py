"""The Celery application: configured from Django's settings (CELERY_*), tasks autodiscovered."""

import os

from celery import Celery
from celery.signals import setup_logging, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ebank.settings.local")

app = Celery("ebank")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_the_projects_logging(**_kwargs) -> None:
    """Let Celery add no log handler of its own (it would not mask card and ID numbers): the
    worker logs through settings.LOGGING, as the web does."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@worker_process_init.connect
def limit_memory(**_kwargs) -> None:
    """Bound each worker process's memory (WORKER_MEMORY_LIMIT_MB): a task that needs more, such
    as an uploaded file built to expand, gets a MemoryError and ends failed, instead of the
    machine's memory running out under every process on it."""
    import resource

    from django.conf import settings

    megabytes = settings.WORKER_MEMORY_LIMIT_MB
    if megabytes:
        limit = megabytes << 20
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(
            resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard)
        )


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
