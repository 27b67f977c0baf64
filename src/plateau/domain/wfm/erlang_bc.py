"""Erlang B (M/M/N/N) and Erlang C (M/M/N): exact formulas, evaluated in log space, vectorised.

Notation (used throughout ``plateau.domain.wfm``):

* ``λ`` arrival rate (calls per second), ``AHT`` mean handling time (s), ``μ = 1/AHT``;
* ``A = λ·AHT`` offered load in erlangs; ``N`` number of agents; ``T`` answer-time threshold (s).

Erlang B, the blocking probability of M/M/N/N, ``B(N, A) = (A^N/N!) / Σ_{k=0..N} A^k/k!``, is computed as
``log B = N·ln A - A - ln Γ(N+1) - ln Q(N+1, A)`` where ``Q(N+1, A) = P(Poisson(A) ≤ N)`` is the regularised
upper incomplete gamma function (``scipy.special.gammaincc``). No ``A^N`` or ``N!`` is ever formed, so it is
exact to rounding for N in the thousands. Where ``Q`` would underflow (deep overload, ``A ≫ N``) the series
``1/B = Σ_{k=0..N} Π_{i<k} (N-i)/A`` is summed instead; its ratio is below ``N/A < 1`` so it converges fast.

Erlang C, the probability that an arriving call waits in M/M/N (infinite patience, FCFS), is
``C(N, A) = B / (1 - (A/N)(1 - B))`` and exists only when ``N > A`` (otherwise the queue grows without
bound: :class:`UnstableQueue`). Then, for the waiting time ``W`` of an arriving call:

* service level ``SL(T) = P(W ≤ T) = 1 - C·exp(-(N - A)·T/AHT)``;
* average speed of answer ``ASA = E[W] = C·AHT/(N - A)`` (every call is answered in Erlang C);
* occupancy ``A/N``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

from plateau.domain.wfm._arrays import Float, as_agents, as_float, broadcast
from plateau.domain.wfm.errors import UnstableQueue

# Below this, scipy's regularised incomplete gamma values lose relative accuracy / underflow: switch to series.
_TINY = 1e-200


def _inverse_b_series(n: Float, a: Float) -> Float:
    """``1/B(N, A)`` by its series, used only where ``A ≫ N`` (each term is below the previous one)."""
    total = np.ones_like(a)
    term = np.ones_like(a)
    for i in range(int(n.max()) + 1):
        term = term * np.maximum(n - i, 0.0) / a
        total += term
        if not np.any(term > 1e-17 * total):
            break
    return total


def log_erlang_b(agents: Float, load: Float) -> Float:
    """``ln B(N, A)`` for broadcast float arrays (validated by the caller); ``-inf`` when ``A = 0 < N``."""
    n, a = broadcast(agents, load)
    out = np.where(n == 0, 0.0, -np.inf)
    pos = a > 0
    if not np.any(pos):
        return out
    q = special.gammaincc(n + 1.0, np.where(pos, a, 1.0))
    direct = pos & (q >= _TINY)
    with np.errstate(divide="ignore"):
        out[direct] = n[direct] * np.log(a[direct]) - a[direct] - special.gammaln(n[direct] + 1.0) - np.log(q[direct])
    series = pos & ~direct
    if np.any(series):
        out[series] = -np.log(_inverse_b_series(n[series], a[series]))
    return out


def erlang_b(agents: npt.ArrayLike, load: npt.ArrayLike) -> Float:
    """Blocking probability ``B(N, A)`` of the loss system M/M/N/N (calls finding N busy agents are lost).

    ``agents`` (whole numbers >= 0) and ``load`` (erlangs >= 0) broadcast together; returns an array.
    """
    return np.exp(log_erlang_b(as_agents(agents), as_float("load", load)))


def erlang_c_from_b(agents: Float, load: Float, blocking: Float) -> Float:
    """``C = B / (1 - rho(1 - B))`` with ``rho = A/N``; valid for ``N > A`` (the caller checks)."""
    rho = load / np.where(agents > 0, agents, 1.0)
    return blocking / (1.0 - rho * (1.0 - blocking))


@dataclass(frozen=True)
class ErlangCResult:
    """Erlang C metrics per interval (arrays of the broadcast input shape).

    ``stable`` is False where ``N <= A`` with traffic (only when ``strict=False``); the other metrics are NaN there.
    """

    agents: Float
    load: Float
    p_wait: Float
    service_level: Float
    asa: Float
    occupancy: Float
    stable: npt.NDArray[np.bool_]


def erlang_c(
    agents: npt.ArrayLike,
    arrival_rate: npt.ArrayLike,
    aht: npt.ArrayLike,
    answer_time: npt.ArrayLike = 0.0,
    *,
    strict: bool = True,
) -> ErlangCResult:
    """Erlang C (M/M/N, FCFS, no abandonment) metrics for ``N`` agents.

    ``arrival_rate`` in calls/s (0 allowed: an empty interval), ``aht`` in seconds (> 0), ``answer_time`` T in
    seconds. ``service_level`` is ``P(W ≤ T)`` over all calls (all are answered). Raises :class:`UnstableQueue`
    when ``N <= A`` for an interval with traffic, unless ``strict=False`` (then NaN and ``stable=False``).
    """
    n, lam, h, t = broadcast(
        as_agents(agents),
        as_float("arrival_rate", arrival_rate),
        as_float("aht", aht, positive=True),
        as_float("answer_time", answer_time),
    )
    a = lam * h
    busy = a > 0
    stable = ~busy | (n > a)
    if strict and not np.all(stable):
        bad = np.flatnonzero(~stable).tolist()
        raise UnstableQueue(
            "File instable : le nombre de conseillers doit dépasser la charge offerte (N > A).", intervals=bad
        )
    ok = busy & stable
    p_wait = np.where(busy, np.nan, 0.0)
    sl = np.where(busy, np.nan, 1.0)
    asa = np.where(busy, np.nan, 0.0)
    occ = np.where(busy, np.nan, 0.0)
    if np.any(ok):
        no, ao = n[ok], a[ok]
        c = erlang_c_from_b(no, ao, np.exp(log_erlang_b(no, ao)))
        p_wait[ok] = c
        sl[ok] = 1.0 - c * np.exp(-(no - ao) * t[ok] / h[ok])
        asa[ok] = c * h[ok] / (no - ao)
        occ[ok] = ao / no
    return ErlangCResult(n, a, p_wait, sl, asa, occ, stable)
