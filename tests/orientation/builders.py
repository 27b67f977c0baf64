"""A public-information line with the orientation capability, its staff and a few destinations (real rows)."""

from __future__ import annotations

from dataclasses import dataclass

from plateau.contacts.models import Contact
from plateau.contacts.services import start_contact
from plateau.geo.services import load_demo_communes
from plateau.orientation import services
from plateau.orientation.models import Destination
from plateau.tenants.models import Programme, ProgrammeKind, Role, User
from tests import factories

WEEKDAYS_9_17 = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
NEUILLY_PLAISANCE = "93049"


@dataclass
class Line:
    programme: Programme
    manager: User
    supervisor: User
    advisor: User
    ants: Destination  # national, open on weekdays, phone and SIP
    prefecture: Destination  # département 93, open 24/7, SIP only
    mairie: Destination  # commune 93049, phone only


def line(kind: str = ProgrammeKind.PUBLIC_INFORMATION) -> Line:
    load_demo_communes()
    programme = factories.programme(kind=kind)
    manager = factories.user((programme, Role.PROGRAMME_MANAGER))
    supervisor = factories.supervisor(programme)
    advisor = factories.advisor(programme)
    services.add_theme(programme, actor=manager, code="titres", label="Carte d'identité, passeport")
    services.add_theme(programme, actor=manager, code="caf", label="Allocations familiales")

    def add(**values: object) -> Destination:
        return services.save_destination(programme, services.DestinationInput(**values), actor=manager)  # type: ignore[arg-type]

    ants = add(name="ANTS", phone="34 00", sip_uri="sip:ants@127.0.0.1:5070", opening_hours=WEEKDAYS_9_17,
               theme_codes=["titres"], briefing="Numéro de la demande.")  # fmt: skip
    prefecture = add(name="Préfecture 93", sip_uri="sip:prefecture@127.0.0.1:5070", always_open=True,
                     departments=["93"], theme_codes=["titres"])  # fmt: skip
    mairie = add(name="Mairie de Neuilly-Plaisance", phone="01 99 00 93 49", opening_hours=WEEKDAYS_9_17,
                 communes=[NEUILLY_PLAISANCE], theme_codes=["titres"])  # fmt: skip
    return Line(programme, manager, supervisor, advisor, ants, prefecture, mairie)


def call(line: Line, phone: str = "06 12 34 56 78") -> Contact:
    return start_contact(programme=line.programme, advisor=line.advisor, channel="call", phone=phone)
