"""Official sheets (shared by every programme: public content), their imports, and per-programme records:
answers given on a contact, « pas trouvé » questions, the programme's own synonyms."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from plateau.tenants.models import ProgrammeOwned


class OfficialSheet(models.Model):
    """A service-public.fr « vos droits et démarches » sheet. Withdrawn from the source: kept, marked."""

    sheet_id = models.CharField(_("identifiant"), max_length=20, unique=True)
    kind = models.CharField(_("type de fiche"), max_length=80)
    title = models.CharField(_("titre"), max_length=500)
    subject = models.CharField(_("thème"), max_length=200, db_index=True)
    subject_path = models.CharField(_("chemin du thème"), max_length=1000, blank=True)
    description = models.TextField(_("résumé"), blank=True)
    text = models.TextField(_("texte"), blank=True)
    url = models.CharField(_("source"), max_length=500)  # https only, checked by the importer
    modified_on = models.DateField(_("vérifié le"), null=True, blank=True)
    content_hash = models.CharField(max_length=64)
    imported_at = models.DateTimeField(_("importée le"))
    changed_at = models.DateTimeField(_("modifiée le"))
    withdrawn_at = models.DateTimeField(_("retirée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("fiche officielle")
        verbose_name_plural = _("fiches officielles")
        ordering = ["title"]

    def __str__(self) -> str:
        return f"{self.title} ({self.sheet_id})"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class SheetImport(models.Model):
    """One run of the importer: what changed since the previous one (the daily enrichment)."""

    source = models.CharField(_("fichier"), max_length=500)
    started_at = models.DateTimeField(_("début"))
    seconds = models.FloatField(_("durée (s)"), default=0)
    total = models.PositiveIntegerField(_("fiches lues"), default=0)
    new = models.PositiveIntegerField(_("nouvelles"), default=0)
    changed = models.PositiveIntegerField(_("modifiées"), default=0)
    removed = models.PositiveIntegerField(_("retirées"), default=0)
    unchanged = models.PositiveIntegerField(_("inchangées"), default=0)
    rejected = models.JSONField(_("lignes rejetées"), default=list, blank=True)
    articles_flagged = models.PositiveIntegerField(_("articles à revérifier"), default=0)

    class Meta:
        verbose_name = _("import de fiches")
        verbose_name_plural = _("imports de fiches")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} +{self.new} ~{self.changed} -{self.removed}"


class AnswerGiven(ProgrammeOwned):
    """An official sheet used to answer a contact: which answer was given to whom, by whom, from what search."""

    contact = models.ForeignKey("contacts.Contact", on_delete=models.CASCADE, related_name="answers_given")
    sheet = models.ForeignKey(OfficialSheet, on_delete=models.PROTECT, related_name="+")
    advisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    query = models.CharField(_("recherche"), max_length=300, blank=True)
    rank = models.PositiveSmallIntegerField(_("rang"), null=True, blank=True)
    at = models.DateTimeField(_("le"), auto_now_add=True)
    # Sent by e-mail with the caller's consent; the address itself is not kept (only in the audit, masked).
    emailed_at = models.DateTimeField(_("envoyée par courriel le"), null=True, blank=True)

    class Meta:
        verbose_name = _("réponse donnée")
        verbose_name_plural = _("réponses données")
        ordering = ["at", "pk"]
        constraints = [models.UniqueConstraint(fields=["contact", "sheet"], name="answer_given_once")]

    def __str__(self) -> str:
        return f"{self.contact_id} · {self.sheet_id}"


class KnowledgeGap(ProgrammeOwned):
    """« Pas trouvé »: a question the knowledge base did not answer, for the editors' gap list."""

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="knowledge_gaps"
    )
    advisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    query = models.CharField(_("question"), max_length=300)
    normalised = models.CharField(_("question normalisée"), max_length=300, db_index=True)
    subject = models.CharField(_("thème"), max_length=200, blank=True)
    at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("question sans réponse")
        verbose_name_plural = _("questions sans réponse")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.query


class Synonym(ProgrammeOwned):
    """A programme's synonym: ``term`` (as callers say it) adds ``expansion`` to the search; it replaces the
    platform default of the same term, and an empty expansion switches that default off."""

    term = models.CharField(_("ce que dit l'appelant"), max_length=120)
    expansion = models.CharField(_("mots des fiches"), max_length=300, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("synonyme")
        verbose_name_plural = _("synonymes")
        ordering = ["term"]
        constraints = [models.UniqueConstraint(fields=["programme", "term"], name="synonym_term_once")]

    def __str__(self) -> str:
        return f"{self.term} → {self.expansion}"


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    IN_REVIEW = "in_review", _("En relecture")
    PUBLISHED = "published", _("Publié")
    TO_RECHECK = "to_recheck", _("À revérifier")
    ARCHIVED = "archived", _("Archivé")


class Article(ProgrammeOwned):
    """A local article: the programme's own answer, in Markdown, linked to official sheets, with an owner, a
    review date, a status and versions. What advisors read is the *published* version."""

    title = models.CharField(_("titre"), max_length=300)
    status = models.CharField(_("statut"), max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    review_on = models.DateField(_("à revoir le"))
    recheck_reason = models.CharField(_("motif de revérification"), max_length=300, blank=True)
    published_version = models.ForeignKey(
        "ArticleVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("article local")
        verbose_name_plural = _("articles locaux")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class ArticleVersion(models.Model):
    """One saved text of an article (never changed afterwards): the diff between two is the change."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("titre"), max_length=300)
    body = models.TextField(_("texte (Markdown)"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("version d'article")
        verbose_name_plural = _("versions d'article")
        ordering = ["article", "-number"]
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="article_version_once")]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"


class ArticleSheetLink(models.Model):
    """An official sheet an article relies on, and the sheet's version when the article was last checked:
    a re-import that changes the sheet flags the article « à revérifier »."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sheet_links")
    sheet = models.ForeignKey(OfficialSheet, on_delete=models.PROTECT, related_name="article_links")
    checked_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("fiche liée")
        verbose_name_plural = _("fiches liées")
        constraints = [models.UniqueConstraint(fields=["article", "sheet"], name="article_sheet_once")]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.sheet_id}"


class AnswerTarget(ProgrammeOwned):
    """The programme's answer-time promise (« une réponse ou une orientation en moins de 3 minutes »): the desk
    shows a timer, the report counts the contacts answered within it. Set by platform admins."""

    seconds = models.PositiveIntegerField(_("délai de réponse visé (secondes)"), default=180)

    class Meta:
        verbose_name = _("délai de réponse visé")
        verbose_name_plural = _("délais de réponse visés")
        constraints = [models.UniqueConstraint(fields=["programme"], name="answer_target_once")]

    def __str__(self) -> str:
        return f"{self.programme_id}: {self.seconds} s"
