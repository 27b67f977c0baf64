"""Level-2 destinations of a programme (URSSAF, préfecture, doctor on duty, sales pole…) and the orientations
recorded on contacts: a live call transferred there, or its number given to the caller.

Competence is a list of theme codes of the programme and, where it is local, communes and départements by
their COG codes (never by name). Opening hours are a weekly schedule, closed on French public holidays.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from plateau.tenants.models import ProgrammeOwned


class Theme(ProgrammeOwned):
    """A subject callers are oriented on (« CESU, déclaration d'un salarié », « carte grise »…)."""

    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("libellé"), max_length=120)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("thème d'orientation")
        verbose_name_plural = _("thèmes d'orientation")
        ordering = ["programme", "position", "label"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="orientation_theme_once")]

    def __str__(self) -> str:
        return self.label


class Destination(ProgrammeOwned):
    """A level-2 service callers are transferred or oriented to."""

    name = models.CharField(_("nom"), max_length=200)
    # E.164 (+33…), or a short number as dialled (3939, 116117): a caller can dial both.
    phone = models.CharField(_("téléphone"), max_length=16, blank=True)
    sip_uri = models.CharField(
        _("adresse SIP de transfert"),
        max_length=200,
        blank=True,
        help_text=_("sip:service@hôte — pour transférer l'appel en cours."),
    )
    # {"mon": [["08:30", "12:00"], ["13:30", "17:00"]], ..., "sun": []}; closed on French public holidays.
    opening_hours = models.JSONField(_("horaires d'ouverture"), default=dict, blank=True)
    always_open = models.BooleanField(_("ouvert 24 h/24, 7 j/7"), default=False)
    themes = models.ManyToManyField(Theme, related_name="destinations", verbose_name=_("thèmes"))
    communes = models.JSONField(_("communes (codes INSEE)"), default=list, blank=True)
    departments = models.JSONField(_("départements (codes)"), default=list, blank=True)
    briefing = models.TextField(
        _("informations à transmettre"),
        blank=True,
        help_text=_("Ce que le conseiller dit ou vérifie avant de transférer."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("destination de niveau 2")
        verbose_name_plural = _("destinations de niveau 2")
        ordering = ["programme", "name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(phone="", sip_uri=""), name="orientation_destination_reachable")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def phone_readable(self) -> str:
        """How an advisor reads it out: « 01 23 45 67 89 », « 3939 »."""
        from plateau.domain.errors import DomainError
        from plateau.domain.ids.phone import parse_phone

        try:
            return parse_phone(self.phone).national if self.phone else ""
        except DomainError:
            return self.phone


class OrientationMode(models.TextChoices):
    TRANSFER = "transfer", _("Appel transféré")
    NUMBER_GIVEN = "number_given", _("Numéro donné")


class Orientation(ProgrammeOwned):
    """One orientation of a contact to a destination: the call transferred (blind) or the number given."""

    contact = models.ForeignKey("contacts.Contact", on_delete=models.CASCADE, related_name="orientations")
    destination = models.ForeignKey(
        Destination, on_delete=models.PROTECT, related_name="+", verbose_name=_("destination")
    )
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="+", verbose_name=_("thème"))
    commune_insee = models.CharField(_("code INSEE de la commune"), max_length=5, blank=True)
    mode = models.CharField(_("mode"), max_length=16, choices=OrientationMode.choices)
    # What was given or dialled, as it was then (the destination may change later).
    target = models.CharField(_("numéro ou adresse"), max_length=200)
    routing_contact_id = models.CharField(_("appel transféré"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("par"))
    at = models.DateTimeField(_("le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("orientation")
        verbose_name_plural = _("orientations")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.contact_id} → {self.destination_id} ({self.mode})"
