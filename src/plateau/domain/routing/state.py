"""Mutable runtime records of the engine (contacts, advisors, offers, queues).

Plain ``__slots__`` classes: the hot path creates and mutates them tens of thousands of times per second.
Every decision that iterates over them uses an explicit total order, so that a state rebuilt from a
snapshot (whose dict and set orders may differ) decides exactly like the live one.
"""

from __future__ import annotations

import heapq
from enum import StrEnum

from plateau.domain.routing.config import AdvisorProfile, QueueConfig

Requirements = tuple[tuple[str, int], ...]


class ContactStatus(StrEnum):
    WAITING = "waiting"  # in its queue, routable
    OFFERED = "offered"  # one (or, ring-all, several) offers outstanding
    SCHEDULED = "scheduled"  # callback promised, window not open yet
    ASSIGNED = "assigned"  # accepted by an advisor


_WAITING = ContactStatus.WAITING  # read on every arrival: a module constant is cheaper
_NOBODY: frozenset[str] = frozenset()


class Presence(StrEnum):
    LOGGED_OUT = "logged_out"
    READY = "ready"
    PAUSED = "paused"


class AdvisorState(StrEnum):
    """What a supervisor sees (derived from presence, wrap-up, offer and load)."""

    LOGGED_OUT = "logged_out"
    AVAILABLE = "available"
    RESERVED = "reserved"
    BUSY = "busy"
    WRAP_UP = "wrap_up"
    PAUSED = "paused"


