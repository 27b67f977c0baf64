"""Writes of the local articles: versions, the review workflow with the four-eyes rule, the « à revérifier »
flag. Status flow: draft → in review → published → to re-check → (published again | archived); editing a
published article makes a new draft version while the published one stays what advisors read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from plateau.errors import Conflict, InvalidInput, PermissionDenied
from plateau.tenants.access import has_role
from plateau.tenants.errors import require_capability
from plateau.tenants.models import SUPERVISING_ROLES, Programme, User
from plateau.tenants.services import record_audit

from .capability import KNOWLEDGE
from .errors import FourEyesRefused, SheetNotFound
from .models import Article, ArticleSheetLink, ArticleStatus, ArticleVersion, OfficialSheet

REVIEW_AFTER = dt.timedelta(days=180)
S = ArticleStatus


def _editor(programme: Programme, actor: User) -> None:
    require_capability(programme, KNOWLEDGE)
    if not has_role(actor, programme, SUPERVISING_ROLES):
        raise PermissionDenied()


def _clean(title: str, body: str) -> tuple[str, str]:
    title = " ".join(title.split())[:300]
    if not title:
        raise InvalidInput(_("Donnez un titre à l'article."), field="title")
    if not body.strip():
        raise InvalidInput(_("L'article est vide."), field="body")
    return title, body.replace("\r\n", "\n").strip()[:50_000]


def _link(article: Article, sheet_ids: Iterable[str]) -> None:
    wanted = list(dict.fromkeys(s.strip().upper() for s in sheet_ids if s.strip()))
    sheets = {s.sheet_id: s for s in OfficialSheet.objects.filter(sheet_id__in=wanted)}
    unknown = [s for s in wanted if s not in sheets]
    if unknown:
        raise SheetNotFound(_("Fiches inconnues : %(ids)s.") % {"ids": ", ".join(unknown)}, field="sheets")
    article.sheet_links.exclude(sheet__sheet_id__in=wanted).delete()
    have = set(article.sheet_links.values_list("sheet__sheet_id", flat=True))
    ArticleSheetLink.objects.bulk_create(
        ArticleSheetLink(article=article, sheet=sheets[s], checked_hash=sheets[s].content_hash)
        for s in wanted
        if s not in have
    )


def latest_version(article: Article) -> ArticleVersion:
    return article.versions.order_by("-number").first()  # type: ignore[return-value]


def create_article(
    programme: Programme, *, actor: User, title: str, body: str, sheet_ids: Sequence[str] = ()
) -> Article:
    _editor(programme, actor)
    title, body = _clean(title, body)
    with transaction.atomic():
        article = Article.objects.create(
            programme=programme, title=title, owner=actor, review_on=timezone.localdate() + REVIEW_AFTER
        )
        ArticleVersion.objects.create(article=article, number=1, title=title, body=body, author=actor)
        _link(article, sheet_ids)
        record_audit(action="knowledge.article_created", actor=actor, programme=programme, obj=article)
    return article


def edit_article(article: Article, *, actor: User, title: str, body: str, sheet_ids: Sequence[str] = ()) -> Article:
    """A new version (a draft again; a published text stays published until the new one is)."""
    _editor(article.programme, actor)
    title, body = _clean(title, body)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.status == S.ARCHIVED:
            raise Conflict(_("Article archivé : restaurez-le avant de le modifier."))
        number = latest_version(article).number + 1
        ArticleVersion.objects.create(article=article, number=number, title=title, body=body, author=actor)
        article.title = title if article.published_version_id is None else article.title
        article.status = S.DRAFT
        article.save(update_fields=["title", "status"])
        _link(article, sheet_ids)
        record_audit(
            action="knowledge.article_edited", actor=actor, programme=article.programme, obj=article, version=number
        )
    return article


def submit_for_review(article: Article, *, actor: User) -> Article:
    _editor(article.programme, actor)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.status != S.DRAFT:
            raise Conflict(_("Seul un brouillon peut être envoyé en relecture."))
        article.status = S.IN_REVIEW
        article.save(update_fields=["status"])
        record_audit(action="knowledge.article_submitted", actor=actor, programme=article.programme, obj=article)
    return article


def publish(article: Article, *, actor: User) -> Article:
    """Publish the version under review. Four-eyes rule: its author cannot publish it."""
    _editor(article.programme, actor)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.status != S.IN_REVIEW:
            raise Conflict(_("Seul un article en relecture peut être publié."))
        version = latest_version(article)
        if version.author_id == actor.pk:
            raise FourEyesRefused()
        _mark_checked(article, actor, version)
        record_audit(
            action="knowledge.article_published", actor=actor, programme=article.programme, obj=article,
            version=version.number, author=version.author_id,
        )  # fmt: skip
    return article


def confirm_checked(article: Article, *, actor: User) -> Article:
    """« Revérifié » : the published text still holds against its sheets; checked again, published again."""
    _editor(article.programme, actor)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.status != S.TO_RECHECK or article.published_version is None:
            raise Conflict(_("Cet article n'est pas à revérifier."))
        _mark_checked(article, actor, article.published_version)
        record_audit(action="knowledge.article_rechecked", actor=actor, programme=article.programme, obj=article)
    return article


def _mark_checked(article: Article, actor: User, version: ArticleVersion) -> None:
    article.published_version = version
    article.title = version.title
    article.status = S.PUBLISHED
    article.recheck_reason = ""
    article.review_on = timezone.localdate() + REVIEW_AFTER
    article.save(update_fields=["published_version", "title", "status", "recheck_reason", "review_on"])
    for link in article.sheet_links.select_related("sheet"):
        link.checked_hash = link.sheet.content_hash
        link.save(update_fields=["checked_hash"])


def archive(article: Article, *, actor: User) -> Article:
    _editor(article.programme, actor)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        article.status = S.ARCHIVED
        article.save(update_fields=["status"])
        record_audit(action="knowledge.article_archived", actor=actor, programme=article.programme, obj=article)
    return article


def flag_articles_to_recheck(today: dt.date | None = None) -> int:
    """Published articles past their review date, or whose linked sheet changed (or was withdrawn) since the
    last check, become « à revérifier ». Run after each import (and daily). Returns how many were flagged."""
    today = today or timezone.localdate()
    flagged = 0
    with transaction.atomic():
        published = Article.objects.select_for_update().filter(status=S.PUBLISHED)
        for article in published.prefetch_related("sheet_links__sheet"):
            changed = [
                link.sheet.sheet_id
                for link in article.sheet_links.all()
                if link.sheet.content_hash != link.checked_hash or link.sheet.withdrawn_at is not None
            ]
            if changed:
                reason = _("Fiche officielle modifiée ou retirée : %(ids)s") % {"ids": ", ".join(changed)}
            elif article.review_on < today:
                reason = _("Date de revue dépassée (%(date)s)") % {"date": article.review_on.strftime("%d/%m/%Y")}
            else:
                continue
            article.status = S.TO_RECHECK
            article.recheck_reason = reason[:300]
            article.save(update_fields=["status", "recheck_reason"])
            record_audit(
                action="knowledge.article_to_recheck", actor=None, programme=article.programme, obj=article,
                reason=article.recheck_reason,
            )  # fmt: skip
            flagged += 1
    return flagged
