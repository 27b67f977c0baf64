"""In headless Debian chromium: the transport line's advisor takes a call for MARTIN, files the application
(choosing the birth commune among the Neuilly), checks it through the fake API and grants a 3-month right."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from plateau.demo.programmes import DEMO_PASSWORD, load_programmes
from plateau.directory.activities import sync_activities
from plateau.directory.models import Activity
from plateau.domain.eligibility.rules import add_months
from plateau.eligibility.models import Application
from plateau.tenants.models import AuditEntry


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_given_the_transport_advisor_when_taking_martins_call_then_checked_through_the_api_and_granted(
    live_server: Any, page: Any, communes: None, fake_api: str, tmp_path: Path
) -> None:
    sync_activities(Activity)
    load_programmes()
    shots = os.environ.get("PLATEAU_SCREENSHOT_DIR", str(tmp_path))
    page.goto(f"{live_server.url}/connexion/")
    page.locator("#id_username").fill("conseiller1.transport")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.get_by_role("heading", name="Mes programmes")).to_be_visible()
    page.goto(f"{live_server.url}/p/transport-solidarite/poste/")
    page.get_by_label("Numéro de l'appelant").fill("06 12 34 56 78")
    page.get_by_label("Numéro de l'appelant").press("Enter")
    expect(page.locator("#eligibility-panel")).to_contain_text("Aucune demande liée à ce contact.")
    page.locator("#eligibility-new").click()

    page.locator("#id_birth_name").fill("Martin")
    page.locator("#id_first_names").fill("Samuel")
    page.locator("#id_birth_date").fill("1982-03-09")
    page.locator("#id_sex").select_option("M")
    page.locator("#id_birth_commune").fill("Neuilly")
    page.locator("#id_address_line").fill("12 rue de l'Exemple")
    page.locator("#id_postal_code").fill("93360")
    page.locator("#id_commune").fill("Neuilly")
    page.locator("#application-submit").click()
    # "Neuilly" is several communes: the advisor chooses, nothing is guessed.
    expect(page.locator("#birth_commune_insee-choices")).to_contain_text("Neuilly-sur-Seine (92)")
    expect(page.locator("#birth_commune_insee-choices")).to_contain_text("Neuilly-Plaisance (93)")
    page.screenshot(path=f"{shots}/eligibility-choose-commune.png", full_page=True)
    page.locator("label[for=birth_commune_insee-92051]").click()
    # "Neuilly" with the postal code 93360 is one commune, confirmed by the advisor as well.
    expect(page.locator("#commune_insee-choices")).to_contain_text("Neuilly-Plaisance (93) · 93360")
    page.locator("label[for=commune_insee-93049]").click()
    page.locator("#application-submit").click()

    expect(page.locator("#application-status")).to_have_text("Reçue")
    expect(page.locator("#application-number")).to_have_text(Application.objects.get().number)
    page.locator("#check-button").click()
    expect(page.locator("#application-status")).to_have_text("Vérifiée : éligible")
    expect(page.locator("#decision")).to_contain_text("Réduction de 100 % (gratuité) · droit de 3 mois")
    expect(page.locator("#decision-reasons")).to_contain_text("Solidarité Gratuité : bénéficiaire du RSA")
    expect(page.locator("#decision-rules")).to_contain_text("selon les règles en vigueur depuis le 01/01/2025")
    expect(page.locator("#consultations")).to_contain_text("revenu de solidarité active (CNAV) : réponse reçue")
    page.locator("#grant-button").click()
    expect(page.locator("#application-status")).to_have_text("Droit accordé")
    today = timezone.localdate()
    end = add_months(today, 3) - dt.timedelta(days=1)
    expect(page.locator("#right")).to_contain_text(f"Droit ouvert du {today:%d/%m/%Y} au {end:%d/%m/%Y}.")
    page.screenshot(path=f"{shots}/eligibility-granted.png", full_page=True)

    application = Application.objects.select_related("applicant").get()
    assert (application.applicant.birth_commune_insee, application.applicant.commune_insee) == ("92051", "93049")
    assert AuditEntry.objects.filter(action="eligibility.consulted", object_id=str(application.pk)).count() == 1
    page.get_by_text("Retour au contact").click()
    expect(page.locator("#eligibility-applications")).to_contain_text(f"Demande n° {application.number}")
    expect(page.locator("#eligibility-applications")).to_contain_text("Droit accordé")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_given_the_demo_when_the_transport_supervisor_opens_deadlines_then_martins_reminder_is_due(
    live_server: Any, page: Any, communes: None, tmp_path: Path
) -> None:
    from plateau.demo.loader import _load_programme

    sync_activities(Activity)
    programme = load_programmes()["transport-solidarite"]
    _load_programme("transport-solidarite", programme, [], seed=1, scale=0.01)
    martin = Application.objects.get(applicant__birth_name="MARTIN")
    assert martin.reminder_due_on is not None and martin.reminder_due_on <= timezone.localdate()
    page.goto(f"{live_server.url}/connexion/")
    page.locator("#id_username").fill("superviseur.transport")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("#id_password").press("Enter")
    url = "/p/transport-solidarite/solidarite-transport/echeances/"
    expect(page.locator(f'a[href="{url}"]').first).to_have_text("Échéances Solidarité Transport")  # in the menu
    page.goto(live_server.url + url)
    expect(page.locator("#reminders")).to_contain_text(martin.number)
    expect(page.locator("#reminders")).to_contain_text("dû")
    expect(page.locator("#expired")).to_contain_text("Aucun droit expiré récemment.")
    page.screenshot(path=os.environ.get("PLATEAU_SCREENSHOT_DIR", str(tmp_path)) + "/eligibility-deadlines.png")
