"""A provider's quality page for the programme's supervisors and managers: its audits, then what the
programme's capabilities add (e.g. the follow-up figures), without this app importing them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from plateau import capabilities
from plateau.errors import NotFound
from plateau.tenants.access import access_programme_by_slug
from plateau.tenants.models import SUPERVISING_ROLES

from .access import access_provider


@login_required
def provider_quality(request: HttpRequest, slug: str, provider_id: int) -> HttpResponse:
    try:
        programme = access_programme_by_slug(request.user, slug, SUPERVISING_ROLES)
        provider = access_provider(request.user, programme, provider_id)
    except NotFound as exc:  # another programme's provider, or a user who may not read it: never revealed
        raise Http404(str(exc.message)) from exc
    return render(
        request,
        "directory/quality.html",
        {
            "programme": programme,
            "provider": provider,
            "audits": provider.audits.order_by("-date", "-pk")[:12],
            "sections": capabilities.provider_sections_for(request, programme, provider),
            "title": _("Qualité — %(name)s") % {"name": provider},
        },
    )
