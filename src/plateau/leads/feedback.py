"""Feedback after the service: a survey link N days after the agreed service date (swept deadline),
by e-mail or by SMS through a pluggable sender; the first answer is kept; averages feed dispatch quality."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from plateau.tenants.models import Programme
from plateau.tenants.services import record_audit

from .errors import SurveyAlreadyAnswered
from .models import Lead, Survey
from .notify import email_on_commit

SmsSender = Callable[[str, str], None]  # (E.164 number, text)
_sms_sender: SmsSender | None = None


def set_sms_sender(sender: SmsSender | None) -> None:
    """Plug an SMS gateway (``sender(e164, text)``); without one, surveys go by e-mail only."""
    global _sms_sender
    _sms_sender = sender


def survey_url(token: str) -> str:
    base = getattr(settings, "PLATEAU_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("leads:survey", args=[token])


def send_survey(lead: Lead, *, now: dt.datetime) -> Survey | None:
    """Create the lead's survey and send its link (e-mail if known, else SMS); once per lead."""
    if lead.provider_id is None or Survey.objects.filter(lead=lead).exists():
        return None
    channel = "email" if lead.client_email else ("sms" if _sms_sender is not None else "")
    if not channel:
        return None
    survey = Survey.objects.create(
        programme_id=lead.programme_id,
        lead=lead,
        provider_id=lead.provider_id,
        token=secrets.token_urlsafe(24),
        channel=channel,
        sent_at=now,
    )
    text = _("Comment s'est passée votre prestation ? Donnez votre avis : %(url)s") % {"url": survey_url(survey.token)}
    if channel == "email":
        email_on_commit(_("Votre avis sur la prestation"), text, [lead.client_email])
    else:
        sender, phone = _sms_sender, lead.client_phone
        assert sender is not None
        transaction.on_commit(lambda: sender(phone, text))
    record_audit(action="lead.survey_sent", actor=None, programme=lead.programme, obj=lead, channel=channel)
    return survey


@transaction.atomic
def answer_survey(token: str, *, score: int, comment: str = "", now: dt.datetime | None = None) -> Survey:
    """Record the answer (score 1-5). A second answer is refused: the first one is kept."""
    survey: Survey = Survey.objects.select_for_update().get(token=token)
    if survey.answered_at is not None:
        raise SurveyAlreadyAnswered()
    if not 1 <= score <= 5:
        from plateau.errors import InvalidInput

        raise InvalidInput(_("Choisissez une note de 1 à 5."), field="score")
    survey.score, survey.comment, survey.answered_at = score, comment.strip()[:2000], now or timezone.now()
    survey.save()
    return survey


@dataclass(frozen=True)
class ProviderFeedback:
    provider_id: int
    provider_name: str
    sent: int
    answered: int
    average: float | None


def results_by_provider(programme: Programme) -> list[ProviderFeedback]:
    rows = (
        Survey.objects.for_programme(programme)
        .values("provider_id", "provider__legal_name", "provider__trade_name")
        .annotate(sent=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False)), avg=Avg("score"))
        .order_by("provider__legal_name")
    )
    return [
        ProviderFeedback(
            r["provider_id"], r["provider__trade_name"] or r["provider__legal_name"], r["sent"], r["answered"], r["avg"]
        )
        for r in rows
    ]
