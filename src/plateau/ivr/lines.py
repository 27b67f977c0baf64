"""What the SIP gateway answers on each number: the published flows of the programmes, read from the
database, with the prompts each programme recorded (named ``<programme slug>/<prompt>`` in the gateway's
prompt store so two programmes can each have their own "welcome").

Used by ``plateau sip`` at start-up and when :meth:`LineSource.fingerprint` changes (a publish, a recording).
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max

from plateau.domain.ivr import Flow, FlowInvalid, parse_flow
from plateau.tenants.models import ProgrammeNumber

from .models import FlowStatus, IvrFlow, RecordedPrompt
from .validation import PROMPT_FIELDS

log = logging.getLogger(__name__)


@dataclass
class Lines:
    programmes: dict[str, tuple[str, Flow]] = field(default_factory=dict)  # dialled number -> (slug, flow)
    audio: dict[tuple[str, str], bytes] = field(default_factory=dict)  # (prompt name, codec) -> raw G.711


def dialled_forms(number: ProgrammeNumber) -> set[str]:
    """How a number can arrive in a request URI (see :meth:`ProgrammeNumber.dialled_forms`)."""
    return number.dialled_forms()


def with_recorded_prompts(data: dict[str, Any], slug: str, recorded: set[str]) -> dict[str, Any]:
    """``data`` with each prompt the programme recorded renamed to its store name ``<slug>/<prompt>``."""
    data = copy.deepcopy(data)
    for spec in data.get("nodes", {}).values():
        for key in PROMPT_FIELDS:
            if spec.get(key) in recorded:
                spec[key] = f"{slug}/{spec[key]}"
    return data


def fingerprint() -> tuple[object, ...]:
    """Changes when a flow is published or a prompt recorded: one cheap query per table."""
    flows = IvrFlow.objects.filter(status=FlowStatus.PUBLISHED).aggregate(n=Count("id"), at=Max("published_at"))
    prompts = RecordedPrompt.objects.aggregate(n=Count("id"), at=Max("uploaded_at"))
    return flows["n"], flows["at"], prompts["n"], prompts["at"]


def load_lines() -> Lines:
    """The published flow of every active programme on each of its numbers, and their recorded prompts."""
    lines = Lines()
    published = IvrFlow.objects.filter(status=FlowStatus.PUBLISHED, programme__is_active=True)
    for row in published.select_related("programme"):
        programme = row.programme
        recorded = RecordedPrompt.objects.for_programme(programme)
        names = set()
        for prompt in recorded:
            names.add(prompt.name)
            lines.audio[(f"{programme.slug}/{prompt.name}", "PCMA")] = bytes(prompt.alaw)
            lines.audio[(f"{programme.slug}/{prompt.name}", "PCMU")] = bytes(prompt.ulaw)
        try:
            flow = parse_flow(programme.slug, with_recorded_prompts(row.data, programme.slug, names))
        except FlowInvalid as exc:  # validated when published; only a change of the rules could get here
            log.error("flow v%s of %s no longer valid, line not served: %s", row.version, programme.slug, exc)
            continue
        for number in ProgrammeNumber.objects.filter(programme=programme):
            for dialled in dialled_forms(number):
                lines.programmes[dialled] = (programme.slug, flow)
    return lines
