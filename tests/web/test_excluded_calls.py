"""Calls closed with a code excluded from the service indicators (nuisance, wrong number, silent, cut off) are
shown apart on the supervision page and the programme's report, and never counted among the service's codes."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from plateau.contacts import services
from plateau.contacts.access import wrap_up_summary
from tests import factories
from tests.contacts import builders


def _close(line: builders.Line, phone: str, code: str | None) -> None:
    contact = services.start_contact(programme=line.programme, advisor=line.advisor, channel="call", phone=phone)
    if code is not None:
        services.wrap_up(contact, actor=line.advisor, code=code)


def _rows(html: str, table_id: str) -> dict[str, str]:
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return dict(re.findall(r'data-code="([^"]+)"><td>[^<]*</td><td class="count">(\d+)</td>', table))


@pytest.mark.usefixtures("reference_data")
def test_given_nuisance_and_silent_calls_when_supervising_then_they_are_apart_and_not_counted_as_handled() -> None:
    builders.demo_communes()
    line = builders.directory_line()
    for phone, code in [
        ("0611111111", "information_only"),
        ("0622222222", "information_only"),
        ("0633333333", "silent_call"),
        ("0644444444", "wrong_number"),
        ("0655555555", "silent_call"),
        ("0666666666", None),  # still open
    ]:
        _close(line, phone, code)

    summary = wrap_up_summary(line.programme)
    assert [(c.code if c else None, n) for c, n in summary.service] == [("information_only", 2), (None, 1)]
    assert [(c.code, n) for c, n in summary.excluded] == [("silent_call", 2), ("wrong_number", 1)]
    assert (summary.handled, summary.excluded_total) == (2, 3)

    client = Client()
    client.force_login(line.supervisor)
    page = client.get(reverse("web:supervision", args=[line.programme.slug])).content.decode()
    assert _rows(page, "wrap-up-counts") == {"information_only": "2", "open": "1"}
    assert _rows(page, "excluded-calls") == {"silent_call": "2", "wrong_number": "1"}
    assert "Appels hors indicateurs de service : 3" in page and "Contacts clos avec un code du service : 2" in page
    assert "Appel muet" in page and "Erreur de numéro" in page  # words, not codes
    assert "Contacts créés le" in page and ": 6" in page  # every contact record still listed

    report = client.get(reverse("web:report", args=[line.programme.slug])).content.decode()
    assert _rows(report, "excluded-calls") == {"silent_call": "2", "wrong_number": "1"}
    assert "Appels hors indicateurs de service : 3" in report and "Contacts clos avec un code du service : 2" in report


@pytest.mark.usefixtures("reference_data")
def test_given_no_excluded_call_when_supervising_then_the_section_says_so() -> None:
    builders.demo_communes()
    line = builders.directory_line()
    _close(line, "0611111111", "information_only")
    client = Client()
    client.force_login(line.supervisor)
    page = client.get(reverse("web:supervision", args=[line.programme.slug])).content.decode()
    assert "Appels hors indicateurs de service : 0" in page and "Aucun appel parasite" in page
    assert _rows(page, "excluded-calls") == {}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data")
def test_given_excluded_calls_when_the_supervisor_opens_the_page_in_the_browser_then_they_read_apart(
    live_server: Any, page: Any, tmp_path: Any
) -> None:
    builders.demo_communes()
    line = builders.directory_line()
    for phone, code in [("0611111111", "information_only"), ("0633333333", "silent_call"), ("0644444444", "cut_off")]:
        _close(line, phone, code)
    page.goto(f"{live_server.url}/connexion/")
    page.locator("#id_username").fill(line.supervisor.username)
    page.locator("#id_password").fill(factories.PASSWORD)
    page.locator("#id_password").press("Enter")
    page.goto(f"{live_server.url}/p/{line.programme.slug}/supervision/")
    excluded = page.locator("#excluded-calls")
    expect(excluded).to_contain_text("Appels hors indicateurs de service : 2")
    expect(excluded.locator("tr[data-code=silent_call]")).to_contain_text("Appel muet")
    expect(page.locator("#handled-count")).to_have_text("Contacts clos avec un code du service : 1")
    expect(page.locator("#wrap-up-counts tr[data-code=cut_off]")).to_have_count(0)
    page.screenshot(path=os.environ.get("PLATEAU_SCREENSHOT_DIR", str(tmp_path)) + "/supervision.png", full_page=True)
