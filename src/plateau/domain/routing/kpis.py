"""Contact-centre KPIs, each defined once as data, computed from the engine's decisions.

Decisions are a pure function of the journal (``replay``), so these figures are "computed from the journal":
the live wallboard feeds the decisions as they are made, the historical report replays the journal and feeds
the same :class:`KpiAccumulator`, optionally cut into intervals (15 or 30 minutes). The definitions (name,
formula, unit, version) are shown next to the figures on the wallboard.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields

from plateau.domain.routing import events as ev
from plateau.domain.routing.config import RoutingConfig

ALL = "*"  # the scope of every programme together


@dataclass(slots=True)
class Counters:
    """Raw counts of one scope (everything, a programme or a queue) over one period."""

    offered: int = 0  # contacts that entered a queue (ContactQueued)
    answered: int = 0
    answered_in_sl: int = 0  # answered within the queue's service-level threshold T
    abandoned: int = 0
    abandoned_in_sl: int = 0  # abandoned within T
    lost_other: int = 0  # left unanswered otherwise: voicemail, external overflow
    wait_answered_s: float = 0.0
    completed: int = 0
    handle_s: float = 0.0  # accept -> completion (time on hold included)
    hold_s: float = 0.0  # time on hold of completed contacts (part of handle_s)
    held: int = 0  # completed contacts put on hold at least once
    wrap_up_s: float = 0.0  # configured wrap-up of each completed contact
    call_busy_s: float = 0.0  # handling + wrap-up of calls only (letters are held several at a time)
    staffed_s: float = 0.0  # advisors logged in and not paused (occupancy's denominator)

    def add(self, other: Counters) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def _ratio(num: float, den: float, scale: float = 1.0) -> float | None:
    return None if den <= 0 else scale * num / den


@dataclass(frozen=True, slots=True)
class Kpi:
    key: str
    name: str
    formula: str
    unit: str  # "%", "s" or "" (a count)
    version: int
    compute: Callable[[Counters], float | None] = field(compare=False, repr=False)


KPIS: tuple[Kpi, ...] = (
    Kpi("offered", "Contacts présentés", "nombre de contacts entrés en file", "", 1, lambda c: c.offered),
    Kpi("answered", "Contacts traités", "nombre de contacts acceptés par un conseiller", "", 1, lambda c: c.answered),
    Kpi(
        "service_level",
        "Niveau de service (répondus)",
        "répondus en moins de T / répondus x 100",
        "%",
        1,
        lambda c: _ratio(c.answered_in_sl, c.answered, 100),
    ),
    Kpi(
        "service_level_offered",
        "Niveau de service (présentés)",
        "(répondus en moins de T + abandons en moins de T) / (répondus + abandons) x 100",
        "%",
        1,
        lambda c: _ratio(c.answered_in_sl + c.abandoned_in_sl, c.answered + c.abandoned, 100),
    ),
    Kpi(
        "abandon_rate",
        "Taux d'abandon",
        "abandons / (répondus + abandons) x 100",
        "%",
        1,
        lambda c: _ratio(c.abandoned, c.answered + c.abandoned, 100),
    ),
    Kpi(
        "asa",
        "Délai moyen de réponse (ASA)",
        "somme des attentes des contacts répondus / répondus",
        "s",
        1,
        lambda c: _ratio(c.wait_answered_s, c.answered),
    ),
    Kpi(
        "aht",
        "Durée moyenne de traitement (DMT)",
        "(somme des durées de traitement, mises en garde comprises, + clôtures) / contacts terminés",
        "s",
        1,
        lambda c: _ratio(c.handle_s + c.wrap_up_s, c.completed),
    ),
    Kpi(
        "hold_total",
        "Temps de mise en garde",
        "somme des durées de mise en garde des contacts terminés (comptée dans l'intervalle de leur fin)",
        "s",
        1,
        lambda c: c.hold_s,
    ),
    Kpi(
        "hold_average",
        "Durée moyenne de mise en garde",
        "somme des durées de mise en garde / contacts terminés",
        "s",
        1,
        lambda c: _ratio(c.hold_s, c.completed),
    ),
    Kpi(
        "occupancy",
        "Taux d'occupation",
        "(traitement + clôture des appels, répartis sur les intervalles qu'ils couvrent) / temps connecté hors "
        "pause x 100, plafonné à 100",
        "%",
        2,
        # A call goes on when its advisor pauses or its wrap-up outlasts the shift: busy but not staffed then.
        # Such an interval was fully occupied, never more (v1 put a call's whole duration in its last interval).
        lambda c: _ratio(min(c.call_busy_s, c.staffed_s), c.staffed_s, 100),
    ),
    Kpi(
        "lost",
        "Contacts perdus",
        "abandons + messagerie + débordements vers l'extérieur",
        "",
        1,
        lambda c: c.abandoned + c.lost_other,
    ),
)
KPI_BY_KEY = {k.key: k for k in KPIS}


@dataclass(frozen=True, slots=True)
class QueueGauge:
    """A live figure of one queue, read from the router's state now (not accumulated like a :class:`Kpi`)."""

    key: str  # the field of the router status' queue entry
    name: str
    formula: str
    unit: str  # "s", "heure" or "" (a count)
    version: int


