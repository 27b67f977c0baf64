"""Login and home page: the user's programmes and roles, with links to the desktop and supervision."""

from __future__ import annotations

from collections import defaultdict
from typing import cast

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from plateau.ivr.access import editable_programmes
from plateau.tenants.models import SUPERVISING_ROLES, Membership, Role, User

from .two_factor import LoginForm, complete_login


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    form_class = LoginForm
    extra_context = {"title": _("Connexion")}

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        complete_login(self.request, form)
        return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    by_programme: dict[object, list[str]] = defaultdict(list)
    for m in Membership.objects.filter(user=cast(User, request.user), programme__is_active=True).select_related(
        "programme"
    ):
        by_programme[m.programme].append(m.role)
    rows = [
        {
            "programme": programme,
            "roles": [Role(r).label for r in sorted(roles)],
            "is_advisor": Role.ADVISOR in roles,
            "supervises": any(r in SUPERVISING_ROLES for r in roles),
            "manages": Role.PROGRAMME_MANAGER in roles,
            "provides": Role.PROVIDER_USER in roles,
        }
        for programme, roles in sorted(by_programme.items(), key=lambda kv: str(kv[0]))
    ]
    menus = editable_programmes(request.user).exists()
    return render(request, "web/home.html", {"rows": rows, "title": _("Mes programmes"), "edits_menus": menus})
