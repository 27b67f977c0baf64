"""The answer-time report: share answered or oriented within the target, median time to the first answer,
top themes, top « pas trouvé », transfer rate; the timer on the desk."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plateau.contacts import services as contact_services
from plateau.knowledge import services
from plateau.knowledge.models import AnswerTarget
from plateau.knowledge.report import day_report
from plateau.tenants.models import ProgrammeKind
from tests import factories

pytestmark = pytest.mark.usefixtures("sheets")


def test_given_a_day_of_contacts_when_reporting_then_answer_time_figures() -> None:
    programme = factories.programme(kind=ProgrammeKind.PUBLIC_INFORMATION)
    AnswerTarget.objects.create(programme=programme, seconds=180)
    advisor = factories.advisor(programme)
    now = timezone.now()

    def contact(started_ago: int, code: str, sheet: str = "", gap: str = "") -> None:
        c = contact_services.start_contact(
            programme=programme,
            advisor=advisor,
            channel="call",
            phone="0612345678",
            started_at=now - dt.timedelta(seconds=started_ago),
        )
        if sheet:
            services.record_answer(c, actor=advisor, sheet_id=sheet)
        if gap:
            services.report_gap(programme, actor=advisor, query=gap, contact=c)
        contact_services.wrap_up(c, actor=advisor, code=code)

    contact(100, "answered", sheet="F1344")  # answered in ~100 s: within the target
    contact(400, "answered", sheet="F34752")  # answered in ~400 s: late
    contact(60, "oriented", gap="prime vélo")  # oriented, no sheet: counts within the target
    contact(60, "transferred")
    report = day_report(programme, timezone.localdate())
    assert (report.contacts, report.answered, report.within_target, report.oriented, report.transferred) == (
        4, 2, 1, 1, 1,
    )  # fmt: skip
    assert report.within_share == 0.5 and report.transfer_rate == 0.25
    assert report.median_seconds is not None and 240 <= report.median_seconds <= 260
    assert dict(report.top_themes) == {"Papiers - Citoyenneté": 2}
    assert report.top_gaps == [("prime vélo", 1)]

    supervisor = factories.supervisor(programme)
    client = Client()
    client.force_login(supervisor)
    page = client.get(reverse("knowledge:report", args=[programme.slug])).content.decode()
    assert "moins de 180 secondes" in page and "50 %" in page and "prime vélo (1)" in page
    advisor_client = Client()
    advisor_client.force_login(advisor)
    assert advisor_client.get(reverse("knowledge:report", args=[programme.slug])).status_code == 404


def test_given_a_target_when_opening_a_contact_then_timer_shown_and_first_answer_time_after() -> None:
    programme = factories.programme(kind=ProgrammeKind.TELECARE)
    advisor = factories.advisor(programme)
    client = Client()
    client.force_login(advisor)
    c = contact_services.start_contact(programme=programme, advisor=advisor, channel="call", phone="0612345678")
    url = reverse("web:contact", args=[programme.slug, c.pk])
    assert 'id="answer-timer"' not in client.get(url).content.decode()  # no target: no timer
    AnswerTarget.objects.create(programme=programme, seconds=120)
    assert "moins de 120 s" in client.get(url).content.decode()
    services.record_answer(c, actor=advisor, sheet_id="F10009")
    assert "Première réponse donnée en" in client.get(url).content.decode()


def test_given_the_demo_when_loaded_then_the_public_information_report_has_answers_and_gaps(
    reference_data: None,
) -> None:
    from plateau.demo.loader import load_all
    from plateau.knowledge.models import AnswerGiven, KnowledgeGap
    from plateau.knowledge.report import period_report
    from plateau.tenants.models import Programme

    load_all(scale=0.2)
    programme = Programme.objects.get(slug="allo-service-public")
    assert AnswerTarget.objects.for_programme(programme).get().seconds == 180
    assert AnswerGiven.objects.for_programme(programme).exists()
    assert KnowledgeGap.objects.for_programme(programme).exists()
    transport = Programme.objects.get(slug="transport-solidarite")
    assert not AnswerGiven.objects.for_programme(transport).exists()  # no knowledge base there
    days = period_report(programme, timezone.localdate(), days=21)
    assert sum(d.answered for d in days) > 0 and any(d.median_seconds for d in days)
    count = AnswerGiven.objects.count()
    load_all(scale=0.2)
    assert AnswerGiven.objects.count() == count  # idempotent
