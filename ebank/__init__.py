"""ebank: the platform every area of the department's back office stands on."""

from .celery import app as celery_app

__all__ = ("celery_app",)
