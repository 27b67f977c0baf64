"""A programme with call and e-mail queues, a number, a manager and an advisor; flows and WAV files."""

from __future__ import annotations

import copy
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plateau.routing.models import Queue
from plateau.tenants.models import Programme, ProgrammeNumber, Role, User
from tests import factories


@dataclass
class Line:
    programme: Programme
    manager: User
    advisor: User
    supervisor: User


def line(number: str | None = None) -> Line:
    programme = factories.programme()
    Queue.objects.create(programme=programme, code="appels", label="Appels", channel="call")
    Queue.objects.create(programme=programme, code="courriels", label="Courriels", channel="email")
    if number:
        ProgrammeNumber.objects.create(programme=programme, number=number, e164="+3317360" + number.replace(" ", ""))
    programme.opening_hours = {"mon": [["08:30", "18:00"]], "sat": [["09:00", "12:00"]]}
    programme.save(update_fields=["opening_hours"])
    return Line(
        programme,
        factories.user((programme, Role.PROGRAMME_MANAGER)),
        factories.advisor(programme),
        factories.supervisor(programme),
    )


FLOW: dict[str, Any] = {
    "start": "horaires",
    "nodes": {
        "horaires": {"type": "hours", "weekly": {"mon": [["08:30", "18:00"]]}, "calendar": "alsace-moselle",
                     "open": "accueil", "closed": "ferme"},
        "accueil": {"type": "menu", "prompt": "welcome", "options": {"1": "urssaf", "2": "file"}, "timeout_s": 6,
                    "retries": 1, "invalid_prompt": "invalid", "fallback": "au-revoir"},
        "urssaf": {"type": "transfer", "target": "sip:urssaf@127.0.0.1:5070", "prompt": "transfer"},
        "file": {"type": "queue", "queue": "appels"},
        "au-revoir": {"type": "hangup", "prompt": "goodbye"},
        "ferme": {"type": "hangup", "prompt": "closed"},
    },
}  # fmt: skip


def flow(changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """FLOW with some nodes replaced (None removes the node)."""
    data = copy.deepcopy(FLOW)
    for name, spec in (changes or {}).items():
        if spec is None:
            del data["nodes"][name]
        else:
            data["nodes"][name] = spec
    return data


def wav(path: Path, seconds: float, *, rate: int = 16000, channels: int = 2, freq: int = 440) -> bytes:
    """A real WAV made by sox (16-bit PCM), as an uploaded file would be."""
    subprocess.run(["sox", "-n", "-r", str(rate), "-c", str(channels), "-b", "16", str(path), "synth", str(seconds),
                    "sine", str(freq), "vol", "0.5"], check=True, timeout=30)  # fmt: skip
    return path.read_bytes()
