"""Editors' pages of the local articles (supervisors and programme managers): the list with what is to
re-check, the Markdown editor with preview, the review actions (four-eyes rule), the versions with diffs."""

from __future__ import annotations

import itertools
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from plateau.errors import NotFound, PlateauError
from plateau.knowledge import articles as article_services
from plateau.knowledge.capability import KNOWLEDGE
from plateau.knowledge.models import Article, ArticleStatus
from plateau.knowledge.rendering import diff_lines, render_markdown
from plateau.tenants.access import access_programme_by_slug
from plateau.tenants.models import SUPERVISING_ROLES, Programme
from plateau.ui.errors import add_error
from plateau.ui.forms import DsfrBaseForm


class ArticleForm(DsfrBaseForm):
    title = forms.CharField(label=gettext_lazy("Titre"), max_length=300)
    body = forms.CharField(
        label=gettext_lazy("Texte (Markdown)"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=gettext_lazy("## intertitre, **gras**, listes « - », liens [texte](https://…)."),
    )
    sheets = forms.CharField(
        label=gettext_lazy("Fiches officielles liées"),
        max_length=500,
        required=False,
        help_text=gettext_lazy(
            "Identifiants séparés par des virgules (F1344, N358) : l'article sera à revérifier si l'une change."
        ),
    )


def _programme(request: HttpRequest, slug: str) -> Programme:
    programme: Programme = access_programme_by_slug(request.user, slug, SUPERVISING_ROLES)
    if not programme.has_capability(KNOWLEDGE):
        raise NotFound()
    return programme


def _article(programme: Programme, article_id: int) -> Article:
    article = Article.objects.for_programme(programme).filter(pk=article_id).first()
    if article is None:
        raise NotFound()
    return article  # type: ignore[no-any-return]


def _ids(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


@login_required
def article_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug)
    rows = list(Article.objects.for_programme(programme).select_related("owner"))
    order = {ArticleStatus.TO_RECHECK: 0, ArticleStatus.IN_REVIEW: 1, ArticleStatus.DRAFT: 2}
    rows.sort(key=lambda a: (order.get(a.status, 3), a.title))
    return render(
        request,
        "knowledge/articles.html",
        {"programme": programme, "title": _("Articles locaux"), "articles": rows},
    )


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, slug: str, article_id: int | None = None) -> HttpResponse:
    programme = _programme(request, slug)
    article = _article(programme, article_id) if article_id else None
    latest = article_services.latest_version(article) if article else None
    initial: dict[str, Any] = {}
    if article and latest:
        linked = article.sheet_links.values_list("sheet__sheet_id", flat=True)
        initial = {"title": latest.title, "body": latest.body, "sheets": ", ".join(linked)}
    form = ArticleForm(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "preview" in request.POST:
            preview = render_markdown(data["body"])
        else:
            try:
                if article is None:
                    article = article_services.create_article(
                        programme, actor=request.user, title=data["title"], body=data["body"],  # type: ignore[arg-type]
                        sheet_ids=_ids(data["sheets"]),
                    )  # fmt: skip
                else:
                    article_services.edit_article(
                        article, actor=request.user, title=data["title"], body=data["body"],  # type: ignore[arg-type]
                        sheet_ids=_ids(data["sheets"]),
                    )  # fmt: skip
            except PlateauError as exc:
                add_error(form, exc)
            else:
                messages.success(request, _("Version enregistrée (brouillon)."))
                return redirect(reverse("knowledge:article", args=[slug, article.pk]))
    versions = list(article.versions.select_related("author")) if article else []
    diffs = [(newer, diff_lines(older.body, newer.body)) for newer, older in itertools.pairwise(versions)]
    return render(
        request,
        "knowledge/article_edit.html",
        {
            "programme": programme,
            "title": article.title if article else _("Nouvel article"),
            "article": article,
            "form": form,
            "preview": preview,
            "published_html": render_markdown(article.published_version.body)
            if article and article.published_version
            else None,
            "versions": versions,
            "diffs": diffs,
            "latest": latest,
        },
    )


ACTIONS = {
    "submit": (article_services.submit_for_review, gettext_lazy("Article envoyé en relecture.")),
    "publish": (article_services.publish, gettext_lazy("Article publié : les conseillers le voient.")),
    "recheck": (article_services.confirm_checked, gettext_lazy("Article revérifié et publié à nouveau.")),
    "archive": (article_services.archive, gettext_lazy("Article archivé.")),
}


@login_required
@require_POST
def article_action(request: HttpRequest, slug: str, article_id: int) -> HttpResponse:
    programme = _programme(request, slug)
    article = _article(programme, article_id)
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Action inconnue."))
    else:
        try:
            action[0](article, actor=request.user)  # type: ignore[arg-type]
        except PlateauError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, str(action[1]))
    return redirect(reverse("knowledge:article", args=[slug, article.pk]))
