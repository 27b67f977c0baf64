"""The eligibility capability (transport line): the applicant's file, the API Particulier check and the right
granted, from the contact page. Registered by EligibilityConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from plateau.capabilities import HANDLED, ORIENTED, Capability, Panel, Shortcut, WrapUpPreset

ELIGIBILITY = "eligibility"


def application_panel_context(request: Any, contact: Any, frame: dict[str, Any]) -> dict[str, Any]:
    from .access import applications_of_contact

    return {"eligibility_applications": applications_of_contact(request.user, contact.pk)}


CAPABILITY = Capability(
    code=ELIGIBILITY,
    label=_("Éligibilité Solidarité Transport"),
    description=_(
        "Dossier du demandeur (identité, adresse en Île-de-France), vérification des droits auprès d'API "
        "Particulier, décision motivée et droit de 3 mois."
    ),
    panels=(Panel("eligibility.application", "eligibility/desk/_application_panel.html", application_panel_context),),
    shortcuts=(Shortcut("E", _("dossier Solidarité Transport")),),
    # The transport line's reference codes (formerly contacts.wrap_up_codes.KIND_CODES["eligibility"]).
    wrap_up_presets=(
        WrapUpPreset("application", "Demande d'ouverture de droits", HANDLED),
        WrapUpPreset("renewal", "Renouvellement", HANDLED),
        WrapUpPreset("status_enquiry", "Suivi d'un dossier", HANDLED),
        WrapUpPreset("ineligible_oriented", "Non éligible, orienté", ORIENTED),
    ),
)
