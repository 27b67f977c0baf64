"""Leads: a caller's request forwarded, with consent, to one provider at a time, with its deadlines,
the audit of who was proposed and why, notifications (webhooks) and the client's feedback.

Children of :class:`Lead` are programme-owned too: sweeps and reports read them by programme without a join.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from plateau.domain.leads.lifecycle import DeadlineKind, State
from plateau.tenants.models import ProgrammeOwned


class LeadState(models.TextChoices):
    CREATED = State.CREATED.value, _("Créée")
    SENT = State.SENT.value, _("Transmise")
    ACKNOWLEDGED = State.ACKNOWLEDGED.value, _("Prise en compte")
    CALLED_BACK = State.CALLED_BACK.value, _("Client rappelé")
    SERVICE_AGREED = State.SERVICE_AGREED.value, _("Prestation convenue")
    REFUSED = State.REFUSED.value, _("Refusée par le client")
    NO_CAPACITY = State.NO_CAPACITY.value, _("Pas de disponibilité")
    EXPIRED = State.EXPIRED.value, _("Délai de rappel dépassé")
    CLOSED = State.CLOSED.value, _("Clôturée")


class DispatchSettings(ProgrammeOwned):
    """Per-programme configuration of fair dispatch and deadlines (one row per programme; defaults otherwise)."""

    network_weights = models.JSONField(_("poids par réseau"), default=dict, blank=True)
    default_weight = models.FloatField(_("poids par défaut"), default=1.0)
    distance_scale_km = models.FloatField(_("échelle de distance (km)"), default=10.0)
    quality_exponent = models.FloatField(_("exposant de qualité"), default=1.0)
    call_back_hours = models.FloatField(_("délai de rappel (heures)"), default=48.0)
    reminder_hours_before = models.JSONField(_("rappels avant échéance (heures)"), default=list, blank=True)
    feedback_days_after_service = models.PositiveSmallIntegerField(_("enquête N jours après"), default=7)
    radius_km = models.FloatField(_("rayon de recherche (km)"), default=30.0)
    share_window_days = models.PositiveSmallIntegerField(_("fenêtre des parts (jours)"), default=90)
    max_attempts = models.PositiveSmallIntegerField(_("prestataires essayés au plus"), default=3)
    escalation_queue = models.SlugField(
        _("file des demandes escaladées"),
        max_length=40,
        default="demandes-escaladees",
        blank=True,
        help_text=_("Code d'une file de distribution (canal « Demande escaladée ») ; vide : pas de distribution."),
    )

    class Meta:
        verbose_name = _("réglages de mise en relation")
        verbose_name_plural = _("réglages de mise en relation")
        constraints = [models.UniqueConstraint(fields=["programme"], name="dispatch_settings_one_per_programme")]


class Lead(ProgrammeOwned):
    """One forwarded request. Minimal fields: what the provider needs to call back, nothing more."""

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="leads"
    )
    state = models.CharField(_("état"), max_length=16, choices=LeadState.choices, default=LeadState.CREATED)
    activity = models.ForeignKey("directory.Activity", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("geo.Commune", on_delete=models.PROTECT, related_name="+")
    need_date = models.DateField(_("date souhaitée"))
    client_name = models.CharField(_("nom du client"), max_length=200)
    client_phone = models.CharField(_("téléphone du client (E.164)"), max_length=16)
    client_email = models.EmailField(_("courriel du client"), blank=True)
    need_summary = models.CharField(_("besoin"), max_length=500, blank=True)
    consent_text = models.TextField(_("texte du consentement lu"))
    consent_at = models.DateTimeField(_("consentement recueilli le"))
    consent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Special-category data (GDPR art. 9): only with a separate, explicit consent.
    health_details = models.TextField(_("informations santé / dépendance"), blank=True)
    health_consent_text = models.TextField(_("texte du consentement santé"), blank=True)
    health_consent_at = models.DateTimeField(_("consentement santé le"), null=True, blank=True)
    provider = models.ForeignKey(
        "directory.Provider", on_delete=models.PROTECT, null=True, blank=True, related_name="leads"
    )
    attempt = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("créée le"))
    sent_at = models.DateTimeField(_("transmise le"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    called_back_at = models.DateTimeField(null=True, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    service_date = models.DateField(_("date de la prestation"), null=True, blank=True)
    outcome_note = models.CharField(_("commentaire"), max_length=500, blank=True)
    escalated_at = models.DateTimeField(_("escaladée le"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The escalation's routed work item (engine contact id) and when the router accepted it.
    work_item_id = models.CharField(max_length=64, blank=True)
    work_item_queued_at = models.DateTimeField(null=True, blank=True)
    last_contact_at = models.DateTimeField(_("dernier contact"), db_index=True)

    class Meta:
        verbose_name = _("demande transmise")
        verbose_name_plural = _("demandes transmises")
        indexes = [models.Index(fields=["programme", "provider", "state"], name="lead_prog_provider_state")]

    def __str__(self) -> str:
        return f"Demande {self.pk} ({self.state})"


class LeadProposal(ProgrammeOwned):
    """Audit of a dispatch decision: every eligible candidate with its figures, and who was chosen."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="proposals")
    attempt = models.PositiveSmallIntegerField()
    provider = models.ForeignKey("directory.Provider", on_delete=models.PROTECT, related_name="+")
    network = models.CharField(max_length=120, blank=True)
    rotation_rank = models.PositiveSmallIntegerField()
    distance_km = models.FloatField()
    quality = models.FloatField(null=True)
    past_leads = models.PositiveIntegerField()
    weight = models.FloatField()
    target_share = models.FloatField()
    deficit = models.FloatField()
    chosen = models.BooleanField(default=False)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("candidat proposé")
        verbose_name_plural = _("candidats proposés")
        ordering = ["attempt", "rotation_rank"]


