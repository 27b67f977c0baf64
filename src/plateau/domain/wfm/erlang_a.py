"""Erlang A (Palm's M/M/N+M): Erlang C plus exponential patience, exact and vectorised.

Model: Poisson arrivals (rate ``λ``), ``N`` agents with exponential handling times (mean ``AHT = 1/μ``), FCFS
queue, each waiting caller hangs up after an exponential patience (mean ``1/θ``) unless answered before.
Always stable (impatience empties the queue), so ``N <= A`` is allowed and often optimal in overload.

With ``x = Nμ/θ``, ``y = λ/θ``, ``rho = λ/(Nμ)``, ``B = B(N, A)`` (Erlang B) and ``p = e^{-θT}``
(Mandelbaum & Zeltyn, *Service engineering in action: the Palm/Erlang-A queue*, 2007, with ``P`` the
regularised lower incomplete gamma function ``scipy.special.gammainc``):

* ``S = 1 + Σ_{j≥1} Π_{i=1..j} y/(x+i) = Γ(x+1)·y^{-x}·e^{y}·P(x, y)`` (the queue part of the birth-death
  chain relative to the state "N busy, nobody waiting");
* probability of waiting ``P(W>0) = B·S / (1 + (S-1)·B)``;
* probability of abandonment ``P(Ab) = P(W>0)·(1 + 1/(rhoS) - 1/rho)`` (flow balance of the queue states);
* offered wait ``V`` (the wait of a caller with infinite patience): ``P(V>T) = P(W>0)·P(x, y·p)/P(x, y)``
  (a caller with ``j`` callers ahead waits for ``j+1`` deaths of a linear death process: a binomial tail
  summed over ``j``);
* actual wait ``W = min(V, patience)``, answered iff ``V ≤ patience``:
  ``P(answered, W ≤ T) = 1 - P(W>0) + P(W>0)·(x/y)·[P(x+1, y) - P(x+1, y·p)] / P(x, y)``;
  ``P(W > T) = p·P(V > T)``.

Service levels returned (the platform's KPI definitions, see ``docs/wfm.md``):

* ``sl_offered``  = answered within T / offered calls (abandoned calls count as failures);
* ``sl_answered`` = answered within T / answered calls (abandoned calls are ignored);
* ``sl_handled``  = (answered + abandoned) within T / offered = ``P(W ≤ T)`` (early hang-ups count as met).

``asa`` is the mean wait of answered calls: with ``w_j = Π_{i≤j} y/(x+i)``, a caller with ``j`` ahead is
answered with probability ``x/(x+j+1)`` and ``E[V·1{answered} | j] = x/(x+j+1)·Σ_{i=1..j+1} 1/(θ(x+i))``; the
series in ``j`` is summed in log space with a truncation bound of ~12 standard deviations beyond its mode.
``mean_wait`` (all calls) ``= P(Ab)/θ`` by Little's law. ``occupancy = λ(1 - P(Ab))·AHT/N``.

Where ``P(x, y)`` would underflow (``y ≪ x``: very patient callers, ample staff) the same quantities are written
with Kummer's function ``M(1, b, z) = ₁F₁(1; b; z)`` (``scipy.special.hyp1f1``, accurate for ``z < b``):
``S = M(1, x+1, y)``, ``P(x, yp)/P(x, y)·S = e^{-NμT + y(1-p)}·M(1, x+1, yp)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

from plateau.domain.wfm._arrays import Float, as_agents, as_float, broadcast
from plateau.domain.wfm.erlang_bc import log_erlang_b
from plateau.domain.wfm.errors import InvalidParameter

_TINY = 1e-200
# Largest number of terms of the ASA series for one interval (a queue of a million callers is not a call centre).
_MAX_TERMS = 1_000_000
_CHUNK_CELLS = 2_000_000


@dataclass(frozen=True)
class ErlangAResult:
    """Erlang A metrics per interval (arrays of the broadcast input shape); definitions in the module doc."""

    agents: Float
    load: Float
    p_wait: Float
    p_abandon: Float
    sl_offered: Float
    sl_answered: Float
    sl_handled: Float
    asa: Float
    mean_wait: Float
    occupancy: Float


def _queue_terms(x: Float, y: Float, p: Float, nmu_t: Float) -> tuple[Float, Float, Float]:
    """``(ln S, P(V>T)/P(W>0), answered-after-waiting-within-T/P(W>0))`` for ``x, y > 0``."""
    pxy = special.gammainc(x, y)
    direct = pxy >= _TINY
    log_s = np.empty_like(x)
    tail = np.empty_like(x)
    answered = np.empty_like(x)
    if np.any(direct):
        xd, yd, pd, pxd = x[direct], y[direct], p[direct], pxy[direct]
        log_s[direct] = special.gammaln(xd + 1.0) - xd * np.log(yd) + yd + np.log(pxd)
        tail[direct] = special.gammainc(xd, yd * pd) / pxd
        answered[direct] = (xd / yd) * (special.gammainc(xd + 1.0, yd) - special.gammainc(xd + 1.0, yd * pd)) / pxd
    kummer = ~direct
    if np.any(kummer):
        xk, yk, pk = x[kummer], y[kummer], p[kummer]
        s = special.hyp1f1(1.0, xk + 1.0, yk)
        decay = np.exp(-nmu_t[kummer] + yk * (1.0 - pk))
        log_s[kummer] = np.log(s)
        tail[kummer] = decay * special.hyp1f1(1.0, xk + 1.0, yk * pk) / s
        later = xk * pk * decay * special.hyp1f1(1.0, xk + 2.0, yk * pk) / (xk + 1.0)
        answered[kummer] = ((s - 1.0) * xk / yk - later) / s
    return log_s, tail, answered


def _answered_wait_factor(x: Float, y: Float) -> Float:
    """``E_w[x/(x+j+1)·sum_{i=1..j+1} 1/(x+i)]`` under the queue-length weights ``w_j`` (times 1/θ: answered wait).

    ``w_j`` is log-concave with its mode at ``max(0, ⌊y - x⌋)`` and a spread of about ``√y``: only a window of
    ~12 spreads either side of the mode (and a geometric tail bound above it) carries weight above 1e-30.
    """
    mode = np.maximum(0.0, np.floor(y - x))
    ratio = y / (x + mode + 1.0)
    spread = np.ceil(12.0 * np.sqrt(y + 1.0)) + 30.0
    with np.errstate(divide="ignore"):
        above = np.minimum(spread, np.ceil(45.0 / (1.0 - ratio)) + 30.0)
    first = np.maximum(0.0, mode - spread)
    last = mode + above
    length = (last - first).astype(np.int64) + 1
    if np.any(length > _MAX_TERMS):
        raise InvalidParameter(
            "File d'attente démesurée (patience trop longue pour la charge) : utilisez Erlang C.",
            parameter="patience",
        )
    # sum_{i=1..first} 1/(x+i), exact 0 when the window starts at 0 (no digamma cancellation for huge x).
    base = np.where(first > 0, special.digamma(x + first + 1.0) - special.digamma(x + 1.0), 0.0)
    out = np.empty_like(x)
    order = np.argsort(length)
    begin = 0
    while begin < len(order):
        stop = begin + 1
        while stop < len(order) and length[order[stop]] * (stop - begin + 1) <= _CHUNK_CELLS:
            stop += 1
        rows = order[begin:stop]
        offsets = np.arange(int(length[rows].max()), dtype=np.float64)[None, :]
        xr, yr = x[rows, None], y[rows, None]
        j = first[rows, None] + offsets
        steps = np.log(yr) - np.log(xr + j[:, 1:])
        log_w = np.concatenate([np.zeros((len(rows), 1)), np.cumsum(steps, axis=1)], axis=1)
        log_w[j > last[rows, None]] = -np.inf
        w = np.exp(log_w - log_w.max(axis=1, keepdims=True))
        harmonic = base[rows, None] + np.cumsum(1.0 / (xr + j + 1.0), axis=1)
        g = xr / (xr + j + 1.0) * harmonic
        out[rows] = (w * g).sum(axis=1) / w.sum(axis=1)
        begin = stop
    return out


def erlang_a(
    agents: npt.ArrayLike,
    arrival_rate: npt.ArrayLike,
    aht: npt.ArrayLike,
    patience: npt.ArrayLike,
    answer_time: npt.ArrayLike = 0.0,
    *,
    with_asa: bool = True,
) -> ErlangAResult:
    """Erlang A (M/M/N+M) metrics for ``N`` agents, per interval.

    ``arrival_rate`` calls/s (0 allowed), ``aht`` and ``patience`` (mean time before a waiting caller hangs up)
    in seconds (> 0), ``answer_time`` T in seconds. ``N >= 1`` wherever there is traffic. ``with_asa=False``
    skips the (series) mean answered wait and leaves ``asa`` as NaN — the staffing searches use it.
    """
    n, lam, h, pat, t = broadcast(
        as_agents(agents),
        as_float("arrival_rate", arrival_rate),
        as_float("aht", aht, positive=True),
        as_float("patience", patience, positive=True),
        as_float("answer_time", answer_time),
    )
    a = lam * h
    busy = a > 0
    if np.any(busy & (n < 1)):
        raise InvalidParameter("Il faut au moins un conseiller pour un intervalle avec des appels.", parameter="agents")
    zeros = np.zeros_like(a)
    p_wait, p_ab, asa, mean_wait, occ = (zeros.copy() for _ in range(5))
    sl_off, sl_ans, sl_hand = np.ones_like(a), np.ones_like(a), np.ones_like(a)
    if not np.any(busy):
        return ErlangAResult(n, a, p_wait, p_ab, sl_off, sl_ans, sl_hand, asa, mean_wait, occ)
    nb, lb, hb, tb, theta = n[busy], lam[busy], h[busy], t[busy], 1.0 / pat[busy]
    ab = lb * hb
    x = nb / (hb * theta)
    y = lb / theta
    rho = y / x
    p = np.exp(-theta * tb)
    log_s, tail, answered_after_wait = _queue_terms(x, y, p, nb * tb / hb)
    inv_s = np.exp(-log_s)
    log_b = log_erlang_b(nb, ab)
    # P(W>0) = 1/(1 + (1/B - 1)/S) with (1/B - 1) = (1 - B)/B: in logs, as B or 1/S may underflow.
    with np.errstate(divide="ignore"):  # B == 1.0 only in absurd overload: then P(W>0) = 1
        pw = special.expit(log_b + log_s - np.log1p(-np.exp(log_b)))
    pab = np.clip(pw * (1.0 + inv_s / rho - 1.0 / rho), 0.0, 1.0)
    answered_within = np.clip(1.0 - pw + pw * answered_after_wait, 0.0, 1.0)
    p_wait[busy] = pw
    p_ab[busy] = pab
    sl_off[busy] = answered_within
    answered = 1.0 - pab
    some = answered > 0  # otherwise no call is answered: answered-call metrics are undefined (NaN)
    sl_ans[busy] = np.where(some, np.clip(answered_within / np.where(some, answered, 1.0), 0.0, 1.0), np.nan)
    sl_hand[busy] = np.clip(1.0 - p * pw * tail, 0.0, 1.0)
    mean_wait[busy] = pab / theta
    occ[busy] = np.clip(ab * (1.0 - pab) / nb, 0.0, 1.0)
    if with_asa:
        asa[busy] = np.where(some, pw * _answered_wait_factor(x, y) / theta / np.where(some, answered, 1.0), np.nan)
    else:
        asa[busy] = np.nan
    return ErlangAResult(n, a, p_wait, p_ab, sl_off, sl_ans, sl_hand, asa, mean_wait, occ)
