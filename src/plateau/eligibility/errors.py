"""Errors of the eligibility app (stable ids, French messages)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from plateau.errors import Conflict, InvalidInput, PermissionDenied


class WrongStatus(Conflict):
    error_id = "application_wrong_status"
    default_message = _("Cette demande n'est pas dans un état qui permet cette action.")


class OverrideNeedsSupervisor(PermissionDenied):
    error_id = "override_needs_supervisor"
    default_message = _("Seul un superviseur peut passer outre une décision défavorable.")


class OverrideNeedsReason(InvalidInput):
    error_id = "override_needs_reason"
    default_message = _("Indiquez le motif de la dérogation (au moins 10 caractères).")
