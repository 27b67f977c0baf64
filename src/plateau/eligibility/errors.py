"""Errors of the eligibility app (stable ids, French messages)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from plateau.errors import Conflict


class WrongStatus(Conflict):
    error_id = "application_wrong_status"
    default_message = _("Cette demande n'est pas dans un état qui permet cette action.")
