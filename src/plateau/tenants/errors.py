"""Errors of the tenants app (stable ids, French messages)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from plateau.errors import Conflict, InvalidInput


class UnknownCapabilityCode(InvalidInput):
    error_id = "unknown_capability"
    default_message = _("Cette capacité n'existe pas sur la plateforme.")


class CapabilityNotEnabled(Conflict):
    """A capability's action on a programme that has not enabled it (e.g. a provider search on the
    transport line): refused before anything is written."""

    error_id = "capability_not_enabled"
    default_message = _("Ce programme n'utilise pas cette fonction du poste.")


def require_capability(programme: object, code: str) -> None:
    """Raise :class:`CapabilityNotEnabled` unless ``programme`` has capability ``code``."""
    if not programme.has_capability(code):  # type: ignore[attr-defined]
        raise CapabilityNotEnabled(capability=code)
