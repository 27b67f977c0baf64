"""Demo data of the knowledge base: the shipped fixture of real service-public.fr sheets (55 sheets, texts cut;
built by ``plateau knowledge fixture``, see docs/knowledge.md). Loaded only into an empty knowledge base: a
site that imported the full file keeps it."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from pathlib import Path

from plateau.contacts.models import Contact
from plateau.domain.knowledge.text import token_text
from plateau.tenants.models import Programme

from .importing import import_sheets
from .models import AnswerGiven, AnswerTarget, KnowledgeGap, OfficialSheet

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


# What the demo's callers asked (sheets of the fixture) and what the knowledge base missed.
DEMO_SHEETS = ("F1344", "F21089", "F34752", "F19211", "F10009", "F2912", "N19775", "F12006", "F1427", "F12")
DEMO_GAPS = ("prime vélo électrique de la commune", "horaires de la mairie annexe", "carte de bus senior")


def load_answers_demo(programme: Programme, *, seed: int) -> int:
    """Record sheets on about half of the programme's closed « handled » contacts, 30 s to 5 min after their
    start, and a few « pas trouvé » questions (the report and the most-used list have something to show)."""
    if AnswerGiven.objects.for_programme(programme).exists():
        return 0
    sheets = list(OfficialSheet.objects.filter(sheet_id__in=DEMO_SHEETS))
    if not sheets:
        return 0
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    contacts = list(
        Contact.objects.for_programme(programme)
        .filter(wrap_up__category="handled", ended_at__isnull=False)
        .order_by("started_at")
    )
    created = []
    for contact in contacts:
        if rng.random() < 0.5:
            answer = AnswerGiven.objects.create(
                programme=programme, contact=contact, sheet=rng.choice(sheets), advisor=contact.advisor, rank=1
            )
            answer.at = contact.started_at + dt.timedelta(seconds=rng.randint(30, 300))
            created.append(answer)
    AnswerGiven.objects.bulk_update(created, ["at"])
    for contact in contacts[: len(DEMO_GAPS)]:
        gap = KnowledgeGap.objects.create(
            programme=programme,
            contact=contact,
            advisor=contact.advisor,
            query=DEMO_GAPS[contact.pk % len(DEMO_GAPS)],
            normalised=token_text(DEMO_GAPS[contact.pk % len(DEMO_GAPS)]),
        )
        KnowledgeGap.objects.filter(pk=gap.pk).update(at=contact.started_at + dt.timedelta(minutes=2))
    return len(created)
