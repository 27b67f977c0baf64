"""A programme's voice-menu flow as versioned JSON (one draft, one published, the rest archived) and the
prompts it recorded itself (stored ready to send: raw 8 kHz A-law and µ-law)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from plateau.tenants.models import ProgrammeOwned


class FlowStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publié")
    ARCHIVED = "archived", _("Archivé")


class IvrFlow(ProgrammeOwned):
    """One version of a programme's voice menu. ``data`` passed :func:`plateau.ivr.validation.check_flow`."""

    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("état"), max_length=12, choices=FlowStatus.choices, default=FlowStatus.DRAFT)
    data = models.JSONField(_("parcours"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)

    class Meta:
        verbose_name = _("menu vocal")
        verbose_name_plural = _("menus vocaux")
        ordering = ["programme", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"], name="ivr_flow_version_unique"),
            models.UniqueConstraint(fields=["programme"], condition=Q(status="draft"), name="ivr_flow_one_draft"),
            models.UniqueConstraint(
                fields=["programme"], condition=Q(status="published"), name="ivr_flow_one_published"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} v{self.version} ({self.get_status_display()})"


class RecordedPrompt(ProgrammeOwned):
    """A prompt recorded by the programme; it replaces the synthesised prompt of the same name on its lines."""

    name = models.SlugField(_("nom"), max_length=64)
    alaw = models.BinaryField(_("audio A-law"))
    ulaw = models.BinaryField(_("audio µ-law"))
    duration_ms = models.PositiveIntegerField(_("durée (ms)"))
    sha256 = models.CharField(max_length=64)
    original_name = models.CharField(_("fichier d'origine"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now=True)

    class Meta:
        verbose_name = _("message enregistré")
        verbose_name_plural = _("messages enregistrés")
        ordering = ["programme", "name"]
        constraints = [models.UniqueConstraint(fields=["programme", "name"], name="ivr_prompt_unique")]

    def __str__(self) -> str:
        return f"{self.programme} · {self.name}"
