"""Tenant isolation matrix: no role of programme A reads or changes programme B through the UI or the API.

Every (role of A) x (endpoint of B) pair answers 404 or 403 — 404 wherever existence would leak — and
nothing in the database changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from plateau.contacts import blocking, services
from plateau.contacts.models import Caller, CallerBlock, Contact, DetailsGiven
from plateau.directory.models import Activity, ProviderSearch
from plateau.geo.access import commune_by_insee
from plateau.orientation.models import Orientation, Theme
from plateau.tenants.models import AuditEntry
from tests.contacts import builders

ROLES = ["advisor", "supervisor", "manager", "provider_user"]


@dataclass
class World:
    a: builders.Line
    b: builders.Line
    b_contact: Contact
    a_contact: Contact
    b_block: CallerBlock


@pytest.fixture
def world(reference_data: None) -> World:
    builders.demo_communes()
    a, b = builders.directory_line(providers=1), builders.directory_line(providers=2)
    b_contact = services.start_contact(programme=b.programme, advisor=b.advisor, channel="call", phone="0612345678")
    services.capture_need(
        b_contact,
        actor=b.advisor,
        activity=Activity.objects.get(code="SAP06"),
        commune=commune_by_insee(builders.NEUILLY_SUR_SEINE),
    )
    services.search_for_contact(b_contact, actor=b.advisor)
    a_contact = services.start_contact(programme=a.programme, advisor=a.advisor, channel="call", phone="0611111111")
    b_block = blocking.block_caller(actor=b.supervisor, programme=b.programme, phone="0633333333", days=3,
                                    reason="Canular")  # fmt: skip
    return World(a, b, b_contact, a_contact, b_block)


def _ui(name: str, slug: str, *args: object) -> str:
    return reverse(name if ":" in name else f"web:{name}", args=[slug, *args])


# (label, method, url builder, form or JSON body builder, is_api)
Endpoint = tuple[str, str, Any, Any, bool]
ENDPOINTS: list[Endpoint] = [
    ("ui desk read", "get", lambda w: _ui("desk", w.b.programme.slug), None, False),
    ("ui contact read", "get", lambda w: _ui("contact", w.b.programme.slug, w.b_contact.pk), None, False),
    ("ui contact via own slug", "get", lambda w: _ui("contact", w.a.programme.slug, w.b_contact.pk), None, False),
    ("ui supervision read", "get", lambda w: _ui("supervision", w.b.programme.slug), None, False),
    (
        "ui communes read",
        "get",
        lambda w: _ui("directory:commune_suggestions", w.b.programme.slug) + "?commune=Neuilly",
        None,
        False,
    ),
    (
        "ui start contact",
        "post",
        lambda w: _ui("desk", w.b.programme.slug),
        lambda w: {"channel": "call", "phone": "0622222222"},
        False,
    ),
    (
        "ui capture need",
        "post",
        lambda w: _ui("directory:capture_need", w.b.programme.slug, w.b_contact.pk),
        lambda w: {"activity": Activity.objects.get(code="SAP01").pk, "commune": "75056"},
        False,
    ),
    (
        "ui capture need via own slug",
        "post",
        lambda w: _ui("directory:capture_need", w.a.programme.slug, w.b_contact.pk),
        lambda w: {"activity": Activity.objects.get(code="SAP01").pk, "commune": "75056"},
        False,
    ),
    (
        "ui search",
        "post",
        lambda w: _ui("directory:search", w.b.programme.slug, w.b_contact.pk),
        lambda w: {"radius_km": "30"},
        False,
    ),
    (
        "ui give details",
        "post",
        lambda w: _ui("directory:give_details", w.b.programme.slug, w.b_contact.pk),
        lambda w: {"providers": [p.pk for p in w.b.providers], "consent": "on"},
        False,
    ),
    (
        "ui wrap up",
        "post",
        lambda w: _ui("wrap_up", w.b.programme.slug, w.b_contact.pk),
        lambda w: {"code": "nuisance_prank"},
        False,
    ),
    (
        "ui blocked callers read",
        "get",
        lambda w: reverse("contacts:caller_blocks", args=[w.b.programme.slug]),
        None,
        False,
    ),
    (
        "ui block a caller",
        "post",
        lambda w: reverse("contacts:caller_blocks", args=[w.b.programme.slug]),
        lambda w: {"phone": "0644444444", "days": "3", "reason": "Canular", "contact": w.b_contact.pk},
        False,
    ),
    (
        "ui lift a block",
        "post",
        lambda w: reverse("contacts:lift_caller_block", args=[w.b.programme.slug, w.b_block.pk]),
        lambda w: {"lift_reason": "x"},
        False,
    ),
    (
        "ui lift a block via own slug",
        "post",
        lambda w: reverse("contacts:lift_caller_block", args=[w.a.programme.slug, w.b_block.pk]),
        lambda w: {"lift_reason": "x"},
        False,
    ),
    ("ui voice menu read", "get", lambda w: reverse("ivr:editor", args=[w.b.programme.slug]), None, False),
    (
        "ui voice menu save",
        "post",
        lambda w: reverse("ivr:editor", args=[w.b.programme.slug]),
        lambda w: {"flow": json.dumps({"start": "fin", "nodes": {"fin": {"type": "hangup"}}})},
        False,
    ),
    ("ui voice menu publish", "post", lambda w: reverse("ivr:publish", args=[w.b.programme.slug]), None, False),
    (
        "ui orientation read",
        "get",
        lambda w: reverse("orientation:destinations", args=[w.b.programme.slug]),
        None,
        False,
    ),
    (
        "ui orientation add theme",
        "post",
        lambda w: reverse("orientation:destinations", args=[w.b.programme.slug]),
        lambda w: {"form": "theme", "theme-code": "intrus", "theme-label": "Intrus"},
        False,
    ),
    (
        "ui orient",
        "post",
        lambda w: reverse("orientation:orient", args=[w.b.programme.slug, w.b_contact.pk]),
        lambda w: {"destination": "1", "theme": "intrus", "mode": "number_given"},
        False,
    ),
    (
        "ui orient via own slug",
        "post",
        lambda w: reverse("orientation:orient", args=[w.a.programme.slug, w.b_contact.pk]),
        lambda w: {"destination": "1", "theme": "intrus", "mode": "number_given"},
        False,
    ),
    ("api get contact", "get", lambda w: f"/api/contacts/{w.b_contact.pk}", None, True),
    ("api today", "get", lambda w: f"/api/contacts/programmes/{w.b.programme.slug}/today", None, True),
    (
        "api create contact",
        "post",
        lambda w: f"/api/contacts/programmes/{w.b.programme.slug}",
        lambda w: {"channel": "call", "phone": "0622222222"},
        True,
    ),
    (
        "api wrap up",
        "post",
        lambda w: f"/api/contacts/{w.b_contact.pk}/wrap-up",
        lambda w: {"code": "nuisance_prank"},
        True,
    ),
]


def _snapshot(w: World) -> tuple[Any, ...]:
    contact = Contact.objects.values().get(pk=w.b_contact.pk)
    return (
        contact,
        Contact.objects.count(),
        Caller.objects.count(),
        DetailsGiven.objects.count(),
        ProviderSearch.objects.count(),
        AuditEntry.objects.count(),
        Theme.objects.count(),
        Orientation.objects.count(),
        list(CallerBlock.objects.values()),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_given_role_of_programme_a_when_reaching_programme_b_then_refused_and_nothing_changed(
    world: World, role: str, endpoint: Endpoint
) -> None:
    label, method, url_of, body_of, is_api = endpoint
    client = Client()
    client.force_login(getattr(world.a, role))
    before = _snapshot(world)
    url, body = url_of(world), body_of(world) if body_of else None
    if method == "get":
        response = client.get(url)
    elif is_api:
        response = client.post(url, json.dumps(body), content_type="application/json")
    else:
        response = client.post(url, body)
    assert response.status_code in (403, 404), f"{label}: {response.status_code}"
    content = response.content.decode()
    assert world.b.programme.name not in content and "+33612345678" not in content
    assert not any(p.legal_name in content for p in world.b.providers)
    assert _snapshot(world) == before


@pytest.mark.parametrize("role", ["supervisor", "manager", "provider_user"])
def test_given_non_advisor_role_when_starting_a_contact_in_own_programme_then_refused(world: World, role: str) -> None:
    client = Client()
    client.force_login(getattr(world.a, role))
    before = Contact.objects.count()
    ui = client.post(_ui("desk", world.a.programme.slug), {"channel": "call", "phone": "0622222222"})
    api = client.post(
        f"/api/contacts/programmes/{world.a.programme.slug}",
        json.dumps({"channel": "call", "phone": "0622222222"}),
        content_type="application/json",
    )
    assert (ui.status_code, api.status_code) == (404, 404)
    assert Contact.objects.count() == before


def test_given_provider_user_of_programme_a_when_reading_own_programme_contact_then_not_found(world: World) -> None:
    client = Client()
    client.force_login(world.a.provider_user)
    assert client.get(_ui("contact", world.a.programme.slug, world.a_contact.pk)).status_code == 404
    assert client.get(f"/api/contacts/{world.a_contact.pk}").status_code == 404


def test_given_each_staff_role_of_programme_a_when_reading_own_contact_then_allowed(world: World) -> None:
    """The matrix's control: the same requests succeed inside the user's own programme."""
    for role in ("advisor", "supervisor", "manager"):
        client = Client()
        client.force_login(getattr(world.a, role))
        assert client.get(_ui("contact", world.a.programme.slug, world.a_contact.pk)).status_code == 200
        assert client.get(f"/api/contacts/{world.a_contact.pk}").status_code == 200
    supervisor = Client()
    supervisor.force_login(world.a.supervisor)
    assert supervisor.get(f"/api/contacts/programmes/{world.a.programme.slug}/today").status_code == 200
    assert supervisor.get(_ui("supervision", world.a.programme.slug)).status_code == 200
