"""Routing configuration stored per programme; :mod:`plateau.routing.configuration` turns it into the domain's
:class:`~plateau.domain.routing.RoutingConfig` and validates it with ``validate_config`` at save time (its
``check_*`` functions, called by the admin's forms: the models do not import the configuration module, which
imports them).

Engine identifiers are global: a skill is ``<programme slug>.<code>``, a queue ``<programme slug>.<code>``,
an advisor is the username (one advisor may serve several programmes: their profiles are merged).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from plateau.tenants.models import ProgrammeOwned


class Channel(models.TextChoices):
    CALL = "call", _("Appel")
    LETTER = "letter", _("Courrier")
    EMAIL = "email", _("Courriel")
    WEBFORM = "webform", _("Formulaire web")
    LEAD = "lead", _("Demande escaladée")


class Strategy(models.TextChoices):
    LONGEST_IDLE = "longest_idle", _("Inactif depuis le plus longtemps")
    LEAST_OCCUPIED = "least_occupied", _("Le moins occupé")
    ROUND_ROBIN = "round_robin", _("Tour de rôle")
    SKILLS_WEIGHTED = "skills_weighted", _("Pondéré par les compétences")
    RING_ALL = "ring_all", _("Sonnerie générale")


class OverflowKind(models.TextChoices):
    NONE = "", _("Aucun")
    QUEUE = "queue", _("Autre file")
    EXTERNAL = "external", _("Numéro externe")
    CALLBACK = "callback", _("Proposition de rappel")
    VOICEMAIL = "voicemail", _("Messagerie")


class Skill(ProgrammeOwned):
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("libellé"), max_length=200)

    class Meta:
        verbose_name = _("compétence")
        verbose_name_plural = _("compétences")
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="routing_skill_unique")]

    def __str__(self) -> str:
        return self.label


class Queue(ProgrammeOwned):
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("libellé"), max_length=200)
    channel = models.CharField(_("canal"), max_length=16, choices=Channel.choices, default=Channel.CALL)
    strategy = models.CharField(_("stratégie"), max_length=20, choices=Strategy.choices, default=Strategy.LONGEST_IDLE)
    priority_aging = models.FloatField(_("gain de priorité par seconde d'attente"), default=1.0)
    wrap_up_s = models.PositiveIntegerField(_("durée de clôture (s)"), default=30)
    offer_timeout_s = models.PositiveIntegerField(_("délai de réponse à une offre (s)"), default=20)
    max_no_answer = models.PositiveIntegerField(_("offres sans réponse avant pause automatique"), default=3)
    default_handle_s = models.PositiveIntegerField(_("durée de traitement par défaut (s)"), default=300)
    service_level_s = models.PositiveIntegerField(_("seuil du niveau de service (s)"), default=60)
    overflow_kind = models.CharField(
        _("débordement"), max_length=16, choices=OverflowKind.choices, default=OverflowKind.NONE, blank=True
    )
    overflow_destination = models.CharField(
        _("destination du débordement"),
        max_length=80,
        blank=True,
        help_text=_("Code d'une file du programme, ou numéro externe."),
    )
    overflow_after_s = models.PositiveIntegerField(_("débordement après (s)"), null=True, blank=True)

    class Meta:
        verbose_name = _("file d'attente")
        verbose_name_plural = _("files d'attente")
        ordering = ["programme", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="routing_queue_unique")]

    def __str__(self) -> str:
        return self.label


class QueueTarget(models.Model):
    """One ordered step of a queue: required skills, then after ``timeout_s`` the next (wider) step."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="targets")
    order = models.PositiveIntegerField(_("ordre"), default=1)
    requires = models.CharField(
        _("compétences requises"), max_length=200, blank=True, help_text=_("Par exemple « fr>=3 & handicap ».")
    )
    needs_min_level = models.PositiveIntegerField(_("niveau minimal sur les besoins du contact"), default=1)
    timeout_s = models.PositiveIntegerField(_("élargir après (s)"), null=True, blank=True)

    class Meta:
        verbose_name = _("cible")
        verbose_name_plural = _("cibles")
        ordering = ["queue", "order"]

    def __str__(self) -> str:
        return f"{self.queue} #{self.order}"


class PauseReason(ProgrammeOwned):
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("libellé"), max_length=200)

    class Meta:
        verbose_name = _("motif de pause")
        verbose_name_plural = _("motifs de pause")
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="routing_pause_unique")]

    def __str__(self) -> str:
        return self.label


class AdvisorProfile(ProgrammeOwned):
    """An advisor's skills (code → proficiency 0-5) and capacity per channel within one programme."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routing_profiles")
    skills = models.JSONField(_("compétences"), default=dict, blank=True, help_text=_('{"fr": 3, "handicap": 5}'))
    capacity = models.JSONField(
        _("capacité par canal"), default=dict, blank=True, help_text=_('{"call": 1, "letter": 3}')
    )

    class Meta:
        verbose_name = _("profil de routage")
        verbose_name_plural = _("profils de routage")
        constraints = [models.UniqueConstraint(fields=["programme", "user"], name="routing_profile_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.programme}"

    def clean(self) -> None:
        if not isinstance(self.skills, dict) or not isinstance(self.capacity, dict):
            raise ValidationError(_("Compétences et capacités : un objet JSON attendu."))


class RoutedContact(models.Model):
    """The router's work item (``routing_id``) a desk contact was opened for; its wrap-up completes it."""

    contact = models.OneToOneField("contacts.Contact", on_delete=models.CASCADE, related_name="routed")
    routing_id = models.CharField(_("identifiant de distribution"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("contact distribué")
        verbose_name_plural = _("contacts distribués")

    def __str__(self) -> str:
        return self.routing_id
