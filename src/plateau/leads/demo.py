"""Demo leads for the integrator's demo loader: contacts of a lead-dispatch programme forwarded with consent,
then a simulated life through the real services and the real sweep, on a clock stepping over past days."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from plateau.contacts.models import Contact
from plateau.directory.models import Provider, ProviderUser
from plateau.tenants.models import Membership, Programme, Role, User

from . import services
from .errors import LeadStateConflict
from .sla import sweep_deadlines


def _provider_user(programme: Programme, provider_id: int) -> User:
    link = ProviderUser.objects.filter(provider_id=provider_id).select_related("user").first()
    if link is not None:
        return link.user
    provider = Provider.objects.get(pk=provider_id)
    user = User.objects.create_user(
        username=f"presta-{programme.slug}-{provider_id}", email="", first_name="Accueil", last_name=str(provider)[:150]
    )
    Membership.objects.get_or_create(user=user, programme=programme, role=Role.PROVIDER_USER)
    ProviderUser.objects.create(user=user, provider_id=provider_id)
    return user


def load_leads_demo(
    programme: Programme, *, count: int = 40, days: int = 14, seed: int = 0, now: dt.datetime | None = None
) -> int:
    """Forward up to ``count`` of the programme's contacts that have a captured need (spread over the last
    ``days`` days) and play their lifecycle: most providers acknowledge and call back (service agreed or
    refused), some let the 48 h pass (escalation, re-dispatch), some have no capacity. Needs the programme's
    providers and contacts (e.g. the directory and contacts demo generators). Returns the number of leads.
    """
    rng = random.Random(seed)  # noqa: S311 (reproducible demo data)
    now = now or timezone.now()
    contacts = list(
        Contact.objects.for_programme(programme)
        .filter(activity__isnull=False, commune__isnull=False, caller__isnull=False)
        .order_by("started_at")[:count]
    )
    start = now - dt.timedelta(days=days)
    made = 0
    for i, contact in enumerate(contacts):
        at = start + dt.timedelta(hours=i * days * 24 / max(len(contacts), 1))
        lead = services.forward_request(
            contact,
            actor=contact.advisor,
            consent=True,
            client_email=f"client{contact.pk}@example.org" if rng.random() < 0.5 else "",
            now=at,
        )
        made += 1
        sweep_deadlines(at)
        if lead.provider_id is None:
            continue
        fate = rng.random()
        if fate < 0.15:
            continue  # the provider lets the deadline pass: the sweep below escalates and re-dispatches
        user = _provider_user(programme, lead.provider_id)
        try:
            services.acknowledge(lead, actor=user, now=at + dt.timedelta(hours=rng.uniform(0.5, 6)))
            outcome = "no_capacity" if fate < 0.25 else ("refused" if fate < 0.4 else "agreed")
            services.record_outcome(
                lead,
                actor=user,
                outcome=outcome,
                service_date=(at + dt.timedelta(days=rng.randint(2, 10))).date(),
                now=at + dt.timedelta(hours=rng.uniform(6, 40)),
            )
        except LeadStateConflict:
            pass
    sweep_deadlines(now)
    return made
