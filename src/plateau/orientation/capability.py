"""The orientation capability: level-2 destinations per programme (URSSAF, préfecture, doctor on duty, sales
pole…), suggested on the desk for the caller's theme and commune, with the live call transferred or the
number given, recorded on the contact and counted (transfer rate). Registered by OrientationConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from plateau.capabilities import (
    ORIENTED,
    TRANSFERRED,
    Capability,
    Panel,
    PrivacyHooks,
    Section,
    Shortcut,
    WrapUpPreset,
)

ORIENTATION = "orientation"


def orientation_panel_context(request: Any, contact: Any, frame: dict[str, Any]) -> dict[str, Any]:
    from .desk import panel_context

    return panel_context(request, contact, frame)


def day_kpis(programme: Any, day: Any) -> list[dict[str, Any]]:
    """The supervision page's line: the transfer rate to level 2 (the day report has its own section)."""
    from .desk import transfer_rate_kpi

    return [transfer_rate_kpi(programme, day)]


def report_context(request: Any, programme: Any, subject: Any) -> dict[str, Any]:
    """The day report's section: the transfer rate of the day the report shows (``?jour=``, else today)."""
    import datetime as dt

    from django.utils import timezone

    from .desk import transfer_rate_kpi

    try:
        day = dt.date.fromisoformat(request.GET.get("jour", ""))
    except ValueError:
        day = timezone.localdate()
    return {"orientation_kpi": transfer_rate_kpi(programme, day)}


def _export(programme: Any, contact_ids: list[int]) -> list[dict[str, Any]]:
    from .privacy import export

    return export(programme, contact_ids)


def _erase(programme: Any, contact_ids: list[int]) -> int:
    from .privacy import erase

    return erase(programme, contact_ids)


def _retention(cutoff: Any) -> int:
    from .privacy import retention

    return retention(cutoff)


CAPABILITY = Capability(
    code=ORIENTATION,
    label=_("Orientation vers le niveau 2"),
    description=_(
        "Destinations de niveau 2 par thème et par territoire (horaires, contexte à transmettre) : transfert "
        "de l'appel en cours ou numéro donné, compté dans le taux de transfert."
    ),
    panels=(Panel("orientation.destinations", "orientation/desk/_orientation_panel.html", orientation_panel_context),),
    shortcuts=(Shortcut("O", _("orienter")),),
    wrap_up_presets=(
        WrapUpPreset("transferred", "Transféré vers le service compétent", TRANSFERRED),
        WrapUpPreset("oriented", "Orienté vers le service compétent (numéro donné)", ORIENTED),
    ),
    report_sections=(Section("orientation.report", "orientation/_report_section.html", report_context),),
    privacy=PrivacyHooks(export=_export, erase=_erase, retention=_retention),
    extra={"manage_url": "orientation:destinations", "day_kpis": day_kpis},
)
