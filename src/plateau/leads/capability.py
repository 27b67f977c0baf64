"""The lead forwarding capability: forward the caller's need to a provider who calls back within 48 h,
and follow the forwarded leads on the caller's next contact. Registered by LeadsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from plateau.capabilities import HANDLED, Capability, Panel, WrapUpPreset

LEADS = "leads"


def forwarding_panel_context(request: Any, contact: Any, frame: dict[str, Any]) -> dict[str, Any]:
    from .access import follow_ups_for_contact

    return {"lead_follow_ups": follow_ups_for_contact(request.user, contact)}


CAPABILITY = Capability(
    code=LEADS,
    label=_("Mise en relation (rappel sous 48 h)"),
    description=_("Transmettre la demande à un prestataire qui rappelle l'appelant ; suivre les demandes transmises."),
    panels=(Panel("leads.forwarding", "leads/desk/_forwarding_panel.html", forwarding_panel_context),),
    wrap_up_presets=(WrapUpPreset("lead_forwarded", "Demande transmise à un prestataire", HANDLED),),
)
