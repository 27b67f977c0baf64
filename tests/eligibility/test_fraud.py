"""Duplicate signals and the supervised override of an unfavourable decision."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from plateau.eligibility import services
from plateau.eligibility.errors import OverrideNeedsReason, OverrideNeedsSupervisor
from plateau.eligibility.fraud import SAME_ADDRESS_THRESHOLD, duplicate_signals
from plateau.eligibility.models import Status
from plateau.tenants.models import AuditEntry, ProgrammeKind, Role
from tests import factories
from tests.eligibility.test_services import applicant

pytestmark = pytest.mark.django_db


@pytest.fixture
def transport(communes: None) -> Any:
    return factories.programme(kind=ProgrammeKind.ELIGIBILITY)


def test_given_a_shared_pass_and_a_crowded_address_when_reading_then_signals(transport: Any) -> None:
    advisor = factories.advisor(transport)
    first = services.file_application(transport, advisor, applicant("Martin", "Samuel", navigo_number="123456"))
    assert duplicate_signals(first) == []
    second = services.file_application(transport, advisor, applicant("Dupont", "Léa", navigo_number="123456"))
    assert duplicate_signals(second) == ["Le passe Navigo n° 123456 est aussi déclaré par 1 autre(s) demandeur(s)."]
    for i, name in enumerate(["Durand", "Petit", "Moreau"][:SAME_ADDRESS_THRESHOLD]):
        services.file_application(transport, advisor, applicant(name, "Jean", navigo_number=f"9{i}"))
    signals = duplicate_signals(first)
    assert f"{SAME_ADDRESS_THRESHOLD + 1} autres demandeurs déclarent la même adresse." in signals
    again = services.file_application(transport, advisor, applicant("Martin", "Samuel", navigo_number="123456"))
    assert any(first.number in s for s in duplicate_signals(again))


def test_given_a_refusal_when_overriding_then_only_a_supervisor_with_a_reason_and_audited(
    transport: Any, fake_api: str
) -> None:
    advisor = factories.advisor(transport)
    supervisor = factories.user((transport, Role.SUPERVISOR))
    application = services.file_application(transport, advisor, applicant("Lagaffe", "Gaston"))
    services.check_eligibility(application, advisor)
    assert application.status == Status.REFUSED
    with pytest.raises(OverrideNeedsSupervisor):
        services.override_refusal(application, advisor, tier="reduction_75", reason="Attestation CSS vue au guichet")
    with pytest.raises(OverrideNeedsReason):
        services.override_refusal(application, supervisor, tier="reduction_75", reason="vu")
    assert not AuditEntry.objects.filter(action="eligibility.override").exists()
    services.override_refusal(application, supervisor, tier="reduction_75", reason="Attestation CSS vue au guichet")
    assert (application.status, application.tier, application.duration_months) == (Status.CHECKED, "reduction_75", 12)
    assert application.reasons[-1].endswith("Attestation CSS vue au guichet")
    audit = AuditEntry.objects.get(action="eligibility.override")
    assert (audit.actor_id, audit.data["from_status"], audit.data["reason"]) == (
        supervisor.pk,
        "refused",
        "Attestation CSS vue au guichet",
    )
    services.grant_right(application, supervisor)
    assert application.status == Status.GRANTED


def test_given_a_refused_application_when_an_advisor_posts_an_override_then_refused_on_the_page(
    transport: Any, fake_api: str
) -> None:
    advisor = factories.advisor(transport)
    application = services.file_application(transport, advisor, applicant("Lagaffe", "Gaston"))
    services.check_eligibility(application, advisor)
    client = Client()
    client.force_login(advisor)
    page_url = reverse("eligibility:application", args=[transport.slug, application.number])
    assert 'id="override-form"' not in client.get(page_url).content.decode()
    url = reverse("eligibility:override", args=[transport.slug, application.number])
    response = client.post(url, {"tier": "free", "reason": "Je le connais bien"}, follow=True)
    assert "Seul un superviseur peut passer outre" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.REFUSED
