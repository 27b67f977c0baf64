"""Issue 16, item 8: each 500 the API fuzzing found, reproduced — now a 4xx with a clear message — and the error
answers documented in the OpenAPI document."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from plateau.contacts.models import Contact
from plateau.directory.models import AbsencePeriod
from tests.leads import builders
from tests.leads.conftest import reference_data  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
HUGE = "99999999999999999999"


@pytest.fixture
def net() -> builders.Network:
    return builders.network(providers=1)


def _as(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _post(c: Client, url: str, data: dict[str, Any]) -> Any:
    return c.post(url, json.dumps(data), content_type="application/json")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"channel": "fax", "phone": "0612345678"}, "channel"),
        ({"channel": "call", "phone": "0612345678", "caller_name": "x" * 100_000}, "caller_name"),
        ({"channel": "call", "phone": "0612345678", "caller_name": "Mme\x00Durand"}, "caller_name"),
        ({"channel": "letter", "correspondent": "a" * 251}, "correspondent"),
    ],
)
def test_given_bad_contact_fields_then_422_naming_the_field_and_nothing_stored(
    net: builders.Network, data: dict[str, Any], field: str
) -> None:
    answer = _post(_as(net.advisor), f"/api/contacts/programmes/{net.programme.slug}", data)
    body = answer.json()
    assert answer.status_code == 422 and body["error_id"] == "invalid_request" and field in body["message"]
    assert [e["champ"] for e in body["details"]["errors"]] == [f"body.payload.{field}"]
    assert not Contact.objects.filter(programme=net.programme).exists()


@pytest.mark.parametrize(
    "url",
    [
        f"/api/contacts/{HUGE}",
        "/api/contacts/0",
        f"/api/programmes/{{slug}}/providers?offset={HUGE}",
        "/api/programmes/{slug}/providers?offset=-1",
        f"/api/programmes/{{slug}}/providers/{HUGE}",
        "/api/programmes/{slug}/providers?network=a%00b",
        "/api/geo/communes?q=Par%00is",
    ],
)
def test_given_out_of_range_ids_offsets_or_nul_bytes_then_422(net: builders.Network, url: str) -> None:
    answer = _as(net.supervisor).get(url.format(slug=net.programme.slug))
    assert answer.status_code == 422 and answer.json()["message"].startswith("Requête invalide")


def test_given_an_unauthenticated_hook_with_a_huge_provider_id_then_422() -> None:
    answer = Client().post(f"/api/leads/hooks/{HUGE}", b"{}", content_type="application/json")
    assert answer.status_code == 422


def test_given_an_unknown_outcome_then_422(net: builders.Network) -> None:
    answer = _post(
        _as(net.provider_users[0]), f"/api/leads/programmes/{net.programme.slug}/1/outcome", {"outcome": "x"}
    )
    assert answer.status_code == 422 and "outcome" in answer.json()["message"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"capacity_per_week": "1e23"}, "nombre entier"),
        ({"capacity_per_week": "100000000000000000000000"}, "inférieure ou égale à 10000"),
        ({"absence_start": "2026-07-10", "absence_end": "2026-07-01"}, "La fin de l&#x27;absence précède son début."),
    ],
)
def test_given_bad_availability_then_said_on_the_form_and_nothing_stored(
    net: builders.Network, data: dict[str, str], message: str
) -> None:
    page = reverse("leads:availability", args=[net.programme.slug])
    answer = _as(net.provider_users[0]).post(page, {"accepting_new_clients": "on", **data})
    assert answer.status_code == 200 and message in answer.content.decode()
    assert not AbsencePeriod.objects.filter(provider=net.providers[0]).exists()


def test_openapi_documents_the_error_answers_of_every_operation() -> None:
    schema = Client().get("/api/openapi.json").json()
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"status", "error_id", "message"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"400", "403", "404", "422"} <= set(operation["responses"]), (method, path)
            assert ("401" in operation["responses"]) == bool(operation.get("security")), (method, path)
