"""Trunk sizing: how many simultaneous lines (SIP channels) a programme needs, Erlang B inverted.

A call holds a channel from the moment the carrier delivers it until the caller hangs up: in the voice menu,
waiting in the queue, and talking to an advisor (not in the advisor's wrap-up, the caller is gone). A call that
finds every channel taken is refused by the carrier (busy tone): lost, never queued — the M/M/N/N model of
Erlang B. So channels are sized on the *channel load*

    A = λ · (IVR time + mean wait in queue + talk time)      (erlangs)

at the busy hour, not on the advisors' load: sizing for advisors only would block callers exactly when the queue
is long. ``B(N, A)`` is computed with the recursion ``B(0) = 1``, ``B(n) = A·B(n-1) / (n + A·B(n-1))``, exact
to rounding and stable for any ``N`` (no ``A^N`` nor ``N!``), in plain floats.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from plateau.domain.wfm.errors import InfeasibleTarget, InvalidParameter

MAX_LINES = 100_000


def _check_blocking(blocking: float) -> None:
    if not 0 < blocking < 1:
        raise InvalidParameter("Le taux de blocage visé doit être strictement entre 0 et 1.")


def _check_load(load: float) -> None:
    if not (load >= 0 and math.isfinite(load)):
        raise InvalidParameter("La charge doit être positive ou nulle et finie.")


def blocking_probability(lines: int, load: float) -> float:
    """Erlang B: the share of calls refused when ``lines`` channels are offered ``load`` erlangs."""
    if lines < 0:
        raise InvalidParameter("Le nombre de lignes doit être positif ou nul.")
    _check_load(load)
    b = 1.0
    for n in range(1, lines + 1):
        b = load * b / (n + load * b)
    return b


def lines_for_blocking(load: float, blocking: float, *, max_lines: int = MAX_LINES) -> int:
    """The fewest lines with ``B(N, load) ≤ blocking`` (0 for no load)."""
    _check_load(load)
    _check_blocking(blocking)
    if load == 0:
        return 0
    b, n = 1.0, 0
    while b > blocking:
        if n >= max_lines:
            raise InfeasibleTarget(f"Plus de {max_lines} lignes nécessaires : charge irréaliste.")
        n += 1
        b = load * b / (n + load * b)
    return n


def max_load(lines: int, blocking: float) -> float:
    """The largest offered load (erlangs) ``lines`` channels carry with ``B ≤ blocking`` (bisection, 1e-10)."""
    _check_blocking(blocking)
    if lines < 0:
        raise InvalidParameter("Le nombre de lignes doit être positif ou nul.")
    if lines == 0:
        return 0.0
    low, high = 0.0, float(lines)
    while blocking_probability(lines, high) <= blocking:  # B grows with the load: bracket the answer
        low, high = high, 2 * high
    while high - low > 1e-10 * high:
        mid = (low + high) / 2
        if blocking_probability(lines, mid) <= blocking:
            low = mid
        else:
            high = mid
    return low


def channel_load(arrival_rate: float, talk_s: float, *, ivr_s: float = 0.0, wait_s: float = 0.0) -> float:
    """Erlangs on the trunk: ``λ`` calls per second, each holding a channel in the IVR, the queue and talk."""
    for value in (arrival_rate, talk_s, ivr_s, wait_s):
        if not (value >= 0 and math.isfinite(value)):
            raise InvalidParameter("Débit et durées doivent être positifs ou nuls et finis.")
    return arrival_rate * (ivr_s + wait_s + talk_s)


@dataclass(frozen=True, slots=True)
class TrunkSizing:
    """Lines for a busy-hour channel load, and the blocking they give (at most the target)."""

    load: float
    lines: int
    blocking: float
    target: float


def size_trunks(
    arrival_rate: float, talk_s: float, blocking: float, *, ivr_s: float = 0.0, wait_s: float = 0.0
) -> TrunkSizing:
    """Lines needed for ``blocking`` when calls spend ``ivr_s`` in the voice menu, ``wait_s`` in the queue
    (mean, abandoned calls included) and ``talk_s`` with an advisor."""
    load = channel_load(arrival_rate, talk_s, ivr_s=ivr_s, wait_s=wait_s)
    lines = lines_for_blocking(load, blocking)
    return TrunkSizing(load, lines, blocking_probability(lines, load), blocking)
