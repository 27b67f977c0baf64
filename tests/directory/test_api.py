"""The directory's JSON API through Django's test client (session auth), incl. cross-programme attempts."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from plateau.directory.models import ProviderSearch, ProviderUser, UnmetNeed
from plateau.tenants.models import Role
from tests import factories
from tests.directory import builders as b

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def _post(c: Client, url: str, body: dict[str, object]):  # type: ignore[no-untyped-def]
    return c.post(url, json.dumps(body), content_type="application/json")


def test_activities_list_the_26_official_ones() -> None:
    c = _client(factories.advisor(factories.programme()))
    body = c.get("/api/activities").json()
    assert len(body) == 26
    assert body[5] == {
        "code": "SAP06",
        "label_fr": "Entretien de la maison et travaux ménagers",
        "label_en": "Housekeeping and cleaning",
        "regime": "declaration",
        "family": "vie_quotidienne",
    }


def test_anonymous_is_refused() -> None:
    assert Client().get("/api/activities").status_code == 401


def test_given_advisor_when_listing_and_reading_providers_then_only_own_programme() -> None:
    org = factories.organisation()
    mine, other = factories.programme(org), factories.programme(org)
    adv = factories.advisor(mine)
    gueret = b.commune("23096")
    p = b.provider(mine, gueret, activities=("SAP06", "SAP07"), quality=81, phone="+33555000000")
    b.provider(mine, gueret, activities=("SAP16",))
    foreign = b.provider(other, gueret)
    c = _client(adv)

    listed = c.get(f"/api/programmes/{mine.slug}/providers", {"activity": "SAP07"}).json()
    assert [x["id"] for x in listed] == [p.pk]
    assert listed[0]["commune_insee"] == "23096" and listed[0]["siret"] == p.siret

    detail = c.get(f"/api/programmes/{mine.slug}/providers/{p.pk}").json()
    assert {s["activity"] for s in detail["statuses"]} == {"SAP06", "SAP07"}
    assert detail["areas"] == [{"kind": "radius", "commune_insee": None, "department_code": "", "radius_km": 30.0}]
    assert detail["audits"][0]["score"] == 81

    # Another programme's provider, through my programme or through theirs: 404, never 403.
    r1 = c.get(f"/api/programmes/{mine.slug}/providers/{foreign.pk}")
    r2 = c.get(f"/api/programmes/{other.slug}/providers/{foreign.pk}")
    r3 = c.get(f"/api/programmes/{other.slug}/providers")
    assert (r1.status_code, r2.status_code, r3.status_code) == (404, 404, 404)
    assert r1.json()["error_id"] == "not_found"


def test_given_provider_user_then_sees_only_its_own_provider() -> None:
    prog = factories.programme()
    gueret = b.commune("23096")
    own, other = b.provider(prog, gueret), b.provider(prog, gueret)
    u = factories.user((prog, Role.PROVIDER_USER))
    ProviderUser.objects.create(user=u, provider=own)
    c = _client(u)
    assert [x["id"] for x in c.get(f"/api/programmes/{prog.slug}/providers").json()] == [own.pk]
    assert c.get(f"/api/programmes/{prog.slug}/providers/{other.pk}").status_code == 404
    # Provider users do not run searches for callers.
    r = _post(c, f"/api/programmes/{prog.slug}/provider-searches", {"activity": "SAP06", "commune": "23096"})
    assert r.status_code == 404


def test_given_advisor_when_searching_then_matches_with_distances_and_search_recorded() -> None:
    prog = factories.programme()
    adv = factories.advisor(prog)
    gueret, feyre = b.commune("23096"), b.commune("23193")
    p = b.provider(prog, feyre)
    c = _client(adv)
    r = _post(
        c,
        f"/api/programmes/{prog.slug}/provider-searches",
        {"activity": "sap06", "commune": "23096", "radius_km": 15, "on_date": "2026-06-15"},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["result_count"] == 1 and body["unmet_need_id"] is None
    assert body["matches"][0]["rank"] == 1
    assert body["matches"][0]["provider"]["id"] == p.pk
    assert body["matches"][0]["distance_km"] == pytest.approx(3.0, abs=0.2)
    search = ProviderSearch.objects.get(pk=body["search_id"])
    assert (search.actor, search.commune, search.on_date) == (adv, gueret, dt.date(2026, 6, 15))


def test_given_nothing_near_when_searching_then_unmet_need_id_returned() -> None:
    prog = factories.programme()
    b.commune("23096")
    r = _post(
        _client(factories.advisor(prog)),
        f"/api/programmes/{prog.slug}/provider-searches",
        {"activity": "SAP01", "commune": "23096"},
    )
    assert r.status_code == 201
    assert r.json()["unmet_need_id"] == UnmetNeed.objects.get(programme=prog).pk


@pytest.mark.parametrize(
    ("body", "status", "error_id"),
    [
        ({"activity": "SAP99", "commune": "23096"}, 400, "unknown_activity"),
        ({"activity": "SAP06", "commune": "23999"}, 404, "not_found"),
        ({"activity": "SAP06", "commune": "99999"}, 400, "invalid_insee_code"),
        ({"activity": "SAP06", "commune": "23096", "radius_km": 500}, 422, None),
    ],
)
def test_given_bad_search_input_then_clear_error(body: dict[str, object], status: int, error_id: str | None) -> None:
    prog = factories.programme()
    b.commune("23096")
    r = _post(_client(factories.advisor(prog)), f"/api/programmes/{prog.slug}/provider-searches", body)
    assert r.status_code == status, r.content
    if error_id:
        assert r.json()["error_id"] == error_id
    assert not ProviderSearch.objects.exists()


def test_given_advisor_of_another_programme_when_searching_then_404_and_nothing_recorded() -> None:
    org = factories.organisation()
    mine, other = factories.programme(org), factories.programme(org)
    b.provider(other, b.commune("23096"))
    r = _post(
        _client(factories.advisor(mine)),
        f"/api/programmes/{other.slug}/provider-searches",
        {"activity": "SAP06", "commune": "23096"},
    )
    assert r.status_code == 404
    assert not ProviderSearch.objects.exists()
