"""The advisor desktop's frame: start a contact, the contact page (caller, the panels of the programme's
capabilities, wrap-up), wrap up.

Every step is a plain form post answered by a redirect to the contact page (post/redirect/get) or, when the
input is refused, by the page with the messages on the fields. htmx boosts the forms (no full reload);
nothing depends on it. The capabilities' own actions live in their apps (e.g. ``plateau.directory.desk``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plateau import capabilities
from plateau.calls.access import call_records_of
from plateau.contacts import services
from plateau.contacts.access import (
    access_contact,
    access_contact_for_change,
    can_change,
    nuisance_history,
    previous_contacts,
)
from plateau.contacts.blocking import contact_block_context
from plateau.contacts.models import Contact
from plateau.domain.errors import DomainError
from plateau.errors import PlateauError
from plateau.routing import services as routing_services
from plateau.tenants.access import access_programme_by_slug
from plateau.tenants.models import STAFF_ROLES, Programme, Role
from plateau.ui.errors import add_error

from .forms import StartContactForm, WrapUpForm


def _contact_url(contact: Contact) -> str:
    return reverse("web:contact", args=[contact.programme.slug, contact.pk])


@login_required
@require_http_methods(["GET", "POST"])
def desk(request: HttpRequest, slug: str) -> HttpResponse:
    """The desktop's first screen: start a contact (call with the number typed by hand, letter, e-mail)."""
    programme = access_programme_by_slug(request.user, slug, [Role.ADVISOR])
    form = StartContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.start_contact(
                programme=programme,
                advisor=request.user,  # type: ignore[arg-type]
                channel=form.cleaned_data["channel"],
                phone=form.cleaned_data["phone"],
                caller_name=form.cleaned_data["caller_name"],
                correspondent=form.cleaned_data["correspondent"],
            )
        except (PlateauError, DomainError) as exc:
            add_error(form, exc)
        else:
            return redirect(_contact_url(contact))
    open_contacts = Contact.objects.for_programme(programme).filter(advisor_id=request.user.pk, status="open")
    from .held_work import held_by
    from .live import routing_context

    return render(
        request,
        "web/desk.html",
        {
            "programme": programme,
            "form": form,
            "open_contacts": open_contacts,
            "held": held_by(request.user),  # type: ignore[arg-type]
            "title": _("Poste conseiller"),
            **routing_context(programme, request.user.get_username()),
        },
    )


def _contact_page(request: HttpRequest, contact: Contact, **posted: Any) -> HttpResponse:
    """The desk frame: caller, then the panels of the programme's capabilities in its order, then wrap-up.

    The frame never asks which kind of programme this is: each capability's panel brings its own template
    and context (``plateau.capabilities``). A capability's view that refuses a post comes back here through
    ``capabilities.render_contact_page`` (registered in ``WebConfig.ready``) with its bound forms and step:
    the frame passes them to the panels as ``posted`` and keeps only its own wrap-up form.
    """
    programme = contact.programme
    codes = programme.capability_codes()
    context: dict[str, Any] = {
        "programme": programme,
        "contact": contact,
        "previous": list(previous_contacts(contact)),
        "nuisance": nuisance_history(contact),
        **contact_block_context(request.user, contact),  # type: ignore[arg-type]
        "posted": posted,
        "step": "wrap_up" if contact.is_open else "closed",
        # Colleagues read a contact (caller history) but only its advisor and supervisors change it.
        "editable": contact.is_open and can_change(request.user, contact),
        "routed": contact.is_open and routing_services.routing_id_of(contact) is not None,
        "title": _("Contact n° %(id)s") % {"id": contact.pk},
        "call_records": call_records_of(contact),
        "panels": capabilities.panels_for(codes),
        "shortcuts": capabilities.shortcuts_for(codes),
    }
    for panel in context["panels"]:
        if panel.context is not None:
            context.update(panel.context(request, contact, context))
    step = posted.get("step") or context["step"]
    context["step"] = step
    # The wrap-up code suggested from what the panels say was done (the advisor can change it).
    suggested = context.get("suggested_wrap_up", "")
    wrap_form = posted.get("wrap_form") or WrapUpForm(programme=programme, initial={"code": suggested})
    if step == "wrap_up":
        wrap_form.fields["code"].widget.attrs["autofocus"] = True
    context["wrap_form"] = wrap_form
    return render(request, "web/contact.html", context)


def _open_contact(request: HttpRequest, slug: str, contact_id: int, *, change: bool) -> Contact:
    programme: Programme = access_programme_by_slug(request.user, slug, STAFF_ROLES)
    if change:
        return access_contact_for_change(request.user, contact_id, programme=programme)
    return access_contact(request.user, contact_id, programme=programme)


@login_required
def contact_page(request: HttpRequest, slug: str, contact_id: int) -> HttpResponse:
    return _contact_page(request, _open_contact(request, slug, contact_id, change=False))


@login_required
@require_POST
def wrap_up(request: HttpRequest, slug: str, contact_id: int) -> HttpResponse:
    contact = _open_contact(request, slug, contact_id, change=True)
    form = WrapUpForm(request.POST, programme=contact.programme)
    if not form.is_valid():
        return _contact_page(request, contact, wrap_form=form, step="wrap_up")
    try:
        # A routed contact's wrap-up also completes its work item in the router (one step, see routing.services).
        routing_services.complete_routed_contact(
            contact,
            actor=request.user,  # type: ignore[arg-type]
            code=form.cleaned_data["code"],
            notes=form.cleaned_data["notes"],
        )
    except (PlateauError, DomainError) as exc:
        add_error(form, exc, field_map={"wrap_up": "code"})
        return _contact_page(request, contact, wrap_form=form, step="wrap_up")
    messages.success(request, _("Contact n° %(id)s clos.") % {"id": contact.pk})
    return redirect(reverse("web:desk", args=[contact.programme.slug]))
