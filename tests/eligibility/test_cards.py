"""The card issuer's daily file: a batch of the rights granted since the last one, its CSV (neutralised), the
mailing status; the supervisors' page drives it."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from plateau.eligibility import cards, services
from plateau.eligibility.errors import WrongStatus
from plateau.eligibility.models import Status
from plateau.tenants.models import AuditEntry, ProgrammeKind, Role
from tests import factories
from tests.eligibility.test_services import applicant

pytestmark = pytest.mark.django_db


def test_given_granted_rights_when_batching_then_csv_then_mailed(communes: None, fake_api: str) -> None:
    programme = factories.programme(kind=ProgrammeKind.ELIGIBILITY)
    advisor = factories.advisor(programme)
    supervisor = factories.user((programme, Role.SUPERVISOR))
    granted = []
    for name, first, usage in (("Martin", "Samuel", '=HYPERLINK("http://x","clic")'), ("Rousseau", "Claire", "")):
        application = services.file_application(programme, advisor, applicant(name, first, usage_name=usage))
        services.check_eligibility(application, advisor)
        granted.append(services.grant_right(application, advisor, start=dt.date(2026, 12, 1)))
    refused = services.file_application(programme, advisor, applicant("Lagaffe", "Gaston"))
    services.check_eligibility(refused, advisor)

    client = Client()
    client.force_login(supervisor)
    page = reverse("eligibility:deadlines", args=[programme.slug])
    assert "2 droits accordés pas encore transmis." in client.get(page).content.decode()
    client.post(reverse("eligibility:issue_cards", args=[programme.slug]))
    batch = cards.CardBatch.objects.get()
    assert batch.count == 2 and cards.issue_batch(programme, supervisor) is None  # nothing new to send
    for application in granted:
        application.refresh_from_db()
        assert application.status == Status.ISSUED
    text = client.get(reverse("eligibility:batch_file", args=[programme.slug, batch.pk])).content.decode()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == list(cards.COLUMNS)
    martin = next(r for r in rows[1:] if r[1] == "MARTIN")
    assert martin[2].startswith("'=")  # neutralised: never a live formula in the issuer's spreadsheet
    assert (martin[10], martin[11], martin[12], martin[13]) == ("free", "100", "2026-12-01", "2027-02-28")
    assert len(rows) == 3  # the refused application is not in the file

    client.post(reverse("eligibility:batch_mailed", args=[programme.slug, batch.pk]))
    for application in granted:
        application.refresh_from_db()
        assert application.status == Status.MAILED
        assert [e.to_status for e in application.events.all()][-2:] == [Status.ISSUED, Status.MAILED]
    with pytest.raises(WrongStatus):
        cards.mark_mailed(batch, supervisor, dt.date(2026, 12, 5))
    assert AuditEntry.objects.filter(action="eligibility.cards_mailed", actor=supervisor).count() == 1
    advisor_client: Any = Client()
    advisor_client.force_login(advisor)
    assert advisor_client.get(reverse("eligibility:batch_file", args=[programme.slug, batch.pk])).status_code == 404


def test_given_the_daily_cron_when_running_the_command_then_a_file_once(
    communes: None, fake_api: str, tmp_path: Any
) -> None:
    from django.core.management import CommandError, call_command

    programme = factories.programme(kind=ProgrammeKind.ELIGIBILITY)
    advisor = factories.advisor(programme)
    supervisor = factories.user((programme, Role.SUPERVISOR))
    application = services.file_application(programme, advisor, applicant("Martin", "Samuel"))
    services.check_eligibility(application, advisor)
    services.grant_right(application, advisor)
    options = {"programme": programme.slug, "out": str(tmp_path)}
    with pytest.raises(CommandError):
        call_command("eligibility_cards", actor=advisor.username, **options)  # an advisor does not send batches
    call_command("eligibility_cards", actor=supervisor.username, **options)
    call_command("eligibility_cards", actor=supervisor.username, **options)  # nothing new the second time
    files = list(tmp_path.glob("solidarite-transport-lot-*.csv"))
    assert len(files) == 1 and application.number in files[0].read_text(encoding="utf-8")