class ContactRecord:
    __slots__ = (
        "advisor_id",
        "answered_at",
        "attributes",
        "bucket",
        "callback",
        "callback_end_deadline",
        "caller",
        "channel",
        "contact_id",
        "enqueued_at",
        "language",
        "offers",
        "overflow_deadline",
        "priority",
        "programme",
        "qualified",
        "queue_entered_at",
        "queue_id",
        "refused",
        "reqs",
        "seq",
        "skills",
        "status",
        "target_deadline",
        "target_index",
        "token",
    )

    def __init__(
        self,
        contact_id: str,
        queue: QueueConfig,
        seq: int,
        at: float,
        skills: tuple[str, ...] = (),
        priority: float = 0.0,
        caller: str = "",
        language: str = "",
        attributes: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.contact_id = contact_id
        self.queue_id = queue.queue_id
        self.programme = queue.programme
        self.channel = queue.channel
        self.seq = seq
        self.enqueued_at = at  # original: kept across overflow and callback (the caller's place)
        self.queue_entered_at = at
        self.skills = skills
        self.priority = priority
        self.caller = caller
        self.language = language
        self.attributes = attributes
        self.status = _WAITING
        self.target_index = 0
        self.reqs: Requirements = ()
        self.qualified: frozenset[str] = _NOBODY  # advisors whose profile meets ``reqs``
        self.target_deadline: float | None = None
        self.overflow_deadline: float | None = None
        self.callback: tuple[str, float, float] | None = None
        self.callback_end_deadline: float | None = None
        self.offers: dict[str, str] = {}  # advisor_id -> offer_id
        self.refused: set[str] = set()  # advisors who declined or let an offer expire at this target
        self.advisor_id: str | None = None
        self.answered_at: float | None = None
        self.bucket: Bucket | None = None
        self.token = 0


class AdvisorRecord:
    __slots__ = (
        "advisor_id",
        "busy_s",
        "capacity",
        "idle_since",
        "index_sets",
        "indexed",
        "load",
        "logged_in_at",
        "no_answer",
        "offer_id",
        "pause_reason",
        "presence",
        "profile",
        "pulls",
        "queue_set",
        "queues",
        "skills",
        "sole_channel",
        "wrap_until",
    )

    def __init__(self, profile: AdvisorProfile, queues: tuple[str, ...]) -> None:
        self.advisor_id = profile.advisor_id
        self.profile = profile
        self.skills = profile.skill_levels()
        self.capacity = profile.capacity_by_channel()
        self.sole_channel = next(iter(self.capacity)) if len(self.capacity) == 1 else None
        self.queues = queues  # queue ids this advisor may serve, in configuration order
        self.queue_set = frozenset(queues)
        self.presence = Presence.LOGGED_OUT
        self.pause_reason = ""
        self.load: dict[str, int] = dict.fromkeys(self.capacity, 0)
        self.offer_id: str | None = None
        self.wrap_until: float | None = None
        self.idle_since = 0.0
        self.logged_in_at = 0.0
        self.busy_s = 0.0
        self.no_answer = 0
        self.indexed: set[str] = set()  # channels under which it sits in the availability index
        self.index_sets: dict[str, list[set[str]]] = {}  # channel -> the index sets it joins when available
        self.pulls: list[Bucket] = []  # buckets it qualifies for in queues it serves (kept by the engine)

    def state(self) -> AdvisorState:
        if self.presence is Presence.LOGGED_OUT:
            return AdvisorState.LOGGED_OUT
        if self.offer_id is not None:
            return AdvisorState.RESERVED
        if self.wrap_until is not None:
            return AdvisorState.WRAP_UP
        if any(self.load.values()):
            return AdvisorState.BUSY
        if self.presence is Presence.PAUSED:
            return AdvisorState.PAUSED
        return AdvisorState.AVAILABLE

    def can_take(self, channel: str) -> bool:
        return (
            self.presence is Presence.READY
            and self.offer_id is None
            and self.wrap_until is None
            and self.load.get(channel, 0) < self.capacity.get(channel, 0)
        )


class OfferRecord:
    __slots__ = ("advisor_id", "contact_id", "expires_at", "offer_id", "ring_all")

    def __init__(self, offer_id: str, contact_id: str, advisor_id: str, expires_at: float, ring_all: bool) -> None:
        self.offer_id = offer_id
        self.contact_id = contact_id
        self.advisor_id = advisor_id
        self.expires_at = expires_at
        self.ring_all = ring_all


class Bucket:
    """Waiting contacts of one queue that need the same skills, best effective priority first.

    Within one queue every contact ages at the same rate, so the order never changes while they wait:
    a heap keyed on ``priority - aging * enqueued_at`` (negated), then the enqueue time and arrival sequence.
    Removal is lazy: an entry is live while the contact still points at this bucket with the same token.
    """

    __slots__ = ("aging", "channel", "heap", "live", "qualified", "queue_id", "reqs")

    def __init__(
        self, queue_id: str, reqs: Requirements, qualified: frozenset[str], channel: str, aging: float
    ) -> None:
        self.queue_id = queue_id
        self.reqs = reqs
        self.qualified = qualified
        self.channel = channel
        self.aging = aging  # the queue's priority aging
        self.heap: list[tuple[float, float, int, int, ContactRecord]] = []
        self.live = 0

    def push(self, contact: ContactRecord, aging: float) -> None:
        contact.token += 1
        contact.bucket = self
        self.live += 1
        key = -(contact.priority - aging * contact.enqueued_at)
        heapq.heappush(self.heap, (key, contact.enqueued_at, contact.seq, contact.token, contact))

    def remove(self, contact: ContactRecord) -> None:
        contact.bucket = None
        contact.token += 1
        self.live -= 1
        if self.live == 0:
            self.heap.clear()

    def head(self) -> ContactRecord | None:
        heap = self.heap
        while heap:
            entry = heap[0]
            contact = entry[4]
            if contact.bucket is self and contact.token == entry[3]:
                return contact
            heapq.heappop(heap)
        return None

    def ordered(self) -> list[ContactRecord]:
        """Live contacts in priority order (slow path: only when the head refused the advisor)."""
        return [e[4] for e in sorted(self.heap) if e[4].bucket is self and e[4].token == e[3]]


class QueueRecord:
    __slots__ = (
        "abandoned",
        "answered",
        "answered_in_sl",
        "arrived",
        "buckets",
        "config",
        "handle_n",
        "handle_sum",
        "overflowed",
        "rr_last",
        "staff_cache",
        "staffed_by_share",
        "waiting",
    )

    def __init__(self, config: QueueConfig) -> None:
        self.config = config
        self.buckets: dict[Requirements, Bucket] = {}
        self.waiting = 0  # contacts in the queue not yet answered (any status but assigned)
        self.rr_last = ""  # round-robin memory: the last advisor offered
        self.arrived = 0
        self.answered = 0
        self.answered_in_sl = 0
        self.abandoned = 0
        self.overflowed = 0
        self.handle_n = 0
        self.handle_sum = 0.0
        # Staffed advisors counted by how many queues they serve (k): N_eff = sum(count / k), exact integers.
        self.staffed_by_share: dict[int, int] = {}
        self.staff_cache: float | None = None  # effective_staff(); reset whenever staffed_by_share changes

    def average_handle_s(self) -> float:
        """Average handling time including wrap-up (configured default until a contact completed)."""
        if self.handle_n == 0:
            return self.config.default_handle_s
        return self.handle_sum / self.handle_n + self.config.wrap_up_s

    def effective_staff(self) -> float:
        # Cached: every arrival asks for it (EWT), presence changes are rare. The same sum in the same order.
        staff = self.staff_cache
        if staff is None:
            staff = self.staff_cache = sum(count / share for share, count in self.staffed_by_share.items())
        return staff
