"""Feedback N days after the agreed service (swept deadline, e-mail or pluggable SMS), scores feeding
dispatch quality; export, erasure and the 3-year retention job."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail

from plateau.leads import feedback, privacy, services
from plateau.leads.dispatching import quality_scores
from plateau.leads.models import Lead, Survey
from plateau.leads.sla import sweep_deadlines
from tests.leads import builders
from tests.leads.builders import T0

pytestmark = pytest.mark.usefixtures("reference_data")
SERVICE_DAY = dt.date(2026, 6, 5)


@pytest.fixture
def sms() -> Iterator[list[tuple[str, str]]]:
    sent: list[tuple[str, str]] = []
    feedback.set_sms_sender(lambda phone, text: sent.append((phone, text)))
    yield sent
    feedback.set_sms_sender(None)


def _agreed(net: builders.Network, **kw: Any) -> Lead:
    lead = services.forward_request(builders.contact_with_need(net), actor=net.advisor, consent=True, now=T0, **kw)
    user = net.provider_users[[p.pk for p in net.providers].index(lead.provider_id)]
    return services.record_outcome(lead, actor=user, outcome="agreed", service_date=SERVICE_DAY, now=T0)


def test_given_an_agreed_service_then_the_survey_goes_n_days_after_it_and_its_score_feeds_quality(
    django_capture_on_commit_callbacks: Any,
) -> None:
    net = builders.network(providers=1)
    lead = _agreed(net, client_email="client@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_deadlines(dt.datetime(2026, 6, 12, 7, tzinfo=dt.UTC)).feedback == 0
        assert sweep_deadlines(dt.datetime(2026, 6, 12, 9, tzinfo=dt.UTC)).feedback == 1  # 10:00 Paris = 08:00 UTC
    survey = Survey.objects.get(lead=lead)
    assert [m.to for m in mail.outbox] == [["client@example.org"]] and survey.token in mail.outbox[0].body
    assert quality_scores([lead.provider_id]) == {}
    feedback.answer_survey(survey.token, score=2)
    assert quality_scores([lead.provider_id]) == {lead.provider_id: 25.0}
    assert sweep_deadlines(dt.datetime(2026, 7, 1, tzinfo=dt.UTC)).handled == 0


def test_given_no_email_but_an_sms_sender_then_the_survey_goes_by_sms(
    sms: list[tuple[str, str]], django_capture_on_commit_callbacks: Any
) -> None:
    net = builders.network(providers=1)
    lead = _agreed(net)
    with django_capture_on_commit_callbacks(execute=True):
        sweep_deadlines(dt.datetime(2026, 6, 13, tzinfo=dt.UTC))
    assert [phone for phone, _ in sms] == [lead.client_phone] and "/avis/" in sms[0][1]


def test_given_a_person_then_export_holds_their_data_and_erasure_blanks_it() -> None:
    net = builders.network(providers=2)
    lead = services.forward_request(
        builders.contact_with_need(net), actor=net.advisor, consent=True, health_details="GIR 4",
        health_consent=True, now=T0,
    )  # fmt: skip
    exported = privacy.export_person(net.programme, "06 12 34 56 78", actor=net.supervisor)
    assert exported["leads"][0]["health_details"] == "GIR 4" and exported["leads"][0]["consent"]["text"]
    assert privacy.erase_person(net.programme, "+33612345678", actor=net.supervisor).leads == 1
    lead.refresh_from_db()
    assert (lead.client_name, lead.client_phone, lead.health_details) == (privacy.ERASED, "", "")
    assert lead.activity.code == "SAP06"  # the facts stay for statistics
    assert privacy.export_person(net.programme, "0612345678", actor=net.supervisor)["leads"] == []


def test_given_leads_older_than_three_years_then_the_retention_job_anonymises_only_them() -> None:
    net = builders.network(providers=2)
    old = services.forward_request(builders.contact_with_need(net), actor=net.advisor, consent=True, now=T0)
    recent = services.forward_request(
        builders.contact_with_need(net, phone="0698765432"), actor=net.advisor, consent=True,
        now=T0 + dt.timedelta(days=400),
    )  # fmt: skip
    later = T0 + dt.timedelta(days=3 * 365 + 1)
    assert privacy.apply_retention(later).leads == 1
    assert privacy.apply_retention(later).total == 0
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.client_phone == "" and recent.client_phone == "+33698765432"


def test_given_a_demo_programme_then_load_leads_demo_plays_lifecycles_through_the_services() -> None:
    from plateau.contacts.demo import generate_contacts
    from plateau.geo.access import commune_by_insee
    from plateau.leads.demo import load_leads_demo

    net = builders.network(providers=4)
    communes = [commune_by_insee(code) for code in ("92051", "92044", "92026")]
    generate_contacts(net.programme, [net.advisor], communes, days=3, per_day=12, seed=3, now=T0)
    made = load_leads_demo(net.programme, count=10, days=5, seed=1, now=T0 + dt.timedelta(days=20))
    assert made == Lead.objects.count() > 0
    states = set(Lead.objects.values_list("state", flat=True))
    assert states - {"sent", "acknowledged"}, states  # lifecycles were played, not just created
