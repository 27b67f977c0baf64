"""Issue 18 item 12: notes are capped (a pasted e-mail thread made a contact page take 16 s to show), staffing
pages answer a question asked again from the cache and show that a long computation is running."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from plateau.contacts import services
from plateau.contacts.errors import NotesTooLong
from plateau.contacts.services import NOTES_MAX_CHARS
from tests import factories
from tests.contacts import builders
from tests.wfm.test_pages import TEXTBOOK

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def line() -> builders.Line:
    builders.demo_communes()
    return builders.directory_line()


def test_given_notes_over_the_limit_when_wrapping_up_then_refused_with_the_reason_and_the_contact_stays_open(
    line: builders.Line,
) -> None:
    contact = services.start_contact(programme=line.programme, advisor=line.advisor, channel="call", phone="0612345678")
    too_long = "Le client a lu son courriel au téléphone. " * 200
    assert len(too_long) > NOTES_MAX_CHARS
    with pytest.raises(NotesTooLong):
        services.wrap_up(contact, actor=line.advisor, code="details_given", notes=too_long)
    client = Client()
    client.force_login(line.advisor)
    url = reverse("web:wrap_up", args=[line.programme.slug, contact.pk])
    page = client.post(url, {"code": "details_given", "notes": too_long})
    assert page.status_code == 200 and "4000" in page.content.decode().replace("\u202f", "").replace(" ", "")
    contact.refresh_from_db()
    assert contact.status == "open" and contact.notes == ""
    fits = too_long[:NOTES_MAX_CHARS]
    assert client.post(url, {"code": "details_given", "notes": fits}).status_code == 302
    started = time.perf_counter()
    shown = client.get(reverse("web:contact", args=[line.programme.slug, contact.pk]))
    assert shown.status_code == 200 and fits.strip()[:200] in shown.content.decode()
    assert time.perf_counter() - started < 10  # generous: it takes milliseconds


def test_given_a_staffing_question_asked_twice_then_the_second_answer_comes_from_the_cache() -> None:
    programme = factories.programme()
    client = Client()
    client.force_login(factories.supervisor(programme))
    cache.clear()
    url = reverse("wfm:staffing", args=[programme.slug])
    first = client.get(url, TEXTBOOK).content.decode()
    assert 'id="wfm-progress"' in first and "Calcul en cours" in first and "<td>29</td>" in first
    keys = list(cache._cache.keys())  # type: ignore[attr-defined]  # the local-memory cache of the process
    assert len(keys) == 1
    again = client.get(url, TEXTBOOK).content.decode()
    assert "<td>29</td>" in again and list(cache._cache.keys()) == keys  # type: ignore[attr-defined]
    client.get(url, TEXTBOOK | {"aht": "300"})  # another question: another entry
    assert len(cache._cache) == 2  # type: ignore[attr-defined]
