"""Reads of the knowledge base: official sheets are public; answers, gaps and synonyms are the programme's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Count, Max, QuerySet

from plateau.contacts.models import Contact
from plateau.domain.knowledge.query import SynonymRule
from plateau.domain.knowledge.synonyms import DEFAULT_SYNONYMS
from plateau.domain.knowledge.text import words
from plateau.tenants.models import Programme

from .errors import SheetNotFound
from .models import AnswerGiven, KnowledgeGap, OfficialSheet, Synonym


def sheet_by_id(sheet_id: str) -> OfficialSheet:
    sheet = OfficialSheet.objects.filter(sheet_id=sheet_id).first()
    if sheet is None:
        raise SheetNotFound()
    return sheet


def synonym_rows(programme: Programme) -> list[dict[str, object]]:
    """The programme's effective list: defaults, replaced or switched off by its own rows, plus its own."""
    own = {" ".join(words(s.term)): s for s in Synonym.objects.for_programme(programme)}
    rows: list[dict[str, object]] = []
    for rule in DEFAULT_SYNONYMS:
        key = " ".join(words(rule.term))
        mine = own.pop(key, None)
        rows.append(
            {
                "term": mine.term if mine else rule.term,
                "expansion": mine.expansion if mine else rule.expansion,
                "default": rule.expansion,
                "origin": "changed" if mine else "default",
                "active": bool(mine.expansion if mine else rule.expansion),
            }
        )
    for mine in own.values():
        rows.append(
            {
                "term": mine.term,
                "expansion": mine.expansion,
                "default": "",
                "origin": "own",
                "active": bool(mine.expansion),
            }
        )
    return rows


def synonym_rules(programme: Programme | None) -> Sequence[SynonymRule]:
    if programme is None:
        return DEFAULT_SYNONYMS
    return [SynonymRule(str(r["term"]), str(r["expansion"])) for r in synonym_rows(programme) if r["active"]]


def answers_of(contact: Contact) -> QuerySet[AnswerGiven]:
    return (
        AnswerGiven.objects.for_programme(contact.programme).filter(contact=contact).select_related("sheet", "advisor")
    )


def gaps_of(programme: Programme, limit: int = 200) -> QuerySet[KnowledgeGap]:
    return KnowledgeGap.objects.for_programme(programme).select_related("advisor")[:limit]


def top_gaps(programme: Programme, limit: int = 20) -> list[dict[str, object]]:
    """The most asked unanswered questions (grouped by their normalised words)."""
    return list(
        KnowledgeGap.objects.for_programme(programme)
        .values("normalised")
        .annotate(n=Count("id"), example=Max("query"), last_at=Max("at"))
        .order_by("-n", "normalised")[:limit]
    )


def most_used_sheets(programme: Programme, since: dt.datetime, limit: int = 20) -> list[dict[str, object]]:
    """The official sheets most given as answers by the programme's advisors since ``since``."""
    return list(
        AnswerGiven.objects.for_programme(programme)
        .filter(at__gte=since)
        .values("sheet__sheet_id", "sheet__title", "sheet__url")
        .annotate(n=Count("id"), last_at=Max("at"))
        .order_by("-n", "sheet__title")[:limit]
    )


def subjects() -> list[str]:
    """The themes of the current sheets, for the desk's filter."""
    return list(
        OfficialSheet.objects.filter(withdrawn_at__isnull=True)
        .order_by("subject")
        .values_list("subject", flat=True)
        .distinct()
    )
