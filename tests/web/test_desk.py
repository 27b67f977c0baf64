"""The advisor desktop through plain form posts (no JavaScript): every step works without htmx."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from plateau.contacts.models import Contact, DetailsGiven
from plateau.directory.models import Activity
from tests import factories
from tests.contacts import builders

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.fixture
def line() -> builders.Line:
    builders.demo_communes()
    return builders.directory_line()


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _url(name: str, line: builders.Line, *args: object) -> str:
    return reverse(name if ":" in name else f"web:{name}", args=[line.programme.slug, *args])


def test_given_advisor_when_home_then_programmes_with_roles_and_desk_link(line: builders.Line) -> None:
    page = _client(line.advisor).get("/").content.decode()
    assert line.programme.name in page and "Conseiller" in page
    assert _url("desk", line) in page and _url("supervision", line) not in page


def test_given_invalid_phone_when_starting_call_then_french_message_on_field(line: builders.Line) -> None:
    response = _client(line.advisor).post(_url("desk", line), {"channel": "call", "phone": "06 12 34 56"})
    assert response.status_code == 200
    assert "10 chiffres" in response.content.decode()
    assert not Contact.objects.exists()


def test_given_plain_posts_when_advisor_handles_a_call_then_contact_closed_with_details_given(
    line: builders.Line,
) -> None:
    client = _client(line.advisor)
    response = client.post(_url("desk", line), {"channel": "call", "phone": "+33 6 12 34 56 78"})
    contact = Contact.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("contact", line, contact.pk)
    page = client.get(response["Location"]).content.decode()
    assert "+33612345678" in page and "Premier contact" in page

    activity = Activity.objects.get(code="SAP06").pk
    need = {"activity": activity, "commune": "Neuilly", "need_date": ""}
    ambiguous = client.post(_url("directory:capture_need", line, contact.pk), need).content.decode()
    assert "Plusieurs communes correspondent" in ambiguous
    assert builders.NEUILLY_SUR_SEINE in ambiguous and builders.NEUILLY_PLAISANCE in ambiguous
    assert "92200" in ambiguous and "93360" in ambiguous
    contact.refresh_from_db()
    assert contact.commune is None  # never resolved silently

    chosen = {**need, "candidate": builders.NEUILLY_SUR_SEINE, "candidates_for": "Neuilly"}
    response = client.post(_url("directory:capture_need", line, contact.pk), chosen)
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.commune_insee == builders.NEUILLY_SUR_SEINE
    # Re-submitting the need as displayed ("Neuilly-sur-Seine (92)") keeps the same commune.
    page = client.get(_url("contact", line, contact.pk)).content.decode()
    assert 'value="Neuilly-sur-Seine (92)"' in page
    client.post(_url("directory:capture_need", line, contact.pk), {**need, "commune": "Neuilly-sur-Seine (92)"})
    contact.refresh_from_db()
    assert contact.commune_insee == builders.NEUILLY_SUR_SEINE

    assert client.post(_url("directory:search", line, contact.pk), {"radius_km": "15"}).status_code == 302
    page = client.get(_url("contact", line, contact.pk)).content.decode()
    assert all(str(p) in page for p in line.providers) and " km" in page

    no_consent = client.post(_url("directory:give_details", line, contact.pk), {"providers": [line.providers[0].pk]})
    assert "consentement" in no_consent.content.decode() and not DetailsGiven.objects.exists()
    response = client.post(
        _url("directory:give_details", line, contact.pk), {"providers": [line.providers[0].pk], "consent": "on"}
    )
    assert response.status_code == 302 and DetailsGiven.objects.filter(contact=contact).count() == 1

    missing_code = client.post(_url("wrap_up", line, contact.pk), {"code": "", "notes": ""})
    assert "Choisissez un code de clôture" in missing_code.content.decode()
    response = client.post(_url("wrap_up", line, contact.pk), {"code": "details_given", "notes": "RAS"})
    assert response.status_code == 302 and response["Location"] == _url("desk", line)
    contact.refresh_from_db()
    assert (contact.status, contact.wrap_up.code, contact.notes) == ("closed", "details_given", "RAS")

    supervision = _client(line.supervisor).get(_url("supervision", line)).content.decode()
    assert "+33612345678" in supervision and "Coordonnées de prestataires données" in supervision


def test_given_unknown_postal_code_when_capturing_need_then_message_on_commune(line: builders.Line) -> None:
    client = _client(line.advisor)
    contact = Contact.objects.create(
        programme=line.programme, channel="letter", advisor=line.advisor, started_at="2026-11-26T10:00Z"
    )
    activity = Activity.objects.get(code="SAP06").pk
    page = client.post(
        _url("directory:capture_need", line, contact.pk), {"activity": activity, "commune": "99999"}
    ).content.decode()
    assert "fr-input-group--error" in page or "fr-error-text" in page
    contact.refresh_from_db()
    assert contact.commune is None


def test_given_programme_of_another_organisation_when_opening_desk_then_404(line: builders.Line) -> None:
    other = factories.programme()
    assert _client(line.advisor).get(reverse("web:desk", args=[other.slug])).status_code == 404


def test_given_caller_called_before_when_calling_again_then_desktop_lists_previous_contact(line: builders.Line) -> None:
    client = _client(line.advisor)
    client.post(_url("desk", line), {"channel": "call", "phone": "06 12 34 56 78"})
    first = Contact.objects.get()
    client.post(_url("wrap_up", line, first.pk), {"code": "transferred_urssaf"})
    response = client.post(_url("desk", line), {"channel": "call", "phone": "+33612345678"})
    page = client.get(response["Location"]).content.decode()
    assert "Transféré à l&#x27;URSSAF" in page or "Transféré à l'URSSAF" in page
    assert "Premier contact" not in page


def test_given_letter_when_started_from_desktop_then_contact_without_caller(line: builders.Line) -> None:
    client = _client(line.advisor)
    response = client.post(_url("desk", line), {"channel": "letter", "correspondent": "Mme Durand, 23000 Guéret"})
    contact = Contact.objects.get()
    assert response.status_code == 302 and contact.caller is None and contact.channel == "letter"
    assert "Mme Durand" in client.get(response["Location"]).content.decode()


def test_given_call_without_number_when_started_from_desktop_then_message_on_phone(line: builders.Line) -> None:
    page = _client(line.advisor).post(_url("desk", line), {"channel": "call", "phone": ""}).content.decode()
    assert "Un appel doit avoir le numéro de l&#x27;appelant" in page
    assert not Contact.objects.exists()


def test_given_advisor_typing_a_homonym_when_suggestions_requested_then_candidates_with_postal_codes(
    line: builders.Line,
) -> None:
    page = _client(line.advisor).get(_url("directory:commune_suggestions", line) + "?commune=Neuilly").content.decode()
    assert f'value="{builders.NEUILLY_SUR_SEINE}"' in page and f'value="{builders.NEUILLY_PLAISANCE}"' in page
    assert "92200" in page and "Hauts-de-Seine" in page


def test_given_candidate_listed_for_another_text_when_capturing_need_then_the_typed_commune_wins(
    line: builders.Line,
) -> None:
    client = _client(line.advisor)
    client.post(_url("desk", line), {"channel": "call", "phone": "0612345678"})
    contact = Contact.objects.get()
    stale = {
        "activity": Activity.objects.get(code="SAP07").pk,
        "commune": "87085",
        "candidate": builders.NEUILLY_SUR_SEINE,
        "candidates_for": "Neuilly",
    }
    assert client.post(_url("directory:capture_need", line, contact.pk), stale).status_code == 302
    contact.refresh_from_db()
    assert contact.commune_insee == "87085"


def test_given_colleague_advisor_when_reading_an_open_contact_then_no_forms_to_change_it(line: builders.Line) -> None:
    owner = _client(line.advisor)
    owner.post(_url("desk", line), {"channel": "call", "phone": "0612345678"})
    contact = Contact.objects.get()
    colleague = factories.advisor(line.programme)
    page = _client(colleague).get(_url("contact", line, contact.pk)).content.decode()
    assert "+33612345678" in page and 'id="wrap-form"' not in page and 'id="need-form"' not in page
    assert 'id="wrap-form"' in owner.get(_url("contact", line, contact.pk)).content.decode()
    assert _client(colleague).post(_url("wrap_up", line, contact.pk), {"code": "silent_call"}).status_code == 403
