"""Demo follow-ups: some callers of the demo's closed contacts with details given agreed to a follow-up;
by their age they are scheduled, sent, or answered (fictional answers, a few words). Deterministic for a seed."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from plateau.contacts.models import Contact, ContactStatus, DetailsGiven
from plateau.domain.followup import schedule
from plateau.tenants.models import Programme

from .models import FollowUp, Status
from .services import consent_text, new_token, policy_for

COMMENTS = (
    "Intervention rapide, personne très aimable.",
    "Venu une fois, puis plus de nouvelles.",
    "Le premier ne rappelait pas, le second est venu.",
    "Trop cher pour nous finalement.",
    "Travail soigné, je recommande.",
    "",
    "",
    "",
)


@transaction.atomic
def load_followup_demo(
    programme: Programme, *, seed: int = 0, share: float = 0.4, now: dt.datetime | None = None
) -> int:
    """Create follow-ups for ``share`` of the programme's closed contacts with details given; returns how many."""
    now = now or timezone.now()
    rng = random.Random(seed)  # noqa: S311 - fictional demo data, deterministic for a seed
    policy = policy_for(programme)
    tz = timezone.get_default_timezone()
    contacts = (
        Contact.objects.for_programme(programme)
        .filter(status=ContactStatus.CLOSED, details_given__isnull=False)
        .order_by("pk")
        .distinct()
    )
    text = consent_text(policy)
    created = 0
    for contact in contacts:
        if rng.random() >= share:
            continue
        given = list(
            DetailsGiven.objects.filter(contact=contact).order_by("rank").values_list("provider_id", "given_by_id")
        )
        # The demo's past contacts got their details through the services today: their own date counts.
        given_at = contact.started_at + dt.timedelta(minutes=1)
        due = schedule.due_at(given_at, policy, tz)
        followup = FollowUp(
            programme=programme,
            contact=contact,
            address=f"appelant{contact.pk}@exemple.org",
            consent_text=text,
            consent_at=given_at,
            consent_by_id=given[0][1],
            details_given_at=given_at,
            due_at=due,
        )
        if due <= now:
            followup.status, followup.sent_at, followup.attempts = Status.SENT, due, 1
            followup.expires_at = schedule.expires_at(due, policy)
            followup.token_hash = new_token()[1]  # nobody holds the demo links
            if rng.random() < 0.45:
                came = rng.choices(["yes", "no", "not_yet"], weights=[60, 25, 15])[0]
                followup.status, followup.address, followup.token_hash = Status.ANSWERED, "", None
                followup.answered_at = due + dt.timedelta(hours=rng.randint(1, 72))
                followup.came = came
                if came == "yes":
                    followup.came_provider_id = rng.choice(given)[0]
                    followup.satisfaction = rng.choices([1, 2, 3, 4, 5], weights=[4, 6, 15, 40, 35])[0]
                followup.comment = rng.choice(COMMENTS)
        followup.save()
        if followup.sent_at is not None:
            followup.providers.set([pid for pid, _by in given])
        created += 1
    return created
