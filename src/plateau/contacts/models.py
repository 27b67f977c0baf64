"""Contacts: callers, contacts (one interaction: call, letter, e-mail…), wrap-up codes and details given.

A contact's need points to the commune by its INSEE code (``commune_insee``, the durable identity kept even
if the geodata is re-imported) and by a foreign key for joins; never by the name the caller said.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plateau.tenants.models import ProgrammeOwned


class Channel(models.TextChoices):
    CALL = "call", _("Appel")
    LETTER = "letter", _("Courrier")
    EMAIL = "email", _("Courriel")
    CALLBACK = "callback", _("Rappel")
    WEB = "web", _("Formulaire web")


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Entrant")
    OUTBOUND = "outbound", _("Sortant")


class ContactStatus(models.TextChoices):
    OPEN = "open", _("En cours")
    CLOSED = "closed", _("Clos")


class PhoneKindChoice(models.TextChoices):
    """Labels of :class:`plateau.domain.ids.phone.PhoneKind` (same values)."""

    GEOGRAPHIC = "geographic", _("Fixe géographique")
    MOBILE = "mobile", _("Mobile")
    POLYVALENT = "polyvalent", _("Non géographique (09)")
    SPECIAL_FREE = "special_free", _("Numéro spécial gratuit")
    SPECIAL_NORMAL = "special_normal", _("Numéro spécial au prix d'un appel")
    SPECIAL_SURCHARGED = "special_surcharged", _("Numéro spécial surtaxé")
    SHORT_FREE = "short_free", _("Numéro court gratuit")
    SHORT_OTHER = "short_other", _("Numéro court")
    EMERGENCY = "emergency", _("Numéro d'urgence")
    FOREIGN = "foreign", _("Numéro étranger")


class Caller(ProgrammeOwned):
    """A person who contacts a programme, identified by phone number within that programme only."""

    phone_e164 = models.CharField(_("téléphone (E.164)"), max_length=16)
    phone_raw = models.CharField(_("téléphone saisi"), max_length=40, blank=True)
    kind = models.CharField(_("type de numéro"), max_length=20, choices=PhoneKindChoice.choices)
    name = models.CharField(_("nom"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("appelant")
        verbose_name_plural = _("appelants")
        constraints = [models.UniqueConstraint(fields=["programme", "phone_e164"], name="caller_phone_unique")]

    def __str__(self) -> str:
        return self.name or self.phone_e164


class WrapUpCategory(models.TextChoices):
    HANDLED = "handled", _("Demande traitée")
    ORIENTED = "oriented", _("Orientation")
    TRANSFERRED = "transferred", _("Transfert")
    NUISANCE = "nuisance", _("Appel parasite")
    EMERGENCY = "emergency", _("Urgence")
    OTHER = "other", _("Autre")


class WrapUpCode(ProgrammeOwned):
    """How a contact of one programme ended: the programme's own list (defaults from its capabilities).

    A code is retired, never deleted, so the contacts closed with it keep counting under it in past reports;
    ``excluded_from_kpis`` marks the codes that do not count in service KPIs (nuisance, wrong number…).
    """

    code = models.CharField(_("code"), max_length=32)
    label_fr = models.CharField(_("libellé"), max_length=120)
    category = models.CharField(_("catégorie"), max_length=16, choices=WrapUpCategory.choices)
    excluded_from_kpis = models.BooleanField(
        _("hors indicateurs de service"), default=False, help_text=_("Appel parasite, erreur de numéro, appel muet…")
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    introduced_on = models.DateField(_("en service depuis le"), default=timezone.localdate)
    retired_on = models.DateField(_("retiré le"), null=True, blank=True)

    class Meta:
        verbose_name = _("code de clôture")
        verbose_name_plural = _("codes de clôture")
        ordering = ["programme", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="wrap_up_code_once_per_programme")]

    def __str__(self) -> str:
        return self.label_fr

    @property
    def is_active(self) -> bool:
        return self.retired_on is None or self.retired_on > timezone.localdate()


class Contact(ProgrammeOwned):
    """One interaction with a caller or correspondent, handled by one advisor, closed by a wrap-up code."""

    channel = models.CharField(_("canal"), max_length=16, choices=Channel.choices)
    direction = models.CharField(_("sens"), max_length=16, choices=Direction.choices, default=Direction.INBOUND)
    caller = models.ForeignKey(
        Caller, on_delete=models.PROTECT, null=True, blank=True, related_name="contacts", verbose_name=_("appelant")
    )
    # A letter's postal sender or an e-mail's address, when there is no phone number.
    correspondent = models.CharField(_("correspondant"), max_length=250, blank=True)
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("conseiller")
    )
    started_at = models.DateTimeField(_("début"), db_index=True)
    ended_at = models.DateTimeField(_("fin"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=8, choices=ContactStatus.choices, default=ContactStatus.OPEN)
    activity = models.ForeignKey(
        "directory.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activité"),
    )
    commune = models.ForeignKey(
        "geo.Commune", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("commune")
    )
    commune_insee = models.CharField(_("code INSEE de la commune"), max_length=5, blank=True)
    need_date = models.DateField(_("date souhaitée"), null=True, blank=True)
    wrap_up = models.ForeignKey(
        WrapUpCode, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("clôture")
    )
    notes = models.TextField(_("notes"), blank=True)
    searches = models.ManyToManyField("directory.ProviderSearch", blank=True, related_name="+")

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["programme", "started_at"], name="contact_prog_started_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(wrap_up__isnull=False, ended_at__isnull=False),
                name="contact_closed_has_wrap_up",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.status == ContactStatus.OPEN

    @property
    def need_captured(self) -> bool:
        return self.activity_id is not None and self.commune_id is not None


class DetailsGiven(models.Model):
    """A provider whose details were given to the caller, with the caller's consent (reached via its contact)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="details_given")
    provider = models.ForeignKey("directory.Provider", on_delete=models.PROTECT, related_name="+")
    search = models.ForeignKey("directory.ProviderSearch", on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField(_("rang"))
    distance_km = models.FloatField(_("distance (km)"))
    consent_given_at = models.DateTimeField(_("consentement recueilli le"))
    consent_text = models.TextField(_("texte du consentement"))
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("coordonnées données")
        verbose_name_plural = _("coordonnées données")
        ordering = ["contact", "rank"]
        constraints = [models.UniqueConstraint(fields=["contact", "provider"], name="details_given_once")]

    def __str__(self) -> str:
        return f"{self.contact_id} → {self.provider_id}"


class CallerBlock(ProgrammeOwned):
    """A caller's number marked by a supervisor: until ``expires_at`` the programme's voice menu plays a short
    message and hangs up instead of queueing their calls (issue 10 item 5). Never deleted: lifting it early
    sets ``lifted_at``; both are audited. Never possible on a programme that may receive distress calls
    (``Programme.allows_caller_blocking``)."""

    phone_e164 = models.CharField(_("téléphone (E.164)"), max_length=16)
    reason = models.CharField(_("motif"), max_length=500)
    expires_at = models.DateTimeField(_("jusqu'au"))
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("depuis le contact")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("bloqué par")
    )
    created_at = models.DateTimeField(_("bloqué le"), auto_now_add=True)
    lifted_at = models.DateTimeField(_("levé le"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("levé par"),
    )
    lift_reason = models.CharField(_("motif de la levée"), max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)  # the SIP gateway reloads its lines when it changes

    class Meta:
        verbose_name = _("appelant bloqué")
        verbose_name_plural = _("appelants bloqués")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["programme", "phone_e164"], name="caller_block_phone_idx")]

    def __str__(self) -> str:
        return f"{self.phone_e164} → {self.expires_at:%Y-%m-%d}"

    def is_active(self, now: dt.datetime | None = None) -> bool:
        return self.lifted_at is None and (now or timezone.now()) < self.expires_at
