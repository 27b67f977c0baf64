"""The orientation panel of the contact page: pick a theme (the commune comes from the contact, or the
advisor gives it), see the competent destinations, open or closed now, transfer or give the number."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from plateau.contacts.models import Contact, WrapUpCategory
from plateau.contacts.services import active_wrap_up_codes
from plateau.geo.access import resolve_commune
from plateau.tenants.models import Programme

from .access import caller_orientations, live_call_id, orientations_of, suggestions, themes_of, transfer_rate
from .forms import OrientForm
from .models import OrientationMode


def _commune(contact: Contact, text: str) -> tuple[str, str, str, list[dict[str, str]]]:
    """(INSEE code, readable name, error, candidates): the contact's commune, else the one typed, resolved only
    when it designates one commune (an ambiguous name lists the candidates by their codes)."""
    if contact.commune_id is not None and contact.commune is not None:
        c = contact.commune
        return c.insee_code, f"{c.name} ({c.department_code})", "", []
    if not text.strip():
        return "", "", "", []
    resolution = resolve_commune(text, limit=8)
    if resolution.unique is not None:
        c = resolution.unique
        return c.insee_code, f"{c.name} ({c.department_code})", "", []
    rows = [
        {"insee": c.insee_code, "label": f"{c.name} ({c.department_code}) — {c.insee_code}"}
        for c in resolution.candidates
    ]
    error = (
        _("Plusieurs communes correspondent : choisissez la bonne.")
        if rows
        else (resolution.error or _("Commune inconnue."))
    )
    return "", "", error, rows


def _when(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return date_format(timezone.localtime(moment), "l j F à H:i")


def panel_context(request: Any, contact: Contact, frame: dict[str, Any]) -> dict[str, Any]:
    programme = contact.programme
    themes = themes_of(programme)
    chosen = request.GET.get("theme", "") if request.method == "GET" else ""
    if chosen not in {t.code for t in themes}:
        chosen = ""
    text = request.GET.get("commune", "") if request.method == "GET" else ""
    picked = request.GET.get("insee", "")
    insee, commune_label, commune_error, candidates = _commune(contact, picked or text)
    form = OrientForm(initial={"theme": chosen, "commune": commune_label or text}, themes=themes)
    live = live_call_id(contact) is not None
    rows = suggestions(programme, chosen, insee or None, live_call=live) if chosen else []
    done = orientations_of(contact)
    context: dict[str, Any] = {
        "orientation_form": form,
        "orientation_themes": themes,
        "orientation_theme": chosen,
        "orientation_insee": insee,
        "orientation_commune": commune_label,
        "orientation_commune_error": commune_error,
        "orientation_candidates": candidates,
        "orientation_rows": [
            {"s": r, "next_opening": _when(r.state.next_opening), "closes_at": _when(r.state.closes_at)} for r in rows
        ],
        "orientation_live_call": live,
        "orientation_done": done,
        "orientation_history": caller_orientations(contact),
        "orientation_editable": bool(frame.get("editable")),  # the contact's advisor or a supervisor, still open
        "orientation_action": reverse("orientation:orient", args=[programme.slug, contact.pk]),
    }
    if done:  # the wrap-up the frame pre-selects: the programme's first code of the matching category
        category = WrapUpCategory.TRANSFERRED if done[-1].mode == OrientationMode.TRANSFER else WrapUpCategory.ORIENTED
        code = next((c.code for c in active_wrap_up_codes(programme) if c.category == category), "")
        if code:
            context["suggested_wrap_up"] = code
    return context


def transfer_rate_kpi(programme: Programme, day: dt.date | None) -> dict[str, Any]:
    """One KPI line: label, value, detail (the supervision page and the day report show it)."""
    kpi = transfer_rate(programme, day)
    value = "—" if kpi.rate is None else f"{kpi.rate:.0f} %"
    detail = _(
        "%(oriented)s contact(s) orienté(s) vers le niveau 2 sur %(handled)s traité(s) : "
        "%(transferred)s appel(s) transféré(s), %(given)s numéro(s) donné(s)."
    ) % {
        "oriented": kpi.oriented,
        "handled": kpi.handled,
        "transferred": kpi.transferred_calls,
        "given": kpi.numbers_given,
    }
    return {"key": "transfer_rate", "label": _("Taux de transfert vers le niveau 2"), "value": value, "detail": detail}
