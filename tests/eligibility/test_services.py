"""Filing, checking through the fake API (over HTTP), granting; rule versions; tenant isolation; minimisation."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from plateau.domain.eligibility import rules
from plateau.domain.eligibility.identity import OutsideTerritory
from plateau.eligibility import services
from plateau.eligibility.access import access_application
from plateau.eligibility.errors import WrongStatus
from plateau.eligibility.models import Applicant, Application, Consultation, Status
from plateau.errors import NotFound
from plateau.geo.access import commune_by_insee
from plateau.tenants.errors import CapabilityNotEnabled
from plateau.tenants.models import AuditEntry, ProgrammeKind
from tests import factories
from tests.eligibility.conftest import fake_state

pytestmark = pytest.mark.django_db


def applicant(name: str, first: str, commune: str = "92051", **extra: Any) -> services.ApplicantInput:
    return services.ApplicantInput(
        birth_name=name,
        first_names=first,
        birth_date=dt.date(1982, 3, 9),
        sex="M",
        birth_commune_insee="75107",
        birth_country_code="99100",
        address_line="12 rue de l'Exemple",
        postal_code="92200",
        commune=commune_by_insee(commune),
        **extra,
    )


@pytest.fixture
def transport(communes: None) -> Any:
    return factories.programme(kind=ProgrammeKind.ELIGIBILITY)


def test_given_the_transport_kind_when_created_then_it_has_the_eligibility_capability(transport: Any) -> None:
    assert transport.capability_codes() == ["eligibility"]


def test_given_martin_when_filed_checked_and_granted_then_a_free_three_month_right(
    transport: Any, fake_api: str
) -> None:
    advisor = factories.advisor(transport)
    application = services.file_application(transport, advisor, applicant("Martin", "Samuel"))
    assert application.status == Status.RECEIVED and len(application.number) == 11

    consultation = services.check_eligibility(application, advisor)
    assert (consultation.outcome, consultation.tier, application.status) == ("granted", "free", Status.CHECKED)
    assert application.rule_version == rules.RULES[0].version
    assert application.reasons[0].startswith("Solidarité Gratuité : bénéficiaire du RSA")

    services.grant_right(application, advisor, start=dt.date(2026, 12, 7))
    assert (application.status, application.right_start, application.right_end) == (
        Status.GRANTED,
        dt.date(2026, 12, 7),
        dt.date(2027, 3, 6),
    )
    assert [e.to_status for e in application.events.all()] == [Status.RECEIVED, Status.CHECKED, Status.GRANTED]
    assert all(e.actor_id == advisor.pk for e in application.events.all())
    actions = list(AuditEntry.objects.filter(programme=transport).order_by("pk").values_list("action", flat=True))
    assert actions == [
        "eligibility.applicant_created",
        "eligibility.application_filed",
        "eligibility.consulted",
        "eligibility.right_granted",
    ]
    audit = AuditEntry.objects.get(action="eligibility.consulted")
    assert (audit.actor_id, audit.data["number"], audit.data["purpose"]) == (
        advisor.pk,
        application.number,
        "application",
    )
    with pytest.raises(WrongStatus):
        services.check_eligibility(application, advisor)


def test_given_a_consultation_when_stored_then_no_payload_is_kept(transport: Any, fake_api: str) -> None:
    advisor = factories.advisor(transport)
    application = services.file_application(transport, advisor, applicant("Martin", "Samuel"))
    consultation = services.check_eligibility(application, advisor)
    stored = json.dumps(consultation.results)
    for leaked in ("adresse", "allocataires", "enfants", "412", "RUE", "avec_majoration"):
        assert leaked not in stored
    assert consultation.results["quotient_familial"]["facts"] == {"sous_plafond": True, "annee": 2026, "mois": 10}
    assert consultation.results["revenu_solidarite_active"]["facts"]["est_beneficiaire"] is True


@pytest.mark.parametrize(
    ("name", "first", "status"),
    [
        ("LAGAFFE", "Gaston", Status.REFUSED),
        ("DUBOCHE", "Jérôme", Status.INCOMPLETE),
        ("DESFOUIN", "René", Status.TO_RECHECK),
        ("SITUDI", "Marc", Status.TO_RECHECK),
        ("ROUSSEAU", "Claire", Status.CHECKED),
    ],
)
def test_given_each_staging_person_when_checked_then_the_application_is_kept_with_its_status(
    transport: Any, fake_api: str, settings: Any, name: str, first: str, status: str
) -> None:
    settings.API_PARTICULIER_RETRIES = 0
    advisor = factories.advisor(transport)
    application = services.file_application(transport, advisor, applicant(name, first))
    services.check_eligibility(application, advisor)
    assert application.status == status
    assert Application.objects.filter(pk=application.pk).exists()


def test_given_the_service_down_when_checking_then_to_recheck_and_a_later_check_grants(
    transport: Any, fake_api: str, settings: Any
) -> None:
    settings.API_PARTICULIER_RETRIES = 0
    advisor = factories.advisor(transport)
    application = services.file_application(transport, advisor, applicant("Martin", "Samuel"))
    fake_state(fake_api, down=True)
    first = services.check_eligibility(application, advisor)
    assert (first.outcome, application.status) == ("to_recheck", Status.TO_RECHECK)
    assert "revérifier" in application.reasons[0]
    fake_state(fake_api, down=False)
    second = services.check_eligibility(application, advisor)
    assert (second.outcome, second.purpose, application.status) == ("granted", "recheck", Status.CHECKED)


def test_given_a_rule_change_when_checking_again_then_past_decisions_keep_their_version(
    transport: Any, fake_api: str
) -> None:
    advisor = factories.advisor(transport)
    old = services.file_application(transport, advisor, applicant("Martin", "Samuel"))
    services.check_eligibility(old, advisor)
    before = (old.rule_version, old.tier, list(old.reasons))
    # A new version in force from today, with a ceiling under MARTIN's quotient familial.
    stricter = dataclasses.replace(
        rules.RULES[0],
        version="test-stricter",
        effective_from=timezone.localdate(),
        qf_ceiling=100,
    )
    new = services.file_application(transport, advisor, applicant("Martin", "Samuel"))
    services.check_eligibility(new, advisor, versions=(*rules.RULES, stricter))
    old.refresh_from_db()
    assert (old.rule_version, old.tier, old.reasons) == before
    assert Consultation.objects.get(application=old).rule_version == rules.RULES[0].version
    assert (new.rule_version, new.tier) == ("test-stricter", "reduction_75")


def test_given_the_same_person_twice_when_filing_then_one_applicant(transport: Any) -> None:
    advisor = factories.advisor(transport)
    a = services.file_application(transport, advisor, applicant("Martin", "Samuel"))
    b = services.file_application(transport, advisor, applicant("MARTIN", "SAMUEL", commune="93049"))
    assert a.applicant_id == b.applicant_id and a.number != b.number
    assert Applicant.objects.get(pk=a.applicant_id).commune_insee == "93049"  # moved to Neuilly-Plaisance


def test_given_a_commune_outside_ile_de_france_when_filing_then_refused(transport: Any) -> None:
    with pytest.raises(OutsideTerritory):
        services.file_application(transport, factories.advisor(transport), applicant("Martin", "Samuel", "69381"))
    assert not Application.objects.exists()


def test_given_two_programmes_when_reading_then_each_sees_only_its_applicants(transport: Any) -> None:
    other = factories.programme(kind=ProgrammeKind.ELIGIBILITY)
    mine, theirs = factories.advisor(transport), factories.advisor(other)
    application = services.file_application(transport, mine, applicant("Martin", "Samuel"))
    elsewhere = services.file_application(other, theirs, applicant("Martin", "Samuel"))
    assert application.applicant_id != elsewhere.applicant_id  # never shared across tenants
    assert access_application(mine, application.number, programme=transport) == application
    with pytest.raises(NotFound):
        access_application(theirs, application.number, programme=other)
    with pytest.raises(NotFound):
        access_application(theirs, application.number, programme=transport)
    assert list(Applicant.objects.for_programme(other)) == [elsewhere.applicant]


def test_given_a_programme_without_the_capability_when_filing_then_refused(communes: None) -> None:
    national = factories.programme()
    with pytest.raises(CapabilityNotEnabled):
        services.file_application(national, factories.advisor(national), applicant("Martin", "Samuel"))


def test_given_a_slow_service_when_checking_then_the_budget_bounds_the_wait_and_the_file_is_kept(
    transport: Any, fake_api: str, settings: Any
) -> None:
    """Three resources answering after 3 s, a 1 s timeout and two retries would keep the advisor 9 s and more;
    the check's budget stops it, and the application is to re-check."""
    import time

    settings.API_PARTICULIER_CHECK_BUDGET = 2.0
    advisor = factories.advisor(transport)
    application = services.file_application(transport, advisor, applicant("Lenteur", "Paul"))
    started = time.monotonic()
    consultation = services.check_eligibility(application, advisor)
    assert time.monotonic() - started < 3.0
    assert (consultation.outcome, application.status) == ("to_recheck", Status.TO_RECHECK)
    assert {r["status"] for r in consultation.results.values()} == {"unavailable"}
