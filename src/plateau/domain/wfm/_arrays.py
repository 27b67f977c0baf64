"""Input checking shared by the Erlang models: arrays of finite numbers, broadcast together."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from plateau.domain.wfm.errors import InvalidParameter

Float = npt.NDArray[np.float64]
Int = npt.NDArray[np.int64]


def as_float(name: str, value: npt.ArrayLike, *, positive: bool = False) -> Float:
    """``value`` as a float64 array; refuses NaN, infinities, negatives (and zeros when ``positive``)."""
    arr = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise InvalidParameter(f"{name} doit être un nombre fini.", parameter=name)
    if positive and np.any(arr <= 0):
        raise InvalidParameter(f"{name} doit être strictement positif.", parameter=name)
    if np.any(arr < 0):
        raise InvalidParameter(f"{name} ne peut pas être négatif.", parameter=name)
    return arr


def as_agents(value: npt.ArrayLike) -> Float:
    """A number of agents: a whole number >= 0, kept as float64 for the special functions."""
    arr = as_float("agents", value)
    if np.any(arr != np.floor(arr)):
        raise InvalidParameter("Le nombre de conseillers doit être entier.", parameter="agents")
    return arr


def broadcast(*arrays: Float) -> list[Float]:
    """Broadcast the inputs to one shape (one value per interval), as writable copies."""
    try:
        return [np.array(a, dtype=np.float64) for a in np.broadcast_arrays(*arrays)]
    except ValueError as exc:
        raise InvalidParameter("Les séries d'entrée n'ont pas la même longueur.") from exc
