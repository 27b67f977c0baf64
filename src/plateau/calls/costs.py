"""What a programme's callers paid on a day: answered minutes per number times the number's tariff in force that day.

A call is billed to the caller from the moment it is answered (by the voice menu) to its end, except the price
announcement of a majoré number, which ARCEP makes free (billed from its end, ``announced_at``); an unanswered
call costs nothing. A tariff without a price per minute (free, "prix d'un appel local" set by the caller's
operator) gives the minutes and no amount.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models.functions import Coalesce
from django.utils import timezone

from plateau.domain.ivr.line_rules import BLOCKED_CAUSE
from plateau.tenants.models import Programme

from .models import CallDetailRecord


@dataclass(frozen=True)
class NumberCost:
    number: str
    label: str
    tariff: str  # the caller cost, translated ("Majoré : service payant + prix d'un appel"…), or "" without tariff
    notice: str  # ARCEP's notice of the tariff in force: "Service 0,80 € / min + prix d'un appel"
    price_per_minute_eur: Decimal | None
    calls: int
    minutes: Decimal
    cost_eur: Decimal | None


def caller_costs(programme: Programme, day: dt.date) -> list[NumberCost]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    records = list(
        CallDetailRecord.objects.for_programme(programme)
        .filter(started_at__gte=start, started_at__lt=start + dt.timedelta(days=1))
        .exclude(answered_at=None)
        .exclude(ended_at=None)
        .annotate(billed_from=Coalesce("announced_at", "answered_at"))
        .values_list("number", "billed_from", "ended_at")
    )
    rows = []
    for number in programme.numbers.order_by("number"):
        forms = number.dialled_forms()
        seconds = [(end - answered).total_seconds() for n, answered, end in records if n in forms]
        minutes = (Decimal(sum(max(0.0, s) for s in seconds)) / 60).quantize(Decimal("0.01"), ROUND_HALF_UP)
        tariff = number.tariff_on(day)
        price = tariff.price_per_minute_eur if tariff else None
        cost = (minutes * price).quantize(Decimal("0.01"), ROUND_HALF_UP) if price is not None else None
        rows.append(
            NumberCost(
                number=number.number,
                label=number.label,
                tariff=tariff.get_caller_cost_display() if tariff else "",
                notice=tariff.notice if tariff else "",
                price_per_minute_eur=price,
                calls=len(seconds),
                minutes=minutes,
                cost_eur=cost,
            )
        )
    return rows


def blocked_calls(programme: Programme, day: dt.date) -> int:
    """Calls of the day from numbers a supervisor blocked: recorded (their CDR), never routed, so out of the
    service KPIs (``plateau.domain.ivr.line_rules.BLOCKED_CAUSE``)."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return (
        CallDetailRecord.objects.for_programme(programme)
        .filter(started_at__gte=start, started_at__lt=start + dt.timedelta(days=1), cause=BLOCKED_CAUSE)
        .count()
    )
