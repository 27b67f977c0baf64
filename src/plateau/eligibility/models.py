"""Applicants, applications, their status history and the benefits consultations (tenant-owned).

Data minimisation: a consultation keeps which resources were asked, when, by whom, why, and the few booleans
and dates the rules read; never the payload API Particulier returned.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from plateau.tenants.models import ProgrammeOwned


class Sex(models.TextChoices):
    F = "F", _("Féminin")
    M = "M", _("Masculin")


class Applicant(ProgrammeOwned):
    """A person applying, identified as API Particulier's identity pivot wants it."""

    birth_name = models.CharField(_("nom de naissance"), max_length=100)
    usage_name = models.CharField(_("nom d'usage"), max_length=100, blank=True)
    first_names = models.CharField(_("prénoms"), max_length=200, help_text=_("Dans l'ordre de l'état civil."))
    birth_date = models.DateField(_("date de naissance"))
    sex = models.CharField(_("sexe à l'état civil"), max_length=1, choices=Sex.choices)
    birth_commune_insee = models.CharField(_("commune de naissance (code INSEE)"), max_length=5, blank=True)
    birth_country_code = models.CharField(_("pays de naissance (code INSEE)"), max_length=5, default="99100")
    address_line = models.CharField(_("adresse"), max_length=200)
    postal_code = models.CharField(_("code postal"), max_length=5)
    commune = models.ForeignKey(
        "geo.Commune", on_delete=models.PROTECT, related_name="+", verbose_name=_("commune de résidence")
    )
    commune_insee = models.CharField(_("commune de résidence (code INSEE)"), max_length=5)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    navigo_number = models.CharField(_("numéro de passe Navigo"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("créé par")
    )

    class Meta:
        verbose_name = _("demandeur")
        verbose_name_plural = _("demandeurs")
        ordering = ["birth_name", "first_names"]
        indexes = [models.Index(fields=["programme", "birth_name", "birth_date"], name="applicant_pivot_idx")]

    def __str__(self) -> str:
        return f"{self.birth_name} {self.first_names}"


class Channel(models.TextChoices):
    PHONE = "phone", _("Téléphone")
    LETTER = "letter", _("Courrier")
    WEB = "web", _("Formulaire web")


class Status(models.TextChoices):
    RECEIVED = "received", _("Reçue")
    CHECKED = "checked", _("Vérifiée : éligible")
    GRANTED = "granted", _("Droit accordé")
    REFUSED = "refused", _("Refusée")
    INCOMPLETE = "incomplete", _("Incomplète : justificatif à fournir")
    TO_RECHECK = "to_recheck", _("À revérifier (service indisponible)")
    ISSUED = "issued", _("Droit transmis à l'émetteur de cartes")
    MAILED = "mailed", _("Carte envoyée")
    EXPIRED = "expired", _("Droit expiré")


# A right runs in these statuses (granted, then in the card issuer's file, then mailed) until it expires.
RIGHT_OPEN = (Status.GRANTED, Status.ISSUED, Status.MAILED)


class CardBatch(ProgrammeOwned):
    """The daily file of rights for the card issuer (CSV); ``mailed_on`` when the issuer confirms the mailing."""

    created_at = models.DateTimeField(_("constitué le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("par")
    )
    count = models.PositiveIntegerField(_("droits"), default=0)
    mailed_on = models.DateField(_("cartes envoyées le"), null=True, blank=True)

    class Meta:
        verbose_name = _("lot pour l'émetteur de cartes")
        verbose_name_plural = _("lots pour l'émetteur de cartes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.pk} ({self.count})"


class ApplicationCounter(models.Model):
    """The last sequence number given per year (the application number's six middle digits)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("compteur de dossiers")
        verbose_name_plural = _("compteurs de dossiers")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Application(ProgrammeOwned):
    number = models.CharField(_("numéro de dossier"), max_length=11, unique=True)
    applicant = models.ForeignKey(
        Applicant, on_delete=models.PROTECT, related_name="applications", verbose_name=_("demandeur")
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact"),
    )
    channel = models.CharField(_("canal"), max_length=8, choices=Channel.choices)
    status = models.CharField(_("état"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    ass_declared = models.BooleanField(_("ASS (attestation vue)"), null=True, blank=True)
    ame_declared = models.BooleanField(_("AME (attestation vue)"), null=True, blank=True)
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("saisie par")
    )
    # The last decision (each check is kept in Consultation with its own version and reasons).
    rule_version = models.CharField(_("version des règles"), max_length=40, blank=True)
    tier = models.CharField(_("tarif"), max_length=20, blank=True)
    percent = models.PositiveSmallIntegerField(_("réduction (%)"), default=0)
    duration_months = models.PositiveSmallIntegerField(_("durée du droit (mois)"), default=0)
    reasons = models.JSONField(_("motifs"), default=list, blank=True)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    right_start = models.DateField(_("droit du"), null=True, blank=True)
    right_end = models.DateField(_("droit jusqu'au"), null=True, blank=True)
    # Renewals: the application this one renews; the reminder sent before the right ends (a durable deadline).
    renewal_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="renewals", verbose_name=_("renouvelle")
    )
    reminder_due_on = models.DateField(_("rappel de renouvellement le"), null=True, blank=True, db_index=True)
    reminder_sent_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)
    reminder_channel = models.CharField(_("rappel envoyé par"), max_length=12, blank=True)
    card_batch = models.ForeignKey(
        CardBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="applications", verbose_name=_("lot")
    )

    class Meta:
        verbose_name = _("demande")
        verbose_name_plural = _("demandes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.number


class ApplicationEvent(ProgrammeOwned):
    """One change of an application's status: who, when, from what to what, why."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("le"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("par")
    )
    from_status = models.CharField(_("de"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("vers"), max_length=12, choices=Status.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("étape de la demande")
        verbose_name_plural = _("étapes de la demande")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


class Purpose(models.TextChoices):
    APPLICATION = "application", _("Instruction d'une demande")
    RECHECK = "recheck", _("Nouvelle vérification")


class Consultation(ProgrammeOwned):
    """One consultation of the benefits systems for an application (audited; no payload kept)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="consultations")
    at = models.DateTimeField(_("le"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("par")
    )
    purpose = models.CharField(_("motif"), max_length=12, choices=Purpose.choices)
    # {resource: {"status": "ok" | "not_found" | "ambiguous" | "invalid" | "unavailable", "reason": …,
    #             "facts": {"est_beneficiaire": bool, "avec_participation": bool|None, "date_debut_droit": "…",
    #                       "sous_plafond": bool}}}
    results = models.JSONField(_("ressources consultées"), default=dict)
    rule_version = models.CharField(_("version des règles"), max_length=40)
    outcome = models.CharField(_("résultat"), max_length=12)
    tier = models.CharField(_("tarif"), max_length=20, blank=True)
    reasons = models.JSONField(_("motifs"), default=list)

    class Meta:
        verbose_name = _("consultation des droits")
        verbose_name_plural = _("consultations des droits")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.at:%Y-%m-%d %H:%M} {self.outcome}"


class DocumentKind(models.TextChoices):
    IDENTITY = "identity", _("Pièce d'identité")
    BENEFIT = "benefit", _("Justificatif de droits (CAF, ASS, AME, CSS)")
    ADDRESS = "address", _("Justificatif de domicile")
    LETTER = "letter", _("Courrier du demandeur")
    OTHER = "other", _("Autre")


class ApplicationDocument(ProgrammeOwned):
    """A scan attached to an application (PDF, PNG, JPEG or TIFF, checked by its first bytes)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("nature"), max_length=12, choices=DocumentKind.choices)
    filename = models.CharField(_("nom du fichier"), max_length=200)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("taille (octets)"))
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField(_("contenu"))
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("déposé par")
    )

    class Meta:
        verbose_name = _("pièce du dossier")
        verbose_name_plural = _("pièces du dossier")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.filename
