"""Chinese for what third-party code shows the department's staff.

django-axes ships no Chinese, django-celery-results ships its Chinese uncompiled, and a few of
Django's and simple-history's own Chinese strings read awkwardly; the strings are marked here so
that `make messages` keeps them in ebank's catalogue, which takes precedence over theirs.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext_lazy


class AxesConfig(AxesAppConfig):
    verbose_name = _("Login security")


THIRD_PARTY_STRINGS = [
    # django-axes
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("Logout Time"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("Locked Out"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
    # django-celery-results
    gettext_noop("Parameters"),
    gettext_noop("Result"),
    gettext_noop("Celery Results"),
    gettext_noop("Task ID"),
    gettext_noop("Periodic Task Name"),
    gettext_noop("Task Name"),
    gettext_noop("Task Positional Arguments"),
    gettext_noop("Task Named Arguments"),
    gettext_noop("Task State"),
    gettext_noop("Worker"),
    gettext_noop("Result Content Type"),
    gettext_noop("Result Encoding"),
    gettext_noop("Result Data"),
    gettext_noop("Created DateTime"),
    gettext_noop("Completed DateTime"),
    gettext_noop("Traceback"),
    gettext_noop("Task Meta Information"),
    gettext_noop("task result"),
    gettext_noop("task results"),
    gettext_noop("Group ID"),
    gettext_noop("group result"),
    gettext_noop("group results"),
    # django-simple-history
    gettext_noop("Changes"),
    gettext_noop("Change reason"),
    # Django's admin, where its Chinese reads awkwardly or names things otherwise than the
    # department (docs/glossary.md): a list is titled by its name, a record is 新增ed, 修改ed …
    gettext_noop("Select %s"),
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    gettext_noop(" By %(filter_title)s "),
    gettext_noop("Save and add another"),
    gettext_noop("Save and continue editing"),
    gettext_noop("Add %(name)s"),
    gettext_noop("Add %s"),
    gettext_noop("Change %s"),
    gettext_noop("View %s"),
    gettext_noop("Add"),
    gettext_noop("Filter"),
    gettext_noop("My actions"),
    gettext_noop("History"),
    gettext_noop("Start typing to filter…"),
    gettext_noop("Action"),
    gettext_noop("Action:"),
    gettext_noop("Run the selected action"),
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Change history: %s"),
    gettext_noop("Delete multiple objects"),
    gettext_noop("Objects"),
    gettext_noop("Are you sure?"),
    gettext_noop("Yes, I’m sure"),
    gettext_noop("No, take me back"),
    gettext_noop("Toggle navigation"),
    gettext_noop("Clear all filters"),
    gettext_noop("Recent actions"),
    gettext_noop("None available"),
    gettext_noop("Thanks for spending some quality time with the web site today."),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
]

# Django 5.2's password-length message changed its placeholder and lost its Chinese.
PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
)
