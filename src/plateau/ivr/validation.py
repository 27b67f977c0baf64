"""Validation of a programme's flow at save time: the pure checks of :func:`plateau.domain.ivr.parse_flow`
plus what only the database knows — the programme's call queues and the prompts that exist for it."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from plateau.domain.ivr import Flow, FlowInvalid, parse_flow
from plateau.routing.models import Channel, Queue
from plateau.services.sip.prompts import TEXTS
from plateau.tenants.models import Programme

from .models import RecordedPrompt

PROMPT_FIELDS = ("prompt", "invalid_prompt", "no_input_prompt", "confirm_prompt", "music")
BUILTIN_PROMPTS = frozenset({*TEXTS, "music"})
_TARGET = re.compile(r"sip:[^@\s]+@[^\s]+|\+?[0-9]{3,15}")


# A real flow is a few kilobytes and four levels deep; these bounds refuse a hostile text before json.loads, whose
# recursion would otherwise overflow on 100,000 nested "[".
MAX_FLOW_BYTES = 256 * 1024
MAX_FLOW_DEPTH = 20


def _depth_exceeds(text: str, limit: int) -> bool:
    """Whether brackets outside JSON strings nest deeper than ``limit`` (a linear scan, no recursion)."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


# The json module's messages (CPython's scanner), in the words of a programme manager.
_JSON_MESSAGES = {
    "Expecting value": _lazy("une valeur est attendue (texte entre guillemets, nombre, objet ou liste)"),
    "Expecting property name enclosed in double quotes": _lazy('un nom entre guillemets droits ("nom") est attendu'),
    "Expecting ':' delimiter": _lazy("deux-points « : » attendus après le nom"),
    "Expecting ',' delimiter": _lazy("virgule « , » attendue entre deux éléments"),
    "Unterminated string starting at": _lazy("texte entre guillemets jamais refermé"),
    "Invalid control character at": _lazy("caractère de contrôle interdit dans un texte (retour à la ligne ?)"),
    "Invalid \\escape": _lazy("séquence d'échappement « \\ » invalide"),
    "Extra data": _lazy("texte en trop après la fin du menu"),
    "Illegal trailing comma before end of object": _lazy("virgule en trop avant « } »"),
    "Illegal trailing comma before end of array": _lazy("virgule en trop avant « ] »"),
}


def parse_flow_json(text: str) -> tuple[Any, list[str]]:
    """The flow typed in the editor as data, or the reasons (French) it cannot be read — never an exception."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FLOW_BYTES:
        return None, [_("Le parcours dépasse %(n)s Ko.") % {"n": MAX_FLOW_BYTES // 1024}]
    if _depth_exceeds(text, MAX_FLOW_DEPTH):
        return None, [
            _("Le parcours imbrique plus de %(n)s niveaux de crochets ou d'accolades.") % {"n": MAX_FLOW_DEPTH}
        ]
    try:
        return json.loads(text), []
    except json.JSONDecodeError as exc:
        words = _JSON_MESSAGES.get(exc.msg, _lazy("syntaxe JSON invalide"))
        return None, [_("JSON illisible ligne %(l)s, colonne %(c)s : %(m)s") % {"l": exc.lineno, "c": exc.colno,
                                                                              "m": words}]  # fmt: skip
    except (RecursionError, ValueError) as exc:  # e.g. an integer of more than 4,300 digits
        return None, [_("JSON illisible : %(m)s") % {"m": str(exc)[:200]}]


def call_queues(programme: Programme) -> list[str]:
    return list(
        Queue.objects.for_programme(programme)
        .filter(channel=Channel.CALL)
        .order_by("code")
        .values_list("code", flat=True)
    )


def recorded_prompts(programme: Programme) -> set[str]:
    return set(RecordedPrompt.objects.for_programme(programme).values_list("name", flat=True))


def _context_reasons(programme: Programme, nodes: Mapping[str, Any]) -> list[str]:
    queues = call_queues(programme)
    prompts = BUILTIN_PROMPTS | recorded_prompts(programme)
    reasons: list[str] = []
    for name, spec in nodes.items():
        if not isinstance(spec, Mapping):
            continue
        kind = spec.get("type")
        if kind == "queue" and isinstance(spec.get("queue"), str) and spec["queue"] not in queues:
            known = ", ".join(queues) or "aucune"
            reasons.append(f"{name}: file « {spec['queue']} » absente de la configuration de routage du programme "
                           f"(files d'appels : {known})")  # fmt: skip
        if kind == "transfer" and isinstance(spec.get("target"), str) and not _TARGET.fullmatch(spec["target"]):
            reasons.append(f"{name}: destination « {spec['target']} » invalide (adresse sip:…@… ou numéro)")
        for key in PROMPT_FIELDS:
            value = spec.get(key)
            if isinstance(value, str) and value and value not in prompts:
                reasons.append(f"{name}: message « {value} » inconnu (ni synthétisé ni enregistré pour ce programme)")
    return reasons


def check_flow(programme: Programme, data: object) -> Flow:
    """The flow ``data`` of ``programme`` parsed, or :class:`FlowInvalid` with every reason in French."""
    if not isinstance(data, Mapping):
        raise FlowInvalid(["le parcours doit être un objet JSON avec « start » et « nodes »"])
    reasons: list[str] = []
    flow: Flow | None = None
    try:
        flow = parse_flow(programme.slug, data)
    except FlowInvalid as exc:
        reasons += exc.reasons
    nodes = data.get("nodes")
    if isinstance(nodes, Mapping):
        reasons += _context_reasons(programme, nodes)
    if reasons or flow is None:
        raise FlowInvalid(reasons)
    return flow
