"""Telephony records kept in the database.

- :class:`AdvisorPhone`: the SIP phone that rings when the router offers a call to an advisor (a name the phone
  REGISTERs with, or a static ``sip:`` URI). One per advisor, edited in the admin.
- :class:`CallDetailRecord`: every timing of one call, linked to the routed contact (``routing_contact_id``) and,
  once the advisor opened it on the desk, to the :class:`plateau.contacts.models.Contact`.
- :class:`CallRecording`: a recording made on demand (never systematic), purged after the programme's
  :class:`RecordingPolicy` retention.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from plateau.tenants.models import ProgrammeOwned


class AdvisorPhone(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sip_phone", verbose_name=_("conseiller")
    )
    sip = models.CharField(
        _("téléphone SIP"),
        max_length=200,
        help_text=_("Nom du compte SIP qui s'enregistre (REGISTER) ou adresse fixe « sip:poste@hôte:port »."),
    )

    class Meta:
        verbose_name = _("téléphone du conseiller")
        verbose_name_plural = _("téléphones des conseillers")

    def __str__(self) -> str:
        return f"{self.user} → {self.sip}"


class CallDetailRecord(ProgrammeOwned):
    call_id = models.CharField(_("identifiant SIP de l'appel"), max_length=200)
    routing_contact_id = models.CharField(_("contact routé"), max_length=200, blank=True, db_index=True)
    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="call_records",
        verbose_name=_("contact"),
    )
    caller = models.CharField(_("appelant"), max_length=200, blank=True)
    number = models.CharField(_("numéro appelé"), max_length=40, blank=True)
    queue = models.CharField(_("file"), max_length=120, blank=True)
    advisor = models.CharField(_("conseiller"), max_length=150, blank=True)
    advisors_tried = models.JSONField(_("conseillers sonnés"), default=list, blank=True)
    started_at = models.DateTimeField(_("arrivée"), null=True, blank=True)
    answered_at = models.DateTimeField(_("décroché par le serveur vocal"), null=True, blank=True)
    announced_at = models.DateTimeField(
        _("fin de l'annonce du prix"),
        null=True,
        blank=True,
        help_text=_("Numéro majoré : l'annonce du prix est gratuite, l'appelant paie à partir de sa fin."),
    )
    queued_at = models.DateTimeField(_("mise en file"), null=True, blank=True)
    ringing_at = models.DateTimeField(_("sonnerie conseiller"), null=True, blank=True)
    bridged_at = models.DateTimeField(_("mise en relation"), null=True, blank=True)
    ended_at = models.DateTimeField(_("fin"), null=True, blank=True)
    wait_seconds = models.FloatField(_("attente (s)"), null=True, blank=True)
    talk_seconds = models.FloatField(_("conversation (s)"), null=True, blank=True)
    hold_seconds = models.FloatField(_("mise en garde (s)"), default=0.0)
    holds = models.PositiveIntegerField(_("mises en garde"), default=0)
    cause = models.CharField(_("cause de fin"), max_length=40, blank=True)
    ended_by = models.CharField(_("raccroché par"), max_length=20, blank=True)
    path = models.JSONField(_("parcours du serveur vocal"), default=list, blank=True)
    digits = models.CharField(_("touches"), max_length=100, blank=True)
    transfer_target = models.CharField(_("transfert vers"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("ticket d'appel")
        verbose_name_plural = _("tickets d'appel")
        ordering = ["-started_at"]
        constraints = [models.UniqueConstraint(fields=["programme", "call_id"], name="calls_cdr_unique")]

    def __str__(self) -> str:
        return f"{self.caller} {self.started_at:%Y-%m-%d %H:%M}" if self.started_at else self.call_id


class RecordingPolicy(ProgrammeOwned):
    """Per programme: how long recordings made on demand are kept before the scheduler purges them."""

    retention_days = models.PositiveIntegerField(
        _("conservation des enregistrements (jours)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )

    class Meta:
        verbose_name = _("politique d'enregistrement")
        verbose_name_plural = _("politiques d'enregistrement")
        constraints = [models.UniqueConstraint(fields=["programme"], name="calls_recording_policy_unique")]

    def __str__(self) -> str:
        return f"{self.programme} : {self.retention_days} j"


class CallRecording(ProgrammeOwned):
    call_id = models.CharField(_("identifiant SIP de l'appel"), max_length=200, db_index=True)
    routing_contact_id = models.CharField(_("contact routé"), max_length=200, blank=True)
    advisor = models.CharField(_("demandé par"), max_length=150, blank=True)
    path = models.CharField(_("fichier"), max_length=500)
    started_at = models.DateTimeField(_("début"))
    seconds = models.FloatField(_("durée (s)"), default=0)

    class Meta:
        verbose_name = _("enregistrement d'appel")
        verbose_name_plural = _("enregistrements d'appels")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return self.path
