"""Figures of the follow-ups: per provider (response rate, share « a provider came », mean satisfaction) and
per month of sending. Inputs are plain rows read by the app; nothing here touches a database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Sent:
    """One follow-up sent: the providers whose details were given, and the answer if any."""

    month: str  # "2026-06" (the app shows it in words)
    providers: tuple[int, ...]
    answered: bool
    came: str | None = None  # "yes" / "no" / "not_yet"
    came_provider: int | None = None
    satisfaction: int | None = None


@dataclass(frozen=True)
class Figures:
    sent: int
    answered: int
    came: int  # answers saying a provider came (for a provider: that this provider came)
    satisfaction_sum: int
    rated: int

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.sent if self.sent else None

    @property
    def came_share(self) -> float | None:
        return self.came / self.answered if self.answered else None

    @property
    def satisfaction(self) -> float | None:
        return self.satisfaction_sum / self.rated if self.rated else None


@dataclass(frozen=True)
class MonthFigures(Figures):
    month: str = ""
    not_came: int = 0
    not_yet: int = 0


def _figures(rows: list[Sent], provider: int | None) -> tuple[int, int, int, int, int]:
    answered = [r for r in rows if r.answered]
    came = [r for r in answered if r.came == "yes" and (provider is None or r.came_provider == provider)]
    rated = [r.satisfaction for r in came if r.satisfaction is not None]
    return len(rows), len(answered), len(came), sum(rated), len(rated)


def by_provider(rows: Iterable[Sent]) -> dict[int, Figures]:
    """For each provider named in a follow-up: how many were sent and answered naming it, how many answers say
    *it* came, and the mean satisfaction given to it."""
    per: dict[int, list[Sent]] = {}
    for row in rows:
        for provider in row.providers:
            per.setdefault(provider, []).append(row)
    return {p: Figures(*_figures(rs, p)) for p, rs in per.items()}


def by_month(rows: Iterable[Sent]) -> list[MonthFigures]:
    """One line per month of sending, oldest first."""
    per: dict[str, list[Sent]] = {}
    for row in rows:
        per.setdefault(row.month, []).append(row)
    out = []
    for month in sorted(per):
        rs = per[month]
        answered = [r for r in rs if r.answered]
        out.append(
            MonthFigures(
                *_figures(rs, None),
                month=month,
                not_came=sum(1 for r in answered if r.came == "no"),
                not_yet=sum(1 for r in answered if r.came == "not_yet"),
            )
        )
    return out
