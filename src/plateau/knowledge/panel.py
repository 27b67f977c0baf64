"""What the desk's knowledge panel shows: the search of the moment (``?kq=``), an opened sheet
(``?fiche=``), the answers already recorded on the contact. Shared by the contact page and the htmx
fragment that refreshes the results while the advisor types."""

from __future__ import annotations

from typing import Any

from .access import answers_of, subjects, synonym_rules
from .models import Article, ArticleStatus, OfficialSheet
from .rendering import render_markdown
from .report import target_seconds
from .search import search

RESULTS = 8
READING_CHARS = 6000
SENTENCE_CHARS = 60


def reading_text(sheet: OfficialSheet) -> tuple[str, bool]:
    """The body of the sheet an advisor reads, cut to ``READING_CHARS`` (True when cut). The flattened text
    starts with the site's breadcrumb, the title and a menu of short links: the reading starts at the first
    sentence after the title (a line of at least ``SENTENCE_CHARS`` characters)."""
    lines = sheet.text.split("\n")
    title = " ".join(sheet.title.split())
    start = next((i + 1 for i, line in enumerate(lines[:40]) if " ".join(line.split()) == title), 0)
    first = next((i for i in range(start, len(lines)) if len(lines[i].strip()) >= SENTENCE_CHARS), start)
    text = "\n".join(line.strip() for line in lines[first:] if line.strip())
    return text[:READING_CHARS], len(text) > READING_CHARS


def search_context(programme: Any, text: str, subject: str = "") -> dict[str, Any]:
    text = text.strip()[:300]
    subject = subject.strip()[:200]
    if len(text) < 2:
        return {"kq": text, "ktheme": subject, "hits": [], "searched": False, "articles": []}
    result = search(text, rules=synonym_rules(programme), limit=RESULTS, subject=subject)
    return {
        "kq": text,
        "ktheme": subject,
        "hits": result.hits,
        "searched": True,
        "articles": local_articles(programme, result.hits),
    }


def local_articles(programme: Any, hits: list[Any]) -> list[dict[str, Any]]:
    """The published text of the programme's articles linked to the sheets found (one being rewritten shows
    its published version; one to re-check is flagged)."""
    sheet_pks = [h.sheet.pk for h in hits]
    found = (
        Article.objects.for_programme(programme)
        .exclude(status=ArticleStatus.ARCHIVED)
        .filter(
            published_version__isnull=False,
            sheet_links__sheet__in=sheet_pks,
        )
        .select_related("published_version")
        .distinct()
    )
    return [
        {
            "article": a,
            "html": render_markdown(a.published_version.body),
            "to_recheck": a.status == ArticleStatus.TO_RECHECK,
        }
        for a in found[:5]
    ]


def panel_context(request: Any, contact: Any) -> dict[str, Any]:
    context = search_context(contact.programme, request.GET.get("kq", ""), request.GET.get("ktheme", ""))
    opened = None
    sheet_id = request.GET.get("fiche", "")
    if sheet_id:
        opened = OfficialSheet.objects.filter(sheet_id=sheet_id[:20]).first()
    answers = list(answers_of(contact))
    sheet_text, cut = reading_text(opened) if opened else ("", False)
    target = target_seconds(contact.programme)
    first = min((a.at for a in answers), default=None)
    context.update(
        {
            "opened_sheet": opened,
            "subjects": subjects(),
            "answer_target": target,
            "answered_in": round((first - contact.started_at).total_seconds()) if first else None,
            "sheet_text": sheet_text,
            "sheet_text_cut": cut,
            "answers": answers,
            "answered_ids": {a.sheet.sheet_id for a in answers},
            "gap_reported": bool(context["kq"])
            and contact.knowledge_gaps.filter(query=" ".join(context["kq"].split())).exists(),
        }
    )
    return context
