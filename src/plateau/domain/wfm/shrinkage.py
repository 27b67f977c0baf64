"""Shrinkage: from the advisors who must be answering to the advisors who must be scheduled.

Erlang and the simulation give the advisors *on the phones* per interval. Paid time spent elsewhere — breaks,
absence (sickness, leave), training and meetings — shrinks the scheduled team. Shares are fractions of the
scheduled time, and they add up (the usual WFM convention: 10 % breaks + 8 % absence + 5 % training = 23 %
shrinkage):

    scheduled heads = ⌈ required / (1 - breaks - absence - training) ⌉   (per interval; 0 stays 0)

A shift schedule whose patterns already carry the breaks (``schedule.ShiftPattern``) must not count them twice:
:meth:`Shrinkage.without_breaks` gives the shares to apply before scheduling.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from plateau.domain.wfm._arrays import Float
from plateau.domain.wfm.errors import InvalidParameter


@dataclass(frozen=True, slots=True)
class Shrinkage:
    """Shares of scheduled time lost to breaks, absence and training (fractions, each in [0, 1))."""

    breaks: float = 0.0
    absence: float = 0.0
    training: float = 0.0

    def __post_init__(self) -> None:
        for name in ("breaks", "absence", "training"):
            value = getattr(self, name)
            if not (math.isfinite(value) and 0 <= value < 1):
                raise InvalidParameter(f"Part « {name} » invalide : entre 0 et 1 (exclu).", parameter=name)
        if self.total >= 1:
            raise InvalidParameter(
                "Les pertes (pauses, absences, formation) atteignent 100 % : personne ne répondrait.",
                parameter="shrinkage",
            )

    @property
    def total(self) -> float:
        return self.breaks + self.absence + self.training

    def without_breaks(self) -> Shrinkage:
        """The same shares but breaks (for schedules whose shift patterns place the breaks themselves)."""
        return replace(self, breaks=0.0)

    def heads(self, required: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Advisors to schedule so that ``required`` remain on the phones, per interval (rounded up)."""
        need = np.asarray(required, dtype=float)
        if np.any(need < 0) or not np.all(np.isfinite(need)):
            raise InvalidParameter("Les besoins doivent être des nombres positifs ou nuls.", parameter="required")
        raw: Float = need / (1.0 - self.total)
        # A hair below the integer above: 10 / 0.8 is 12.500000000000002 in floating point, never 13.
        return np.ceil(raw - 1e-9).astype(np.int64)
