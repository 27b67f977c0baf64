"""End to end in headless Debian chromium: the advisor gives details and records the caller's consent to a
follow-up; the sweep sends the link three days later; the caller answers on the public page (no login); the
supervisor reads the result on the report and on the provider's quality page."""

from __future__ import annotations

import datetime as dt
import os
import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from plateau.contacts import services as contacts
from plateau.contacts.models import WrapUpCode
from plateau.contacts.wrap_up_codes import seed_wrap_up_codes
from plateau.directory.activities import sync_activities
from plateau.directory.models import Activity
from plateau.followup.models import FollowUp, Status
from plateau.geo.access import commune_by_insee
from plateau.services.scheduler import sweep_once
from tests import factories
from tests.contacts import builders as cb


def _log_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/connexion/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.locator("#id_password").press("Enter")
    expect(page.get_by_role("heading", name="Mes programmes")).to_be_visible()


def _choose(page: Any, label: str) -> None:
    """Tick a DSFR radio button by clicking its label, as a person does (the label covers the input)."""
    radio = page.get_by_label(label, exact=True)
    page.locator(f"label[for={radio.get_attribute('id')}]").click()
    expect(radio).to_be_checked()


def _shot(page: Any, name: str) -> None:
    folder = os.environ.get("PLATEAU_FOLLOWUP_SCREENSHOTS", "")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_given_consent_on_the_desk_when_the_caller_answers_the_link_then_supervisor_sees_it_per_provider(
    live_server: Any, open_page: Any
) -> None:
    sync_activities(Activity)
    seed_wrap_up_codes(WrapUpCode)
    cb.demo_communes()
    line = cb.directory_line(providers=3)
    base, slug = live_server.url, line.programme.slug
    contact = contacts.start_contact(programme=line.programme, advisor=line.advisor, channel="call", phone="0612345678")
    contacts.capture_need(
        contact,
        actor=line.advisor,
        activity=Activity.objects.get(code="SAP06"),
        commune=commune_by_insee(cb.NEUILLY_SUR_SEINE),
    )
    contacts.search_for_contact(contact, actor=line.advisor)

    # The advisor gives two providers' details, then the follow-up panel asks the caller's consent.
    advisor = open_page()
    _log_in(advisor, base, line.advisor.username)
    advisor.goto(f"{base}/p/{slug}/contacts/{contact.pk}/")
    expect(advisor.locator("#followup-panel")).to_have_count(0)  # nothing to follow before details are given
    boxes = advisor.locator("#providers tbody input[type=checkbox]")
    for i in (0, 1):  # from the keyboard, as an advisor does (tests/web/test_e2e_advisor_flow.py)
        boxes.nth(i).focus()
        advisor.keyboard.press("Space")
        expect(boxes.nth(i)).to_be_checked()
    advisor.locator("label[for=consent]").click()
    advisor.get_by_role("button", name="Donner les coordonnées").click()
    expect(advisor.locator("#details-given li")).to_have_count(2)
    panel = advisor.locator("#followup-panel")
    expect(panel).to_contain_text("effacée dès la réponse")
    advisor.get_by_label("Adresse électronique de l'appelant").fill("jeanne.martin@exemple.fr")
    advisor.locator("#followup-submit").click()  # without the caller's consent: refused, address kept
    expect(advisor.locator("#followup-form")).to_contain_text("Sans le consentement de l'appelant")
    expect(advisor.get_by_label("Adresse électronique de l'appelant")).to_have_value("jeanne.martin@exemple.fr")
    advisor.locator("label[for=id_followup-consent]").click()
    advisor.locator("#followup-submit").click()
    expect(advisor.locator("#followup-status")).to_contain_text("Envoi du questionnaire par courriel prévu le")
    _shot(advisor, "desk-panel")
    followup = FollowUp.objects.get()

    # Three days later at 10:00 the scheduler's tick sends the link once; a second tick sends nothing.
    due = followup.due_at + dt.timedelta(minutes=1)
    assert sweep_once(due).followups.sent == 1
    assert sweep_once(due + dt.timedelta(minutes=1)).followups.sent == 0
    assert len(mail.outbox) == 1
    link = re.search(r"http://[^/\s]+(/suivi/[A-Za-z0-9_-]+/)", mail.outbox[0].body)
    assert link

    # The caller opens the link (no login), forgets to say which provider came, then answers.
    caller = open_page()
    caller.goto(base + link.group(1))
    expect(caller.get_by_role("heading", level=1)).to_have_text("Votre mise en relation avec un prestataire")
    expect(caller.locator("#survey-providers li")).to_have_count(2)
    _choose(caller, "Oui")
    _choose(caller, "5")
    caller.get_by_label("Un commentaire ? (facultatif)").fill("Venu le lendemain, travail soigné")
    caller.locator("#survey-submit").click()
    expect(caller.get_by_role("alert")).to_contain_text("pas encore enregistrée")
    expect(caller.locator("#survey-form")).to_contain_text("Indiquez quel prestataire est venu.")
    expect(caller.get_by_label("Un commentaire ? (facultatif)")).to_have_value("Venu le lendemain, travail soigné")
    came = followup.providers.order_by("pk").first()
    assert came is not None
    _choose(caller, str(came))
    expect(caller.get_by_label("Oui", exact=True)).to_be_checked()  # what the caller chose is kept
    _choose(caller, "5")
    _shot(caller, "survey")
    caller.locator("#survey-submit").click()
    expect(caller.locator("#survey-done")).to_contain_text("Votre réponse est enregistrée")
    row = FollowUp.objects.get()
    assert (row.status, row.came_provider_id, row.satisfaction, row.address) == (Status.ANSWERED, came.pk, 5, "")
    caller.goto(base + link.group(1))  # the link is used: a clear page, not the form again
    expect(caller.locator("#survey-closed")).to_contain_text("déjà été enregistrée")

    # The supervisor sees it on the report (with the caller's words) and on the provider's quality page.
    supervisor = open_page()
    _log_in(supervisor, base, line.supervisor.username)
    supervisor.goto(f"{base}/p/{slug}/rapport/")
    report = supervisor.locator("#followup-report")
    expect(report).to_contain_text("Suivi des mises en relation")
    expect(report.locator("#followup-months tbody tr")).to_have_count(1)
    expect(report.locator("#followup-comments")).to_contain_text("travail soigné")
    expect(report.locator(f"#followup-providers tr[data-provider='{came.pk}']")).to_contain_text("100 %")
    _shot(supervisor, "report")
    report.locator("#followup-providers").get_by_role("link", name=str(came)).click()
    expect(supervisor.locator("#followup-satisfaction")).to_have_text("5,0 / 5")
    expect(supervisor.locator("#followup-came")).to_have_text("100 %")
    expect(supervisor.locator("#followup-provider")).not_to_contain_text("travail soigné")
    _shot(supervisor, "provider-quality")
