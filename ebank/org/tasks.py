from celery import shared_task

from . import services


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240)
def sessions_clear_expired_task() -> int:
    """Idempotent: a second run finds nothing more to delete."""
    return services.sessions_clear_expired()


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240)
def api_tokens_purge_task() -> int:
    """Idempotent: a second run finds nothing more to delete."""
    return services.api_tokens_purge()
