"""Real rows for leads tests: a lead-dispatch programme, providers with their users, a contact with a need."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from plateau.contacts import services as contact_services
from plateau.contacts.models import Contact
from plateau.directory.models import Activity, Provider, ProviderUser
from plateau.geo.access import commune_by_insee
from plateau.tenants.models import Membership, Programme, ProgrammeKind, Role, User
from tests import factories
from tests.contacts import builders as cb

T0 = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


@dataclass
class Network:
    programme: Programme
    advisor: User
    supervisor: User
    manager: User
    providers: list[Provider]
    provider_users: list[User]


def provider_user(programme: Programme, provider: Provider) -> User:
    u = factories.user((programme, Role.PROVIDER_USER))
    u.email = f"{u.username}@presta.example"
    u.save(update_fields=["email"])
    ProviderUser.objects.create(user=u, provider=provider)
    return u


def network(*, providers: int = 3, networks: tuple[str, ...] = ("Réseau A", "Réseau B")) -> Network:
    programme = factories.programme(kind=ProgrammeKind.LEAD_DISPATCH)
    bases = [commune_by_insee(code) for code in cb.BASES_NEAR_NEUILLY]
    provs = []
    for i in range(providers):
        p = cb.provider(programme, bases[i % len(bases)])
        p.network = networks[i % len(networks)]
        p.save(update_fields=["network"])
        provs.append(p)
    sup = factories.supervisor(programme)
    sup.email = "superviseur@plateau.example"
    sup.save(update_fields=["email"])
    return Network(
        programme=programme,
        advisor=factories.advisor(programme),
        supervisor=sup,
        manager=factories.user((programme, Role.PROGRAMME_MANAGER)),
        providers=provs,
        provider_users=[provider_user(programme, p) for p in provs],
    )


def contact_with_need(net: Network, *, phone: str = "06 12 34 56 78", name: str = "Mme Durand") -> Contact:
    contact = contact_services.start_contact(
        programme=net.programme, advisor=net.advisor, channel="call", phone=phone, caller_name=name
    )
    return contact_services.capture_need(
        contact,
        actor=net.advisor,
        activity=Activity.objects.get(code="SAP06"),
        commune=commune_by_insee(cb.NEUILLY_SUR_SEINE),
        need_date=T0.date(),
    )


def member(user: User, programme: Programme, role: str) -> None:
    Membership.objects.create(user=user, programme=programme, role=role)


def escalation_queue(net: Network) -> None:
    """The routing configuration of escalated leads: a « relance » skill, the programme's escalation queue
    (channel lead) asking for it, and the advisor's profile with the skill and room for one lead."""
    from plateau.routing.models import AdvisorProfile, Queue, QueueTarget, Skill

    Skill.objects.create(programme=net.programme, code="relance", label="Relance des demandes")
    queue = Queue.objects.create(
        programme=net.programme, code="demandes-escaladees", label="Demandes escaladées", channel="lead"
    )
    QueueTarget.objects.create(queue=queue, order=1, requires="relance>=2")
    AdvisorProfile.objects.create(
        programme=net.programme, user=net.advisor, skills={"relance": 3}, capacity={"call": 1, "lead": 1}
    )
