"""The directory's desk actions: capture the need, search providers, give their details, and the commune
suggestions listed while the advisor types.

Every action is a plain form post answered by a redirect to the contact page (post/redirect/get) or, when
the input is refused, by the contact page with the messages on the fields of this panel. The contact page
is the shell's frame: a refused post goes back to it through :func:`plateau.capabilities.render_contact_page`
with its bound form, and :func:`panel_forms` (called from the panel's context) puts that form back in place.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plateau.capabilities import render_contact_page
from plateau.contacts import services
from plateau.contacts.access import access_contact_for_change
from plateau.contacts.models import Contact
from plateau.domain.errors import DomainError
from plateau.errors import PlateauError
from plateau.geo.access import commune_by_insee, resolve_commune
from plateau.geo.models import Commune, Department
from plateau.tenants.access import access_programme_by_slug
from plateau.tenants.errors import CapabilityNotEnabled
from plateau.tenants.models import STAFF_ROLES
from plateau.ui.errors import add_error

from .capability import DIRECTORY
from .forms import DetailsForm, NeedForm, SearchForm
from .models import ProviderProposal, ProviderSearch


def _contact_url(contact: Contact) -> str:
    return reverse("web:contact", args=[contact.programme.slug, contact.pk])


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


def panel_forms(
    contact: Contact, posted: dict[str, Any], step: str, search: ProviderSearch | None, detail_choices: list[Any]
) -> dict[str, Any]:
    """The panel's forms: those of a refused post (``posted``, given back by the frame) or fresh ones, with
    the focus on the field the advisor types next (``step`` is the page's step, a refused post's first)."""
    need_form = posted.get("need_form") or NeedForm(
        initial={
            "activity": contact.activity_id,
            # "Name (dép.)" resolves again to the same commune when the advisor re-submits the need.
            "commune": f"{contact.commune.name} ({contact.commune.department_code})" if contact.commune else "",
            "need_date": contact.need_date,
        }
    )
    candidates = posted.get("candidates") or []
    _focus_and_suggest(contact, "choose_commune" if candidates else step, need_form)
    search_form = posted.get("search_form") or SearchForm(
        initial={"radius_km": int(search.radius_km)} if search else None
    )
    if step == "search":
        search_form.fields["radius_km"].widget.attrs["autofocus"] = True
    return {
        "need_form": need_form,
        "search_form": search_form,
        "details_form": posted.get("details_form") or DetailsForm(choices=detail_choices),
        "candidates": candidates,
        "query": posted.get("query", ""),
    }


def _focus_and_suggest(contact: Contact, step: str, need_form: NeedForm) -> None:
    """Put the focus where the advisor types next; let htmx list matching communes while they type."""
    commune = need_form.fields["commune"].widget
    commune.attrs.update(
        {
            "hx-get": reverse("directory:commune_suggestions", args=[contact.programme.slug]),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": "#commune-candidates-slot",
        }
    )
    if step == "need":
        field = "commune" if need_form.is_bound and "commune" in need_form.errors else "activity"
        need_form.fields[field].widget.attrs["autofocus"] = True


def _open_contact(request: HttpRequest, slug: str, contact_id: int) -> Contact:
    programme = access_programme_by_slug(request.user, slug, STAFF_ROLES)
    return access_contact_for_change(request.user, contact_id, programme=programme)


def _directory_refused(request: HttpRequest, contact: Contact) -> HttpResponse | None:
    """A post to the directory panel of a programme without that capability (a stale page, a crafted
    request) is refused before anything is written; the services refuse it too."""
    if contact.programme.has_capability(DIRECTORY):
        return None
    messages.error(request, str(CapabilityNotEnabled.default_message))
    return redirect(_contact_url(contact))


@login_required
@require_POST
def capture_need(request: HttpRequest, slug: str, contact_id: int) -> HttpResponse:
    """Capture activity, commune and date; an ambiguous commune comes back as a list to choose from."""
    contact = _open_contact(request, slug, contact_id)
    if (refused := _directory_refused(request, contact)) is not None:
        return refused
    form = NeedForm(request.POST)
    if not form.is_valid():
        return render_contact_page(request, contact, need_form=form, step="need")
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
                return render_contact_page(request, contact, need_form=form, candidates=rows, query=text, step="need")
            else:
                form.add_error("commune", resolution.error or _("Commune inconnue."))
                return render_contact_page(request, contact, need_form=form, step="need")
        services.capture_need(
            contact,
            actor=request.user,  # type: ignore[arg-type]
            activity=form.cleaned_data["activity"],
            commune=commune,
            need_date=form.cleaned_data["need_date"],
        )
    except (PlateauError, DomainError) as exc:
        add_error(form, exc, field_map={"insee_code": "commune"})
        return render_contact_page(request, contact, need_form=form, step="need")
    return redirect(_contact_url(contact))


@login_required
@require_POST
def search(request: HttpRequest, slug: str, contact_id: int) -> HttpResponse:
    contact = _open_contact(request, slug, contact_id)
    if (refused := _directory_refused(request, contact)) is not None:
        return refused
    form = SearchForm(request.POST)
    if not form.is_valid():
        return render_contact_page(request, contact, search_form=form, step="search")
    try:
        outcome = services.search_for_contact(contact, actor=request.user, radius_km=form.cleaned_data["radius_km"])  # type: ignore[arg-type]
    except (PlateauError, DomainError) as exc:
        add_error(form, exc)
        return render_contact_page(request, contact, search_form=form, step="search")
    if not outcome.matches:
        messages.warning(request, _("Aucun prestataire trouvé : le besoin non satisfait est enregistré."))
    return redirect(_contact_url(contact))


@login_required
@require_POST
def give_details(request: HttpRequest, slug: str, contact_id: int) -> HttpResponse:
    contact = _open_contact(request, slug, contact_id)
    if (refused := _directory_refused(request, contact)) is not None:
        return refused
    search_obj = _latest_search(contact)
    proposals = ProviderProposal.objects.filter(search=search_obj).select_related("provider") if search_obj else []
    form = DetailsForm(request.POST, choices=[(p.provider_id, str(p.provider)) for p in proposals])
    if search_obj is None or not form.is_valid():
        return render_contact_page(request, contact, details_form=form, step="details")
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
        return render_contact_page(request, contact, details_form=form, step="details")
    messages.success(request, _("Coordonnées données : %(n)s prestataire(s).") % {"n": len(given)})
    return redirect(_contact_url(contact))


@login_required
def commune_suggestions(request: HttpRequest, slug: str) -> HttpResponse:
    """htmx partial: the communes matching what the advisor typed, to pick one before submitting."""
    access_programme_by_slug(request.user, slug, STAFF_ROLES)
    text = request.GET.get("commune", "")
    resolution = resolve_commune(text, limit=8) if len(text.strip()) >= 2 else None
    rows = _candidate_rows(resolution.candidates) if resolution and resolution.candidates else []
    return render(request, "directory/desk/_commune_candidates.html", {"candidates": rows, "query": text})
