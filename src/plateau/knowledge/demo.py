"""Demo data of the knowledge base: the shipped fixture of real service-public.fr sheets (55 sheets, texts cut;
built by ``plateau knowledge fixture``, see docs/knowledge.md). Loaded only into an empty knowledge base: a
site that imported the full file keeps it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from plateau.tenants.models import Programme

from .importing import import_sheets
from .models import AnswerTarget, OfficialSheet

FIXTURE = Path(__file__).parent / "data" / "fiches-demo.jsonl.gz"


# The public-information line's promise: an answer or an orientation in under three minutes.
ANSWER_TARGETS = {"allo-service-public": 180}


def load_knowledge_demo(programmes: Mapping[str, Programme] | None = None) -> int:
    """Import the fixture if no sheet is there yet (returns how many sheets were added); give the demo
    programmes their answer-time target."""
    for slug, seconds in ANSWER_TARGETS.items():
        programme = (programmes or {}).get(slug)
        if programme is not None and not AnswerTarget.objects.for_programme(programme).exists():
            AnswerTarget.objects.create(programme=programme, seconds=seconds)
    if OfficialSheet.objects.exists():
        return 0
    return import_sheets(FIXTURE, withdraw_missing=False).new