class LeadDeadline(ProgrammeOwned):
    """A durable deadline: swept by :func:`plateau.leads.sla.sweep_deadlines` once due (``done_at`` set then)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(max_length=16, choices=[(k.value, k.value) for k in DeadlineKind])
    attempt = models.PositiveSmallIntegerField()
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("échéance")
        verbose_name_plural = _("échéances")
        indexes = [
            models.Index(fields=["due_at"], name="lead_deadline_open_due", condition=models.Q(done_at__isnull=True))
        ]


class Survey(ProgrammeOwned):
    """The client's feedback on the service (one per lead; the first answer is kept)."""

    lead = models.OneToOneField(Lead, on_delete=models.CASCADE, related_name="survey")
    provider = models.ForeignKey("directory.Provider", on_delete=models.PROTECT, related_name="surveys")
    token = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=8)  # email / sms
    sent_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)  # 1..5
    comment = models.TextField(blank=True)

    class Meta:
        verbose_name = _("enquête de satisfaction")
        verbose_name_plural = _("enquêtes de satisfaction")


def _new_secret() -> str:
    return secrets.token_hex(32)


class WebhookEndpoint(ProgrammeOwned):
    """A provider's system to notify (HMAC-SHA256 signed with ``secret``); its calls to us are signed with
    ``inbound_secret`` — one secret per direction, so a leaked one cannot forge the other way."""

    provider = models.ForeignKey("directory.Provider", on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField()
    secret = models.CharField(max_length=128)
    inbound_secret = models.CharField(max_length=128, default=_new_secret)
    is_active = models.BooleanField(default=True)
    # Events to send (``lead.sent``, ``lead.reminder``…); empty: every event.
    events = models.JSONField(_("événements"), default=list, blank=True)
    created_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def wants(self, event: str) -> bool:
        return not self.events or event in self.events


class WebhookDelivery(ProgrammeOwned):
    """One event to deliver; ``idempotency_key`` is sent as a header so the receiver can drop replays."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    idempotency_key = models.CharField(max_length=64, unique=True)
    event = models.CharField(max_length=64)
    payload = models.JSONField()
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("envoi de webhook")
        verbose_name_plural = _("envois de webhook")


class InboundWebhookKey(ProgrammeOwned):
    """Idempotency keys of calls received from providers' systems (a replay is ignored)."""

    provider = models.ForeignKey("directory.Provider", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    received_at = models.DateTimeField()
    response = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("clé de webhook entrant")
        verbose_name_plural = _("clés de webhook entrant")
        constraints = [models.UniqueConstraint(fields=["provider", "key"], name="inbound_webhook_key_unique")]


class InboundSignature(ProgrammeOwned):
    """Signatures of providers' calls accepted recently: the same signature twice is a replayed capture."""

    provider = models.ForeignKey("directory.Provider", on_delete=models.CASCADE, related_name="+")
    mac = models.CharField(max_length=64)
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("signature de webhook entrant")
        verbose_name_plural = _("signatures de webhook entrant")
        constraints = [models.UniqueConstraint(fields=["provider", "mac"], name="inbound_signature_unique")]


class ProviderApiToken(ProgrammeOwned):
    """A bearer token for a provider's own system calling the REST API. Only its SHA-256 is stored (the token
    is shown once, at creation); it acts as the provider's service account (``service_user``), so every call
    goes through the same services and audit as the portal."""

    provider = models.ForeignKey("directory.Provider", on_delete=models.CASCADE, related_name="api_tokens")
    service_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("nom"), max_length=100)
    prefix = models.CharField(_("début du jeton"), max_length=16)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API prestataire")
        verbose_name_plural = _("jetons d'API prestataire")
