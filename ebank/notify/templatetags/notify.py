"""{% unread_notifications as n %}: how many notifications the user has not read (the bell)."""

from django import template

from ebank.notify.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    user = getattr(context.get("request"), "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(user=user)
