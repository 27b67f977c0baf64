"""The header menu: for each programme the user works in, the pages their roles open (one dropdown per
programme), so that no page has to be reached from the home table."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plateau import capabilities
from plateau.ivr.access import editable_programmes
from plateau.tenants.models import SUPERVISING_ROLES, Membership, Programme, Role, User


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    active: bool


@dataclass(frozen=True)
class NavProgramme:
    programme: Programme
    links: list[NavLink]
    current: bool


# (label, url name, roles that open it); the order is the order of the menu.
_PAGES: tuple[tuple[object, str, tuple[str, ...]], ...] = (
    (_("Poste conseiller"), "web:desk", (Role.ADVISOR,)),
    (_("Tableau de bord"), "web:wallboard", SUPERVISING_ROLES),
    (_("Supervision"), "web:supervision", SUPERVISING_ROLES),
    (_("Rapport"), "web:report", SUPERVISING_ROLES),
    (_("Appelants bloqués"), "contacts:caller_blocks", SUPERVISING_ROLES),
    (_("Demandes transmises"), "leads:supervision", SUPERVISING_ROLES),
    (_("Besoins non couverts"), "leads:coverage", SUPERVISING_ROLES),
    (_("Effectifs"), "wfm:staffing", SUPERVISING_ROLES),
    (_("Données personnelles"), "leads:privacy", (Role.PROGRAMME_MANAGER,)),
    (_("Espace prestataire"), "leads:portal", (Role.PROVIDER_USER,)),
)
# Pages of a capability: shown only for the programmes that enable it.
_CAPABILITY_PAGES: tuple[tuple[object, str, tuple[str, ...], str], ...] = (
    (_("Échéances Solidarité Transport"), "eligibility:deadlines", SUPERVISING_ROLES, "eligibility"),
    (_("Base de connaissances"), "knowledge:editors", SUPERVISING_ROLES, "knowledge"),
)


def programme_menus(user: User, path: str, current_slug: str | None) -> list[NavProgramme]:
    """The menu of each programme ``user`` holds a role in; links whose page is ``path`` are marked active."""
    roles: dict[Programme, set[str]] = defaultdict(set)
    for m in Membership.objects.filter(user=user, programme__is_active=True).select_related("programme"):
        roles[m.programme].add(m.role)
    editable = set(editable_programmes(user).filter(pk__in=[p.pk for p in roles]).values_list("pk", flat=True))
    menus = []
    for programme in sorted(roles, key=str):
        links = []
        for label, name, allowed in _PAGES:
            if roles[programme] & set(allowed):
                url = reverse(name, args=[programme.slug])
                links.append(NavLink(str(label), url, path == url))
        for label, name, allowed, capability in _CAPABILITY_PAGES:
            if roles[programme] & set(allowed) and programme.has_capability(capability):
                url = reverse(name, args=[programme.slug])
                links.append(NavLink(str(label), url, path == url))
        if programme.pk in editable:
            url = reverse("ivr:editor", args=[programme.slug])
            links.append(NavLink(str(_("Menu vocal")), url, path == url))
        if roles[programme] & set(SUPERVISING_ROLES):  # the settings pages of the programme's capabilities
            for cap in capabilities.resolve(programme.capability_codes()):
                if settings_url := cap.extra.get("manage_url"):
                    url = reverse(settings_url, args=[programme.slug])
                    links.append(NavLink(str(cap.label), url, path == url))
        menus.append(NavProgramme(programme, links, programme.slug == current_slug))
    return menus


def navigation(request: HttpRequest) -> dict[str, object]:
    """Context processor: ``nav_programmes`` for the header of every page. A callable, so that the query runs
    only when a template shows the header (not for htmx fragments)."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    match = request.resolver_match
    slug = match.kwargs.get("slug") if match else None
    return {"nav_programmes": functools.partial(programme_menus, request.user, request.path, slug)}
