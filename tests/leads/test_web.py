"""Leads pages as plain form posts: forward with consent, provider portal and its isolation, supervisors'
follow-up with the neutrality audit, coverage report and CSV, the client's survey."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plateau.contacts import services as contact_services
from plateau.leads import services
from plateau.leads.feedback import send_survey
from plateau.leads.models import Lead, Survey
from plateau.tenants.models import AuditEntry
from tests import factories
from tests.leads import builders
from tests.leads.builders import T0

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def net() -> builders.Network:
    return builders.network(providers=3)


def _client(user: Any) -> Client:
    c = Client()
    # django-axes throttles logins by request: the test client's login passes one
    assert c.login(request=HttpRequest(), username=user.username, password=factories.PASSWORD)
    return c


def test_given_the_advisor_when_forwarding_without_consent_then_the_page_says_why_and_nothing_is_sent(
    net: builders.Network,
) -> None:
    contact = builders.contact_with_need(net)
    url = reverse("leads:forward", args=[net.programme.slug, contact.pk])
    page = _client(net.advisor).get(reverse("web:contact", args=[net.programme.slug, contact.pk]))
    assert url in page.content.decode()
    response = _client(net.advisor).post(url, {"client_name": "Mme Durand"})
    assert response.status_code == 200
    assert "consenti" in response.content.decode()
    assert not Lead.objects.exists()
    response = _client(net.advisor).post(url, {"client_name": "Mme Durand", "consent": "on"})
    assert response.status_code == 302
    assert Lead.objects.get().state == "sent"


def test_given_a_provider_user_then_the_portal_lists_only_its_own_leads_and_another_ones_is_404_and_logged(
    net: builders.Network,
) -> None:
    lead = services.forward_request(builders.contact_with_need(net), actor=net.advisor, consent=True, now=T0)
    owner = net.provider_users[[p.pk for p in net.providers].index(lead.provider_id)]
    other = next(u for u in net.provider_users if u != owner)
    slug = net.programme.slug
    assert (
        f"/prestataire/demandes/{lead.pk}/" in _client(owner).get(reverse("leads:portal", args=[slug])).content.decode()
    )
    assert (
        f"/prestataire/demandes/{lead.pk}/"
        not in _client(other).get(reverse("leads:portal", args=[slug])).content.decode()
    )
    url = reverse("leads:portal_lead", args=[slug, lead.pk])
    assert _client(other).get(url).status_code == 404
    assert _client(other).post(url, {"action": "acknowledge"}).status_code == 404
    assert AuditEntry.objects.filter(action="lead.refused_other_provider", actor=other).count() == 2
    lead.refresh_from_db()
    assert lead.state == "sent"
    c = _client(owner)
    assert c.post(url, {"action": "acknowledge"}).status_code == 302
    assert c.post(url, {"outcome": "agreed", "service_date": "2026-06-10", "note": "mardi"}).status_code == 302
    lead.refresh_from_db()
    assert lead.state == "service_agreed" and lead.service_date == dt.date(2026, 6, 10)
    # Another programme's staff never see it; the supervisor sees the outcome and who was proposed and why.
    assert _client(factories.supervisor(factories.programme())).get(
        reverse("leads:lead_detail", args=[slug, lead.pk])
    ).status_code in (403, 404)
    detail = _client(net.supervisor).get(reverse("leads:lead_detail", args=[slug, lead.pk])).content.decode()
    assert "Prestation convenue" in detail and "Part cible" in detail and detail.count("<tr>") >= 4


def test_given_a_provider_user_when_declaring_availability_then_eligibility_reads_it(net: builders.Network) -> None:
    user, provider = net.provider_users[0], net.providers[0]
    url = reverse("leads:availability", args=[net.programme.slug])
    response = _client(user).post(
        url, {"capacity_per_week": "0", "absence_start": "2026-07-01", "absence_end": "2026-07-15"}
    )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.capacity_per_week == 0 and not provider.accepting_new_clients
    assert provider.absences.get().start == dt.date(2026, 7, 1)


def test_given_unmet_needs_then_the_report_draws_points_and_the_csv_counts_them(net: builders.Network) -> None:
    lead = services.forward_request(builders.contact_with_need(net), actor=net.advisor, consent=True, now=T0)
    from plateau.leads.sla import sweep_deadlines

    for k in range(1, 4):
        sweep_deadlines(T0 + dt.timedelta(hours=48 * k))
    lead.refresh_from_db()
    assert lead.state == "closed"
    c = _client(net.supervisor)
    page = c.get(reverse("leads:coverage", args=[net.programme.slug]), {"du": "2026-01-01", "au": "2026-12-31"})
    html = page.content.decode()
    assert html.count("<circle") == 1 and "juin 2026 : 1" in html  # the month in words (was its 2026-06 key)
    # SVG lengths take a decimal point: the French locale's comma made chromium drop the circle
    circle = re.search(r'<circle cx="([^"]+)" cy="([^"]+)" r="([^"]+)"', html)
    assert circle is not None and all(re.fullmatch(r"\d+(\.\d+)?", v) for v in circle.groups()), circle
    csv = c.get(reverse("leads:coverage_csv", args=[net.programme.slug]), {"du": "2026-01-01", "au": "2026-12-31"})
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines == [
        "periode;departement;activite;recherches_sans_resultat;demandes_non_prises;total",
        "2026-06;92;SAP06;0;1;1",
    ]
    assert _client(net.advisor).get(reverse("leads:coverage", args=[net.programme.slug])).status_code == 404


def test_given_a_survey_answered_twice_then_the_first_answer_is_kept(net: builders.Network) -> None:
    lead = services.forward_request(
        builders.contact_with_need(net), actor=net.advisor, consent=True, client_email="client@example.org", now=T0
    )
    survey = send_survey(lead, now=T0)
    assert survey is not None
    url = reverse("leads:survey", args=[survey.token])
    assert Client().post(url, {"score": "5", "comment": "parfait"}).status_code == 200
    second = Client().post(url, {"score": "1", "comment": "changé d'avis"})
    assert "déjà" in second.content.decode() or "Merci" in second.content.decode()
    survey = Survey.objects.get()
    assert (survey.score, survey.comment) == (5, "parfait")
    feedback_page = _client(net.supervisor).get(reverse("leads:supervision", args=[net.programme.slug]))
    assert "5,0" in feedback_page.content.decode() or "5.0" in feedback_page.content.decode()


def _follow_up_row(html: str, lead: Lead) -> str:
    start = html.index(f'data-lead="{lead.pk}"')
    return html[start : html.index("</tr>", start)]


def test_given_a_forwarded_lead_then_the_advisors_contact_page_follows_it_from_sent_to_the_agreed_service(
    net: builders.Network,
) -> None:
    contact = builders.contact_with_need(net)
    lead = services.forward_request(contact, actor=net.advisor, consent=True, now=T0)
    page_url = reverse("web:contact", args=[net.programme.slug, contact.pk])
    advisor = _client(net.advisor)
    row = _follow_up_row(advisor.get(page_url).content.decode(), lead)
    assert 'data-state="sent"' in row and lead.provider.display_name in row  # type: ignore[union-attr]
    assert timezone.localtime(T0 + dt.timedelta(hours=48)).strftime("%d/%m %H:%M") in row  # the 48 h deadline
    assert "fr-error-text" in row  # the test clock is months behind: the deadline shows as overdue

    provider_user = net.provider_users[[p.pk for p in net.providers].index(lead.provider_id)]
    services.acknowledge(lead, actor=provider_user, now=T0 + dt.timedelta(hours=1))
    services.record_outcome(
        lead, actor=provider_user, outcome="agreed", service_date=dt.date(2026, 6, 9), now=T0 + dt.timedelta(hours=3)
    )
    row = _follow_up_row(advisor.get(page_url).content.decode(), lead)
    assert 'data-state="service_agreed"' in row and "Prestation convenue" in row and "09/06/2026" in row
    assert "fr-error-text" not in row  # no call-back owed any more

    again = contact_services.start_contact(
        programme=net.programme, advisor=net.advisor, channel="call", phone="06 12 34 56 78"
    )
    later = advisor.get(reverse("web:contact", args=[net.programme.slug, again.pk])).content.decode()
    assert f'data-lead="{lead.pk}"' in later  # the caller calls again: their lead's status is on the new contact
