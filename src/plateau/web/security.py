"""Session hygiene for every logged-in request: idle timeout, no caching of pages with personal data, and
two-factor enrolment where the deployment requires it (``PLATEAU_REQUIRE_2FA``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from plateau.tenants.models import Membership, Role

LAST_SEEN = "plateau_last_seen"
NEEDS_2FA = "plateau_needs_2fa"
# Writing the session on every request would cost a database write per htmx poll: a minute's precision is enough.
_TOUCH_EVERY_S = 60


def needs_second_factor(user: Any) -> bool:
    """Platform admins and programme managers: they change numbers, menus, users and read every programme."""
    if user.is_superuser or getattr(user, "is_platform_admin", False):
        return True
    return Membership.objects.filter(user=user, role=Role.PROGRAMME_MANAGER).exists()


def _exempt(path: str) -> bool:
    allowed = (reverse("web:two_factor"), reverse("web:logout"), reverse("web:login"), "/" + settings.STATIC_URL)
    return path.startswith(allowed) or path == "/status"


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self._check(request) if request.user.is_authenticated else None
        response = refused or self.get_response(request)
        if request.user.is_authenticated or "HTTP_AUTHORIZATION" in request.META:
            # Pages of a logged-in user (and API answers to a token) carry callers' numbers, health details,
            # benefit data: never kept by a browser or a shared proxy cache (back button on a shared desk computer).
            patch_cache_control(response, no_store=True, private=True)
        return response

    def _check(self, request: HttpRequest) -> HttpResponse | None:
        now, session = time.time(), request.session
        last = session.get(LAST_SEEN)
        if last is not None and now - float(last) > settings.PLATEAU_IDLE_MINUTES * 60:
            logout(request)
            messages.info(request, _("Votre session a expiré après une période d'inactivité : reconnectez-vous."))
            return redirect_to_login(request.get_full_path())
        if last is None or now - float(last) > _TOUCH_EVERY_S:
            session[LAST_SEEN] = now
        if settings.PLATEAU_REQUIRE_2FA and not _exempt(request.path) and not request.user.is_verified():  # type: ignore[union-attr]
            if NEEDS_2FA not in session:
                session[NEEDS_2FA] = needs_second_factor(request.user)
            if session[NEEDS_2FA]:
                messages.warning(request, _("Activez la double authentification pour continuer."))
                return redirect(f"{reverse('web:two_factor')}?next={request.path}")
        return None
