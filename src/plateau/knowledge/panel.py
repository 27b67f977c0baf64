"""What the desk's knowledge panel shows: the search of the moment (``?kq=``), an opened sheet
(``?fiche=``), the answers already recorded on the contact. Shared by the contact page and the htmx
fragment that refreshes the results while the advisor types."""

from __future__ import annotations

from typing import Any

from .access import answers_of, synonym_rules
from .models import OfficialSheet
from .search import search

RESULTS = 8


def search_context(programme: Any, text: str) -> dict[str, Any]:
    text = text.strip()[:300]
    if len(text) < 2:
        return {"kq": text, "hits": [], "searched": False}
    result = search(text, rules=synonym_rules(programme), limit=RESULTS)
    return {"kq": text, "hits": result.hits, "searched": True}


def panel_context(request: Any, contact: Any) -> dict[str, Any]:
    context = search_context(contact.programme, request.GET.get("kq", ""))
    opened = None
    sheet_id = request.GET.get("fiche", "")
    if sheet_id:
        opened = OfficialSheet.objects.filter(sheet_id=sheet_id[:20]).first()
    answers = list(answers_of(contact))
    context.update(
        {
            "opened_sheet": opened,
            "answers": answers,
            "answered_ids": {a.sheet.sheet_id for a in answers},
        }
    )
    return context
