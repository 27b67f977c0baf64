"""Local articles: versions, the review workflow and its four-eyes rule, the « à revérifier » flag after a
re-import that changes a linked sheet or past the review date, Markdown sanitised."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest

from plateau.errors import Conflict, InvalidInput, PermissionDenied
from plateau.knowledge import articles
from plateau.knowledge.demo import FIXTURE
from plateau.knowledge.errors import SheetNotFound
from plateau.knowledge.importing import import_sheets
from plateau.knowledge.models import Article, ArticleStatus
from plateau.knowledge.rendering import diff_lines, render_markdown
from plateau.tenants.models import AuditEntry, Programme, ProgrammeKind, User
from tests import factories

pytestmark = pytest.mark.usefixtures("sheets")
BODY = "## Perte de la carte\n\nAller en **mairie** équipée ; voir la fiche F1344."


@pytest.fixture
def editors() -> tuple[Programme, User, User]:
    programme = factories.programme(kind=ProgrammeKind.PUBLIC_INFORMATION)
    return programme, factories.supervisor(programme), factories.supervisor(programme)


def _published(programme: Programme, author: User, reviewer: User) -> Article:
    article = articles.create_article(programme, actor=author, title="Carte perdue", body=BODY, sheet_ids=["F1344"])
    articles.submit_for_review(article, actor=author)
    return articles.publish(article, actor=reviewer)


def test_given_an_author_when_publishing_their_own_change_then_refused_and_a_colleague_publishes(
    editors: tuple[Programme, User, User],
) -> None:
    programme, author, reviewer = editors
    article = articles.create_article(programme, actor=author, title="Carte perdue", body=BODY, sheet_ids=["F1344"])
    assert article.status == ArticleStatus.DRAFT
    with pytest.raises(Conflict):
        articles.publish(article, actor=reviewer)  # not submitted
    articles.submit_for_review(article, actor=author)
    with pytest.raises(articles.FourEyesRefused, match="propre modification"):
        articles.publish(article, actor=author)
    article = articles.publish(article, actor=reviewer)
    assert article.status == ArticleStatus.PUBLISHED and article.published_version is not None
    assert AuditEntry.objects.get(action="knowledge.article_published").data["author"] == author.pk

    # The reviewer edits: a new draft version; the published text stays; the reviewer now cannot publish it.
    article = articles.edit_article(article, actor=reviewer, title="Carte perdue", body=BODY + "\n\nNouveau.")
    assert article.status == ArticleStatus.DRAFT and article.published_version.number == 1
    articles.submit_for_review(article, actor=reviewer)
    with pytest.raises(articles.FourEyesRefused):
        articles.publish(article, actor=reviewer)
    article = articles.publish(article, actor=author)
    assert article.published_version.number == 2
    assert [v.number for v in article.versions.all()] == [2, 1]
    assert ("+", "Nouveau.") in diff_lines(article.versions.get(number=1).body, article.versions.get(number=2).body)


def test_given_an_advisor_or_bad_input_when_writing_then_refused_and_nothing_stored(
    editors: tuple[Programme, User, User],
) -> None:
    programme, author, _ = editors
    with pytest.raises(PermissionDenied):
        articles.create_article(programme, actor=factories.advisor(programme), title="x", body="y")
    with pytest.raises(InvalidInput, match="titre"):
        articles.create_article(programme, actor=author, title="  ", body="y")
    with pytest.raises(SheetNotFound, match="F0"):
        articles.create_article(programme, actor=author, title="x", body="y", sheet_ids=["F0"])
    assert not Article.objects.exists()


def test_given_a_linked_sheet_changed_at_reimport_then_article_to_recheck_until_confirmed(
    editors: tuple[Programme, User, User], tmp_path: Path
) -> None:
    programme, author, reviewer = editors
    article = _published(programme, author, reviewer)
    other = articles.create_article(programme, actor=author, title="Passeport", body="Texte", sheet_ids=["F34752"])
    articles.submit_for_review(other, actor=author)
    articles.publish(other, actor=reviewer)
    with gzip.open(FIXTURE, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    for row in rows:
        if row["id"] == "F1344":
            row["description"] = "La démarche change au 1er janvier."
    path = tmp_path / "today.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    run = import_sheets(path)
    assert (run.changed, run.articles_flagged) == (1, 1)
    article.refresh_from_db()
    other.refresh_from_db()
    assert article.status == ArticleStatus.TO_RECHECK and "F1344" in article.recheck_reason
    assert other.status == ArticleStatus.PUBLISHED  # its sheet did not change
    articles.confirm_checked(article, actor=reviewer)
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED and article.recheck_reason == ""
    assert import_sheets(path).articles_flagged == 0  # checked against today's version


def test_given_a_review_date_passed_when_flagging_then_to_recheck(editors: tuple[Programme, User, User]) -> None:
    programme, author, reviewer = editors
    article = _published(programme, author, reviewer)
    assert articles.flag_articles_to_recheck(article.review_on) == 0
    assert articles.flag_articles_to_recheck(article.review_on + dt.timedelta(days=1)) == 1
    article.refresh_from_db()
    assert article.status == ArticleStatus.TO_RECHECK and "Date de revue dépassée" in article.recheck_reason


def test_given_markdown_with_a_script_when_rendered_then_sanitised() -> None:
    html = render_markdown(
        "# Titre\n\n**gras** <script>alert(1)</script> [lien](javascript:alert(1)) [ok](https://a.fr)"
    )
    assert "<strong>gras</strong>" in html and "<script" not in html and "javascript:" not in html
    assert 'href="https://a.fr"' in html


def test_given_the_scheduler_when_the_hourly_sweep_runs_then_articles_past_review_flagged(
    editors: tuple[Programme, User, User],
) -> None:
    from django.utils import timezone

    from plateau.services import scheduler

    programme, author, reviewer = editors
    article = _published(programme, author, reviewer)
    later = timezone.now() + articles.REVIEW_AFTER + dt.timedelta(days=2)
    scheduler._last_retention.clear()  # the hourly part is due on the first tick
    assert scheduler.sweep_once(later).articles_to_recheck == 1
    article.refresh_from_db()
    assert article.status == ArticleStatus.TO_RECHECK
