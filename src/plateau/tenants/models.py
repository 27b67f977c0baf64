"""Tenancy: organisation (the outsourcer) → programmes (helplines) → users with roles per programme.

Every tenant-owned model of the other apps inherits :class:`ProgrammeOwned`, so it is reached through
``Model.objects.for_programme(p)`` or ``Model.objects.visible_to(user, roles)``; a test checks that no
model carries a ``programme`` foreign key without it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from plateau.domain.ids.phone import InvalidPhoneNumber, PhoneKind, parse_phone
from plateau.domain.tariffs import (
    CALLER_COST_FAMILY,
    FAMILY_LABELS,
    TariffFamily,
    price_announcement,
    price_notice,
    tariff_problems,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


class User(AbstractUser):
    """A person who logs in. Rights come from :class:`Membership` rows, one per programme and role."""

    is_platform_admin = models.BooleanField(
        _("administrateur de la plateforme"),
        default=False,
        help_text=_("Configure numéros, menus, files, compétences et effectifs de tous les programmes."),
    )


class Organisation(models.Model):
    """The outsourcer that runs programmes for its clients."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(unique=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class ProgrammeKind(models.TextChoices):
    DIRECTORY = "directory", _("Annuaire de prestataires")
    LEAD_DISPATCH = "lead_dispatch", _("Mise en relation avec rappel sous 48 h")
    PUBLIC_INFORMATION = "public_information", _("Information administrative")
    TELECARE = "telecare", _("Téléassistance")
    ELIGIBILITY = "eligibility", _("Éligibilité et droits")
    IT_ASSISTANCE = "it_assistance", _("Assistance informatique")


class Programme(models.Model):
    """A helpline owned by a client organisation and run by the outsourcer: the unit of tenancy."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="programmes")
    slug = models.SlugField(unique=True)
    name = models.CharField(_("nom"), max_length=200)
    client = models.CharField(_("client (donneur d'ordre)"), max_length=200, blank=True)
    kind = models.CharField(_("type"), max_length=32, choices=ProgrammeKind.choices)
    # {"mon": [["08:00", "20:00"]], ..., "sun": []}; public holidays are handled by the IVR calendar.
    opening_hours = models.JSONField(_("horaires d'ouverture"), default=dict, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    # Data, not a kind check: a line that may receive distress calls never blocks a caller (issue 10 item 5).
    allows_caller_blocking = models.BooleanField(
        _("blocage d'appelants importuns permis"),
        default=True,
        help_text=_(
            "Un superviseur peut faire entendre un court message aux numéros importuns au lieu de les mettre en "
            "file. Jamais pour une ligne qui peut recevoir des appels de détresse (téléassistance)."
        ),
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def capability_codes(self) -> list[str]:
        """The enabled capabilities' codes in the programme's order (cached on the instance)."""
        cached: list[str] | None = getattr(self, "_capability_codes", None)
        if cached is None:
            cached = list(self.capabilities.order_by("position", "pk").values_list("capability", flat=True))
            self._capability_codes = cached
        return cached

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        self.__dict__.pop("_capability_codes", None)
        super().refresh_from_db(*args, **kwargs)

    def has_capability(self, code: str) -> bool:
        """The one question code asks about a programme (never "is it kind Y"): see docs/capabilities.md."""
        return code in self.capability_codes()


# The capabilities a new programme of each kind starts with (the kind is only this preset).
CAPABILITY_PRESETS: dict[str, tuple[str, ...]] = {
    ProgrammeKind.DIRECTORY: ("directory", "followup"),
    ProgrammeKind.LEAD_DISPATCH: ("directory", "followup", "leads"),
    ProgrammeKind.PUBLIC_INFORMATION: (),
    ProgrammeKind.TELECARE: (),
    ProgrammeKind.ELIGIBILITY: ("eligibility",),
    ProgrammeKind.IT_ASSISTANCE: (),
}


# Whether a new programme of each kind lets supervisors block nuisance callers (default: yes). A telecare
# subscriber in distress must always get through, whatever their number did before.
CALLER_BLOCKING_PRESETS: dict[str, bool] = {ProgrammeKind.TELECARE: False}


class ProgrammeCapability(models.Model):
    """A capability enabled for a programme, at a position on its desk (edited by platform admins)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="capabilities")
    capability = models.CharField(_("capacité"), max_length=40)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("capacité du programme")
        verbose_name_plural = _("capacités du programme")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["programme", "capability"], name="programme_capability_once")]

    def __str__(self) -> str:
        return self.capability


class ProgrammeNumber(models.Model):
    """A number callers dial to reach a programme (short number, toll-free, geographic)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="numbers")
    number = models.CharField(_("numéro"), max_length=20, unique=True, help_text=_("Tel que composé : 3211, 0800…"))
    e164 = models.CharField(_("numéro E.164 de repli"), max_length=20, blank=True)
    label = models.CharField(_("libellé"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("numéro")
        verbose_name_plural = _("numéros")

    def __str__(self) -> str:
        return self.number

    def dialled_forms(self) -> set[str]:
        """How the number can arrive in a request URI: as dialled without spaces, and in E.164 with or without +."""
        forms = {self.number.replace(" ", "")}
        if self.e164:
            forms |= {self.e164, self.e164.lstrip("+")}
        return forms

    def tariff_on(self, day: dt.date) -> NumberTariff | None:
        return (
            self.tariffs.filter(valid_from__lte=day)
            .filter(models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=day))
            .order_by("-valid_from")
            .first()
        )


class CallerCost(models.TextChoices):
    """What the caller pays; each is in one of ARCEP's families (``NumberTariff.family``)."""

    FREE = "free", _("Gratuit (service et appel)")
    FREE_SERVICE = "free_service", _("Banalisé : service gratuit + prix d'un appel")
    LOCAL_RATE = "local_rate", _("Banalisé : prix d'un appel local")
    SURCHARGED = "surcharged", _("Majoré : service payant + prix d'un appel")


