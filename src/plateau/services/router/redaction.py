"""Personal data in the routing journal, and how it is erased.

The journal is an append-only log of the router's input events (:mod:`plateau.domain.routing.events`). Two
kinds of events carry personal data: ``ContactArrived`` (``caller``: the number of the From URI of a call;
the ``correspondent`` attribute: the sender of a letter or e-mail) and ``CallbackRequested`` (``number``: the
number to call back). They are kept in clear because the router and the desk need them while the contact is
live (the advisor sees who is calling, the callback is dialled). Everything else is ids, queues, skills, times.

Redaction rewrites those events in place, blanking ``caller`` and ``number`` and dropping the
``correspondent`` attribute; the event stays (same id, time, queue, skills), so the arrival history used by
workforce forecasts and a replay of the journal are unchanged apart from who called. It is done:

* on erasure of a person (:func:`erase_person`): the events of the person's contacts in the programme — those
  whose ``ContactArrived`` came into one of the programme's queues from their number, plus the routed
  contacts the database links to them (CDR call ids, desk contacts' routing ids);
* by the retention job (:func:`apply_retention`): every such event older than the cutoff; older snapshots are
  deleted (recovery reads only the latest, which holds only live contacts).

Candidate rows are found by a text search in SQL (last nine digits of the number, contact ids), then checked
here; an erasure costs one pass over the matching rows, not the whole journal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol

from plateau.domain.errors import DomainError
from plateau.domain.ids.phone import parse_phone

PERSONAL_ATTRIBUTES = frozenset({"correspondent"})


class RedactableJournal(Protocol):
    def personal_events(
        self, *, before: float | None = None, containing: Sequence[str] = ()
    ) -> Sequence[tuple[Any, dict[str, Any]]]: ...

    def rewrite(self, bodies: Sequence[tuple[Any, dict[str, Any]]]) -> None: ...

    def prune_snapshots(self) -> int: ...

    def snapshots(self) -> Sequence[tuple[Any, dict[str, Any]]]: ...

    def rewrite_snapshots(self, bodies: Sequence[tuple[Any, dict[str, Any]]]) -> None: ...

    def close(self) -> None: ...


def _is(raw: str, e164: str) -> bool:
    try:
        return bool(raw) and parse_phone(raw).e164 == e164
    except DomainError:
        return False


def redacted(body: dict[str, Any]) -> dict[str, Any] | None:
    """The event body without its personal data, or ``None`` when it holds none."""
    out = dict(body)
    for key in ("caller", "number"):
        if out.get(key):
            out[key] = ""
    if "attributes" in out:
        out["attributes"] = [pair for pair in out["attributes"] if pair[0] not in PERSONAL_ATTRIBUTES]
    return None if out == body else out


def _rewrite(journal: RedactableJournal, rows: Iterable[tuple[Any, dict[str, Any]]]) -> int:
    changes = [(key, new) for key, body in rows if (new := redacted(body)) is not None]
    if changes:
        journal.rewrite(changes)
    return len(changes)


def erase_person(journal: RedactableJournal, programme_slug: str, e164: str, contact_ids: Iterable[str]) -> int:
    """Redact the events of one person's contacts in one programme; returns how many were rewritten."""
    ids = {c for c in contact_ids if c}
    prefix = f"{programme_slug}."

    def theirs(body: dict[str, Any]) -> bool:
        return (
            body.get("type") == "ContactArrived"
            and str(body.get("queue_id", "")).startswith(prefix)
            and _is(str(body.get("caller", "")), e164)
        )

    found = journal.personal_events(containing=[e164[-9:], *sorted(ids)])
    ids |= {str(body["contact_id"]) for _, body in found if theirs(body)}
    more = journal.personal_events(containing=sorted(ids)) if ids else []
    rows = {key: body for key, body in [*found, *more] if body.get("contact_id") in ids}
    events = _rewrite(journal, rows.items())
    _erase_from_snapshots(journal, prefix, e164, ids)
    return events


def _erase_from_snapshots(journal: RedactableJournal, prefix: str, e164: str, ids: set[str]) -> None:
    """A contact still live when the snapshot was taken holds the caller, the callback number, the sender."""
    changed = []
    for key, body in journal.snapshots():
        touched = False
        for cid, c in body.get("contacts", {}).items():
            if cid in ids or (str(c.get("queue_id", "")).startswith(prefix) and _is(str(c.get("caller", "")), e164)):
                c["caller"] = ""
                c["attributes"] = [kv for kv in c.get("attributes", []) if kv[0] not in PERSONAL_ATTRIBUTES]
                if c.get("callback"):
                    c["callback"][0] = ""
                touched = True
        if touched:
            changed.append((key, body))
    if changed:
        journal.rewrite_snapshots(changed)


def apply_retention(journal: RedactableJournal, cutoff: dt.datetime) -> tuple[int, int]:
    """Redact every event older than ``cutoff`` that still holds personal data, delete older snapshots.
    Returns (events, snapshots). Idempotent."""
    events = _rewrite(journal, journal.personal_events(before=cutoff.timestamp()))
    return events, journal.prune_snapshots()


def with_journal(action: Callable[[RedactableJournal], Any]) -> Any:
    """Open the deployment's journal (:func:`plateau.services.router.runtime.open_journal`), run, close."""
    from plateau.services.router.runtime import open_journal

    journal: Any = open_journal()
    try:
        return action(journal)
    finally:
        journal.close()
