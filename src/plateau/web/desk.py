"""The advisor desktop: start a contact, identify the caller, capture the need, search, give details, wrap up.

Every step is a plain form post answered by a redirect to the contact page (post/redirect/get) or, when the
input is refused, by the page with the messages on the fields. htmx boosts the forms (no full reload) and
refreshes the commune suggestions as the advisor types; nothing depends on it.
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
from plateau.directory.capability import DIRECTORY
from plateau.directory.models import ProviderProposal, ProviderSearch
from plateau.domain.errors import DomainError
from plateau.errors import PlateauError
from plateau.geo.access import commune_by_insee, resolve_commune
from plateau.geo.models import Commune, Department
from plateau.routing import services as routing_services
from plateau.tenants.access import access_programme_by_slug
from plateau.tenants.errors import CapabilityNotEnabled
from plateau.tenants.models import STAFF_ROLES, Programme, Role

from ._errors import add_error
from .forms import DetailsForm, NeedForm, SearchForm, StartContactForm, WrapUpForm


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


def _candidate_rows(communes: list[Commune]) -> list[dict[str, Any]]:
    departments = {d.code: d.name for d in Department.objects.filter(code__in={c.department_code for c in communes})}
    rows = []
    for c in communes:
        postal = sorted({p.code for p in c.postal_codes.all()})
        rows.append(
            {
                "insee": c.insee_code,
                "name": c.name,
                "department": f"{departments.get(c.department_code, '')} ({c.department_code})".strip(),
                "postal_codes": ", ".join(postal[:3]) + ("…" if len(postal) > 3 else ""),
            }
        )
    return rows


def _latest_search(contact: Contact) -> ProviderSearch | None:
    return contact.searches.order_by("-at", "-pk").first()


def _contact_page(request: HttpRequest, contact: Contact, **forms: Any) -> HttpResponse:
    """The desk frame: caller, then the panels of the programme's capabilities in its order, then wrap-up.

    The frame never asks which kind of programme this is: each capability's panel brings its own template
    and context (``plateau.capabilities``); the frame only passes back the forms of a refused post.
    """
    programme = contact.programme
    codes = programme.capability_codes()
    context: dict[str, Any] = {
        "programme": programme,
        "contact": contact,
        "previous": list(previous_contacts(contact)),
        "nuisance": nuisance_history(contact),
        **contact_block_context(request.user, contact),  # type: ignore[arg-type]
        "candidates": forms.get("candidates") or [],
        "query": forms.get("query", ""),
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
    step = forms.get("step") or context["step"]
    context["step"] = step
    # The directory panel's forms are built here because their views still live in web/ (issue 10 item 9
    # moves them to the directory app); building them costs nothing when no panel renders them.
    need_form = forms.get("need_form") or NeedForm(
        initial={
            "activity": contact.activity_id,
            # "Name (dép.)" resolves again to the same commune when the advisor re-submits the need.
            "commune": f"{contact.commune.name} ({contact.commune.department_code})" if contact.commune else "",
            "need_date": contact.need_date,
        }
    )
    _focus_and_suggest(contact, step if not forms.get("candidates") else "choose_commune", need_form)
    search = context.get("search")
    search_form = forms.get("search_form") or SearchForm(
        initial={"radius_km": int(search.radius_km)} if search else None
    )
    # The wrap-up code suggested from what the panels say was done (the advisor can change it).
    suggested = "details_given" if context.get("given") else ("no_provider_found" if context.get("unmet") else "")
    wrap_form = forms.get("wrap_form") or WrapUpForm(programme=programme, initial={"code": suggested})
    if step == "search":
        search_form.fields["radius_km"].widget.attrs["autofocus"] = True
    elif step == "wrap_up":
        wrap_form.fields["code"].widget.attrs["autofocus"] = True
    context.update(
        need_form=need_form,
        search_form=search_form,
        details_form=forms.get("details_form") or DetailsForm(choices=context.get("detail_choices", [])),
        wrap_form=wrap_form,
    )
    return render(request, "web/contact.html", context)


def _focus_and_suggest(contact: Contact, step: str, need_form: NeedForm) -> None:
    """Put the focus where the advisor types next; let htmx list matching communes while they type."""
    commune = need_form.fields["commune"].widget
    commune.attrs.update(
        {
            "hx-get": reverse("web:commune_suggestions", args=[contact.programme.slug]),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": "#commune-candidates-slot",
        }
    )
    if step == "need":
        field = "commune" if need_form.is_bound and "commune" in need_form.errors else "activity"
        need_form.fields[field].widget.attrs["autofocus"] = True


def _open_contact(request: HttpRequest, slug: str, contact_id: int, *, change: bool) -> Contact:
    programme: Programme = access_programme_by_slug(request.user, slug, STAFF_ROLES)
    if change:
        return access_contact_for_change(request.user, contact_id, programme=programme)
    return access_contact(request.user, contact_id, programme=programme)


def _directory_refused(request: HttpRequest, contact: Contact) -> HttpResponse | None:
    """A post to the directory panel of a programme without that capability (a stale page, a crafted
    request) is refused before anything is written; the services refuse it too."""
    if contact.programme.has_capability(DIRECTORY):
        return None
    messages.error(request, str(CapabilityNotEnabled.default_message))
    return redirect(_contact_url(contact))


@login_required
def contact_page(request: HttpRequest, slug: str, contact_id: int) -> HttpResponse:
    return _contact_page(request, _open_contact(request, slug, contact_id, change=False))


@login_required
@require_POST
def capture_need(request: HttpRequest, slug: str, contact_id: int) -> HttpResponse:
    """Capture activity, commune and date; an ambiguous commune comes back as a list to choose from."""
    contact = _open_contact(request, slug, contact_id, change=True)
    if (refused := _directory_refused(request, contact)) is not None:
        return refused
    form = NeedForm(request.POST)
    if not form.is_valid():
        return _contact_page(request, contact, need_form=form, step="need")
    commune: Commune | None = None
    # A candidate picked in the list counts only for the text it was listed for (no stale choice).
    text = form.cleaned_data["commune"].strip()
    chosen = request.POST.get("candidate", "")
    if request.POST.get("candidates_for", "").strip() != text:
        chosen = ""
    try:
        if chosen:
            commune = commune_by_insee(chosen)
        else:
            resolution = resolve_commune(text)
            if resolution.unique is not None:
                commune = resolution.unique
            elif resolution.candidates:
                form.add_error("commune", _("Plusieurs communes correspondent : choisissez la bonne dans la liste."))
                rows = _candidate_rows(resolution.candidates)
                return _contact_page(request, contact, need_form=form, candidates=rows, query=text, step="need")
            else:
                form.add_error("commune", resolution.error or _("Commune inconnue."))
                return _contact_page(request, contact, need_form=form, step="need")
        services.capture_need(
            contact,
            actor=request.user,  # type: ignore[arg-type]
            activity=form.cleaned_data["activity"],
            commune=commune,
            need_date=form.cleaned_data["need_date"],
        )
    except (PlateauError, DomainError) as exc:
        add_error(form, exc, field_map={"insee_code": "commune"})
        return _contact_page(request, contact, need_form=form, step="need")
    return redirect(_contact_url(contact))


@login_required
@require_POST
def search(request: HttpRequest, slug: str, contact_id: int) -> HttpResponse:
    contact = _open_contact(request, slug, contact_id, change=True)
    if (refused := _directory_refused(request, contact)) is not None:
        return refused
    form = SearchForm(request.POST)
    if not form.is_valid():
        return _contact_page(request, contact, search_form=form, step="search")
    try:
        outcome = services.search_for_contact(contact, actor=request.user, radius_km=form.cleaned_data["radius_km"])  # type: ignore[arg-type]
    except (PlateauError, DomainError) as exc:
        add_error(form, exc)
        return _contact_page(request, contact, search_form=form, step="search")
    if not outcome.matches:
        messages.warning(request, _("Aucun prestataire trouvé : le besoin non satisfait est enregistré."))
    return redirect(_contact_url(contact))


@login_required
@require_POST
def give_details(request: HttpRequest, slug: str, contact_id: int) -> HttpResponse:
    contact = _open_contact(request, slug, contact_id, change=True)
    if (refused := _directory_refused(request, contact)) is not None:
        return refused
    search_obj = _latest_search(contact)
    proposals = ProviderProposal.objects.filter(search=search_obj).select_related("provider") if search_obj else []
    form = DetailsForm(request.POST, choices=[(p.provider_id, str(p.provider)) for p in proposals])
    if search_obj is None or not form.is_valid():
        return _contact_page(request, contact, details_form=form, step="details")
    try:
        given = services.give_details(
            contact,
            actor=request.user,  # type: ignore[arg-type]
            search=search_obj,
            provider_ids=form.cleaned_data["providers"],
            consent=form.cleaned_data["consent"],
        )
    except (PlateauError, DomainError) as exc:
        add_error(form, exc)
        return _contact_page(request, contact, details_form=form, step="details")
    messages.success(request, _("Coordonnées données : %(n)s prestataire(s).") % {"n": len(given)})
    return redirect(_contact_url(contact))


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


@login_required
def commune_suggestions(request: HttpRequest, slug: str) -> HttpResponse:
    """htmx partial: the communes matching what the advisor typed, to pick one before submitting."""
    access_programme_by_slug(request.user, slug, STAFF_ROLES)
    text = request.GET.get("commune", "")
    resolution = resolve_commune(text, limit=8) if len(text.strip()) >= 2 else None
    rows = _candidate_rows(resolution.candidates) if resolution and resolution.candidates else []
    return render(request, "web/_commune_candidates.html", {"candidates": rows, "query": text})
