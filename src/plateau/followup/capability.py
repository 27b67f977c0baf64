"""The follow-up capability: after details were given, the caller's consent to a short survey; its results
on the supervisor report and on each provider's quality page. Registered by
:class:`plateau.followup.apps.FollowUpConfig.ready`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from plateau.capabilities import Capability, Panel, PrivacyHooks, Section, Shortcut

FOLLOWUP = "followup"


def panel_context(request: Any, contact: Any, frame: dict[str, Any]) -> dict[str, Any]:
    """The contact's follow-up if one was consented, else the consent form once details were given."""
    from .forms import ConsentForm
    from .models import FollowUp
    from .services import consent_text, policy_for

    followup = FollowUp.objects.filter(contact_id=contact.pk).first()
    has_details = followup is not None or contact.details_given.exists()
    return {
        "followup": followup,
        "followup_offered": has_details,
        "followup_form": ConsentForm() if has_details and followup is None else None,
        "followup_consent_text": consent_text(policy_for(contact.programme)) if has_details else "",
    }


def report_context(request: Any, programme: Any, subject: Any) -> dict[str, Any]:
    from plateau.tenants.access import has_role
    from plateau.tenants.models import Role

    from .access import programme_results, recent_comments

    # The callers' own words are for the supervisors of the line, not for everyone who reads figures.
    supervisor = has_role(request.user, programme, [Role.SUPERVISOR])
    return {
        "followup_results": programme_results(programme),
        "followup_comments": recent_comments(programme) if supervisor else None,
    }


def provider_context(request: Any, programme: Any, provider: Any) -> dict[str, Any]:
    from .access import provider_figures

    return {"followup_figures": provider_figures(programme, provider.pk)}


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
    code=FOLLOWUP,
    label=_("Suivi des mises en relation"),
    description=_(
        "Avec l'accord de l'appelant, un court questionnaire quelques jours après les coordonnées données "
        "(un prestataire est-il venu, satisfaction) ; résultats par prestataire."
    ),
    panels=(Panel("followup.consent", "followup/desk/_panel.html", panel_context),),
    shortcuts=(Shortcut("S", _("suivi")),),
    report_sections=(Section("followup.report", "followup/_report_section.html", report_context),),
    provider_sections=(Section("followup.provider", "followup/_provider_section.html", provider_context),),
    privacy=PrivacyHooks(export=_export, erase=_erase, retention=_retention),
)
