"""JSON API of the knowledge base (thin): search the official sheets as a programme's desk does (its
synonyms), and read one sheet — so a web form or a chatbot of the programme can reuse the same answers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema

from plateau.apitypes import Slug, Text200, Text500
from plateau.errors import NotFound
from plateau.tenants.access import access_programme_by_slug
from plateau.tenants.models import STAFF_ROLES, Programme

from .access import sheet_by_id, synonym_rules
from .capability import KNOWLEDGE
from .models import OfficialSheet
from .panel import reading_text
from .search import search

router = Router(tags=["knowledge"])

SheetId = Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[A-Z]{1,3}\d{1,8}$")]


class SheetOut(Schema):
    sheet_id: str
    kind: str
    title: str
    subject: str
    subject_path: str
    description: str
    url: str
    verified_on: dt.date | None
    withdrawn: bool


class HitOut(SheetOut):
    rank: int


class SearchOut(Schema):
    terms: list[str]
    hits: list[HitOut]
    milliseconds: float


class SheetTextOut(SheetOut):
    text: str
    text_cut: bool


def _sheet(sheet: OfficialSheet) -> dict[str, object]:
    return {
        "sheet_id": sheet.sheet_id,
        "kind": sheet.kind,
        "title": sheet.title,
        "subject": sheet.subject,
        "subject_path": sheet.subject_path,
        "description": sheet.description,
        "url": sheet.url,
        "verified_on": sheet.modified_on,
        "withdrawn": sheet.withdrawn_at is not None,
    }


def _programme(request: HttpRequest, slug: str) -> Programme:
    programme: Programme = access_programme_by_slug(request.user, slug, STAFF_ROLES)
    if not programme.has_capability(KNOWLEDGE):
        raise NotFound()
    return programme


@router.get("/programmes/{slug}/search", response=SearchOut)
def search_sheets(
    request: HttpRequest,
    slug: Slug,
    q: Text500,
    subject: Text200 = "",
    limit: Annotated[int, Field(ge=1, le=50)] = 10,
) -> dict[str, object]:
    """The current official sheets for a question as callers say it, best first (the programme's synonyms)."""
    programme = _programme(request, slug)
    result = search(q, rules=synonym_rules(programme), limit=limit, subject=subject, prefix_last=False)
    return {
        "terms": list(result.query.terms),
        "hits": [{**_sheet(h.sheet), "rank": h.rank} for h in result.hits],
        "milliseconds": round(result.milliseconds, 1),
    }


@router.get("/programmes/{slug}/sheets/{sheet_id}", response=SheetTextOut)
def read_sheet(request: HttpRequest, slug: Slug, sheet_id: SheetId) -> dict[str, object]:
    """One sheet with the text an advisor reads (a withdrawn sheet says so)."""
    _programme(request, slug)
    sheet = sheet_by_id(sheet_id)
    text, cut = reading_text(sheet)
    return {**_sheet(sheet), "text": text, "text_cut": cut}
