"""A follow-up per contact whose advisor gave providers' details and whose caller agreed to be asked.

The address is personal data kept for one purpose (sending this survey): it is erased once the survey is
answered, expires, is withdrawn or cannot be sent. The link's token is stored only as its SHA-256.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from plateau.domain.followup import schedule
from plateau.tenants.models import ProgrammeOwned


class FollowUpSettings(ProgrammeOwned):
    """A programme's follow-up settings (one row per programme; the defaults without one)."""

    days_after = models.PositiveSmallIntegerField(
        _("envoi N jours après les coordonnées"), default=schedule.DEFAULT_DAYS_AFTER
    )
    link_days = models.PositiveSmallIntegerField(_("validité du lien (jours)"), default=schedule.DEFAULT_LINK_DAYS)

    class Meta:
        verbose_name = _("réglages du suivi")
        verbose_name_plural = _("réglages du suivi")
        constraints = [models.UniqueConstraint(fields=["programme"], name="followup_settings_once")]

    def __str__(self) -> str:
        return str(self.programme)


class Status(models.TextChoices):
    SCHEDULED = "scheduled", _("Programmé")
    SENT = "sent", _("Envoyé")
    ANSWERED = "answered", _("Répondu")
    EXPIRED = "expired", _("Expiré sans réponse")
    FAILED = "failed", _("Envoi impossible")
    WITHDRAWN = "withdrawn", _("Consentement retiré")


class Came(models.TextChoices):
    YES = "yes", _("Oui")
    NO = "no", _("Non")
    NOT_YET = "not_yet", _("Pas encore")


class FollowUp(ProgrammeOwned):
    """The caller's consent to one follow-up about the details given on a contact, and its life."""

    contact = models.OneToOneField("contacts.Contact", on_delete=models.PROTECT, related_name="followup")
    channel = models.CharField(_("canal"), max_length=16, default="email")
    address = models.CharField(_("adresse"), max_length=254, blank=True)
    consent_text = models.TextField(_("texte du consentement"))
    consent_at = models.DateTimeField(_("consentement recueilli le"))
    consent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    details_given_at = models.DateTimeField(_("coordonnées données le"))
    due_at = models.DateTimeField(_("envoi prévu le"))
    status = models.CharField(_("état"), max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    attempts = models.PositiveSmallIntegerField(_("essais d'envoi"), default=0)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("lien valable jusqu'au"), null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    providers = models.ManyToManyField("directory.Provider", related_name="+", blank=True)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    came = models.CharField(_("un prestataire est venu"), max_length=8, choices=Came.choices, blank=True)
    came_provider = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1 à 5)"), null=True, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        verbose_name = _("suivi de mise en relation")
        verbose_name_plural = _("suivis de mise en relation")
        indexes = [
            models.Index(fields=["status", "due_at"], name="followup_due"),
            models.Index(fields=["programme", "sent_at"], name="followup_sent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True) | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                name="followup_satisfaction_1_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} ({self.get_status_display()})"
