"""The work an advisor holds in the router, linked to where it is done — whatever desk they are looking at.

The router publishes, per advisor, the items they accepted and the queue of each (``status.advisors[*].work``).
Each item is found again in the programme that owns its queue: a desk contact opened for it (``RoutedContact``)
or an escalated lead (``Lead.work_item_id``). An item behind which nothing was opened (the page was closed
between the acceptance and the contact, a crash) is listed too, with a button that finishes it: an advisor is
never stuck in « en traitement » without a way to their work. Supervisors see every advisor of their programme
with the items they hold and may release them (audited, through the router).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plateau.errors import PlateauError
from plateau.leads import escalation
from plateau.routing import services as routing_services
from plateau.routing.models import RoutedContact
from plateau.routing.wallboard import ADVISOR_STATE_LABELS
from plateau.services.router.runtime import bus
from plateau.tenants.access import access_programme_by_slug, has_role
from plateau.tenants.models import STAFF_ROLES, SUPERVISING_ROLES, Programme, Role, User


@dataclass(frozen=True)
class HeldItem:
    routing_id: str
    queue_id: str
    programme: Programme | None  # the owner, when the viewer may open it
    label: str
    url: str  # empty: nothing was opened for it (the advisor may finish it)


def _work_of(advisor: dict[str, Any] | None) -> list[dict[str, str]]:
    if not advisor:
        return []
    return list(advisor.get("work") or [{"contact_id": c, "queue_id": "", "channel": ""} for c in advisor["contacts"]])


def describe(viewer: User, work: list[dict[str, str]]) -> list[HeldItem]:
    """Each held item with a link in its owner programme, when ``viewer`` has a role there."""
    ids = [w["contact_id"] for w in work]
    routed = {
        r.routing_id: r.contact
        for r in RoutedContact.objects.filter(routing_id__in=ids).select_related("contact__programme")
    }
    owners = {
        p.slug: p
        for p in Programme.objects.filter(slug__in={routing_services.owner_slug(w["queue_id"]) for w in work})
        if has_role(viewer, p, STAFF_ROLES)
    }
    items = []
    for w in work:
        cid, owner = w["contact_id"], owners.get(routing_services.owner_slug(w["queue_id"]))
        contact = routed.get(cid)
        if contact is not None and has_role(viewer, contact.programme, STAFF_ROLES):
            label = _("Contact n° %(id)s — %(programme)s") % {"id": contact.pk, "programme": contact.programme.name}
            url = reverse("web:contact", args=[contact.programme.slug, contact.pk])
            items.append(HeldItem(cid, w["queue_id"], contact.programme, label, url))
            continue
        lead = escalation.lead_for_work_item(owner, cid) if owner is not None else None
        if owner is not None and lead is not None:
            label = _("Demande escaladée n° %(id)s — %(programme)s") % {"id": lead.pk, "programme": owner.name}
            url = reverse("leads:work_item", args=[owner.slug, lead.pk])
            items.append(HeldItem(cid, w["queue_id"], owner, label, url))
            continue
        label = _("Contact distribué sans fiche ouverte — %(programme)s") % {
            "programme": owner.name if owner is not None else w["queue_id"]
        }
        items.append(HeldItem(cid, w["queue_id"], owner, label, ""))
    return items


def held_by(user: User) -> list[HeldItem]:
    """What ``user`` holds now, per the router's latest status."""
    advisors = (bus().latest_status() or {}).get("advisors", {})
    return describe(user, _work_of(advisors.get(user.get_username())))


@login_required
def held_work_fragment(request: HttpRequest, slug: str) -> HttpResponse:
    """The desk's « Travail en cours » block, refreshed by the routing panel when the router's list changes."""
    programme = access_programme_by_slug(request.user, slug, [Role.ADVISOR])
    items = held_by(request.user)  # type: ignore[arg-type]
    return render(request, "web/_held_work.html", {"programme": programme, "held": items})


@login_required
@require_POST
def finish_own(request: HttpRequest, slug: str) -> HttpResponse:
    """The advisor finishes an item of theirs behind which nothing was opened (and only such an item)."""
    access_programme_by_slug(request.user, slug, [Role.ADVISOR])
    routing_id = request.POST.get("routing_id", "")
    mine = {i.routing_id: i for i in held_by(request.user)}  # type: ignore[arg-type]
    item = mine.get(routing_id)
    if item is None or item.url:
        messages.error(request, _("Ce contact n'est pas à terminer ici : ouvrez-le depuis « Travail en cours »."))
    else:
        try:
            routing_services.finish_routed_work(routing_id, request.user.get_username())
        except PlateauError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Contact distribué terminé : vous êtes libéré."))
    return redirect(reverse("web:desk", args=[slug]))


@login_required
def advisors_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Supervisors: the advisors serving the programme, their state and what they hold, with « Libérer »."""
    programme = access_programme_by_slug(request.user, slug, SUPERVISING_ROLES)
    advisors = (bus().latest_status() or {}).get("advisors", {})
    names = {u.username: u.get_full_name() or u.username for u in User.objects.filter(username__in=list(advisors))}
    rows = [
        {
            "username": name,
            "name": names.get(name, name),
            "state": ADVISOR_STATE_LABELS.get(a.get("state", ""), a.get("state", "")),
            "items": describe(request.user, _work_of(a)),  # type: ignore[arg-type]
        }
        for name, a in sorted(advisors.items())
        if slug in a.get("programmes", ())
    ]
    return render(
        request,
        "web/advisors.html",
        {"programme": programme, "rows": rows, "title": _("Conseillers — %(name)s") % {"name": programme.name}},
    )


@login_required
@require_POST
def release(request: HttpRequest, slug: str) -> HttpResponse:
    """A supervisor releases an item an advisor holds; an escalated lead that still needs someone is routed again."""
    programme = access_programme_by_slug(request.user, slug, SUPERVISING_ROLES)
    advisor, routing_id = request.POST.get("advisor", ""), request.POST.get("routing_id", "")
    advisors = (bus().latest_status() or {}).get("advisors", {})
    held = {w["contact_id"]: w for w in _work_of(advisors.get(advisor))}
    page = reverse("web:advisors", args=[slug])
    if routing_id not in held:
        messages.error(request, _("Ce conseiller ne détient plus ce contact."))
        return redirect(page)
    try:
        routing_services.release_held_work(
            programme=programme,
            advisor=advisor,
            routing_id=routing_id,
            queue_id=held[routing_id]["queue_id"],
            actor=request.user,  # type: ignore[arg-type]
        )
    except PlateauError as exc:
        messages.error(request, str(exc.message))
        return redirect(page)
    again = escalation.route_again(programme, routing_id)
    messages.success(
        request,
        _("Contact libéré : %(advisor)s est de nouveau disponible.") % {"advisor": advisor}
        + (" " + _("La demande escaladée est remise en file.") if again else ""),
    )
    return redirect(page)