class NumberTariff(models.Model):
    """What a call costs the caller on a number, valid over a date range (a number can become free)."""

    number = models.ForeignKey(ProgrammeNumber, on_delete=models.CASCADE, related_name="tariffs")
    caller_cost = models.CharField(_("coût pour l'appelant"), max_length=20, choices=CallerCost.choices)
    price_per_minute_eur = models.DecimalField(
        _("prix par minute (€)"), max_digits=6, decimal_places=4, null=True, blank=True
    )
    valid_from = models.DateField(_("valable du"))
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)  # the SIP gateway reloads its lines when it changes

    class Meta:
        verbose_name = _("tarif")
        verbose_name_plural = _("tarifs")
        ordering = ["valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
                name="tariff_valid_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_caller_cost_display()} {self.valid_from}→{self.valid_until or '…'}"

    @property
    def family(self) -> TariffFamily:
        """ARCEP's family: gratuit, banalisé or majoré (``plateau.domain.tariffs``)."""
        return CALLER_COST_FAMILY[self.caller_cost]

    @property
    def family_label(self) -> str:
        return FAMILY_LABELS[self.family]

    @property
    def notice(self) -> str:
        """ "Service 0,80 € / min + prix d'un appel": what the caller pays, as ARCEP's notice writes it."""
        return price_notice(self.family, self.price_per_minute_eur)

    @property
    def announcement_text(self) -> str | None:
        """What the voice menu says first when the tariff is majoré (None otherwise)."""
        return price_announcement(self.family, self.price_per_minute_eur)

    def clean(self) -> None:
        """The number's plan (0800 free, 089 majoré…) and a price for a majoré tariff (one tariff per day: the
        admin's formset checks the periods together, :func:`overlapping_periods`)."""
        problems: list[str] = []
        if self.number_id is not None:
            try:
                kind: PhoneKind | None = parse_phone(self.number.number).kind
            except InvalidPhoneNumber:
                kind = None
            problems += tariff_problems(kind, self.family, self.price_per_minute_eur)
        if problems:
            raise ValidationError(problems)


def overlapping_periods(periods: list[tuple[dt.date, dt.date | None]]) -> list[str]:
    """A French reason for each pair of tariff periods (start, inclusive end or None) that share a day."""
    ordered = sorted(periods, key=lambda period: period[0])
    reasons = []
    for (start, end), (next_start, _next_end) in itertools.pairwise(ordered):
        if end is None or end >= next_start:
            reasons.append(
                str(_("Deux tarifs s'appliquent le %(day)s (du %(a)s et du %(b)s) : un seul tarif par jour."))
                % {"day": f"{next_start:%d/%m/%Y}", "a": f"{start:%d/%m/%Y}", "b": f"{next_start:%d/%m/%Y}"}
            )
    return reasons


class Role(models.TextChoices):
    ADVISOR = "advisor", _("Conseiller")
    SUPERVISOR = "supervisor", _("Superviseur")
    PROGRAMME_MANAGER = "programme_manager", _("Responsable de programme")
    PROVIDER_USER = "provider_user", _("Utilisateur prestataire")


# Roles that may see every contact of a programme (advisors see the ones they handle and the caller's history).
SUPERVISING_ROLES = (Role.SUPERVISOR, Role.PROGRAMME_MANAGER)
STAFF_ROLES = (Role.ADVISOR, Role.SUPERVISOR, Role.PROGRAMME_MANAGER)


class Membership(models.Model):
    """A user's role in one programme. One advisor may hold memberships in several programmes."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("rôle dans un programme")
        verbose_name_plural = _("rôles dans un programme")
        constraints = [models.UniqueConstraint(fields=["user", "programme", "role"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.programme} · {self.get_role_display()}"


def programme_ids_for(user: User | AnonymousUser, roles: Iterable[str] | None = None) -> models.QuerySet[Any]:
    """Ids of the programmes where ``user`` holds one of ``roles`` (any role when ``None``).

    Platform admins are not given programme data by this helper: administering the platform's
    configuration does not entitle anyone to read callers' contacts.
    """
    if not user.is_authenticated:
        return Membership.objects.none().values("programme_id")
    memberships = Membership.objects.filter(user_id=user.pk)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return memberships.values("programme_id")


class ProgrammeScopedQuerySet(models.QuerySet[Any]):
    def for_programme(self, programme: Programme) -> ProgrammeScopedQuerySet:
        return self.filter(programme=programme)

    def visible_to(self, user: User | AnonymousUser, roles: Iterable[str] | None = None) -> ProgrammeScopedQuerySet:
        return self.filter(programme_id__in=programme_ids_for(user, roles))


class ProgrammeOwned(models.Model):
    """Abstract base of every tenant-owned model."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")

    objects = ProgrammeScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """Who did what, when, to which object: written by services in the same transaction as the change."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("entrée du journal d'audit")
        verbose_name_plural = _("entrées du journal d'audit")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