QUEUE_GAUGES: tuple[QueueGauge, ...] = (
    QueueGauge("waiting", "En attente", "contacts de la file pas encore pris (promesses de rappel comprises)", "", 1),
    QueueGauge(
        "longest_wait_s", "Attente la plus longue", "maintenant - arrivée du plus ancien contact en attente", "s", 1
    ),
    QueueGauge(
        "ewt_s",
        "Attente estimée (EWT)",
        "(en attente + 1) x DMT / conseillers effectifs ; DMT = traitement moyen des contacts terminés + clôture "
        "(durée par défaut de la file avant le premier) ; conseillers effectifs = connectés hors pause servant la "
        "file, comptés 1/k s'ils servent k files ; — sans conseiller",
        "s",
        1,
    ),
    QueueGauge("callbacks", "Promesses de rappel ouvertes", "rappels promis pas encore pris par un conseiller", "", 1),
    QueueGauge(
        "next_callback_at", "Prochain rappel dû", "début de créneau le plus proche des promesses ouvertes", "heure", 1
    ),
)


def compute(counters: Counters) -> dict[str, float | None]:
    """Every KPI of :data:`KPIS` for ``counters``."""
    return {k.key: k.compute(counters) for k in KPIS}


Key = tuple[float | None, str]  # (interval start or None for the whole period, scope)


