"""Provider directory: activities (reference data), providers of a programme, their statuses, areas,
availability and audits; searches, proposals, the fair-rotation state and unmet needs.

Children of :class:`Provider` (statuses, areas, absences, audits, users) carry no programme key: they are
always reached through their provider, which is programme-owned.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from plateau.domain.directory.activities import Family, Regime
from plateau.domain.directory.eligibility import Mode, StatusKind
from plateau.geo.models import Commune
from plateau.tenants.models import ProgrammeOwned


class Activity(models.Model):
    """One of the 26 official activities (loaded by a data migration from plateau.domain.directory)."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    label_fr = models.CharField(_("libellé (français)"), max_length=200)
    label_en = models.CharField(_("libellé (anglais)"), max_length=200)
    regime = models.CharField(
        _("régime"),
        max_length=32,
        choices=[
            (Regime.DECLARATION.value, _("Déclaration")),
            (Regime.AGREMENT.value, _("Agrément")),
            (Regime.AGREMENT_OR_AUTORISATION.value, _("Agrément (mandataire) ou autorisation (prestataire)")),
        ],
    )
    family = models.CharField(
        _("famille"),
        max_length=32,
        choices=[
            (Family.FAMILLE.value, _("Famille")),
            (Family.VIE_QUOTIDIENNE.value, _("Vie quotidienne")),
            (Family.PERSONNES_DEPENDANTES.value, _("Personnes dépendantes")),
        ],
    )

    class Meta:
        verbose_name = _("activité")
        verbose_name_plural = _("activités")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.label_fr}"


class Provider(ProgrammeOwned):
    """A home-services organisation (one establishment, identified by its SIRET) listed by a programme."""

    siret = models.CharField(_("SIRET"), max_length=14, help_text=_("14 chiffres, validé (clé de Luhn)."))
    siren = models.CharField(_("SIREN"), max_length=9, db_index=True, editable=False)
    sap_number = models.CharField(_("n° de déclaration SAP"), max_length=12, blank=True)
    legal_name = models.CharField(_("raison sociale"), max_length=200)
    trade_name = models.CharField(_("nom commercial"), max_length=200, blank=True)
    network = models.CharField(_("réseau / enseigne"), max_length=120, blank=True, db_index=True)
    phone = models.CharField(_("téléphone (E.164)"), max_length=20, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    base_commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="+", verbose_name=_("commune d'implantation")
    )
    # {"mon": [["08:00", "12:00"], ["14:00", "18:00"]], ..., "sun": []}
    opening_hours = models.JSONField(_("horaires d'ouverture"), default=dict, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    accepting_new_clients = models.BooleanField(_("accepte de nouveaux clients"), default=True)
    capacity_per_week = models.PositiveIntegerField(
        _("capacité (interventions / semaine)"), null=True, blank=True, help_text=_("Vide : non précisée.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("prestataire")
        verbose_name_plural = _("prestataires")
        ordering = ["legal_name"]
        constraints = [models.UniqueConstraint(fields=["programme", "siret"], name="provider_siret_unique")]
        indexes = [models.Index(fields=["programme", "base_commune"], name="provider_prog_base_idx")]

    def __str__(self) -> str:
        return self.trade_name or self.legal_name

    @property
    def display_name(self) -> str:
        return str(self)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The SIREN is derived, never typed: it groups the establishments of one company.
        self.siren = self.siret[:9]
        super().save(*args, **kwargs)


class ProviderActivity(models.Model):
    """A provider's status for one activity: declaration, agrément (dated) or autorisation (département)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="activities")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("statut"),
        max_length=16,
        choices=[
            (StatusKind.DECLARATION.value, _("Déclaration")),
            (StatusKind.AGREMENT.value, _("Agrément")),
            (StatusKind.AUTORISATION.value, _("Autorisation départementale")),
        ],
        default=StatusKind.DECLARATION.value,
    )
    mode = models.CharField(
        _("mode"),
        max_length=16,
        choices=[(Mode.PRESTATAIRE.value, _("Prestataire")), (Mode.MANDATAIRE.value, _("Mandataire"))],
        default=Mode.PRESTATAIRE.value,
    )
    reference = models.CharField(_("référence de l'agrément / autorisation"), max_length=80, blank=True)
    department_code = models.CharField(_("département (autorisation)"), max_length=3, blank=True)
    valid_from = models.DateField(_("valable du"), null=True, blank=True)
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)

    class Meta:
        verbose_name = _("activité du prestataire")
        verbose_name_plural = _("activités du prestataire")
        constraints = [
            models.UniqueConstraint(fields=["provider", "activity", "status", "mode"], name="provider_activity_unique"),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="provider_activity_valid_range",
            ),
        ]
        indexes = [models.Index(fields=["activity", "provider"], name="provider_activity_idx")]

    def __str__(self) -> str:
        return f"{self.activity.code} {self.status}/{self.mode}"


class AreaKind(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    DEPARTMENT = "department", _("Département")
    RADIUS = "radius", _("Rayon autour de l'implantation")


class ServiceArea(models.Model):
    """One piece of a provider's service area; the area is the union of its pieces."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="areas")
    kind = models.CharField(_("type"), max_length=16, choices=AreaKind.choices)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    department_code = models.CharField(_("département"), max_length=3, blank=True)
    radius_km = models.FloatField(_("rayon (km)"), null=True, blank=True, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("zone d'intervention")
        verbose_name_plural = _("zones d'intervention")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="commune", commune__isnull=False))
                | (models.Q(kind="department") & ~models.Q(department_code=""))
                | models.Q(kind="radius", radius_km__isnull=False),
                name="service_area_kind_fields",
            )
        ]

    def __str__(self) -> str:
        if self.kind == AreaKind.RADIUS:
            return f"{self.radius_km} km"
        return str(self.commune) if self.kind == AreaKind.COMMUNE else self.department_code


