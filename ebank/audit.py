"""Every change is on record: django-simple-history writes a history row at each save, and a
service signs it first — who made the change, and why."""


def on_record(obj, *, by, reason: str = ""):
    """Sign the history row of `obj`'s next save with the user who made the change and its reason
    (history keeps 100 characters of it); return `obj`."""
    obj._history_user = by
    if reason and reason.strip():
        obj._change_reason = reason.strip()[:100]
    return obj
