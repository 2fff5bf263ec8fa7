from celery import shared_task

from .delivery import DELIVER


@shared_task(acks_late=True, time_limit=300, soft_time_limit=270)
def notifications_deliver_task(channel: str) -> int:
    """Send one channel's messages that are due (after each round of the reminders' rules); two
    workers at once never send a message twice (ebank/notify/delivery.py claims it first)."""
    return DELIVER[channel]()
