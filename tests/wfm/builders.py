"""Contacts history for the WFM tests: real Contact rows with chosen start times."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from plateau.contacts.models import Channel, Contact, Direction
from plateau.tenants.models import Programme, User


def calls(
    programme: Programme, advisor: User, starts: list[dt.datetime], *, direction: str = Direction.INBOUND
) -> None:
    """One inbound call per naive local start time."""
    tz = timezone.get_current_timezone()
    Contact.objects.bulk_create(
        Contact(
            programme=programme,
            channel=Channel.CALL,
            direction=direction,
            advisor=advisor,
            started_at=t.replace(tzinfo=tz),
        )
        for t in starts
    )


def weekly_history(programme: Programme, advisor: User, until: dt.date, weeks: int = 3) -> None:
    """Every weekday before ``until``: 3 calls at 09:00-09:30 and 1 at 10:00-10:30 (none on weekends)."""
    starts = []
    for back in range(1, 7 * weeks + 1):
        day = until - dt.timedelta(days=back)
        if day.weekday() >= 5:
            continue
        base = dt.datetime.combine(day, dt.time(9, 0))
        starts += [base + dt.timedelta(minutes=m) for m in (1, 10, 20)] + [base + dt.timedelta(minutes=65)]
    calls(programme, advisor, starts)
