"""Pages of the orientation capability: the programme manager's destinations and themes (supervisors read
them), and the desk's orientation post (transfer the live call, or record the number given)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plateau.contacts.access import access_contact_for_change
from plateau.domain.errors import DomainError
from plateau.errors import NotFound, PermissionDenied, PlateauError
from plateau.services.router.bus import RoutingMessage
from plateau.services.router.runtime import bus
from plateau.services.sip.events import TRANSFER_REQUESTED
from plateau.tenants.access import access_programme_by_slug, has_role
from plateau.tenants.errors import CapabilityNotEnabled
from plateau.tenants.models import STAFF_ROLES, SUPERVISING_ROLES, Programme, Role
from plateau.ui.errors import add_error

from . import services
from .access import destinations_of, state_of, themes_of
from .capability import ORIENTATION
from .desk import _when
from .forms import DestinationForm, ThemeForm
from .models import Destination, OrientationMode


def _programme(request: HttpRequest, slug: str) -> tuple[Programme, bool]:
    programme = access_programme_by_slug(request.user, slug, SUPERVISING_ROLES)
    if not programme.has_capability(ORIENTATION):
        raise NotFound(slug=slug)
    return programme, has_role(request.user, programme, [Role.PROGRAMME_MANAGER])


def _input(form: DestinationForm) -> services.DestinationInput:
    d = form.cleaned_data
    return services.DestinationInput(
        name=d["name"], phone=d["phone"], sip_uri=d["sip_uri"], opening_hours=d["opening_hours"],
        always_open=d["always_open"], theme_codes=d["themes"], communes=d["communes_list"],
        departments=d["departments_list"], briefing=d["briefing"], is_active=d["is_active"],
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def destinations_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's themes and destinations; the manager adds a theme or a destination here."""
    programme, manager = _programme(request, slug)
    themes = themes_of(programme)
    theme_form = ThemeForm(request.POST if request.POST.get("form") == "theme" else None, prefix="theme")
    form = DestinationForm(request.POST if request.POST.get("form") == "destination" else None, themes=themes)
    if request.method == "POST":
        if not manager:
            raise PermissionDenied()
        if theme_form.is_bound and theme_form.is_valid():
            try:
                services.add_theme(programme, actor=request.user, code=theme_form.cleaned_data["code"],  # type: ignore[arg-type]
                                   label=theme_form.cleaned_data["label"])  # fmt: skip
            except (PlateauError, DomainError) as exc:
                add_error(theme_form, exc)
            else:
                messages.success(request, _("Thème ajouté."))
                return redirect(reverse("orientation:destinations", args=[slug]))
        elif form.is_bound and form.is_valid():
            try:
                services.save_destination(programme, _input(form), actor=request.user)  # type: ignore[arg-type]
            except (PlateauError, DomainError) as exc:
                add_error(form, exc)
            else:
                messages.success(request, _("Destination ajoutée."))
                return redirect(reverse("orientation:destinations", args=[slug]))
    rows = []
    for d in destinations_of(programme):
        state = state_of(d)
        rows.append({"d": d, "state": state, "themes": [t.label for t in d.themes.all()],
                     "next_opening": _when(state.next_opening)})  # fmt: skip
    return render(
        request,
        "orientation/destinations.html",
        {
            "programme": programme,
            "manager": manager,
            "themes": themes,
            "rows": rows,
            "theme_form": theme_form,
            "form": form,
            "title": _("Orientation vers le niveau 2"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def destination_page(request: HttpRequest, slug: str, destination_id: int) -> HttpResponse:
    """Change one destination (the manager); the change is audited with what changed."""
    programme, manager = _programme(request, slug)
    if not manager:
        raise PermissionDenied()
    destination = Destination.objects.for_programme(programme).filter(pk=destination_id).first()
    if destination is None:
        raise NotFound()
    themes = themes_of(programme)
    form = DestinationForm(request.POST or None, themes=themes, initial=DestinationForm.initial_of(destination))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_destination(programme, _input(form), actor=request.user, destination=destination)  # type: ignore[arg-type]
        except (PlateauError, DomainError) as exc:
            add_error(form, exc)
        else:
            messages.success(request, _("Destination « %(name)s » enregistrée.") % {"name": form.cleaned_data["name"]})
            return redirect(reverse("orientation:destinations", args=[slug]))
    return render(
        request,
        "orientation/destination.html",
        {"programme": programme, "destination": destination, "form": form, "title": destination.name},
    )


@login_required
@require_POST
def orient(request: HttpRequest, slug: str, contact_id: int) -> HttpResponse:
    """Record the orientation; for a transfer, then ask the SIP gateway to REFER the caller (blind transfer)."""
    programme = access_programme_by_slug(request.user, slug, STAFF_ROLES)
    contact = access_contact_for_change(request.user, contact_id, programme=programme)
    p = request.POST
    back = reverse("web:contact", args=[slug, contact.pk])
    query = {k: p.get(k, "") for k in ("theme", "insee") if p.get(k)}
    if query:
        back += "?" + urlencode(query)
    try:
        destination_id = int(p.get("destination", ""))
    except ValueError:
        messages.error(request, _("Choisissez une destination."))
        return redirect(back)
    try:
        orientation = services.record_orientation(
            contact, actor=request.user, destination_id=destination_id, theme_code=p.get("theme", ""),  # type: ignore[arg-type]
            mode=p.get("mode", ""), commune_insee=p.get("insee", ""),
        )  # fmt: skip
    except CapabilityNotEnabled:
        messages.error(request, str(CapabilityNotEnabled.default_message))
        return redirect(back)
    except (PlateauError, DomainError) as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    name = orientation.destination.name
    if orientation.mode == OrientationMode.NUMBER_GIVEN:
        messages.success(request, _("Numéro de « %(name)s » donné : %(phone)s.") % {"name": name,
                         "phone": orientation.destination.phone_readable})  # fmt: skip
        return redirect(back)
    message = RoutingMessage(
        TRANSFER_REQUESTED,
        {"contact_id": orientation.routing_contact_id, "target": orientation.target, "method": "refer"},
        (programme.slug,),
        request.user.get_username(),
    )
    try:
        bus().publish([message])
    except Exception:  # Redis down: the call goes on; the orientation stays recorded, the number can be given
        messages.error(request, _("Le transfert n'a pas pu être demandé : donnez le numéro à l'appelant."))
    else:
        messages.success(request, _("Transfert de l'appel vers « %(name)s » demandé.") % {"name": name})
    return redirect(back)
