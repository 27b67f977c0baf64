"""What the SIP gateway answers on each number: the published flows of the programmes, read from the
database, with the prompts each programme recorded (named ``<programme slug>/<prompt>`` in the gateway's
prompt store so two programmes can each have their own "welcome").

Besides the flows, :class:`plateau.domain.ivr.line_rules.LineRules`: each number's tariff periods (a *majoré*
tariff brings the price announcement the gateway plays first, synthesised from the tariff's price and cached
by its text) and each programme's blocked callers with their expiry (the gateway compares the clock at each
call, so a mark that expires needs no reload).

Used by ``plateau sip`` at start-up and when :func:`fingerprint` changes (a publish, a recording, a tariff
edited, a caller blocked or lifted).
"""

from __future__ import annotations

import copy
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from plateau.contacts.models import CallerBlock
from plateau.domain.ivr import Flow, FlowInvalid, parse_flow
from plateau.domain.ivr.line_rules import LineRules, TariffPeriod
from plateau.services.sip.prompts import EXT, generate
from plateau.tenants.models import NumberTariff, Programme, ProgrammeNumber

from .models import FlowStatus, IvrFlow, RecordedPrompt
from .validation import PROMPT_FIELDS

log = logging.getLogger(__name__)


@dataclass
class Lines:
    programmes: dict[str, tuple[str, Flow]] = field(default_factory=dict)  # dialled number -> (slug, flow)
    audio: dict[tuple[str, str], bytes] = field(default_factory=dict)  # (prompt name, codec) -> raw G.711
    rules: LineRules = field(default_factory=LineRules)  # price announcements and blocked callers


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
    tariffs = NumberTariff.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    blocks = CallerBlock.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    return (flows["n"], flows["at"], prompts["n"], prompts["at"], tariffs["n"], tariffs["at"], blocks["n"],
            blocks["at"])  # fmt: skip


def announcement_name(text: str) -> str:
    """The prompt name of a price announcement: one per distinct text (two numbers at 0,80 €/min share it)."""
    return "tarif-" + hashlib.sha256(text.encode()).hexdigest()[:12]


def _price_announcements(
    programme: Programme, numbers: list[ProgrammeNumber], lines: Lines, prompts_dir: Path
) -> None:  # fmt: skip
    """Each number's tariff periods, and the audio of the announcements they need (synthesised once per text)."""
    texts: dict[str, str] = {}
    for number in numbers:
        periods = []
        for tariff in number.tariffs.all():
            text = tariff.announcement_text
            name = announcement_name(text) if text else None
            if text and name:
                texts[name] = text
            periods.append(TariffPeriod(tariff.valid_from, tariff.valid_until, name))
        for dialled in dialled_forms(number):
            lines.rules.tariffs[dialled] = tuple(periods)
    if not texts:
        return
    try:
        generate(prompts_dir, texts, music_seconds=0)
    except Exception:  # espeak-ng or sox missing: the gateway skips a missing prompt, and we say so loudly
        log.exception("price announcements of %s not synthesised", programme.slug)
        return
    for name in texts:
        for codec, ext in EXT.items():
            path = prompts_dir / f"{name}{ext}"
            if path.exists():
                lines.audio[(name, codec)] = path.read_bytes()


def _blocked_callers(lines: Lines) -> None:
    for block in CallerBlock.objects.filter(lifted_at=None, expires_at__gt=timezone.now()).select_related("programme"):
        marks = lines.rules.blocked.setdefault(block.programme.slug, {})
        marks[block.phone_e164] = max(block.expires_at, marks.get(block.phone_e164, block.expires_at))


def load_lines(prompts_dir: Path | None = None) -> Lines:
    """The published flow of every active programme on each of its numbers, their recorded prompts, price
    announcements (synthesised into ``prompts_dir``, default ``var/prompts``) and blocked callers."""
    prompts_dir = prompts_dir or Path(settings.VAR_DIR) / "prompts"
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
        numbers = list(ProgrammeNumber.objects.filter(programme=programme).prefetch_related("tariffs"))
        for number in numbers:
            for dialled in dialled_forms(number):
                lines.programmes[dialled] = (programme.slug, flow)
        _price_announcements(programme, numbers, lines, prompts_dir)
    _blocked_callers(lines)
    return lines
