"""Renewal reminders and expiry swept across a restart, the simplified renewal, the supervisors' deadlines."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from plateau.eligibility import renewals, services
from plateau.eligibility.errors import WrongStatus
from plateau.eligibility.models import Application, Status
from plateau.services.scheduler import sweep_once
from plateau.tenants.models import AuditEntry, ProgrammeKind, Role
from tests import factories
from tests.eligibility.test_services import applicant

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=PARIS)


@pytest.fixture
def granted(communes: None, fake_api: str) -> Application:
    programme = factories.programme(kind=ProgrammeKind.ELIGIBILITY)
    advisor = factories.advisor(programme)
    application = services.file_application(
        programme, advisor, applicant("Martin", "Samuel", email="s.martin@example.org")
    )
    services.check_eligibility(application, advisor)
    return services.grant_right(application, advisor, start=dt.date(2026, 12, 1))


def test_given_a_granted_right_when_swept_over_time_then_one_reminder_then_expiry_across_a_restart(
    granted: Application,
) -> None:
    assert (granted.right_end, granted.reminder_due_on) == (dt.date(2027, 2, 28), dt.date(2027, 2, 13))
    mail.outbox.clear()
    assert renewals.sweep(at(dt.date(2027, 2, 12))) == renewals.Swept(reminders=0, expired=0)
    assert renewals.sweep(at(dt.date(2027, 2, 13))) == renewals.Swept(reminders=1, expired=0)
    assert renewals.sweep(at(dt.date(2027, 2, 14))) == renewals.Swept(reminders=0, expired=0)  # sent once
    assert [m.to for m in mail.outbox] == [["s.martin@example.org"]]
    assert granted.number in mail.outbox[0].body
    # "Restart": nothing in memory survives; the scheduler's next tick reads the durable dates.
    pk = granted.pk
    del granted
    assert sweep_once(at(dt.date(2027, 2, 28))).eligibility == renewals.Swept(reminders=0, expired=0)
    assert sweep_once(at(dt.date(2027, 3, 1))).eligibility == renewals.Swept(reminders=0, expired=1)
    application = Application.objects.get(pk=pk)
    assert (application.status, application.reminder_channel) == (Status.EXPIRED, "email")
    assert application.events.last().to_status == Status.EXPIRED
    assert AuditEntry.objects.filter(action="eligibility.reminder_sent", object_id=str(pk)).count() == 1
    assert AuditEntry.objects.filter(action="eligibility.right_expired", object_id=str(pk)).count() == 1


def test_given_no_email_when_the_reminder_is_due_then_a_letter_to_print(granted: Application) -> None:
    granted.applicant.email = ""
    granted.applicant.save()
    mail.outbox.clear()
    renewals.sweep(at(dt.date(2027, 2, 13)))
    granted.refresh_from_db()
    assert (granted.reminder_channel, mail.outbox) == ("letter", [])


def test_given_an_unchanged_situation_when_renewing_then_the_right_follows_without_documents(
    granted: Application,
) -> None:
    advisor = granted.created_by
    renewal = services.renew(granted, advisor)
    assert (renewal.status, renewal.renewal_of_id, renewal.tier) == (Status.GRANTED, granted.pk, "free")
    assert (renewal.right_start, renewal.right_end) == (dt.date(2027, 3, 1), dt.date(2027, 5, 31))
    assert renewal.events.last().note.startswith(services.RENEWED_UNCHANGED)
    with pytest.raises(WrongStatus):
        services.renew(granted, advisor)  # renewed once


def test_given_a_changed_situation_when_renewing_then_left_for_the_advisor(granted: Application, fake_api: str) -> None:
    from tests.eligibility.conftest import fake_state

    fake_state(fake_api, down=True)
    renewal = services.renew(granted, granted.created_by)
    assert (renewal.status, renewal.right_start) == (Status.TO_RECHECK, None)


def test_given_a_due_reminder_when_the_supervisor_opens_deadlines_then_listed_and_advisors_refused(
    granted: Application,
) -> None:
    programme = granted.programme
    granted.reminder_due_on = dt.date.today()  # noqa: DTZ011 - a calendar day
    granted.save(update_fields=["reminder_due_on"])
    supervisor = factories.user((programme, Role.SUPERVISOR))
    client = Client()
    client.force_login(supervisor)
    url = reverse("eligibility:deadlines", args=[programme.slug])
    page = client.get(url).content.decode()
    assert granted.number in page.split('id="reminders"')[1] and "dû" in page
    assert "Échéances Solidarité Transport" in client.get(reverse("web:home")).content.decode()
    advisor = Client()
    advisor.force_login(granted.created_by)
    assert advisor.get(url).status_code == 404
