"""When a follow-up is sent, how long its link is valid, and how a refused send is retried or postponed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SEND_AT = dt.time(10, 0)  # local time: a message read in the morning, never at night
DEFAULT_DAYS_AFTER = 3
DEFAULT_LINK_DAYS = 30
MIN_INTERVAL = dt.timedelta(days=7)  # one survey per address per week: a frequent caller is not spammed
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Policy:
    """A programme's follow-up settings."""

    days_after: int = DEFAULT_DAYS_AFTER
    link_days: int = DEFAULT_LINK_DAYS


def due_at(details_given_at: dt.datetime, policy: Policy, tz: dt.tzinfo) -> dt.datetime:
    """``days_after`` days after the details were given (in the programme's time zone), at 10:00 local time."""
    if details_given_at.tzinfo is None:
        raise ValueError("details_given_at must be timezone-aware")
    day = details_given_at.astimezone(tz).date() + dt.timedelta(days=policy.days_after)
    return dt.datetime.combine(day, SEND_AT, tzinfo=tz)


def expires_at(sent_at: dt.datetime, policy: Policy) -> dt.datetime:
    return sent_at + dt.timedelta(days=policy.link_days)


def postponed_until(last_sent_to_address: dt.datetime | None, now: dt.datetime) -> dt.datetime | None:
    """When a follow-up to an address that already got one less than a week ago may go (None: now)."""
    if last_sent_to_address is None:
        return None
    allowed = last_sent_to_address + MIN_INTERVAL
    return allowed if allowed > now else None


@dataclass(frozen=True)
class Retry:
    give_up: bool
    next_at: dt.datetime | None


def after_failure(attempts: int, now: dt.datetime) -> Retry:
    """A send the mail relay refused (``attempts`` failures so far, this one included): retried after 5, 10,
    20, 40 minutes, then given up (the address is then erased: it was only kept to send this)."""
    if attempts >= MAX_ATTEMPTS:
        return Retry(True, None)
    return Retry(False, now + dt.timedelta(minutes=5 * 2 ** (attempts - 1)))
