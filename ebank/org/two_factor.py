"""Two-factor login (TOTP, django-otp) for department staff and union managers, required when
settings.TWO_FACTOR_REQUIRED is on (it is in production).

After the password, such a user is sent to /account/two-factor/: the first time, to set up an
authenticator app from a QR code; then, at every login, to type its current code. Until then
every page answers with that redirect (the API with 403). A branch manager is not asked; a
superuser is.
"""

import io
from base64 import b32encode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from . import services

SETUP_URL, VERIFY_URL = "/account/two-factor/setup/", "/account/two-factor/"
# Paths a user who still owes the second factor may open.
OPEN_PREFIXES = ("/account/two-factor/", "/logout/", "/i18n/", "/static/", "/healthz", "/jsi18n/")


def two_factor_owed(user) -> bool:
    """Whether this logged-in user must still give the second factor in this session."""
    return services.two_factor_required(user=user) and not user.is_verified()


def check_api_code(*, user, token: str) -> None:
    """Refuse an API login without the current code of the user's authenticator."""
    from rest_framework.exceptions import APIException, ValidationError

    class SetUpFirst(APIException):
        status_code = 403
        default_code = "two_factor_not_set_up"

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise SetUpFirst(_("Set up two-factor login in the browser first, then log in here."))
    allowed, _why = device.verify_is_allowed()
    if not allowed:
        raise ValidationError({"otp_token": [_("Too many wrong codes: wait a minute, then try again.")]})
    if not device.verify_token(token):
        raise ValidationError({"otp_token": [_("The code is wrong or has expired.")]})


class TwoFactorMiddleware:
    """Send a user who owes the second factor to set it up or to give it (after OTPMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if two_factor_owed(request.user) and not request.path.startswith(OPEN_PREFIXES):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("Give the second factor of your login first.")}, status=403)
            target = VERIFY_URL if user_has_device(request.user) else SETUP_URL
            return HttpResponseRedirect(f"{target}?next={request.get_full_path()}")
        return self.get_response(request)


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=gettext_lazy("6-digit code"),
        regex=r"^\d{6}$",
        error_messages={"invalid": gettext_lazy("Type the 6 digits the app shows.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/"


def _page(request, template, **context):
    from django.contrib import admin

    return render(request, template, {**admin.site.each_context(request), "next": _next(request), **context})


@login_required(login_url="/login/")
def setup(request):
    """Show a new authenticator's QR code and secret; confirm it with the first code it shows."""
    if user_has_device(request.user):
        return HttpResponseRedirect(f"{VERIFY_URL}?next={_next(request)}")
    device = services.totp_device_begin(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_device_confirm(device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            return HttpResponseRedirect(_next(request))
        form.add_error("token", _("The code is wrong or has expired; type the one the app shows now."))
    secret = b32encode(device.bin_key).decode()
    qr_svg = io.BytesIO()
    write_qrcode_image(device.config_url, qr_svg)
    return _page(
        request,
        "registration/two_factor_setup.html",
        title=_("Set up two-factor login"),
        form=form,
        qr_svg=qr_svg.getvalue().decode(),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    )


@login_required(login_url="/login/")
def verify(request):
    """Ask for the current code of the user's authenticator."""
    if not user_has_device(request.user):
        return HttpResponseRedirect(f"{SETUP_URL}?next={_next(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
        allowed, _why = device.verify_is_allowed()
        if not allowed:
            # django-otp doubles the wait after each wrong code.
            form.add_error("token", _("Too many wrong codes: wait a minute, then try again."))
        elif device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return HttpResponseRedirect(_next(request))
        else:
            form.add_error("token", _("The code is wrong or has expired; type the one the app shows now."))
    return _page(request, "registration/two_factor_verify.html", title=_("Two-factor login"), form=form)
