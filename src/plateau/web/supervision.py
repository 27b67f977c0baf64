"""Supervisor page of a programme: today's contacts and counts per wrap-up code."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from plateau.contacts.access import todays_contacts, wrap_up_counts
from plateau.tenants.access import access_programme_by_slug
from plateau.tenants.models import SUPERVISING_ROLES


@login_required
def supervision(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access_programme_by_slug(request.user, slug, SUPERVISING_ROLES)
    day = timezone.localdate()
    contacts = list(todays_contacts(programme, day))
    counts = wrap_up_counts(programme, day)
    template = "web/_supervision_body.html" if request.htmx else "web/supervision.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "programme": programme,
            "day": day,
            "contacts": contacts,
            "counts": counts,
            "total": len(contacts),
            "title": _("Supervision — %(name)s") % {"name": programme.name},
        },
    )