class AbsencePeriod(models.Model):
    """Dates (inclusive) when a provider takes no new client: holidays, closure."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="absences")
    start = models.DateField(_("du"))
    end = models.DateField(_("au"))
    reason = models.CharField(_("motif"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("période d'absence")
        verbose_name_plural = _("périodes d'absence")
        constraints = [models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="absence_range")]

    def __str__(self) -> str:
        return f"{self.start} → {self.end}"


class QualityAudit(models.Model):
    """A quality audit of a provider against a grid (e.g. the monthly audits of the lead-dispatch line)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="audits")
    date = models.DateField(_("date"))
    grid = models.CharField(_("grille"), max_length=120)
    score = models.PositiveSmallIntegerField(
        _("score (0-100)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    auditor = models.CharField(_("auditeur"), max_length=120, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("audit qualité")
        verbose_name_plural = _("audits qualité")
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(score__lte=100), name="audit_score_range")]

    def __str__(self) -> str:
        return f"{self.date} {self.grid} {self.score}"


class ProviderUser(models.Model):
    """A user who acts for a provider (future provider portal)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_links")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="users")

    class Meta:
        verbose_name = _("utilisateur du prestataire")
        verbose_name_plural = _("utilisateurs des prestataires")
        constraints = [models.UniqueConstraint(fields=["user", "provider"], name="provider_user_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.provider}"


class RotationCursor(ProgrammeOwned):
    """Per (programme, activity): the next rotation sequence number; its row is the search lock."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="+")
    next_seq = models.BigIntegerField(default=1)

    class Meta:
        verbose_name = _("curseur de rotation")
        verbose_name_plural = _("curseurs de rotation")
        constraints = [models.UniqueConstraint(fields=["programme", "activity"], name="rotation_cursor_unique")]


class ProviderRotation(ProgrammeOwned):
    """Durable proposal counter of a provider for one activity in one programme (fair rotation)."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="rotations")
    proposal_count = models.PositiveIntegerField(default=0)
    first_count = models.PositiveIntegerField(default=0)
    last_first_seq = models.BigIntegerField(default=0)
    last_proposed_seq = models.BigIntegerField(default=0)
    last_proposed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rotation d'un prestataire")
        verbose_name_plural = _("rotations des prestataires")
        constraints = [
            models.UniqueConstraint(fields=["programme", "activity", "provider"], name="provider_rotation_unique")
        ]


class ProviderSearch(ProgrammeOwned):
    """One search run by an advisor (or a service): what was asked and how many providers came back."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    radius_km = models.FloatField(_("rayon (km)"))
    on_date = models.DateField(_("date souhaitée"))
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    result_count = models.PositiveIntegerField(default=0)
    # Eligible providers found (result_count is how many of them were proposed). Not exact when the nearest
    # distance band already filled the page and farther bands were not examined.
    eligible_count = models.PositiveIntegerField(_("prestataires éligibles"), null=True, blank=True)
    eligible_count_exact = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("recherche de prestataires")
        verbose_name_plural = _("recherches de prestataires")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.activity_id} @ {self.commune_id} ({self.radius_km} km)"


class ProviderProposal(models.Model):
    """A provider proposed by a search, at a rank and distance: who was proposed to which caller."""

    search = models.ForeignKey(ProviderSearch, on_delete=models.CASCADE, related_name="proposals")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="proposals")
    rank = models.PositiveSmallIntegerField()
    distance_km = models.FloatField()

    class Meta:
        verbose_name = _("prestataire proposé")
        verbose_name_plural = _("prestataires proposés")
        ordering = ["search", "rank"]
        constraints = [models.UniqueConstraint(fields=["search", "rank"], name="proposal_rank_unique")]

    def __str__(self) -> str:
        return f"#{self.rank} {self.provider_id} ({self.distance_km} km)"


class UnmetNeedSource(models.TextChoices):
    SEARCH = "search", _("Recherche sans résultat")
    ADVISOR = "advisor", _("Saisie par un conseiller")


class UnmetNeed(ProgrammeOwned):
    """A need no provider could meet (reported to the département's labour administration, DDETS)."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+")
    radius_km = models.FloatField(_("rayon (km)"))
    on_date = models.DateField(_("date souhaitée"))
    source = models.CharField(max_length=16, choices=UnmetNeedSource.choices, default=UnmetNeedSource.SEARCH)
    search = models.OneToOneField(
        ProviderSearch, on_delete=models.SET_NULL, null=True, blank=True, related_name="unmet_need"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("besoin non satisfait")
        verbose_name_plural = _("besoins non satisfaits")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.activity_id} @ {self.commune_id} {self.on_date}"
