"""Demo data of the knowledge base: the shipped fixture of real service-public.fr sheets (55 sheets, texts cut;
built by ``plateau knowledge fixture``, see docs/knowledge.md). Loaded only into an empty knowledge base: a
site that imported the full file keeps it."""

from __future__ import annotations

from pathlib import Path

from .importing import import_sheets
from .models import OfficialSheet

FIXTURE = Path(__file__).parent / "data" / "fiches-demo.jsonl.gz"


def load_knowledge_demo() -> int:
    """Import the fixture if no sheet is there yet; returns how many sheets were added."""
    if OfficialSheet.objects.exists():
        return 0
    return import_sheets(FIXTURE, withdraw_missing=False).new
