"""The programme manager's page for one person's data: find by phone number, download it (JSON or CSV),
erase it after an explicit confirmation. Everything goes through :mod:`plateau.leads.privacy` (audited)."""

from __future__ import annotations

import io
import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods

from plateau import csvexport
from plateau.domain.errors import DomainError
from plateau.errors import PlateauError
from plateau.leads import privacy
from plateau.tenants.access import access_programme_by_slug
from plateau.tenants.models import Role, User
from plateau.ui.forms import DsfrBaseForm


class PersonForm(DsfrBaseForm):
    phone = forms.CharField(label=_l("Numéro de téléphone de la personne"), max_length=40)
    confirm = forms.CharField(label=_l("Pour effacer, retapez le numéro"), max_length=40, required=False)


@login_required
@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, slug: str) -> HttpResponse:
    """Export (``action=json`` / ``action=csv``, a download) or erase (``action=erase`` with ``confirm``)."""
    programme = access_programme_by_slug(request.user, slug, [Role.PROGRAMME_MANAGER])
    user: User = request.user  # type: ignore[assignment]  # login_required
    form = PersonForm(request.POST or None)
    action = request.POST.get("action", "")
    found = None
    if request.method == "POST" and form.is_valid():
        try:
            e164 = privacy.person_phone(form.cleaned_data["phone"])
        except (DomainError, PlateauError) as exc:
            form.add_error("phone", str(exc.message))
        else:
            if action == "erase":
                if _digits(form.cleaned_data["confirm"]) != _digits(form.cleaned_data["phone"]):
                    form.add_error("confirm", _("Retapez le même numéro pour confirmer l'effacement."))
                else:
                    done = privacy.erase_person(programme, e164, actor=user)
                    messages.success(
                        request,
                        _(
                            "Données effacées : %(leads)s demande(s) anonymisée(s), %(contacts)s contact(s) "
                            "détaché(s), %(calls)s appel(s) rendu(s) anonyme(s), %(recordings)s enregistrement(s) "
                            "supprimé(s), %(events)s événement(s) du journal de distribution expurgé(s)."
                        )
                        % {
                            "leads": done.leads,
                            "contacts": done.contacts,
                            "calls": done.calls,
                            "recordings": done.recordings,
                            "events": done.journal_events,
                        },
                    )
                    return redirect(reverse("leads:privacy", args=[slug]))
            else:
                data = privacy.export_person(programme, e164, actor=user)
                if action in ("json", "csv"):
                    return _download(data, action, slug)
                found = {
                    "phone": e164,
                    "caller": data["caller"],
                    "contacts": len(data["contacts"]),
                    "leads": len(data["leads"]),
                    "surveys": len(data["surveys"]),
                    "calls": len(data["calls"]),
                    "recordings": len(data["recordings"]) + len(data["voicemails"]),
                }
    return render(
        request,
        "leads/privacy.html",
        {"programme": programme, "form": form, "found": found, "title": _("Données personnelles")},
    )


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())[-9:]


def _download(data: dict[str, object], kind: str, slug: str) -> HttpResponse:
    name = f"donnees-{slug}-{str(data['phone']).lstrip('+')}"
    if kind == "json":
        body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    else:
        out = io.StringIO()
        writer = csvexport.Writer(out, delimiter=";")
        writer.writerow(["section", "id", "champ", "valeur"])
        writer.writerows(privacy.export_rows(data))
        response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response
