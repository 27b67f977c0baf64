"""The contact page is composed from the programme's capabilities (regression: the transport line's
provider search wrote false unmet needs into its report)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from plateau.contacts import services
from plateau.contacts.models import Contact
from plateau.demo.programmes import load_programmes
from plateau.directory.models import Activity, ProviderSearch, UnmetNeed
from plateau.directory.search import search_providers
from plateau.geo.models import Commune
from plateau.tenants.errors import CapabilityNotEnabled
from plateau.tenants.models import Programme, User
from tests.contacts import builders

pytestmark = pytest.mark.usefixtures("reference_data")


def _desk(slug: str, team: str = "") -> tuple[Programme, User, Client, Contact]:
    programme = Programme.objects.get(slug=slug)
    advisor = User.objects.get(username=f"conseiller1.{team or slug.split('-')[0]}")
    client = Client()
    client.force_login(advisor)
    contact = services.start_contact(programme=programme, advisor=advisor, channel="call", phone="0612345678")
    return programme, advisor, client, contact


@pytest.fixture
def demo(db: None) -> None:
    builders.demo_communes()
    load_programmes()


def _needing(contact: Contact) -> Contact:
    """A contact whose need was recorded anyway (a crafted post, a programme that lost the capability)."""
    contact.activity = Activity.objects.get(code="SAP06")
    contact.commune = Commune.objects.get(insee_code=builders.NEUILLY_PLAISANCE)
    contact.save(update_fields=["activity", "commune"])
    return contact


@pytest.mark.usefixtures("demo")
def test_given_transport_line_when_searching_providers_then_refused_and_no_unmet_need() -> None:
    programme, advisor, client, contact = _desk("transport-solidarite")
    assert "directory" not in programme.capability_codes()
    page = client.get(reverse("web:contact", args=[programme.slug, contact.pk])).content.decode()
    assert 'id="search-form"' not in page and 'id="need-form"' not in page and 'id="wrap-form"' in page
    assert "Alt+R" not in page

    _needing(contact)
    url = reverse("directory:search", args=[programme.slug, contact.pk])
    response = client.post(url, {"radius_km": "15"}, follow=True)
    assert "pas cette fonction du poste" in response.content.decode()
    need = reverse("directory:capture_need", args=[programme.slug, contact.pk])
    client.post(need, {"activity": contact.activity_id, "commune": "Neuilly-Plaisance", "need_date": ""})
    with pytest.raises(CapabilityNotEnabled):
        services.search_for_contact(contact, actor=advisor, radius_km=15)
    with pytest.raises(CapabilityNotEnabled):
        search_providers(
            programme=programme,
            actor=advisor,
            activity=contact.activity,
            commune=contact.commune,
            radius_km=15,
            on_date=contact.started_at.date(),
        )
    assert not UnmetNeed.objects.filter(programme=programme).exists()
    assert not ProviderSearch.objects.filter(programme=programme).exists()


@pytest.mark.usefixtures("demo")
def test_given_national_line_when_same_search_then_panel_shown_and_unmet_need_recorded() -> None:
    programme, _advisor, client, contact = _desk("sap-national")
    page = client.get(reverse("web:contact", args=[programme.slug, contact.pk])).content.decode()
    assert 'id="need-form"' in page and "Alt+B" in page and 'id="forward-link"' not in page
    _needing(contact)
    client.post(reverse("directory:search", args=[programme.slug, contact.pk]), {"radius_km": "15"})
    # No provider in the test directory: the national line's unmet need is real and recorded.
    assert UnmetNeed.objects.filter(programme=programme).count() == 1


@pytest.mark.usefixtures("demo")
def test_given_networks_platform_when_contact_page_then_directory_then_forwarding_panel() -> None:
    programme, _advisor, client, contact = _desk("reseaux-prestataires", team="sap")  # the shared team
    _needing(contact)
    page = client.get(reverse("web:contact", args=[programme.slug, contact.pk])).content.decode()
    assert page.index('id="need-form"') < page.index('id="forward-link"') < page.index('id="wrap-form"')
