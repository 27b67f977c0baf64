"""The follow-up through its services and the sweep, on SQLite and PostgreSQL, with Django's locmem mail
backend (the real backend the test runner installs): consent, sending exactly once, expiry, answers, erasure
of the address, and what the supervisor reads."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from plateau.contacts import services as contacts
from plateau.domain.followup.answers import InvalidAnswer
from plateau.events import Event, subscribe
from plateau.followup import services
from plateau.followup.access import programme_results, provider_figures, recent_comments
from plateau.followup.errors import (
    AlreadyAnswered,
    FollowUpConsentRequired,
    InvalidAddress,
    LinkExpired,
    LinkInvalid,
    NoDetailsGiven,
)
from plateau.followup.events import FollowUpAnswered, FollowUpSent
from plateau.followup.models import FollowUp, FollowUpSettings, Status
from plateau.followup.sweep import sweep_followups
from plateau.services.scheduler import sweep_once
from plateau.tenants.errors import CapabilityNotEnabled
from plateau.tenants.models import AuditEntry, ProgrammeKind
from plateau.tenants.services import set_capabilities
from tests import factories

from . import builders

pytestmark = [pytest.mark.usefixtures("reference_data"), pytest.mark.django_db]


def _consent(line: builders.Line, address: str = "Jeanne.Martin@Exemple.FR") -> FollowUp:
    contact = builders.details_given(line)
    return services.record_consent(contact, actor=line.advisor, consent=True, address=address)


def _token(message: mail.EmailMessage) -> str:
    found = re.search(r"/suivi/([A-Za-z0-9_-]+)/", message.body)
    assert found, message.body
    return found.group(1)


def test_given_details_given_when_caller_consents_then_follow_up_scheduled_three_days_later_at_ten() -> None:
    line = builders.line()
    followup = _consent(line)
    assert followup.status == Status.SCHEDULED
    assert followup.address == "Jeanne.Martin@exemple.fr"  # the domain is case-insensitive, the local part not
    local_due = timezone.localtime(followup.due_at)
    given = timezone.localtime(followup.details_given_at)
    assert local_due.date() == given.date() + dt.timedelta(days=3)
    assert (local_due.hour, local_due.minute) == (10, 0)
    # The wording read to the caller is stored with the date: purpose and how long the address is kept.
    assert "uniquement à cet envoi" in followup.consent_text and "effacée dès la réponse" in followup.consent_text
    assert followup.consent_at is not None
    entry = AuditEntry.objects.get(action="followup.consented")
    assert "Jeanne" not in str(entry.data)  # no address in the audit log


def test_given_programme_setting_when_consenting_then_its_number_of_days() -> None:
    line = builders.line()
    FollowUpSettings.objects.create(programme=line.programme, days_after=5, link_days=10)
    followup = _consent(line)
    assert timezone.localtime(followup.due_at).date() == timezone.localtime(
        followup.details_given_at
    ).date() + dt.timedelta(days=5)
    assert "5 jours après" in followup.consent_text and "(10 jours" in followup.consent_text


@pytest.mark.parametrize(
    ("consent", "address", "error"),
    [
        (False, "a@exemple.fr", FollowUpConsentRequired),
        (True, "pas-une-adresse", InvalidAddress),
        (True, "", InvalidAddress),
    ],
)
def test_given_no_consent_or_bad_address_when_recording_then_refused_and_nothing_stored(
    consent: bool, address: str, error: type[Exception]
) -> None:
    line = builders.line()
    contact = builders.details_given(line)
    with pytest.raises(error):
        services.record_consent(contact, actor=line.advisor, consent=consent, address=address)
    assert not FollowUp.objects.exists()


def test_given_no_details_given_when_recording_consent_then_refused() -> None:
    line = builders.line()
    contact = contacts.start_contact(programme=line.programme, advisor=line.advisor, channel="call", phone="0612345678")
    with pytest.raises(NoDetailsGiven):
        services.record_consent(contact, actor=line.advisor, consent=True, address="a@exemple.fr")


def test_given_programme_without_followup_when_recording_consent_then_capability_refused() -> None:
    line = builders.line()
    contact = builders.details_given(line)
    set_capabilities(line.programme, ["directory"], actor=factories.user(platform_admin=True))
    line.programme.refresh_from_db()
    with pytest.raises(CapabilityNotEnabled):
        services.record_consent(contact, actor=line.advisor, consent=True, address="a@exemple.fr")


def test_given_consent_when_sweeping_twice_and_after_a_restart_then_exactly_one_mail() -> None:
    line = builders.line()
    followup = _consent(line)
    before = followup.due_at - dt.timedelta(minutes=1)
    assert sweep_followups(before).sent == 0  # not due yet
    assert mail.outbox == []
    due = followup.due_at + dt.timedelta(minutes=1)
    assert sweep_followups(due).sent == 1
    # A second sweep at the same instant, then the scheduler's tick as a restarted process would run it.
    assert sweep_followups(due).sent == 0
    assert sweep_once(due + dt.timedelta(minutes=1)).followups.sent == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Jeanne.Martin@exemple.fr"]
    assert "Un prestataire est-il venu ?" in message.body
    token = _token(message)
    assert len(token) >= 40
    fresh = FollowUp.objects.get(pk=followup.pk)  # fresh objects: the state is in the database only
    assert fresh.status == Status.SENT and fresh.attempts == 1
    assert fresh.token_hash == services.token_hash(token) and token not in fresh.token_hash
    assert fresh.providers.count() == 2
    for provider in fresh.providers.all():
        assert str(provider) in message.body


def test_given_many_due_when_sweeping_with_a_limit_then_the_rest_waits_for_the_next_tick() -> None:
    line = builders.line()
    for i in range(3):
        contact = builders.details_given(line, phone=f"06 12 34 56 7{i}")
        services.record_consent(contact, actor=line.advisor, consent=True, address=f"appelant{i}@exemple.fr")
    later = timezone.now() + dt.timedelta(days=5)
    assert sweep_followups(later, limit=2).sent == 2
    assert sweep_followups(later, limit=2).sent == 1
    assert len(mail.outbox) == 3


def test_given_same_address_with_an_open_link_when_due_then_postponed_a_week() -> None:
    line = builders.line()
    first = _consent(line, "meme@exemple.fr")
    second_contact = builders.details_given(line, phone="06 98 76 54 32")
    second = services.record_consent(second_contact, actor=line.advisor, consent=True, address="meme@exemple.fr")
    at = max(first.due_at, second.due_at) + dt.timedelta(minutes=1)
    report = sweep_followups(at)
    assert (report.sent, report.postponed) == (1, 1)
    waiting = FollowUp.objects.get(status=Status.SCHEDULED)
    assert waiting.due_at == at + dt.timedelta(days=7)
    assert len(mail.outbox) == 1


@override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=9)
def test_given_mail_relay_down_when_sweeping_then_retried_with_backoff_then_given_up_and_address_erased() -> None:
    line = builders.line()
    followup = _consent(line)
    at = followup.due_at + dt.timedelta(minutes=1)
    for attempt in range(1, 6):
        report = sweep_followups(at)
        assert (report.sent, report.failed) == (0, 1)
        row = FollowUp.objects.get(pk=followup.pk)
        assert row.attempts == attempt
        if attempt < 5:
            assert row.status == Status.SCHEDULED and row.due_at > at
            at = row.due_at
    row = FollowUp.objects.get(pk=followup.pk)
    assert (row.status, row.address, row.token_hash) == (Status.FAILED, "", None)


def _sent(line: builders.Line, address: str = "jeanne@exemple.fr") -> tuple[FollowUp, str]:
    followup = _consent(line, address)
    sweep_followups(followup.due_at + dt.timedelta(minutes=1))
    return FollowUp.objects.get(pk=followup.pk), _token(mail.outbox[-1])


def test_given_link_when_caller_answers_then_answer_kept_address_erased_and_second_answer_refused() -> None:
    line = builders.line()
    followup, token = _sent(line)
    opened = services.open_by_token(token)
    assert opened.pk == followup.pk
    chosen = followup.providers.order_by("pk").last()
    assert chosen is not None
    services.answer(token, came="yes", provider_id=chosen.pk, satisfaction=4, comment=" Très bien ")
    row = FollowUp.objects.get(pk=followup.pk)
    assert (row.status, row.came, row.came_provider_id, row.satisfaction, row.comment, row.address) == (
        Status.ANSWERED,
        "yes",
        chosen.pk,
        4,
        "Très bien",
        "",
    )
    with pytest.raises(AlreadyAnswered):
        services.answer(token, came="no")
    with pytest.raises(AlreadyAnswered):
        services.open_by_token(token)
    assert FollowUp.objects.get(pk=followup.pk).came == "yes"  # the first answer is kept
    assert "Très bien" not in str(AuditEntry.objects.get(action="followup.answered").data)


def test_given_invalid_answer_when_answering_then_refused_and_link_still_open() -> None:
    line = builders.line()
    followup, token = _sent(line)
    with pytest.raises(InvalidAnswer):
        services.answer(token, came="yes", provider_id=None, satisfaction=4)  # two providers: which one?
    assert FollowUp.objects.get(pk=followup.pk).status == Status.SENT
    assert services.open_by_token(token).pk == followup.pk


def test_given_unknown_or_tampered_token_when_opening_then_invalid() -> None:
    line = builders.line()
    _followup, token = _sent(line)
    for bad in ("", "x" * 43, token[:-1] + ("A" if token[-1] != "A" else "B"), "y" * 500):
        with pytest.raises(LinkInvalid):
            services.open_by_token(bad)


def test_given_link_past_its_date_when_opening_then_expired_and_sweep_erases_the_address() -> None:
    line = builders.line()
    followup, token = _sent(line)
    assert followup.expires_at is not None
    after = followup.expires_at + dt.timedelta(minutes=1)
    with pytest.raises(LinkExpired):
        services.open_by_token(token, now=after)
    with pytest.raises(LinkExpired):
        services.answer(token, came="no", now=after)
    assert sweep_followups(after).expired == 1
    row = FollowUp.objects.get(pk=followup.pk)
    assert (row.status, row.address) == (Status.EXPIRED, "")
    with pytest.raises(LinkExpired):  # still « expiré » after the sweep, the address gone
        services.open_by_token(token, now=after + dt.timedelta(days=1))
    assert sweep_followups(after).expired == 0


def test_given_consent_withdrawn_when_due_then_nothing_sent_and_address_erased() -> None:
    line = builders.line()
    followup = _consent(line)
    services.withdraw(followup, actor=line.advisor)
    assert sweep_followups(followup.due_at + dt.timedelta(days=1)).sent == 0
    assert mail.outbox == []
    row = FollowUp.objects.get(pk=followup.pk)
    assert (row.status, row.address) == (Status.WITHDRAWN, "")


def test_given_answers_when_reading_results_then_figures_per_provider_and_month_and_comments() -> None:
    line = builders.line()
    answers = [("yes", 5, "Parfait"), ("yes", 3, ""), ("no", None, "Personne n'a rappelé"), (None, None, "")]
    chosen = None
    for i, (came, score, comment) in enumerate(answers):
        followup, token = _sent(line, f"appelant{i}@exemple.fr")
        chosen = chosen or followup.providers.order_by("pk").first()
        if came:
            services.answer(
                token, came=came, provider_id=chosen.pk if came == "yes" else None, satisfaction=score, comment=comment
            )
    assert chosen is not None
    figures = provider_figures(line.programme, chosen.pk)
    assert figures is not None
    assert (figures.sent, figures.answered, figures.response_rate, figures.came_share, figures.satisfaction) == (
        4,
        3,
        "75 %",
        "67 %",
        "4,0 / 5",
    )
    other = next(p for p in line.providers if p.pk != chosen.pk)
    other_figures = provider_figures(line.programme, other.pk)
    assert other_figures is not None and other_figures.came_share == "0 %" and other_figures.satisfaction == "—"
    report = programme_results(line.programme)
    assert len(report["months"]) == 1
    month = report["months"][0]
    assert (month["shown"].sent, month["shown"].answered, month["came"], month["not_came"]) == (4, 3, 2, 1)
    assert re.fullmatch(r"[a-zéû]+ \d{4}", month["label"])  # « juin 2026 », never « 2026-06 »
    assert [c.comment for c in recent_comments(line.programme)] == ["Personne n'a rappelé", "Parfait"]
    # Another programme sees none of it.
    other_line = builders.line()
    assert programme_results(other_line.programme)["months"] == []
    assert provider_figures(other_line.programme, chosen.pk) is None


def test_given_new_programmes_when_created_then_follow_up_in_the_presets_of_directory_kinds() -> None:
    assert factories.programme(kind=ProgrammeKind.DIRECTORY).capability_codes() == ["directory", "followup"]
    assert factories.programme(kind=ProgrammeKind.LEAD_DISPATCH).capability_codes() == [
        "directory",
        "followup",
        "leads",
    ]
    assert factories.programme(kind=ProgrammeKind.TELECARE).capability_codes() == []


def test_given_send_and_answer_when_committed_then_typed_events_without_address_or_words(
    django_capture_on_commit_callbacks: Any,
) -> None:
    seen: list[Event] = []
    unsubscribe = subscribe(seen.append)
    try:
        line = builders.line()
        followup = _consent(line)
        with django_capture_on_commit_callbacks(execute=True):
            sweep_followups(followup.due_at + dt.timedelta(minutes=1))
        with django_capture_on_commit_callbacks(execute=True):
            services.answer(_token(mail.outbox[0]), came="not_yet", comment="On attend un devis")
    finally:
        unsubscribe()
    sent = [e for e in seen if isinstance(e, FollowUpSent)]
    answered = [e for e in seen if isinstance(e, FollowUpAnswered)]
    assert [(e.programme_id, e.followup_id, e.channel) for e in sent] == [(line.programme.pk, followup.pk, "email")]
    assert [(e.followup_id, e.came, e.provider_id, e.satisfaction) for e in answered] == [
        (followup.pk, "not_yet", None, None)
    ]
    assert "devis" not in repr(answered) and "exemple" not in repr(sent)