class KpiAccumulator:
    """Feed decisions in time order; read :class:`Counters` per scope (``ALL``, a programme slug, a queue id).

    With ``interval_s`` the counts are also kept per interval (keyed by the interval's start); an answered
    contact counts in the interval where it was answered, a completion where it completed, staffed time is
    split across intervals.
    """

    def __init__(self, config: RoutingConfig, *, interval_s: float | None = None, since: float = 0.0) -> None:
        self.config = config
        self.interval_s = interval_s
        self.since = since
        self.counters: dict[Key, Counters] = defaultdict(Counters)
        self._answered_at: dict[str, float] = {}
        self._staffed_from: dict[str, float] = {}

    def _scopes(self, queue_id: str) -> tuple[str, ...]:
        q = self.config.queue_by_id.get(queue_id)
        return (ALL, q.programme, queue_id) if q is not None else (ALL,)

    def _bump(self, at: float, scopes: Iterable[str], fn: Callable[[Counters], None]) -> None:
        if at < self.since:
            return
        periods: tuple[float | None, ...] = (None,)
        if self.interval_s:
            periods = (None, at - at % self.interval_s)
        for p in periods:
            for s in scopes:
                fn(self.counters[(p, s)])

    def feed(self, decisions: Iterable[ev.Decision]) -> None:
        for d in decisions:
            t = type(d)
            if t is ev.ContactQueued:
                self._bump(d.at, self._scopes(d.queue_id), _inc_offered)  # type: ignore[union-attr]
            elif t is ev.ContactAnswered:
                self._answered(d)  # type: ignore[arg-type]
            elif t is ev.ContactLeft:
                self._left(d)  # type: ignore[arg-type]
            elif t is ev.AdvisorStateChanged:
                self._advisor(d)  # type: ignore[arg-type]

    def _sl(self, queue_id: str) -> float:
        q = self.config.queue_by_id.get(queue_id)
        return q.service_level_s if q is not None else 60.0

    def _answered(self, d: ev.ContactAnswered) -> None:
        self._answered_at[d.contact_id] = d.at
        within = d.waited_s <= self._sl(d.queue_id)

        def fn(c: Counters) -> None:
            c.answered += 1
            c.answered_in_sl += within
            c.wait_answered_s += d.waited_s

        self._bump(d.at, self._scopes(d.queue_id), fn)

    def _left(self, d: ev.ContactLeft) -> None:
        scopes = self._scopes(d.queue_id)
        if d.reason == "completed":
            start = self._answered_at.pop(d.contact_id, None)
            q = self.config.queue_by_id.get(d.queue_id)
            wrap = q.wrap_up_s if q is not None else 0.0
            handled = 0.0 if start is None else d.at - start
            is_call = q is not None and q.channel == "call"

            hold = d.hold_s

            def done(c: Counters) -> None:
                c.completed += 1
                c.handle_s += handled
                c.hold_s += hold
                c.held += hold > 0
                c.wrap_up_s += wrap

            self._bump(d.at, scopes, done)
            if is_call and start is not None:
                # Busy time is spread over the intervals it covers, like staffed time: counted whole in the
                # interval of the completion, a call begun at 17:50 made the 18:00 interval over 100 % busy.
                self._add_span(scopes, start, d.at + wrap, "call_busy_s")
        elif d.reason == "abandoned":
            within = d.waited_s <= self._sl(d.queue_id)

            def gone(c: Counters) -> None:
                c.abandoned += 1
                c.abandoned_in_sl += within

            self._bump(d.at, scopes, gone)
        else:
            self._bump(d.at, scopes, _inc_lost)

    def _advisor(self, d: ev.AdvisorStateChanged) -> None:
        staffed = d.state not in ("paused", "logged_out")
        start = self._staffed_from.get(d.advisor_id)
        if staffed and start is None:
            self._staffed_from[d.advisor_id] = d.at
        elif not staffed and start is not None:
            del self._staffed_from[d.advisor_id]
            self._add_staffed(d.advisor_id, start, d.at)

    def _add_staffed(self, advisor_id: str, start: float, end: float) -> None:
        profile = self.config.advisor_by_id.get(advisor_id)
        self._add_span((ALL, *(profile.programmes if profile else ())), start, end, "staffed_s")

    def _add_span(self, scopes: Iterable[str], start: float, end: float, attr: str) -> None:
        """Add the seconds of ``[start, end)`` to ``attr`` of ``scopes``, split across the intervals they cover."""
        start = max(start, self.since)
        if end <= start:
            return
        scopes = tuple(scopes)
        for s in scopes:
            c = self.counters[(None, s)]
            setattr(c, attr, getattr(c, attr) + end - start)
        if self.interval_s:
            step = self.interval_s
            t = start
            while t < end:
                bucket = t - t % step
                upto = min(end, bucket + step)
                for s in scopes:
                    c = self.counters[(bucket, s)]
                    setattr(c, attr, getattr(c, attr) + upto - t)
                t = upto

    def close(self, now: float) -> None:
        """Count the staffed time of advisors still logged in up to ``now`` (call once, before reading)."""
        for advisor_id, start in sorted(self._staffed_from.items()):
            self._add_staffed(advisor_id, start, now)
            self._staffed_from[advisor_id] = now

    def get(self, scope: str = ALL, interval: float | None = None) -> Counters:
        return self.counters.get((interval, scope)) or Counters()

    def intervals(self, scope: str = ALL) -> list[float]:
        return sorted({p for p, s in self.counters if p is not None and s == scope})


def _inc_offered(c: Counters) -> None:
    c.offered += 1


def _inc_lost(c: Counters) -> None:
    c.lost_other += 1
