"""Entry point of the demo data: each part is idempotent (a part already loaded is left as it is)."""

from __future__ import annotations

import logging
import time

from django.db import transaction
from django.db.models import Count, Q

from plateau.contacts.demo import generate_contacts
from plateau.contacts.models import Contact
from plateau.directory.demo import generate_providers
from plateau.directory.models import Provider, ProviderUser
from plateau.followup.demo import load_followup_demo
from plateau.followup.models import FollowUp
from plateau.geo.models import Commune
from plateau.geo.services import load_demo_communes
from plateau.ivr.demo import load_ivr_demo
from plateau.leads.demo import load_leads_demo
from plateau.leads.models import Lead
from plateau.routing.demo import load_routing_demo
from plateau.tenants.models import Programme, Role, User

from .programmes import demo_member, demo_user, load_programmes

log = logging.getLogger(__name__)

# Providers per programme (only the programmes that refer callers to providers) and past contacts per open
# day. Kept small enough that the first `make run` loads in well under a minute on a 2-core machine.
PROVIDERS = {"sap-national": 600, "reseaux-prestataires": 240, "teleassistance": 80}
CONTACTS_PER_DAY = {
    "sap-national": 12,
    "reseaux-prestataires": 4,
    "allo-service-public": 8,
    "teleassistance": 5,
    "transport-solidarite": 8,
    "assistance-informatique": 4,
}
DAYS = 21


def _advisors(programme: Programme) -> list[User]:
    return list(
        User.objects.filter(memberships__programme=programme, memberships__role=Role.ADVISOR).order_by("username")
    )


def load_all(scale: float = 1.0) -> dict[str, object]:
    """Load everything; ``scale`` shrinks the provider and contact volumes (tests and quick starts)."""
    started = time.monotonic()
    summary: dict[str, object] = {}
    load_demo_communes()
    communes = list(Commune.objects.filter(~Q(commune_type="COMD"), latitude__isnull=False))
    summary["communes"] = len(communes)
    programmes = load_programmes()
    summary["programmes"] = len(programmes)
    summary.update({f"routing {k}": v for k, v in load_routing_demo(programmes).items()})
    summary["voice menus published"] = load_ivr_demo(programmes)
    for seed, (slug, programme) in enumerate(sorted(programmes.items()), start=1):
        with transaction.atomic():  # one commit per programme: the demo loads in seconds, not minutes
            _load_programme(slug, programme, communes, seed, scale)
        summary[f"{slug}: providers / contacts"] = (
            f"{Provider.objects.for_programme(programme).count()} / {Contact.objects.for_programme(programme).count()}"
        )
    summary["seconds"] = round(time.monotonic() - started, 1)
    return summary


def _load_programme(slug: str, programme: Programme, communes: list[Commune], seed: int, scale: float) -> None:
    if slug in PROVIDERS and not Provider.objects.for_programme(programme).exists():
        generate_providers(programme, communes, max(5, round(PROVIDERS[slug] * scale)), seed=seed)
    if not Contact.objects.for_programme(programme).exists():
        generate_contacts(
            programme,
            _advisors(programme),
            communes,
            days=DAYS,
            per_day=max(1, round(CONTACTS_PER_DAY.get(slug, 4) * scale)),
            seed=seed,
            search_share=0.6 if programme.has_capability("directory") else 0.0,
        )
    if programme.has_capability("followup") and not FollowUp.objects.for_programme(programme).exists():
        load_followup_demo(programme, seed=seed)
    if programme.has_capability("leads") and not Lead.objects.for_programme(programme).exists():
        load_leads_demo(programme, count=max(3, round(30 * scale)), seed=seed)
    if programme.has_capability("leads"):
        demo_provider_account(programme)
    if programme.has_capability("eligibility") and (advisors := _advisors(programme)):
        from plateau.eligibility.demo import load_eligibility_demo

        load_eligibility_demo(programme, advisors[0])


# The provider portal's demo login (README): password DEMO_PASSWORD like every demo account.
DEMO_PROVIDER_USERNAME = "prestataire.reseaux"


def demo_provider_account(programme: Programme) -> User | None:
    """Give the provider with the most leads of ``programme`` (else its first) a documented portal login."""
    top = (
        Lead.objects.for_programme(programme)
        .filter(provider__isnull=False)
        .values("provider")
        .annotate(n=Count("id"))
        .order_by("-n", "provider")
        .first()
    )
    provider_id = (
        top["provider"] if top else Provider.objects.for_programme(programme).values_list("pk", flat=True).first()
    )
    if provider_id is None:
        return None
    user = demo_user(DEMO_PROVIDER_USERNAME, "Paul", "Prestataire")
    demo_member(user, programme, Role.PROVIDER_USER)
    if not ProviderUser.objects.filter(user=user).exists():
        ProviderUser.objects.create(user=user, provider_id=provider_id)
    return user
