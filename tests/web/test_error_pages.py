"""Error answers a person can read: French DSFR pages with a way back, and the favicon browsers ask for."""

from __future__ import annotations

import pytest
from django.test import Client

from tests import factories


@pytest.mark.django_db
def test_given_an_unknown_page_then_a_french_page_with_a_way_back() -> None:
    client = Client()
    client.force_login(factories.advisor(factories.programme()))
    response = client.get("/p/nulle-part/poste/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Page non trouvée" in body and "Retour à mes programmes" in body and 'lang="fr"' in body
    assert "Not Found" not in body


def test_given_a_server_error_then_the_page_renders_without_the_request() -> None:
    from plateau.web.error_views import server_error

    response = server_error(None)  # type: ignore[arg-type]  # Django's handler500 contract; no request context
    assert response.status_code == 500 and "Erreur inattendue" in response.content.decode()


def test_given_a_browser_asking_for_favicon_ico_then_it_gets_the_dsfr_icon(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("dsfr/dist/favicon/favicon.ico")
