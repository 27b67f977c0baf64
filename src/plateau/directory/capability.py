"""The provider directory capability: need capture, provider search, details given (the worked example of
docs/capabilities.md). Registered by :class:`plateau.directory.apps.DirectoryConfig.ready`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from plateau.capabilities import (
    HANDLED,
    NUISANCE,
    ORIENTED,
    OTHER,
    TRANSFERRED,
    Capability,
    Panel,
    Shortcut,
    WrapUpPreset,
)

DIRECTORY = "directory"


def search_panel_context(request: Any, contact: Any, frame: dict[str, Any]) -> dict[str, Any]:
    """The latest search of the contact, its proposals, the details already given, the next step, the
    panel's forms (a refused post's, given back in ``frame["posted"]``) and the wrap-up code to suggest."""
    from django.conf import settings

    from .desk import panel_forms
    from .explain import proposal_rows, providers_map
    from .models import ProviderProposal

    search = contact.searches.order_by("-at", "-pk").first()
    proposals = list(
        ProviderProposal.objects.filter(search=search).select_related("provider__base_commune").order_by("rank")
        if search
        else []
    )
    given = list(contact.details_given.select_related("provider").order_by("rank"))
    given_ids = {d.provider_id for d in given}
    step = frame["step"]
    if contact.is_open and step == "wrap_up":
        if not contact.need_captured:
            step = "need"
        elif search is None:
            step = "search"
        elif not given and any(p.provider_id not in given_ids for p in proposals):
            step = "details"
    posted = frame.get("posted", {})
    detail_choices = [(p.provider_id, str(p.provider)) for p in proposals if p.provider_id not in given_ids]
    unmet = search is not None and not proposals
    return {
        "search": search,
        "proposals": proposals,
        "given": given,
        "given_ids": given_ids,
        "detail_choices": detail_choices,
        "unmet": unmet,
        "step": step,
        # The code the wrap-up form suggests from what was done here (the advisor can change it).
        "suggested_wrap_up": "details_given" if given else ("no_provider_found" if unmet else ""),
        **panel_forms(contact, posted, posted.get("step") or step, search, detail_choices),
        "proposal_rows": proposal_rows(proposals),
        "providers_map": providers_map(contact, proposals),
        "map_tiles_url": settings.PLATEAU_MAP_TILES_URL,
        # Ticked boxes survive a refused submission (no consent): the advisor does not tick them again.
        "ticked": {int(v) for v in request.POST.getlist("providers") if v.isdigit()},
    }


CAPABILITY = Capability(
    code=DIRECTORY,
    label=_("Annuaire de prestataires"),
    description=_("Besoin (activité, commune), recherche de prestataires à proximité, coordonnées données."),
    panels=(Panel("directory.search", "directory/desk/_search_panel.html", search_panel_context),),
    shortcuts=(
        Shortcut("B", _("besoin")),
        Shortcut("R", _("rechercher")),
        Shortcut("D", _("donner les coordonnées")),
    ),
    # Today's personal-services codes (the national line's); nuisance codes are out of the service KPIs.
    wrap_up_presets=(
        WrapUpPreset("details_given", "Coordonnées de prestataires données", HANDLED),
        WrapUpPreset("no_provider_found", "Aucun prestataire trouvé", HANDLED),
        WrapUpPreset("information_only", "Information seule", HANDLED),
        WrapUpPreset("transferred_urssaf", "Transféré à l'URSSAF (CESU / question juridique)", TRANSFERRED),
        WrapUpPreset("oriented_elsewhere", "Orienté vers un autre organisme", ORIENTED),
        WrapUpPreset("callback_requested", "Rappel demandé", OTHER),
        WrapUpPreset("nuisance_prank", "Appel malveillant / canular", NUISANCE, excluded_from_kpis=True),
        WrapUpPreset("wrong_number", "Erreur de numéro", NUISANCE, excluded_from_kpis=True),
        WrapUpPreset("silent_call", "Appel muet", NUISANCE, excluded_from_kpis=True),
        WrapUpPreset("cut_off", "Appel coupé", NUISANCE, excluded_from_kpis=True),
    ),
)
