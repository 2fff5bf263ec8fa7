"""Database constraints the areas share."""

from django.db import models
from django.db.models import Q


def present_iff(field: str, *, name: str, **when) -> models.CheckConstraint:
    """`field` is set exactly when the row matches `when` (a closing date iff the status is closed)."""
    return models.CheckConstraint(
        condition=Q(**when, **{f"{field}__isnull": False}) | (~Q(**when) & Q(**{f"{field}__isnull": True})),
        name=name,
    )
