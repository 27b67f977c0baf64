"""The follow-up through HTTP: the desk panel and its consent post, the caller's public questionnaire (CSRF,
expired / used / unknown links), the report's section and the provider's quality page, per role."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plateau.followup import services
from plateau.followup.models import FollowUp, Status
from plateau.followup.sweep import sweep_followups
from plateau.tenants.models import User
from plateau.tenants.services import set_capabilities
from tests import factories

from . import builders

pytestmark = [pytest.mark.usefixtures("reference_data"), pytest.mark.django_db]


def _text(response: object) -> str:
    return html_lib.unescape(response.content.decode())  # type: ignore[attr-defined]


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _contact_url(contact: object) -> str:
    return reverse("web:contact", args=[contact.programme.slug, contact.pk])  # type: ignore[attr-defined]


def _consent_url(contact: object) -> str:
    return reverse("followup:consent", args=[contact.programme.slug, contact.pk])  # type: ignore[attr-defined]


def test_given_details_given_when_advisor_opens_contact_then_panel_asks_consent_and_post_schedules() -> None:
    line = builders.line()
    contact = builders.details_given(line)
    adv = _client(line.advisor)
    page = _text(adv.get(_contact_url(contact)))
    assert "Suivi de la mise en relation" in page
    assert "À lire à l'appelant" in page and "effacée dès la réponse" in page
    assert 'name="followup-address"' in page and "Alt+S suivi" in page
    response = adv.post(_consent_url(contact), {"followup-consent": "on", "followup-address": "jeanne@exemple.fr"})
    assert response.status_code == 302 and response["Location"] == _contact_url(contact)
    page = _text(adv.get(_contact_url(contact)))
    assert 'data-status="scheduled"' in page and "Envoi du questionnaire par courriel prévu le" in page
    assert "jeanne@exemple.fr" not in page  # the advisor does not need to read it back
    assert FollowUp.objects.get().address == "jeanne@exemple.fr"


def test_given_no_consent_or_bad_address_when_posting_then_french_errors_and_typed_address_kept() -> None:
    line = builders.line()
    contact = builders.details_given(line)
    adv = _client(line.advisor)
    refused = adv.post(_consent_url(contact), {"followup-address": "jeanne@exemple.fr"})
    assert refused.status_code == 200  # the page again, with the reason (htmx swaps only 2xx answers)
    page = _text(refused)
    assert "Sans le consentement de l'appelant, aucun suivi n'est envoyé." in page
    assert 'value="jeanne@exemple.fr"' in page  # nothing lost
    bad = adv.post(_consent_url(contact), {"followup-consent": "on", "followup-address": "jeanne.exemple.fr"})
    assert bad.status_code == 200 and "Adresse électronique invalide" in _text(bad)
    assert not FollowUp.objects.exists()


def test_given_contact_without_details_or_programme_without_followup_then_no_panel() -> None:
    line = builders.line()
    contact = builders.details_given(line)
    set_capabilities(line.programme, ["directory"], actor=factories.user(platform_admin=True))
    adv = _client(line.advisor)
    assert "Suivi de la mise en relation" not in _text(adv.get(_contact_url(contact)))
    # A crafted post is refused by the service, nothing stored.
    response = adv.post(_consent_url(contact), {"followup-consent": "on", "followup-address": "a@exemple.fr"})
    assert response.status_code == 200 and "fonction du poste" in _text(response)
    assert not FollowUp.objects.exists()


def test_given_another_programmes_advisor_when_posting_consent_then_not_found() -> None:
    line = builders.line()
    contact = builders.details_given(line)
    other = builders.line()
    response = _client(other.advisor).post(
        _consent_url(contact), {"followup-consent": "on", "followup-address": "a@exemple.fr"}
    )
    assert response.status_code == 404
    assert not FollowUp.objects.exists()


def _sent(line: builders.Line, address: str = "jeanne@exemple.fr", phone: str = "06 12 34 56 78") -> str:
    contact = builders.details_given(line, phone=phone)
    followup = services.record_consent(contact, actor=line.advisor, consent=True, address=address)
    sweep_followups(followup.due_at + dt.timedelta(minutes=1))
    found = re.search(r"http://[^/]+(/suivi/[A-Za-z0-9_-]+/)", mail.outbox[-1].body)
    assert found
    return found.group(1)


def test_given_link_when_caller_answers_without_login_then_thanks_and_csrf_required() -> None:
    line = builders.line()
    path = _sent(line)
    caller = Client(enforce_csrf_checks=True)
    page = caller.get(path)
    assert page.status_code == 200
    html = _text(page)
    assert "Un prestataire est-il venu ?" in html and "Pas encore" in html and "Si oui, lequel ?" in html
    assert page["Cache-Control"].startswith("max-age=0")
    followup = FollowUp.objects.get()
    chosen = followup.providers.order_by("pk").first()
    assert chosen is not None
    answer = {"came": "yes", "provider": str(chosen.pk), "satisfaction": "5", "comment": "Ponctuel"}
    assert caller.post(path, answer).status_code == 403  # no CSRF token: refused, nothing stored
    assert FollowUp.objects.get().status == Status.SENT
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token
    missing = caller.post(path, {**answer, "provider": "", "csrfmiddlewaretoken": token.group(1)})
    assert missing.status_code == 200 and "Indiquez quel prestataire est venu." in _text(missing)
    assert "Ponctuel" in _text(missing)  # what the caller wrote is kept
    done = caller.post(path, {**answer, "csrfmiddlewaretoken": token.group(1)})
    assert done.status_code == 200 and "Votre réponse est enregistrée" in _text(done)
    row = FollowUp.objects.get()
    assert (row.status, row.came, row.came_provider_id, row.satisfaction, row.address) == (
        Status.ANSWERED,
        "yes",
        chosen.pk,
        5,
        "",
    )
    again = caller.get(path)
    assert again.status_code == 200 and "Merci, votre réponse a déjà été enregistrée." in _text(again)


def test_given_unknown_or_expired_link_when_opened_then_clear_french_page() -> None:
    line = builders.line()
    path = _sent(line)
    caller = Client()
    unknown = caller.get("/suivi/inconnu-0123456789abcdefghijklmnopqrstuvwxyzABCDE/")
    assert unknown.status_code == 404 and "Ce lien de suivi n'est pas valide" in _text(unknown)
    FollowUp.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    expired = caller.get(path)
    assert expired.status_code == 410 and "Ce lien de suivi a expiré" in _text(expired)


def test_given_answers_when_supervisor_reads_report_then_section_with_comments_manager_without() -> None:
    line = builders.line()
    path = _sent(line)
    followup = FollowUp.objects.get()
    chosen = followup.providers.order_by("pk").first()
    assert chosen is not None
    services.answer(path.split("/")[2], came="yes", provider_id=chosen.pk, satisfaction=4, comment="Très sérieux")
    url = reverse("web:report", args=[line.programme.slug])
    page = _text(_client(line.supervisor).get(url))
    assert "Suivi des mises en relation" in page
    assert "Très sérieux" in page and "réservés aux superviseurs" in page
    assert re.search(r"<th scope=\"row\">[a-zéû]+ \d{4}</th>", page)  # the month in words
    assert "100 %" in page and "4,0 / 5" in page
    quality = reverse("directory:provider_quality", args=[line.programme.slug, chosen.pk])
    assert quality in page
    manager_page = _text(_client(line.manager).get(url))
    assert "Suivi des mises en relation" in manager_page and "Très sérieux" not in manager_page


def test_given_answers_when_opening_provider_quality_page_then_figures_per_role_without_free_text() -> None:
    line = builders.line()
    path = _sent(line)
    chosen = FollowUp.objects.get().providers.order_by("pk").first()
    assert chosen is not None
    services.answer(path.split("/")[2], came="yes", provider_id=chosen.pk, satisfaction=3, comment="Un peu en retard")
    url = reverse("directory:provider_quality", args=[line.programme.slug, chosen.pk])
    page = _client(line.supervisor).get(url)
    assert page.status_code == 200
    html = _text(page)
    assert "Audits qualité" in html and "Suivi des mises en relation" in html
    assert 'id="followup-rate">100 %' in html and 'id="followup-came">100 %' in html
    assert 'id="followup-satisfaction">3,0 / 5' in html
    assert "Un peu en retard" not in html
    assert _client(line.manager).get(url).status_code == 200
    assert _client(line.advisor).get(url).status_code == 404
    assert _client(builders.line().supervisor).get(url).status_code == 404  # another programme's
