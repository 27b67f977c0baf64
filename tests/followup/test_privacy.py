"""The follow-up's personal data through the privacy services (export, erasure) and the scheduler's
retention, on a controllable clock."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail

from plateau.followup import services
from plateau.followup.models import FollowUp, Status
from plateau.followup.sweep import sweep_followups
from plateau.leads.privacy import erase_person, export_person, export_rows
from plateau.services import scheduler
from plateau.tenants.models import AuditEntry

from . import builders

pytestmark = [pytest.mark.usefixtures("reference_data"), pytest.mark.django_db]
PHONE = "06 12 34 56 78"


def _answered(line: builders.Line) -> FollowUp:
    contact = builders.details_given(line, phone=PHONE)
    followup = services.record_consent(contact, actor=line.advisor, consent=True, address="jeanne@exemple.fr")
    sweep_followups(followup.due_at + dt.timedelta(minutes=1))
    token = re.search(r"/suivi/([A-Za-z0-9_-]+)/", mail.outbox[-1].body)
    assert token
    services.answer(token.group(1), came="no", comment="Personne n'a répondu au téléphone")
    return FollowUp.objects.get(pk=followup.pk)


def test_given_a_follow_up_when_exporting_the_person_then_consent_answer_and_words_exported() -> None:
    line = builders.line()
    followup = _answered(line)
    data = export_person(line.programme, PHONE, actor=line.manager)
    [row] = data["capabilities"]["followup"]
    assert row["contact"] == followup.contact_id
    assert "questionnaire" in row["consent"]["text"]
    assert (row["came"], row["comment"], row["address"]) == ("Non", "Personne n'a répondu au téléphone", "")
    assert ("followup", "1", "comment", "Personne n'a répondu au téléphone") in export_rows(data)


def test_given_a_scheduled_follow_up_when_erasing_the_person_then_withdrawn_and_address_erased() -> None:
    line = builders.line()
    contact = builders.details_given(line, phone=PHONE)
    followup = services.record_consent(contact, actor=line.advisor, consent=True, address="jeanne@exemple.fr")
    erase_person(line.programme, PHONE, actor=line.manager)
    row = FollowUp.objects.get(pk=followup.pk)
    assert (row.status, row.address) == (Status.WITHDRAWN, "")
    assert sweep_followups(followup.due_at + dt.timedelta(days=1)).sent == 0
    assert mail.outbox == []
    assert AuditEntry.objects.get(action="person.erased").data["capabilities"] == {"followup": 1}


def test_given_an_answer_three_years_old_when_the_scheduler_runs_retention_then_free_text_blanked_once() -> None:
    line = builders.line()
    followup = _answered(line)
    scheduler._last_retention.clear()
    later = followup.consent_at + dt.timedelta(days=3 * 365 + 1)
    swept = scheduler.sweep_once(later)
    assert swept.retention is not None and swept.retention.capabilities == 1
    row = FollowUp.objects.get(pk=followup.pk)
    assert (row.comment, row.came) == ("", "no")  # the words go, the fact stays for the statistics
    scheduler._last_retention.clear()
    assert scheduler.sweep_once(later + dt.timedelta(hours=2)).retention.capabilities == 0
