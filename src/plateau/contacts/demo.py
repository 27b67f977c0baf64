"""Demo contacts: a few weeks of past contacts of a programme, made through the real services.

Used by the demo loader so that the desktop (callers' history) and the supervisor page are not empty.
Deterministic for a given seed. Each contact goes through :mod:`plateau.contacts.services` (audit rows,
searches with fair rotation, details given with consent), so the data looks like what advisors produce.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from django.utils import timezone

from plateau.directory.models import Activity
from plateau.domain.directory.activities import MOST_FREQUENT
from plateau.domain.ids.phone import InvalidPhoneNumber, parse_caller_phone
from plateau.geo.models import Commune
from plateau.tenants.models import Programme, User

from . import services

# How contacts of the directory line end (shares of the wrap-up codes that do not need a search).
_OTHER_ENDINGS = {
    "information_only": 12,
    "transferred_urssaf": 10,
    "nuisance_prank": 6,
    "wrong_number": 3,
    "silent_call": 3,
    "callback_requested": 3,
    "oriented_elsewhere": 3,
}
_SEARCH_SHARE = 0.6  # the rest of the contacts: a need, a search, details given (or none found)
_CHANNELS = {"call": 85, "letter": 5, "email": 10}


def _phone_number(rng: random.Random) -> str:
    """A random French number that exists in the numbering plan (mobile or landline)."""
    while True:
        candidate = f"0{rng.choice('1234567')}{rng.randint(0, 99_999_999):08d}"
        try:
            parse_caller_phone(candidate)
        except InvalidPhoneNumber:
            continue
        return candidate


def generate_contacts(
    programme: Programme,
    advisors: Sequence[User],
    communes: Sequence[Commune],
    *,
    days: int = 21,
    per_day: int = 30,
    seed: int = 0,
    now: dt.datetime | None = None,
    search_share: float = _SEARCH_SHARE,
) -> int:
    """Create about ``per_day`` contacts per open day over the last ``days`` days and today up to ``now``.

    ``advisors`` must hold the advisor role in ``programme``; ``communes`` are the callers' communes
    (weighted by population); ``search_share`` of them capture a need and search providers (0 for the
    programmes that do not refer callers to providers). Returns the number of contacts created.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    now = now or timezone.now()
    # The programme's own codes that need no search, weighted like the national line's when it has them.
    endings = {
        c: _OTHER_ENDINGS.get(c, 5)
        for c in services.active_wrap_up_codes(programme).values_list("code", flat=True)
        if c not in ("details_given", "no_provider_found")
    }
    communes = [c for c in communes if c.latitude is not None]
    if not advisors or not communes:
        return 0
    weights = [max(c.population or 100, 50) for c in communes]
    activities = {a.code: a for a in Activity.objects.all()}
    frequent = [activities[c] for c in MOST_FREQUENT if c in activities]
    others = [a for a in activities.values() if a not in frequent]
    returning: list[str] = []  # a few callers call again: their history shows on the desktop
    local_now = timezone.localtime(now)
    created = 0
    for back in range(days, -1, -1):
        day = local_now.date() - dt.timedelta(days=back)
        if day.weekday() == 6:
            continue  # closed on Sundays
        count = max(0, round(rng.gauss(per_day * (0.5 if day.weekday() == 5 else 1.0), per_day * 0.15)))
        for _ in range(count):
            minute = rng.randint(8 * 60, 19 * 60 - 5)
            started = timezone.make_aware(dt.datetime.combine(day, dt.time(minute // 60, minute % 60)))
            if started >= now - dt.timedelta(minutes=5):
                continue
            channel = rng.choices(list(_CHANNELS), list(_CHANNELS.values()))[0]
            phone = ""
            if channel == "call":
                if returning and rng.random() < 0.15:
                    phone = rng.choice(returning)
                else:
                    phone = _phone_number(rng)
                    if rng.random() < 0.1:
                        returning.append(phone)
            contact = services.start_contact(
                programme=programme,
                advisor=rng.choice(list(advisors)),
                channel=channel,
                phone=phone,
                correspondent="" if phone else "demo@example.fr" if channel == "email" else "Courrier (démo)",
                started_at=started,
            )
            actor = contact.advisor
            ended = started + dt.timedelta(seconds=max(30, round(rng.gauss(130, 45))))
            if rng.random() < search_share:
                activity = rng.choice(frequent) if frequent and rng.random() < 0.8 else rng.choice(others or frequent)
                commune = rng.choices(communes, weights)[0]
                services.capture_need(
                    contact, actor=actor, activity=activity, commune=commune, need_date=day + dt.timedelta(days=3)
                )
                outcome = services.search_for_contact(contact, actor=actor)
                code = "no_provider_found"
                if outcome.matches:
                    chosen = [m.provider.pk for m in outcome.matches[: rng.choice([2, 3, 3])]]
                    services.give_details(
                        contact, actor=actor, search=outcome.search, provider_ids=chosen, consent=True
                    )
                    code = "details_given"
            else:
                code = rng.choices(list(endings), list(endings.values()))[0]
            services.wrap_up(contact, actor=actor, code=code, ended_at=min(ended, now))
            created += 1
    return created
