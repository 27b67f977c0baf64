"""Inverse problems: the smallest number of agents meeting a target, the largest arrival rate for N agents.

Targets combine with AND. Every metric used here is monotone in N (more agents never hurt: the birth-death
chain with N+1 agents is stochastically smaller) and in ``λ`` (more traffic never helps), so:

* Erlang C: scan N upwards from ``⌊A⌋ + 1`` (the smallest stable N) with the Erlang B recursion
  ``B(n+1) = A·B(n)/(n+1+A·B(n))`` — one step per candidate, the first N meeting the target is the answer;
* Erlang A: bisection on N in ``[0, hi]`` (N < A is allowed: impatience keeps the queue stable), ``hi`` found by
  doubling. By construction the answer passes and N - 1 was evaluated and fails. Waiting, abandonment and the
  service levels are provably monotone in N; the ASA of answered calls is monotone on every grid we checked
  (tests and a sweep of loads, patiences and thresholds) but we have no proof;
* maximum arrival rate: bisection on ``λ`` to relative precision 1e-10, returning the feasible end.

Impossible targets (100 % within 0 s, an ASA or abandonment of 0, a service level of 100 %) raise
:class:`InfeasibleTarget`; zero-volume intervals need 0 agents.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from plateau.domain.wfm._arrays import Float, Int, as_float, broadcast
from plateau.domain.wfm.erlang_a import erlang_a
from plateau.domain.wfm.erlang_bc import erlang_b, erlang_c_from_b
from plateau.domain.wfm.errors import InfeasibleTarget, InvalidParameter

SlDefinition = Literal["offered", "answered", "handled"]


@dataclass(frozen=True)
class Target:
    """What an interval must achieve; every given criterion must hold.

    ``service_level`` is a fraction in (0, 1) of calls answered within ``answer_time`` seconds; for Erlang A,
    ``sl_definition`` says over what (see :mod:`plateau.domain.wfm.erlang_a`). ``max_asa`` in seconds,
    ``max_abandon`` (Erlang A) and ``max_p_wait`` as fractions, ``max_occupancy`` in (0, 1].
    """

    service_level: float | None = None
    answer_time: float = 0.0
    max_asa: float | None = None
    max_abandon: float | None = None
    max_p_wait: float | None = None
    max_occupancy: float | None = None
    sl_definition: SlDefinition = "offered"

    def check(self) -> None:
        """Refuse targets that are malformed (InvalidParameter) or that no staffing can meet (InfeasibleTarget)."""
        values = [self.service_level, self.max_asa, self.max_abandon, self.max_p_wait, self.max_occupancy]
        if all(v is None for v in values):
            raise InvalidParameter("Indiquez au moins un objectif (niveau de service, ASA, abandon...).")
        if any(v is not None and not math.isfinite(v) for v in [*values, self.answer_time]):
            raise InvalidParameter("Les objectifs doivent être des nombres finis.")
        if self.answer_time < 0:
            raise InvalidParameter("Le seuil de réponse ne peut pas être négatif.", parameter="answer_time")
        if self.service_level is not None:
            if self.service_level <= 0:
                raise InvalidParameter("Le niveau de service visé doit être positif.", parameter="service_level")
            if self.service_level >= 1:
                raise InfeasibleTarget(
                    "Un niveau de service de 100 % est inatteignable avec des arrivées aléatoires.",
                    service_level=self.service_level,
                    answer_time=self.answer_time,
                )
        for name in ("max_asa", "max_abandon", "max_p_wait"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise InfeasibleTarget(f"Objectif inatteignable : {name} doit être strictement positif.")
        if self.max_occupancy is not None and not 0 < self.max_occupancy <= 1:
            raise InvalidParameter("L'occupation maximale doit être dans ]0, 1].", parameter="max_occupancy")


def _meets_c(target: Target, n: Float, a: Float, b: Float, h: Float) -> npt.NDArray[np.bool_]:
    """Erlang C target check for stable ``n > a`` given ``B(n, a)``."""
    c = erlang_c_from_b(n, a, b)
    ok = np.ones(n.shape, dtype=bool)
    if target.service_level is not None:
        ok &= 1.0 - c * np.exp(-(n - a) * target.answer_time / h) >= target.service_level
    if target.max_asa is not None:
        ok &= c * h / (n - a) <= target.max_asa
    if target.max_p_wait is not None:
        ok &= c <= target.max_p_wait
    if target.max_occupancy is not None:
        ok &= a / n <= target.max_occupancy
    return ok


def staff_erlang_c(
    arrival_rate: npt.ArrayLike, aht: npt.ArrayLike, target: Target, *, max_agents: int = 100_000
) -> Int:
    """Smallest N per interval meeting ``target`` in Erlang C (``max_abandon`` is not an Erlang C target)."""
    target.check()
    if target.max_abandon is not None:
        raise InvalidParameter("Erlang C n'a pas d'abandons : utilisez Erlang A.", parameter="max_abandon")
    lam, h = broadcast(as_float("arrival_rate", arrival_rate), as_float("aht", aht, positive=True))
    a = lam * h
    busy = a > 0
    out = np.zeros(a.shape, dtype=np.int64)
    if not np.any(busy):
        return out
    ab, hb = a[busy], h[busy]
    n = np.floor(ab) + 1.0
    if target.max_occupancy is not None:
        # Occupancy A/N <= max holds exactly from ceil(A/max) on: start there rather than scan up to it.
        n = np.maximum(n, np.ceil(ab / target.max_occupancy))
    b = erlang_b(n, ab)
    done = _meets_c(target, n, ab, b, hb)
    while not np.all(done):
        if np.any(n[~done] >= max_agents):
            raise InfeasibleTarget("Objectif inatteignable sous le plafond de conseillers.", max_agents=max_agents)
        step = ~done
        ab_b = ab[step] * b[step]
        b[step] = ab_b / (n[step] + 1.0 + ab_b)
        n[step] += 1.0
        done[step] = _meets_c(target, n[step], ab[step], b[step], hb[step])
    out[busy] = n.astype(np.int64)
    return out


def _meets_a(target: Target, n: Float, lam: Float, h: Float, patience: Float) -> npt.NDArray[np.bool_]:
    r = erlang_a(n, lam, h, patience, target.answer_time, with_asa=target.max_asa is not None)
    ok = np.ones(n.shape, dtype=bool)
    if target.service_level is not None:
        sl = {"offered": r.sl_offered, "answered": r.sl_answered, "handled": r.sl_handled}[target.sl_definition]
        ok &= sl >= target.service_level
    if target.max_asa is not None:
        ok &= r.asa <= target.max_asa
    if target.max_abandon is not None:
        ok &= r.p_abandon <= target.max_abandon
    if target.max_p_wait is not None:
        ok &= r.p_wait <= target.max_p_wait
    if target.max_occupancy is not None:
        ok &= r.occupancy <= target.max_occupancy
    return ok


def staff_erlang_a(
    arrival_rate: npt.ArrayLike,
    aht: npt.ArrayLike,
    patience: npt.ArrayLike,
    target: Target,
    *,
    max_agents: int = 100_000,
) -> Int:
    """Smallest N per interval meeting ``target`` in Erlang A (may be below the offered load)."""
    target.check()
    lam, h, pat = broadcast(
        as_float("arrival_rate", arrival_rate),
        as_float("aht", aht, positive=True),
        as_float("patience", patience, positive=True),
    )
    busy = lam > 0
    out = np.zeros(lam.shape, dtype=np.int64)
    if not np.any(busy):
        return out
    lb, hb, pb = lam[busy], h[busy], pat[busy]
    lo = np.zeros_like(lb)  # N = 0 never serves a call: infeasible end of the bracket
    hi = np.maximum(1.0, np.ceil(lb * hb))
    ok = _meets_a(target, hi, lb, hb, pb)
    while not np.all(ok):
        if np.any(hi[~ok] >= max_agents):
            raise InfeasibleTarget("Objectif inatteignable sous le plafond de conseillers.", max_agents=max_agents)
        lo = np.where(ok, lo, hi)
        hi = np.where(ok, hi, np.minimum(2.0 * hi, float(max_agents)))
        ok = _meets_a(target, hi, lb, hb, pb)
    while np.any(hi - lo > 1):
        open_ = hi - lo > 1
        mid = np.floor((lo[open_] + hi[open_]) / 2.0)
        good = _meets_a(target, mid, lb[open_], hb[open_], pb[open_])
        hi[open_] = np.where(good, mid, hi[open_])
        lo[open_] = np.where(good, lo[open_], mid)
    out[busy] = hi.astype(np.int64)
    return out


def max_arrival_rate(
    agents: npt.ArrayLike,
    aht: npt.ArrayLike,
    target: Target,
    *,
    patience: npt.ArrayLike | None = None,
) -> Float:
    """Largest arrival rate (calls/s) that ``N`` agents serve within ``target`` (Erlang C, or A with ``patience``).

    Bisection to a relative precision of 1e-10; the returned rate meets the target. 0 for ``N = 0``; ``inf``
    where no rate breaks the target (possible in Erlang A, e.g. ``max_occupancy=1``).
    """
    target.check()
    n, h = broadcast(as_float("agents", agents), as_float("aht", aht, positive=True))
    pat = None if patience is None else broadcast(as_float("patience", patience, positive=True), n)[0].ravel()
    shape = n.shape
    n, h = n.ravel(), h.ravel()  # boolean masks below need at least one dimension

    if pat is None and target.max_abandon is not None:
        raise InvalidParameter("Erlang C n'a pas d'abandons : indiquez une patience.", parameter="max_abandon")

    def meets(lam: Float, rows: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        if pat is not None:
            return _meets_a(target, n[rows], lam, h[rows], pat[rows])
        nn, hh = n[rows], h[rows]
        a = lam * hh
        ok = nn > a
        ok[ok] = _meets_c(target, nn[ok], a[ok], erlang_b(nn[ok], a[ok]), hh[ok])
        return ok

    out = np.zeros_like(n)
    rows = n > 0
    if not np.any(rows):
        return out.reshape(shape)
    # Erlang C: λ < N/AHT; Erlang A: grow the bracket until the target fails.
    hi = n[rows] / h[rows]
    lo = np.zeros_like(hi)
    if pat is not None:
        for _ in range(40):  # up to 2^40 (10^12) times the service rate: a target met there is met at any rate
            still_ok = meets(hi, rows)
            if not np.any(still_ok):
                break
            lo = np.where(still_ok, hi, lo)
            hi = np.where(still_ok, 2.0 * hi, hi)
        else:
            # e.g. a 100 % occupancy cap with abandonment: no arrival rate breaks it.
            lo = np.where(still_ok, np.inf, lo)
    bounded = rows.copy()
    bounded[rows] = np.isfinite(lo)
    lo_b, hi_b = lo[np.isfinite(lo)], hi[np.isfinite(lo)]
    while np.any(hi_b - lo_b > 1e-10 * hi_b):
        mid = (lo_b + hi_b) / 2.0
        good = meets(mid, bounded)
        lo_b = np.where(good, mid, lo_b)
        hi_b = np.where(good, hi_b, mid)
    lo[np.isfinite(lo)] = lo_b
    out[rows] = lo
    return out.reshape(shape)
