"""In headless Debian chromium, on the demo data: the public-information advisor types the caller's question,
the right official sheet is in the top three as they type, they copy it into the notes and record it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from plateau.demo.programmes import DEMO_PASSWORD, load_programmes
from plateau.knowledge.demo import load_knowledge_demo
from plateau.knowledge.models import AnswerGiven, KnowledgeGap
from tests.browser import check_page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_given_the_public_information_desk_when_the_advisor_types_a_lost_id_card_then_records_the_sheet(
    live_server: Any, page: Any, tmp_path: Path
) -> None:
    assert load_knowledge_demo(load_programmes()) == 55
    page.goto(f"{live_server.url}/connexion/")
    page.locator("#id_username").fill("conseiller1.allo")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.get_by_role("heading", name="Mes programmes")).to_be_visible()
    page.goto(f"{live_server.url}/p/allo-service-public/poste/")
    page.get_by_label("Numéro de l'appelant").fill("06 12 34 56 78")
    page.get_by_label("Numéro de l'appelant").press("Enter")
    expect(page.locator("#knowledge-search")).to_be_visible()
    expect(page.locator("#answer-timer")).to_contain_text("moins de 180 s")
    expect(page.locator("#answer-timer .answer-timer-clock")).to_contain_text(" min ")  # ticking

    page.get_by_label("Question de l'appelant").press_sequentially("j'ai perdu ma carte d'identité", delay=15)
    top3 = page.locator("#knowledge-hits > li").filter(has=page.locator("p")).nth(2)
    expect(top3).to_be_visible()  # results came while typing (htmx), no submit
    ids = page.locator("#knowledge-hits > li").evaluate_all("els => els.slice(0, 3).map(e => e.dataset.sheet)")
    assert "F1344" in ids, ids
    hit = page.locator('#knowledge-hits > li[data-sheet="F1344"]')
    expect(hit).to_contain_text("vérifié le")
    check_page(page)

    hit.get_by_role("button", name="Copier dans les notes").click()
    expect(page.locator("#id_notes")).to_have_value(
        "Carte d'identité d'un majeur : en cas de perte — https://www.service-public.fr/particuliers/vosdroits/F1344"
    )
    hit.get_by_role("button", name="Réponse donnée").click()
    expect(page.locator("#knowledge-answers")).to_contain_text("Carte d'identité d'un majeur : en cas de perte")
    expect(page.locator("#answer-timer")).to_contain_text("Première réponse donnée en")
    expect(page.locator('#knowledge-hits > li[data-sheet="F1344"]')).to_contain_text("donnée")
    expect(page.locator("#id_notes")).to_have_value(re.compile("F1344"))  # only the panel was refreshed
    check_page(page)
    answer = AnswerGiven.objects.get()
    assert answer.sheet.sheet_id == "F1344" and answer.advisor.username == "conseiller1.allo"
    assert answer.query == "j'ai perdu ma carte d'identité" and answer.rank in {1, 2, 3}

    question = page.get_by_label("Question de l'appelant")
    question.fill("")
    question.press_sequentially("prime vélo électrique", delay=10)
    expect(page.locator("#knowledge-gap-form input[name=kq]")).to_have_value("prime vélo électrique")
    page.get_by_role("button", name="Pas trouvé : signaler aux rédacteurs").click()
    expect(page.locator("#knowledge-gap-reported")).to_be_visible()
    assert KnowledgeGap.objects.get().query == "prime vélo électrique"
    expect(page.locator("#id_notes")).to_have_value(re.compile("F1344"))

    page.goto(f"{live_server.url}/p/allo-service-public/contacts/{answer.contact_id}/?kq=carte+perdue")
    page.locator('#knowledge-hits > li[data-sheet="F1344"] a').first.click()
    expect(page.locator("#knowledge-sheet")).to_contain_text("déclaration de perte")
    page.screenshot(path=str(tmp_path / "knowledge-desk.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_given_the_public_information_supervisor_when_adding_a_synonym_then_listed_with_the_gaps(
    live_server: Any, page: Any, tmp_path: Path
) -> None:
    load_knowledge_demo(load_programmes())
    page.goto(f"{live_server.url}/connexion/")
    page.locator("#id_username").fill("superviseur.allo")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.get_by_role("heading", name="Mes programmes")).to_be_visible()
    page.goto(f"{live_server.url}/p/allo-service-public/connaissances/")
    expect(page.locator("#top-gaps")).to_contain_text("Aucune question signalée.")
    page.get_by_label("Ce que dit l'appelant").fill("Papy")
    page.get_by_label("Mots des fiches ajoutés à la recherche").fill("personne âgée")
    page.get_by_role("button", name="Enregistrer le synonyme").click()
    row = page.locator('#synonym-table tr[data-term="papy"]')
    expect(row).to_contain_text("ajouté pour ce programme")
    expect(page.locator('#synonym-table tr[data-term="cni"]')).to_contain_text("par défaut")
    page.screenshot(path=str(tmp_path / "knowledge-editors.png"), full_page=False)
    page.get_by_role("link", name="Délai de réponse (7 jours)").click()
    expect(page.locator("#answer-report tbody tr")).to_have_count(7)
    page.screenshot(path=str(tmp_path / "knowledge-report.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_given_a_supervisor_when_writing_an_article_then_preview_and_review_actions_shown(
    live_server: Any, page: Any, tmp_path: Path
) -> None:
    load_programmes()
    load_knowledge_demo()
    page.goto(f"{live_server.url}/connexion/")
    page.locator("#id_username").fill("superviseur.allo")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.get_by_role("heading", name="Mes programmes")).to_be_visible()
    page.goto(f"{live_server.url}/p/allo-service-public/connaissances/articles/")
    page.get_by_role("link", name="Nouvel article").click()
    page.locator("#id_title").fill("Carte perdue : notre consigne")
    page.get_by_label("Texte (Markdown)").fill("## Consigne\n\nOrienter vers une **mairie équipée**.")
    page.get_by_label("Fiches officielles liées").fill("F1344")
    page.get_by_role("button", name="Aperçu").click()
    expect(page.locator("#article-preview strong")).to_have_text("mairie équipée")
    page.get_by_role("button", name="Enregistrer une version").click()
    expect(page.locator("#article-status")).to_have_text("Brouillon")
    page.get_by_role("button", name="Envoyer en relecture").click()
    expect(page.locator("#article-status")).to_have_text("En relecture")
    page.get_by_role("button", name="Publier").click()
    expect(page.locator(".fr-alert, .fr-notice, [role=alert]").first).to_contain_text("propre modification")
    page.screenshot(path=str(tmp_path / "knowledge-article.png"), full_page=True)
