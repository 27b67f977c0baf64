"""Snapshots: the engine's whole state as a JSON-ready dict, and back.

Only runtime records are stored; derived structures (availability index, buckets, deadline heap, staffed
counts) are rebuilt by :meth:`RoutingEngine.rebuild`. Two engines are in the same state exactly when their
snapshots are equal, which is what the replay tests compare.
"""

from __future__ import annotations

from typing import Any

from plateau.domain.routing.codec import FORMAT_VERSION, config_from_dict, config_to_dict
from plateau.domain.routing.engine import RoutingEngine
from plateau.domain.routing.state import ContactRecord, ContactStatus, OfferRecord, Presence

_QUEUE_FIELDS = (
    "rr_last",
    "arrived",
    "answered",
    "answered_in_sl",
    "abandoned",
    "overflowed",
    "handle_n",
    "handle_sum",
)
_ADVISOR_FIELDS = ("pause_reason", "offer_id", "wrap_until", "idle_since", "logged_in_at", "busy_s", "no_answer")
_CONTACT_FIELDS = (
    "queue_id",
    "seq",
    "enqueued_at",
    "queue_entered_at",
    "priority",
    "caller",
    "language",
    "target_index",
    "target_deadline",
    "overflow_deadline",
    "callback_end_deadline",
    "advisor_id",
    "answered_at",
)


def take_snapshot(engine: RoutingEngine) -> dict[str, Any]:
    """The state of ``engine`` as plain data (JSON-serialisable)."""
    return {
        "v": FORMAT_VERSION,
        "now": engine.now,
        "contact_seq": engine.contact_seq,
        "offer_seq": engine.offer_seq,
        "decisions": engine.decisions,
        "dedupe_window": engine.dedupe_window,
        "seen": list(engine.seen_order),
        "config": config_to_dict(engine.config),
        "queues": {qid: {f: getattr(q, f) for f in _QUEUE_FIELDS} for qid, q in engine.queues.items()},
        "advisors": {
            aid: {
                "presence": a.presence.value,
                "load": dict(a.load),
                **{f: getattr(a, f) for f in _ADVISOR_FIELDS},
            }
            for aid, a in engine.advisors.items()
        },
        "offers": {oid: [o.contact_id, o.advisor_id, o.expires_at, o.ring_all] for oid, o in engine.offers.items()},
        "contacts": {
            cid: {
                "status": c.status.value,
                "skills": list(c.skills),
                "attributes": [list(kv) for kv in c.attributes],
                "callback": None if c.callback is None else list(c.callback),
                "offers": dict(c.offers),
                "refused": sorted(c.refused),
                **{f: getattr(c, f) for f in _CONTACT_FIELDS},
            }
            for cid, c in engine.contacts.items()
        },
    }


def restore_snapshot(data: dict[str, Any]) -> RoutingEngine:
    """Rebuild an engine that decides exactly like the one the snapshot was taken from."""
    engine = RoutingEngine(dedupe_window=int(data["dedupe_window"]))
    engine.install(config_from_dict(data["config"]))
    engine.now = data["now"]
    engine.contact_seq = data["contact_seq"]
    engine.offer_seq = data["offer_seq"]
    engine.decisions = data["decisions"]
    engine.seen_order.extend(data["seen"])
    engine.seen.update(data["seen"])
    for qid, fields in data["queues"].items():
        q = engine.queues[qid]
        for name, value in fields.items():
            setattr(q, name, value)
    for aid, fields in data["advisors"].items():
        a = engine.advisors[aid]
        a.presence = Presence(fields["presence"])
        a.load.update(fields["load"])
        for name in _ADVISOR_FIELDS:
            setattr(a, name, fields[name])
    for oid, (contact_id, advisor_id, expires_at, ring_all) in data["offers"].items():
        engine.offers[oid] = OfferRecord(oid, contact_id, advisor_id, expires_at, ring_all)
    for cid, fields in data["contacts"].items():
        queue = engine.queues[fields["queue_id"]].config
        c = ContactRecord(cid, queue, fields["seq"], fields["enqueued_at"])
        for name in _CONTACT_FIELDS:
            setattr(c, name, fields[name])
        c.status = ContactStatus(fields["status"])
        c.skills = tuple(fields["skills"])
        c.attributes = tuple((k, v) for k, v in fields["attributes"])
        cb = fields["callback"]
        c.callback = None if cb is None else (cb[0], cb[1], cb[2])
        c.offers = dict(fields["offers"])
        c.refused = set(fields["refused"])
        engine.contacts[cid] = c
    engine.rebuild()
    return engine
