"""The knowledge panel on the desk: results while typing (htmx fragment, and without JavaScript), the answer
recorded on the contact (audited), « pas trouvé » to the gap list, the editors' page, and the programmes
without the capability."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from plateau.contacts import services as contact_services
from plateau.contacts.models import Contact
from plateau.knowledge.models import AnswerGiven, KnowledgeGap, Synonym
from plateau.tenants.models import AuditEntry, Programme, ProgrammeKind, User
from tests import factories

pytestmark = pytest.mark.usefixtures("sheets")


def _desk(kind: str = ProgrammeKind.PUBLIC_INFORMATION) -> tuple[Programme, User, Client, Contact]:
    programme = factories.programme(kind=kind)
    advisor = factories.advisor(programme)
    client = Client()
    client.force_login(advisor)
    contact = contact_services.start_contact(programme=programme, advisor=advisor, channel="call", phone="0612345678")
    return programme, advisor, client, contact


def test_given_a_question_when_typed_then_results_with_verified_date_and_source() -> None:
    programme, _, client, contact = _desk()
    url = reverse("web:contact", args=[programme.slug, contact.pk])
    page = client.get(url).content.decode()
    assert 'id="knowledge-search"' in page and 'id="knowledge-hits"' not in page
    page = client.get(url, {"kq": "j'ai perdu ma carte d'identité"}).content.decode()  # without JavaScript
    assert 'id="knowledge-hits"' in page and 'data-sheet="F1344"' in page
    assert "vérifié le" in page and "https://www.service-public.fr/particuliers/vosdroits/F1344" in page
    fragment = client.get(
        reverse("knowledge:results", args=[programme.slug, contact.pk]),
        {"kq": "combien coûte un passeport"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "<html" not in fragment and 'data-sheet="F34752"' in fragment and "Réponse donnée" in fragment


def test_given_a_sheet_opened_when_reading_then_its_text_without_the_site_menu() -> None:
    programme, _, client, contact = _desk()
    url = reverse("web:contact", args=[programme.slug, contact.pk])
    page = client.get(url, {"kq": "passeport", "fiche": "F34752"}).content.decode()
    assert 'id="knowledge-sheet"' in page and "Combien coûte un passeport ?" in page
    assert "Accueil particuliers" not in page.split('id="knowledge-sheet"')[1]


def test_given_a_result_when_recording_the_answer_then_on_the_contact_once_and_audited() -> None:
    programme, advisor, client, contact = _desk()
    url = reverse("knowledge:answer", args=[programme.slug, contact.pk])
    data = {"sheet": "F1344", "kq": "j'ai perdu ma carte d'identité", "rank": "1"}
    response = client.post(url, data, follow=True)
    assert "Réponse enregistrée sur le contact" in response.content.decode()
    assert 'id="knowledge-answers"' in response.content.decode()
    client.post(url, data)
    answer = AnswerGiven.objects.get(contact=contact)
    assert (answer.sheet.sheet_id, answer.advisor, answer.rank, answer.programme) == ("F1344", advisor, 1, programme)
    audit = AuditEntry.objects.get(action="knowledge.answer_recorded")
    assert audit.data["sheet"] == "F1344" and audit.actor == advisor and audit.object_id == str(contact.pk)
    bad = client.post(url, {"sheet": "F0000"}, follow=True).content.decode()
    assert "Fiche inconnue." in bad and AnswerGiven.objects.count() == 1


def test_given_nothing_found_when_clicking_not_found_then_gap_listed_for_editors() -> None:
    programme, advisor, client, contact = _desk()
    url = reverse("knowledge:gap", args=[programme.slug, contact.pk])
    response = client.post(url, {"kq": "prime vélo électrique de la commune"}, follow=True)
    assert "signalée aux rédacteurs" in response.content.decode()
    gap = KnowledgeGap.objects.get()
    assert (gap.query, gap.contact, gap.advisor) == ("prime vélo électrique de la commune", contact, advisor)
    assert "question" in client.post(url, {"kq": "  "}, follow=True).content.decode().lower()
    assert KnowledgeGap.objects.count() == 1

    supervisor = factories.supervisor(programme)
    editors = Client()
    editors.force_login(supervisor)
    page = editors.get(reverse("knowledge:editors", args=[programme.slug])).content.decode()
    assert "prime vélo électrique de la commune" in page and "Synonymes" in page
    assert client.get(reverse("knowledge:editors", args=[programme.slug])).status_code == 404  # advisors: no page


def test_given_a_supervisor_when_editing_synonyms_then_saved_audited_and_restorable() -> None:
    programme = factories.programme(kind=ProgrammeKind.TELECARE)
    supervisor = factories.supervisor(programme)
    client = Client()
    client.force_login(supervisor)
    url = reverse("knowledge:editors", args=[programme.slug])
    response = client.post(url, {"term": "Papy", "expansion": "personne âgée"}, follow=True)
    assert "Synonyme enregistré" in response.content.decode()
    assert Synonym.objects.for_programme(programme).get().term == "papy"
    assert AuditEntry.objects.filter(action="knowledge.synonym_set", programme=programme).exists()
    assert "Ce champ est obligatoire" in client.post(url, {"term": "  ", "expansion": "x"}).content.decode()
    assert "Saisissez le mot" in client.post(url, {"term": "?!", "expansion": "x"}).content.decode()
    client.post(url, {"action": "delete", "term": "papy"})
    assert not Synonym.objects.for_programme(programme).exists()


def test_given_a_programme_without_the_capability_when_using_the_panel_then_refused() -> None:
    programme, _, client, contact = _desk(ProgrammeKind.ELIGIBILITY)
    page = client.get(reverse("web:contact", args=[programme.slug, contact.pk])).content.decode()
    assert 'id="knowledge-search"' not in page and "Alt+K" not in page
    response = client.post(
        reverse("knowledge:answer", args=[programme.slug, contact.pk]), {"sheet": "F1344"}, follow=True
    )
    assert "pas cette fonction du poste" in response.content.decode()
    assert not AnswerGiven.objects.exists()
    results = reverse("knowledge:results", args=[programme.slug, contact.pk])
    assert client.get(results, {"kq": "passeport"}).status_code == 404


def test_given_another_programmes_contact_when_recording_then_not_found() -> None:
    _, _, _, contact = _desk()
    other, _, other_client, _ = _desk()
    url = reverse("knowledge:answer", args=[other.slug, contact.pk])
    assert other_client.post(url, {"sheet": "F1344"}).status_code == 404
    assert not AnswerGiven.objects.exists()


def test_given_a_theme_chosen_when_searching_then_only_its_sheets_and_most_used_listed_for_editors() -> None:
    programme, _, client, contact = _desk()
    url = reverse("web:contact", args=[programme.slug, contact.pk])
    page = client.get(url).content.decode()
    assert '<option value="Transports">' in page and '<option value="Papiers - Citoyenneté">' in page
    fragment = reverse("knowledge:results", args=[programme.slug, contact.pk])
    everything = client.get(fragment, {"kq": "perte"}).content.decode()
    assert 'data-sheet="F1344"' in everything
    transports = client.get(fragment, {"kq": "perte", "ktheme": "Transports"}).content.decode()
    assert 'data-sheet="F1344"' not in transports  # a sheet of « Papiers - Citoyenneté »

    client.post(reverse("knowledge:answer", args=[programme.slug, contact.pk]), {"sheet": "F34752"})
    supervisor = factories.supervisor(programme)
    editors = Client()
    editors.force_login(supervisor)
    page = editors.get(reverse("knowledge:editors", args=[programme.slug])).content.decode()
    assert 'id="most-used"' in page and "Combien coûte un passeport ?" in page.split('id="most-used"')[1]


def test_given_an_answer_when_emailing_it_then_only_with_consent_and_address_not_kept() -> None:
    from django.core import mail

    programme, advisor, client, contact = _desk()
    client.post(reverse("knowledge:answer", args=[programme.slug, contact.pk]), {"sheet": "F34752"})
    answer = AnswerGiven.objects.get()
    url = reverse("knowledge:email", args=[programme.slug, contact.pk])
    refused = client.post(url, {"answer": answer.pk, "address": "jeanne@example.org"}, follow=True).content.decode()
    assert "consentement" in refused and not mail.outbox
    bad = client.post(url, {"answer": answer.pk, "address": "pas-une-adresse", "consent": "on"}, follow=True)
    assert "Adresse électronique invalide" in bad.content.decode() and not mail.outbox
    sent = client.post(url, {"answer": answer.pk, "address": "jeanne@example.org", "consent": "on"}, follow=True)
    assert "envoyée par courriel" in sent.content.decode()
    (message,) = mail.outbox
    assert message.to == ["jeanne@example.org"] and "Combien coûte un passeport ?" in message.subject
    assert "https://www.service-public.fr/particuliers/vosdroits/F34752" in message.body
    answer.refresh_from_db()
    assert answer.emailed_at is not None
    audit = AuditEntry.objects.get(action="knowledge.answer_emailed")
    assert audit.data["address"] == "j***@example.org" and audit.actor == advisor
    assert client.post(url, {"answer": "999999", "address": "a@b.fr", "consent": "on"}).status_code == 404
