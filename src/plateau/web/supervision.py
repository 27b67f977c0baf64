"""Supervisor page of a programme: the contacts of a day (today unless ``?jour=YYYY-MM-DD``) and counts per
wrap-up code; the codes excluded from the service indicators (nuisance, wrong number…) apart."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from plateau import capabilities
from plateau.contacts.access import todays_contacts, wrap_up_summary
from plateau.tenants.access import access_programme_by_slug
from plateau.tenants.models import SUPERVISING_ROLES, Programme


def capability_kpis(programme: Programme, day: dt.date) -> list[dict[str, Any]]:
    """The day's KPI lines the programme's capabilities add (``extra["day_kpis"]``: the transfer rate…)."""
    return [
        kpi
        for cap in capabilities.resolve(programme.capability_codes())
        if (provider := cap.extra.get("day_kpis")) is not None
        for kpi in provider(programme, day)
    ]


@login_required
def supervision(request: HttpRequest, slug: str) -> HttpResponse:
    programme = access_programme_by_slug(request.user, slug, SUPERVISING_ROLES)
    today = timezone.localdate()
    day, day_error = today, ""
    if request.GET.get("jour"):
        try:
            day = dt.date.fromisoformat(request.GET["jour"])
        except ValueError:
            day_error = _("Date illisible : choisissez un jour dans le calendrier (jj/mm/aaaa).")
    contacts = list(todays_contacts(programme, day))
    summary = wrap_up_summary(programme, day)
    template = "web/_supervision_body.html" if request.htmx else "web/supervision.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "programme": programme,
            "day": day,
            "today": today,
            "day_error": day_error,
            "contacts": contacts,
            "counts": summary.service,
            "summary": summary,
            "capability_kpis": capability_kpis(programme, day),
            "total": len(contacts),
            "title": _("Supervision — %(name)s") % {"name": programme.name},
        },
    )
