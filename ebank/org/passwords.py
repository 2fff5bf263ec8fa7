"""Password rules of the back office beyond Django's own validators."""

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class DifferentFromCurrentValidator:
    """A new password must not be the one the user has now (a change that changes nothing)."""

    def validate(self, password, user=None):
        # check_password from the hashers: the user's own method would re-hash and save it.
        if user is not None and user.pk and user.password and check_password(password, user.password):
            raise ValidationError(
                _("The new password must differ from the current one."), code="password_unchanged"
            )

    def get_help_text(self):
        return _("Your new password must differ from the current one.")
