"""Contacts services on a real database: identify, capture, search, give details with consent, wrap up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from plateau.contacts import services
from plateau.contacts.access import previous_contacts, todays_contacts, wrap_up_counts
from plateau.contacts.errors import (
    ConsentRequired,
    ContactClosed,
    NeedIncomplete,
    NoProviderSelected,
    PhoneRequired,
    ProviderNotProposed,
    UnknownWrapUpCode,
    WrapUpCodeRequired,
)
from plateau.contacts.events import ContactStarted, ContactWrappedUp
from plateau.contacts.models import Caller, Contact, DetailsGiven
from plateau.directory.models import Activity
from plateau.domain.ids.phone import InvalidPhoneNumber
from plateau.errors import PermissionDenied
from plateau.events import Event, subscribe
from plateau.geo.access import commune_by_insee
from plateau.tenants.models import AuditEntry
from tests import factories
from tests.contacts import builders

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def line() -> builders.Line:
    builders.demo_communes()
    return builders.directory_line()


@pytest.fixture
def events() -> list[Event]:
    seen: list[Event] = []
    unsubscribe = subscribe(seen.append)
    yield seen  # type: ignore[misc]
    unsubscribe()


def _call(line: builders.Line, phone: str = "06 12 34 56 78") -> Contact:
    return services.start_contact(programme=line.programme, advisor=line.advisor, channel="call", phone=phone)


def _captured(line: builders.Line) -> Contact:
    contact = _call(line)
    return services.capture_need(
        contact,
        actor=line.advisor,
        activity=Activity.objects.get(code="SAP06"),
        commune=commune_by_insee(builders.NEUILLY_SUR_SEINE),
        need_date=dt.date(2026, 12, 1),
    )


def test_given_typed_number_when_call_started_then_caller_identified_by_e164(
    line: builders.Line, events: list[Event], django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        contact = _call(line, "+33 (0)6 12 34 56 78")
    assert contact.caller is not None
    assert (contact.caller.phone_e164, contact.caller.kind) == ("+33612345678", "mobile")
    assert contact.status == "open" and contact.advisor == line.advisor
    assert [type(e) for e in events] == [ContactStarted]
    assert events[0].programme_id == line.programme.pk
    assert AuditEntry.objects.filter(action="contact.started", object_id=str(contact.pk)).exists()


def test_given_caller_called_before_when_calling_again_then_previous_contacts_of_this_programme_only(
    line: builders.Line,
) -> None:
    first = _call(line, "06 12 34 56 78")
    services.wrap_up(first, actor=line.advisor, code="information_only")
    other = factories.programme()
    other_advisor = factories.advisor(other)
    services.start_contact(programme=other, advisor=other_advisor, channel="call", phone="0612345678")
    second = _call(line, "0033 6 12 34 56 78")
    assert second.caller_id == first.caller_id
    assert list(previous_contacts(second)) == [first]
    assert Caller.objects.filter(phone_e164="+33612345678").count() == 2  # one per programme, never shared


@pytest.mark.parametrize(
    ("channel", "phone", "error"), [("call", "", PhoneRequired), ("call", "06 12", InvalidPhoneNumber)]
)
def test_given_call_without_valid_number_when_started_then_refused(
    line: builders.Line, channel: str, phone: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        services.start_contact(programme=line.programme, advisor=line.advisor, channel=channel, phone=phone)
    assert not Contact.objects.exists()


def test_given_letter_without_phone_when_started_then_contact_without_caller(line: builders.Line) -> None:
    contact = services.start_contact(
        programme=line.programme, advisor=line.advisor, channel="letter", correspondent="M. Martin, 92200 Neuilly"
    )
    assert contact.caller is None and contact.channel == "letter"
    assert list(previous_contacts(contact)) == []


def test_given_supervisor_only_when_starting_contact_then_permission_denied(line: builders.Line) -> None:
    with pytest.raises(PermissionDenied):
        services.start_contact(programme=line.programme, advisor=line.supervisor, channel="call", phone="0612345678")


def test_given_no_need_when_searching_then_need_incomplete(line: builders.Line) -> None:
    with pytest.raises(NeedIncomplete):
        services.search_for_contact(_call(line), actor=line.advisor)


def test_given_need_near_neuilly_when_searching_then_providers_with_distances_and_search_linked(
    line: builders.Line,
) -> None:
    contact = _captured(line)
    assert contact.commune_insee == builders.NEUILLY_SUR_SEINE
    outcome = services.search_for_contact(contact, actor=line.advisor)
    assert {m.provider for m in outcome.matches} == set(line.providers)
    assert all(m.distance_km <= 15 for m in outcome.matches)
    assert list(contact.searches.all()) == [outcome.search]
    assert outcome.search.radius_km == 15


def test_given_no_consent_when_giving_details_then_refused_and_nothing_recorded(line: builders.Line) -> None:
    contact = _captured(line)
    outcome = services.search_for_contact(contact, actor=line.advisor)
    with pytest.raises(ConsentRequired) as refused:
        services.give_details(
            contact,
            actor=line.advisor,
            search=outcome.search,
            provider_ids=[outcome.matches[0].provider.pk],
            consent=False,
        )
    assert "consentement" in str(refused.value.message)
    assert not DetailsGiven.objects.exists()


def test_given_consent_when_giving_details_then_rows_with_rank_distance_and_consent(line: builders.Line) -> None:
    contact = _captured(line)
    outcome = services.search_for_contact(contact, actor=line.advisor)
    chosen = [m.provider.pk for m in outcome.matches[:2]]
    given = services.give_details(contact, actor=line.advisor, search=outcome.search, provider_ids=chosen, consent=True)
    assert [d.provider_id for d in given] == chosen
    assert [d.rank for d in given] == [m.rank for m in outcome.matches[:2]]
    assert all(d.consent_given_at is not None and "accepte" in d.consent_text for d in given)
    assert [d.distance_km for d in given] == pytest.approx([m.distance_km for m in outcome.matches[:2]])
    # Giving the same provider twice records it once.
    again = services.give_details(contact, actor=line.advisor, search=outcome.search, provider_ids=chosen, consent=True)
    assert again == [] and DetailsGiven.objects.filter(contact=contact).count() == 2


def test_given_provider_not_in_search_when_giving_details_then_refused(line: builders.Line) -> None:
    contact = _captured(line)
    outcome = services.search_for_contact(contact, actor=line.advisor)
    stranger = builders.provider(factories.programme(), commune_by_insee(builders.NEUILLY_SUR_SEINE))
    with pytest.raises(ProviderNotProposed):
        services.give_details(
            contact, actor=line.advisor, search=outcome.search, provider_ids=[stranger.pk], consent=True
        )
    with pytest.raises(NoProviderSelected):
        services.give_details(contact, actor=line.advisor, search=outcome.search, provider_ids=[], consent=True)
    other_contact = _captured(line)
    other_search = services.search_for_contact(other_contact, actor=line.advisor).search
    with pytest.raises(ProviderNotProposed):  # a search of another contact
        services.give_details(
            contact, actor=line.advisor, search=other_search, provider_ids=[line.providers[0].pk], consent=True
        )
    assert not DetailsGiven.objects.exists()


@pytest.mark.parametrize(
    ("code", "error"), [("", WrapUpCodeRequired), ("  ", WrapUpCodeRequired), ("nope", UnknownWrapUpCode)]
)
def test_given_no_valid_code_when_wrapping_up_then_refused_and_still_open(
    line: builders.Line, code: str, error: type[Exception]
) -> None:
    contact = _call(line)
    with pytest.raises(error):
        services.wrap_up(contact, actor=line.advisor, code=code)
    contact.refresh_from_db()
    assert contact.status == "open" and contact.wrap_up is None


def test_given_code_when_wrapping_up_then_closed_counted_and_event_published(
    line: builders.Line, events: list[Event], django_capture_on_commit_callbacks
) -> None:
    contact = _call(line)
    with django_capture_on_commit_callbacks(execute=True):
        services.wrap_up(contact, actor=line.advisor, code="nuisance_prank", notes="Enfants qui jouent")
    contact.refresh_from_db()
    assert (contact.status, contact.wrap_up.code, contact.notes) == ("closed", "nuisance_prank", "Enfants qui jouent")
    assert contact.ended_at is not None and contact.ended_at >= contact.started_at
    wrapped = [e for e in events if isinstance(e, ContactWrappedUp)]
    assert len(wrapped) == 1 and wrapped[0].wrap_up_code == "nuisance_prank"
    assert list(todays_contacts(line.programme)) == [contact]
    assert [(c.code if c else None, n) for c, n in wrap_up_counts(line.programme)] == [("nuisance_prank", 1)]
    with pytest.raises(ContactClosed):
        services.wrap_up(contact, actor=line.advisor, code="information_only")
    with pytest.raises(ContactClosed):
        services.capture_need(
            contact,
            actor=line.advisor,
            activity=Activity.objects.get(code="SAP06"),
            commune=commune_by_insee(builders.NEUILLY_SUR_SEINE),
        )


def test_given_another_advisor_of_the_programme_when_changing_contact_then_denied(line: builders.Line) -> None:
    contact = _call(line)
    colleague = factories.advisor(line.programme)
    with pytest.raises(PermissionDenied):
        services.wrap_up(contact, actor=colleague, code="information_only")
    services.wrap_up(contact, actor=line.supervisor, code="information_only")  # supervisors may close it


def test_given_contact_of_yesterday_when_listing_today_then_not_counted(line: builders.Line) -> None:
    yesterday = timezone.now() - dt.timedelta(days=1)
    old = services.start_contact(
        programme=line.programme,
        advisor=line.advisor,
        channel="email",
        correspondent="a@example.org",
        started_at=yesterday,
    )
    services.wrap_up(old, actor=line.advisor, code="information_only", ended_at=yesterday + dt.timedelta(minutes=3))
    today = _call(line)
    assert list(todays_contacts(line.programme)) == [today]
    assert [(c, n) for c, n in wrap_up_counts(line.programme)] == [(None, 1)]
