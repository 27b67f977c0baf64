"""Step templates for the editor's « Ajouter une étape »: a new step of the chosen type with sensible French
defaults (the programme's opening hours, its first call queue); links to other steps are left empty for the
author to fill, and the live check says which ones."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from typing import Any

from plateau.domain.ivr.flow import WEEKDAYS

KINDS = ("menu", "play", "hours", "set", "queue", "transfer", "callback", "voicemail", "hangup")
_NAME = re.compile(r"[a-z0-9_\-]{1,64}")


class StepRefused(ValueError):
    pass


def _weekly(opening_hours: Mapping[str, Any]) -> dict[str, list[list[str]]]:
    # The programme's hours use "24:00" for midnight; a flow's ranges end at 23:59 at the latest.
    return {day: [[a, "23:59" if b == "24:00" else b] for a, b in opening_hours.get(day) or []] for day in WEEKDAYS}


def template(kind: str, opening_hours: Mapping[str, Any], queues: Sequence[str]) -> dict[str, Any]:
    templates: dict[str, dict[str, Any]] = {
        "menu": {"type": "menu", "prompt": "welcome", "options": {"1": ""}, "timeout_s": 6, "retries": 2,
                 "invalid_prompt": "invalid", "no_input_prompt": "no_input"},
        "play": {"type": "play", "prompt": "welcome", "next": ""},
        "hours": {"type": "hours", "weekly": _weekly(opening_hours), "calendar": "france", "closed_dates": [],
                  "open": "", "closed": ""},
        "set": {"type": "set", "values": {"besoin": ""}, "next": ""},
        "queue": {"type": "queue", "queue": queues[0] if queues else "", "announce_position": True,
                  "announce_every_s": 30},
        "transfer": {"type": "transfer", "target": "", "prompt": "transfer", "method": "refer"},
        "callback": {"type": "callback", "prompt": "callback_offer", "accept_digit": "1",
                     "confirm_prompt": "callback_ok", "next": ""},
        "voicemail": {"type": "voicemail", "prompt": "voicemail", "max_seconds": 120},
        "hangup": {"type": "hangup", "prompt": "goodbye"},
    }  # fmt: skip
    if kind not in templates:
        raise StepRefused(f"type d'étape « {kind} » inconnu")
    return templates[kind]


def add_step(data: object, name: str, kind: str, opening_hours: Mapping[str, Any], queues: Sequence[str]) -> Any:
    """``data`` with a new step ``name`` of type ``kind`` (the start if it is the first step)."""
    if not isinstance(data, Mapping):
        raise StepRefused("le parcours doit être un objet JSON pour y ajouter une étape")
    if not _NAME.fullmatch(name):
        raise StepRefused(f"nom d'étape « {name} » invalide (a-z, 0-9, _ et -)")
    result = copy.deepcopy(dict(data))
    nodes = result.get("nodes")
    if not isinstance(nodes, dict):
        nodes = result["nodes"] = {}
    if name in nodes:
        raise StepRefused(f"l'étape « {name} » existe déjà")
    nodes[name] = template(kind, opening_hours, queues)
    if len(nodes) == 1 or not result.get("start"):
        result["start"] = name
    return result
