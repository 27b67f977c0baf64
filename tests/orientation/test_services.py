"""The orientation capability's services on the database (SQLite and PostgreSQL): the manager's
destinations (validated, audited), the advisor's orientations (transfer or number given), the transfer rate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from plateau.calls import services as call_services
from plateau.contacts.services import wrap_up
from plateau.domain.errors import DomainError
from plateau.domain.ids.phone import InvalidPhoneNumber
from plateau.errors import PermissionDenied, PlateauError
from plateau.orientation import access, services
from plateau.orientation.errors import OrientationRefused, ThemeExists
from plateau.orientation.models import Destination, Orientation
from plateau.routing import services as routing_services
from plateau.tenants.errors import CapabilityNotEnabled
from plateau.tenants.models import AuditEntry, ProgrammeKind
from plateau.tenants.services import set_capabilities
from tests import factories

from . import builders

pytestmark = pytest.mark.usefixtures("reference_data")
TUESDAY_10H = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


def _input(**values: object) -> services.DestinationInput:
    base: dict[str, object] = {"name": "CAF", "phone": "3230", "opening_hours": builders.WEEKDAYS_9_17,
                               "theme_codes": ["caf"]}  # fmt: skip
    return services.DestinationInput(**{**base, **values})  # type: ignore[arg-type]


def test_given_a_manager_when_adding_a_destination_then_stored_normalised_and_audited() -> None:
    line = builders.line()
    created = services.save_destination(
        line.programme,
        _input(phone="01.99.00.12.34", departments=[" 93", "2a"], communes=["93048"],
               opening_hours={"fri": [["13:30", "17:00"], ["09:00", "12:00"]]}),
        actor=line.manager,
    )  # fmt: skip
    assert (created.phone, created.departments, created.communes) == ("+33199001234", ["2A", "93"], ["93048"])
    assert created.opening_hours == {"fri": [["09:00", "12:00"], ["13:30", "17:00"]]}
    assert created.phone_readable == "01 99 00 12 34"
    entry = AuditEntry.objects.get(action="orientation.destination_added", object_id=str(created.pk))
    assert entry.actor == line.manager and entry.data["after"]["themes"] == ["caf"]


def test_given_a_short_number_then_kept_as_dialled() -> None:
    line = builders.line()
    assert line.ants.phone == "3400" and line.ants.phone_readable == "3400"


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"name": "  "}, "name", "nom"),
        ({"phone": "", "sip_uri": ""}, "phone", "numéro de téléphone ou une adresse SIP"),
        ({"sip_uri": "urssaf@host"}, "sip_uri", "Adresse SIP"),
        ({"opening_hours": {}}, "opening_hours", "24 h/24"),
        ({"opening_hours": {"mon": [["17:00", "09:00"]]}}, "opening_hours", "finit avant de commencer"),
        ({"communes": ["93200"]}, "communes", "Code INSEE inconnu : 93200"),
        ({"communes": ["Montreuil"]}, "", "code INSEE"),
        ({"departments": ["99"]}, "departments", "Département"),
        ({"theme_codes": []}, "themes", "au moins un thème"),
        ({"theme_codes": ["caf", "autre"]}, "themes", "au moins un thème"),
    ],
)
def test_given_bad_destination_input_then_a_french_error_on_its_field_and_nothing_saved(
    values: dict[str, object], field: str, words: str
) -> None:
    line = builders.line()
    before = Destination.objects.count()
    with pytest.raises((PlateauError, DomainError)) as refused:
        services.save_destination(line.programme, _input(**values), actor=line.manager)
    assert words in str(refused.value.message)
    if field:
        assert refused.value.details.get("field") == field
    assert Destination.objects.count() == before


def test_given_a_bad_phone_then_the_phone_error_and_nothing_saved() -> None:
    line = builders.line()
    with pytest.raises(InvalidPhoneNumber):
        services.save_destination(line.programme, _input(phone="01 23"), actor=line.manager)


def test_given_a_change_then_audited_with_what_changed() -> None:
    line = builders.line()
    services.save_destination(
        line.programme, _input(name="ANTS", phone="3400", sip_uri="sip:ants@127.0.0.1:5070", theme_codes=["titres"],
                               briefing="Numéro de la demande.", is_active=False),
        actor=line.manager, destination=line.ants,
    )  # fmt: skip
    entry = AuditEntry.objects.get(action="orientation.destination_changed")
    assert entry.data["changed"] == {"is_active": {"before": True, "after": False}}


def test_given_an_advisor_or_a_supervisor_when_changing_destinations_then_refused() -> None:
    line = builders.line()
    for who in (line.advisor, line.supervisor):
        with pytest.raises(PermissionDenied):
            services.save_destination(line.programme, _input(), actor=who)
        with pytest.raises(PermissionDenied):
            services.add_theme(line.programme, actor=who, code="x", label="X")


def test_given_a_theme_code_twice_then_refused() -> None:
    line = builders.line()
    with pytest.raises(ThemeExists):
        services.add_theme(line.programme, actor=line.manager, code="caf", label="Encore")


def test_given_another_programme_destination_then_not_listed_nor_usable() -> None:
    line, other = builders.line(), builders.line()
    contact = builders.call(line)
    assert line.ants not in access.destinations_of(other.programme)
    with pytest.raises(OrientationRefused):
        services.record_orientation(contact, actor=line.advisor, destination_id=other.ants.pk, theme_code="titres",
                                    mode="number_given")  # fmt: skip


def test_given_a_caller_of_neuilly_plaisance_then_mairie_then_prefecture_then_national_with_opening_state() -> None:
    line = builders.line()
    rows = access.suggestions(line.programme, "titres", builders.NEUILLY_PLAISANCE, live_call=True, now=TUESDAY_10H)
    assert [(r.destination.name, r.state.is_open, r.can_transfer) for r in rows] == [
        ("Mairie de Neuilly-Plaisance", True, False),  # no SIP address: its number is given
        ("Préfecture 93", True, True),
        ("ANTS", True, True),
    ]
    sunday = access.suggestions(
        line.programme, "titres", "69381", live_call=True, now=TUESDAY_10H + dt.timedelta(days=5)
    )
    assert [(r.destination.name, r.state.is_open, r.can_transfer) for r in sunday] == [("ANTS", False, False)]
    assert sunday[0].state.next_opening == dt.datetime(2026, 12, 7, 9, 0, tzinfo=sunday[0].state.next_opening.tzinfo)


def test_given_no_call_when_giving_the_number_then_recorded_and_audited() -> None:
    line = builders.line()
    contact = builders.call(line)
    given = services.record_orientation(contact, actor=line.advisor, destination_id=line.ants.pk,
                                        theme_code="titres", mode="number_given",
                                        commune_insee=builders.NEUILLY_PLAISANCE)  # fmt: skip
    assert (given.mode, given.target, given.commune_insee, given.by) == ("number_given", "3400", "93049", line.advisor)
    entry = AuditEntry.objects.get(action="orientation.number_given")
    assert entry.data["destination"] == "ANTS" and entry.data["contact_id"] == contact.pk
    assert access.orientations_of(contact) == [given]


def test_given_no_live_call_when_transferring_then_refused_with_the_reason() -> None:
    line = builders.line()
    contact = builders.call(line)
    with pytest.raises(OrientationRefused, match="Aucun appel en cours"):
        services.record_orientation(contact, actor=line.advisor, destination_id=line.prefecture.pk,
                                    theme_code="titres", mode="transfer")  # fmt: skip
    with pytest.raises(OrientationRefused, match="pas d'adresse de transfert"):
        services.record_orientation(contact, actor=line.advisor, destination_id=line.mairie.pk,
                                    theme_code="titres", mode="transfer")  # fmt: skip
    with pytest.raises(OrientationRefused, match="pas de numéro"):
        services.record_orientation(contact, actor=line.advisor, destination_id=line.prefecture.pk,
                                    theme_code="titres", mode="number_given")  # fmt: skip
    with pytest.raises(OrientationRefused, match="compétente pour ce thème"):
        services.record_orientation(contact, actor=line.advisor, destination_id=line.ants.pk,
                                    theme_code="caf", mode="number_given")  # fmt: skip
    assert Orientation.objects.count() == 0


def test_given_a_live_call_when_transferring_to_an_open_destination_then_recorded_with_the_call() -> None:
    line = builders.line()
    contact = routing_services.open_routed_contact(
        programme=line.programme, advisor=line.advisor, routing_id="call-1@test", channel="call", phone="0612345678"
    )
    call_services.link_contact(contact, "call-1@test")
    assert access.live_call_id(contact) == "call-1@test"
    done = services.record_orientation(contact, actor=line.advisor, destination_id=line.prefecture.pk,
                                       theme_code="titres", mode="transfer")  # fmt: skip
    assert (done.mode, done.target, done.routing_contact_id) == (
        "transfer",
        "sip:prefecture@127.0.0.1:5070",
        "call-1@test",
    )
    assert AuditEntry.objects.filter(action="orientation.transferred", data__routing_contact_id="call-1@test").exists()
    with pytest.raises(OrientationRefused, match="déjà demandé"):
        services.record_orientation(contact, actor=line.advisor, destination_id=line.prefecture.pk,
                                    theme_code="titres", mode="transfer")  # fmt: skip
    assert Orientation.objects.filter(contact=contact).count() == 1


def test_given_a_programme_without_the_capability_then_nothing_is_recorded() -> None:
    line = builders.line()
    contact = builders.call(line)
    set_capabilities(line.programme, [])
    line.programme.refresh_from_db()
    contact.programme.refresh_from_db()
    with pytest.raises(CapabilityNotEnabled):
        services.record_orientation(contact, actor=line.advisor, destination_id=line.ants.pk, theme_code="titres",
                                    mode="number_given")  # fmt: skip


def test_given_the_day_contacts_then_the_transfer_rate_counts_handled_contacts_sent_to_level_2() -> None:
    line = builders.line()
    contacts = [builders.call(line, phone=f"06 12 34 56 {n:02d}") for n in range(5)]
    services.record_orientation(contacts[0], actor=line.advisor, destination_id=line.ants.pk, theme_code="titres",
                                mode="number_given")  # fmt: skip
    wrap_up(contacts[0], actor=line.advisor, code="oriented")
    wrap_up(contacts[1], actor=line.advisor, code="transferred")  # transferred by hand, counted too
    wrap_up(contacts[2], actor=line.advisor, code="answered")
    wrap_up(contacts[3], actor=line.advisor, code="wrong_number")  # excluded from service KPIs
    # contacts[4] is still open: not handled yet
    rate = access.transfer_rate(line.programme, timezone.localdate())
    assert (rate.handled, rate.oriented, rate.transferred_calls, rate.numbers_given) == (3, 2, 0, 1)
    assert rate.rate == pytest.approx(200 / 3)
    assert access.transfer_rate(line.programme, timezone.localdate() - dt.timedelta(days=1)).rate is None


@pytest.mark.parametrize(
    ("kind", "has_it"),
    [
        (ProgrammeKind.DIRECTORY, True),
        (ProgrammeKind.LEAD_DISPATCH, True),
        (ProgrammeKind.PUBLIC_INFORMATION, True),
        (ProgrammeKind.TELECARE, True),
        (ProgrammeKind.IT_ASSISTANCE, True),
        (ProgrammeKind.ELIGIBILITY, False),
    ],
)
def test_given_a_new_programme_then_its_kind_preset_decides_orientation_and_its_codes(kind: str, has_it: bool) -> None:
    programme = factories.programme(kind=kind)
    assert programme.has_capability("orientation") == has_it
    from plateau.contacts.models import WrapUpCode

    codes = {c.code: c.category for c in WrapUpCode.objects.for_programme(programme)}
    assert (codes.get("transferred"), codes.get("oriented")) == (
        ("transferred", "oriented") if has_it else (None, None)
    )


def test_given_a_demo_programme_then_its_destinations_load_through_the_same_checks() -> None:
    from plateau.demo.programmes import load_programmes
    from plateau.orientation.demo import DEMO, load_orientation_demo

    builders.load_demo_communes()
    programmes = load_programmes()
    for slug, spec in DEMO.items():
        assert load_orientation_demo(programmes[slug]) == len(spec["destinations"])
        assert load_orientation_demo(programmes[slug]) == 0  # idempotent
    assert Destination.objects.filter(programme__slug="teleassistance", always_open=True).count() == 1
    assert not Destination.objects.filter(programme__slug="transport-solidarite").exists()
