"""Real rows for follow-up tests: a directory line whose advisor gave providers' details on a call."""

from __future__ import annotations

import datetime as dt

from plateau.contacts import services as contacts
from plateau.contacts.models import Contact
from plateau.directory.models import Activity
from plateau.geo.access import commune_by_insee
from tests.contacts import builders
from tests.contacts.builders import Line

__all__ = ["Line", "details_given", "line"]


def line(providers: int = 2) -> Line:
    builders.demo_communes()
    return builders.directory_line(providers=providers)


def details_given(line: Line, *, phone: str = "06 12 34 56 78", providers: int = 2) -> Contact:
    """A call of ``line`` whose advisor captured the need, searched and gave the first ``providers`` details."""
    contact = contacts.start_contact(programme=line.programme, advisor=line.advisor, channel="call", phone=phone)
    contacts.capture_need(
        contact,
        actor=line.advisor,
        activity=Activity.objects.get(code="SAP06"),
        commune=commune_by_insee(builders.NEUILLY_SUR_SEINE),
        need_date=dt.date.today(),  # noqa: DTZ011 - a date of the need, not an instant
    )
    outcome = contacts.search_for_contact(contact, actor=line.advisor)
    contacts.give_details(
        contact,
        actor=line.advisor,
        search=outcome.search,
        provider_ids=[m.provider.pk for m in outcome.matches[:providers]],
        consent=True,
    )
    return contact
