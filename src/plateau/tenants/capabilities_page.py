"""The programme's capabilities, read-only for its supervisors and manager (platform admins edit them in
the Django admin): which desk panels, shortcuts and wrap-up presets the programme's advisors get."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from plateau import capabilities
from plateau.tenants.access import access_programme_by_slug
from plateau.tenants.models import SUPERVISING_ROLES


@login_required
def capabilities_page(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access_programme_by_slug(request.user, slug, SUPERVISING_ROLES)
    enabled = capabilities.resolve(programme.capability_codes())
    enabled_codes = {c.code for c in enabled}
    others = [c for c in capabilities.all_capabilities() if c.code not in enabled_codes]
    return render(
        request,
        "tenants/capabilities.html",
        {
            "programme": programme,
            "enabled": enabled,
            "others": others,
            "title": _("Capacités du programme"),
        },
    )
