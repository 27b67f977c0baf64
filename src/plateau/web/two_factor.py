"""Two-factor login (TOTP, django-otp): the code asked at login, the enrolment page, and the audit of lockouts.

The login form asks for the code only of accounts that enabled it; a wrong code counts as a failed login for
the throttling (django-axes) and TOTP's own back-off applies. ``/admin/login/`` sends to the same form, so the
admin cannot be reached with the password alone.
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from plateau.tenants.models import User
from plateau.tenants.services import record_audit
from plateau.ui.forms import DsfrBaseForm

from .security import needs_second_factor

_CODE_WIDGET = forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 8})


class LoginForm(AuthenticationForm, DsfrBaseForm):
    otp_token = forms.CharField(
        label=_l("Code de vérification"),
        help_text=_l(
            "Les 6 chiffres de votre application d'authentification, si vous avez activé la double authentification."
        ),
        required=False,
        max_length=10,
        widget=_CODE_WIDGET,
    )
    otp_device: TOTPDevice | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _l("Identifiant")
        self.fields["password"].label = _l("Mot de passe")
        # DsfrBaseForm.__init__ drew the bound fields with Django's English label ("Username"): draw them again.
        self._bound_fields_cache.clear()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        user = self.get_user()
        if user is not None:
            self.otp_device = _second_factor(self.request, user, cleaned.get("otp_token") or "")
        return cleaned


def _second_factor(request: HttpRequest | None, user: User, token: str) -> TOTPDevice | None:
    devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
    if not devices:
        return None
    token = token.replace(" ", "")
    if not token:
        raise ValidationError(_("Saisissez aussi le code à 6 chiffres de votre application d'authentification."),
                              code="otp_required")  # fmt: skip
    for device in devices:
        if device.verify_token(token):  # TOTP's own back-off refuses even a right code after repeated failures
            return device
    # A right password with a wrong code is a failed login: django-axes counts it towards the lockout.
    user_login_failed.send(__name__, credentials={"username": user.get_username()}, request=request)
    raise ValidationError(_("Code de vérification incorrect ou expiré."), code="otp_invalid")


def complete_login(request: HttpRequest, form: LoginForm) -> None:
    """After Django's login: mark the session verified by the device that gave the code."""
    if form.otp_device is not None:
        otp_login(request, form.otp_device)


class CodeForm(DsfrBaseForm):
    token = forms.CharField(label=_l("Code affiché par l'application"), max_length=10, widget=_CODE_WIDGET)


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enable TOTP: scan or type the key into an authenticator app, then confirm with one code."""
    user = cast(User, request.user)
    active = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    context: dict[str, Any] = {"title": _("Double authentification"), "active": active, "next": next_url,
                               "required": needs_second_factor(user)}  # fmt: skip
    if active is None:
        device, _created = TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": "Plateau"})
        form = CodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            if device.verify_token(form.cleaned_data["token"].replace(" ", "")):
                with transaction.atomic():
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    record_audit(action="auth.totp_enabled", actor=user, programme=None, obj=user)
                otp_login(request, device)
                messages.success(request, _("Double authentification activée : un code vous sera demandé à chaque "
                                            "connexion."))  # fmt: skip
                return redirect(next_url or "web:home")
            form.add_error("token", _("Code incorrect : vérifiez l'heure de votre téléphone et réessayez."))
        key = b32encode(device.bin_key).decode()
        context |= {"form": form, "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
                    "config_url": device.config_url}  # fmt: skip
    return render(request, "web/two_factor.html", context)


def locked_out(request: HttpRequest, original_response: HttpResponse | None, credentials: Any) -> HttpResponse:
    """django-axes' answer to a locked-out login: the page says why and how long to wait (429)."""
    context = {"title": _("Connexion bloquée"), "failure_limit": settings.AXES_FAILURE_LIMIT,
               "cooloff_minutes": round(settings.AXES_COOLOFF_TIME.total_seconds() / 60)}  # fmt: skip
    return render(request, "web/locked_out.html", context, status=429)


def record_lockout(request: HttpRequest | None, username: str | None, ip_address: str | None) -> None:
    record_audit(action="auth.locked_out", actor=None, programme=None, username=username or "", ip=ip_address or "")


def _on_lockout(sender: object, request: HttpRequest | None = None, username: str | None = None,
                ip_address: str | None = None, **kwargs: Any) -> None:  # fmt: skip
    record_lockout(request, username, ip_address)


def connect() -> None:
    """django-axes announces a lockout by a signal (its only extension point for it): record it in the audit."""
    from axes.signals import user_locked_out

    receiver(user_locked_out, dispatch_uid="plateau.auth.locked_out")(_on_lockout)
