"""Wrap-up codes per programme: defaults from capabilities (and kind), only active ones offered, a retired
code keeps its past counts, nuisance codes out of the service KPIs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from plateau.contacts import services
from plateau.contacts.access import wrap_up_counts
from plateau.contacts.errors import UnknownWrapUpCode
from plateau.contacts.models import WrapUpCode
from plateau.contacts.wrap_up_codes import seed_programme_codes
from plateau.tenants.models import ProgrammeKind
from tests import factories

pytestmark = pytest.mark.django_db


def _codes(programme: object) -> dict[str, WrapUpCode]:
    return {c.code: c for c in services.active_wrap_up_codes(programme)}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "present", "absent"),
    [
        (ProgrammeKind.DIRECTORY, {"details_given", "transferred_urssaf", "wrong_number"}, {"lead_forwarded"}),
        (ProgrammeKind.LEAD_DISPATCH, {"details_given", "lead_forwarded"}, {"emergency"}),
        (
            ProgrammeKind.TELECARE,
            {"emergency", "welfare_isolation", "technical_alarm", "false_alarm"},
            {"details_given"},
        ),
        (
            ProgrammeKind.ELIGIBILITY,
            {"application", "renewal", "status_enquiry", "ineligible_oriented"},
            {"transferred_urssaf", "details_given"},
        ),
        (ProgrammeKind.IT_ASSISTANCE, {"installation", "training", "troubleshooting", "sale"}, {"transferred_urssaf"}),
        (ProgrammeKind.PUBLIC_INFORMATION, {"answered", "oriented", "transferred"}, {"transferred_urssaf"}),
    ],
)
def test_given_kind_when_programme_seeded_then_its_own_codes(kind: str, present: set[str], absent: set[str]) -> None:
    codes = _codes(factories.programme(kind=kind))
    assert present <= set(codes) and not absent & set(codes)
    # Every programme has the nuisance codes, excluded from the service KPIs.
    assert {c for c, w in codes.items() if w.excluded_from_kpis} == {
        "nuisance_prank",
        "wrong_number",
        "silent_call",
        "cut_off",
    }
    assert seed_programme_codes(factories.programme(kind=kind)) == 0  # the factory seeded it already: idempotent


def test_given_telecare_emergency_code_when_listing_then_category_emergency() -> None:
    codes = _codes(factories.programme(kind=ProgrammeKind.TELECARE))
    assert codes["emergency"].category == "emergency" and not codes["emergency"].excluded_from_kpis


def test_given_transport_contact_when_wrapping_up_with_urssaf_transfer_then_refused() -> None:
    transport = factories.programme(kind=ProgrammeKind.ELIGIBILITY)
    advisor = factories.advisor(transport)
    contact = services.start_contact(programme=transport, advisor=advisor, channel="call", phone="0612345678")
    with pytest.raises(UnknownWrapUpCode):
        services.wrap_up(contact, actor=advisor, code="transferred_urssaf")
    contact.refresh_from_db()
    assert contact.status == "open"
    services.wrap_up(contact, actor=advisor, code="renewal")
    contact.refresh_from_db()
    assert contact.wrap_up is not None and contact.wrap_up.programme_id == transport.pk


def test_given_retired_code_when_counting_then_past_contacts_still_counted_but_code_not_offered() -> None:
    programme = factories.programme(kind=ProgrammeKind.DIRECTORY)
    advisor = factories.advisor(programme)
    contact = services.start_contact(programme=programme, advisor=advisor, channel="call", phone="0612345678")
    services.wrap_up(contact, actor=advisor, code="callback_requested")
    WrapUpCode.objects.filter(programme=programme, code="callback_requested").update(
        retired_on=timezone.localdate() - dt.timedelta(days=1)
    )
    assert "callback_requested" not in _codes(programme)
    counts = {c.code if c else None: n for c, n in wrap_up_counts(programme)}
    assert counts == {"callback_requested": 1}
    other = services.start_contact(programme=programme, advisor=advisor, channel="call", phone="0612345679")
    with pytest.raises(UnknownWrapUpCode):
        services.wrap_up(other, actor=advisor, code="callback_requested")
