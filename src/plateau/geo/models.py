"""French territory reference data (INSEE COG + La Poste postal codes). Not tenant-owned."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=120)

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, unique=True, help_text=_("01…95, 2A, 2B, 971…976"))
    name = models.CharField(_("nom"), max_length=120)
    region_code = models.CharField(max_length=3, blank=True)

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class CommuneType(models.TextChoices):
    COM = "COM", _("Commune")
    ARM = "ARM", _("Arrondissement municipal")
    COMD = "COMD", _("Commune déléguée")


class Commune(models.Model):
    """One commune of the Code officiel géographique, identified by its INSEE code (never by its name).

    A commune déléguée (COMD) carries the INSEE code of the commune nouvelle it belongs to, so the code alone is
    unique only together with the type.
    """

    insee_code = models.CharField(_("code INSEE"), max_length=5, db_index=True)
    name = models.CharField(_("nom"), max_length=120)
    name_with_article = models.CharField(_("nom avec article"), max_length=140, blank=True)
    # Lower-case, accent-free, hyphens as spaces: what the resolver compares what callers say against.
    search_name = models.CharField(max_length=140, db_index=True)
    department_code = models.CharField(_("département"), max_length=3, db_index=True)
    region_code = models.CharField(_("région"), max_length=3, blank=True)
    commune_type = models.CharField(_("type"), max_length=4, choices=CommuneType.choices, default=CommuneType.COM)
    parent_insee_code = models.CharField(_("commune parente"), max_length=5, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    area_km2 = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["insee_code", "commune_type"], name="commune_insee_type_unique")]

    def __str__(self) -> str:
        return f"{self.name_with_article or self.name} ({self.department_code})"

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def label(self) -> str:
        """What advisors read: "Neuilly-sur-Seine (92)"."""
        return f"{self.name} ({self.department_code})"


class PostalCode(models.Model):
    """Postal code ↔ commune is many-to-many: one row per pair."""

    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="postal_codes")
    code = models.CharField(_("code postal"), max_length=5, db_index=True)

    class Meta:
        verbose_name = _("code postal")
        verbose_name_plural = _("codes postaux")
        constraints = [models.UniqueConstraint(fields=["commune", "code"], name="postal_code_unique")]

    def __str__(self) -> str:
        return self.code


class GeoDataVersion(models.Model):
    """One row whose token changes whenever the commune table is rewritten (import, admin edit).

    In-memory indexes (radius search, name lookup) are cached per process and keyed by this token, so every
    process sees an import on its next query without any messaging.
    """

    token = models.CharField(max_length=64)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("version des données géographiques")
        verbose_name_plural = _("versions des données géographiques")

    def __str__(self) -> str:
        return self.token
