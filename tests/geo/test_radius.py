"""Radius search over the commune table: nearest first, same answer as brute force, fresh after an import."""

from __future__ import annotations

from pathlib import Path

import pytest

from plateau.domain.geo import haversine_km
from plateau.geo.access import commune_by_insee, communes_within, resolve_commune
from plateau.geo.catalogue import mark_geodata_changed
from plateau.geo.errors import CommuneWithoutCoordinates
from plateau.geo.importing import ImportReport
from plateau.geo.models import Commune, CommuneType
from plateau.geo.services import import_communes
from tests.geo import builders

HUBS = ["69381", "87085", "35238", "59350", "31555", "33063", "44109", "75104", "23096"]


@pytest.mark.django_db
@pytest.mark.parametrize("insee", HUBS)
def test_given_demo_hub_when_searching_15_km_then_several_communes_nearest_first(
    demo_communes: ImportReport, insee: str
) -> None:
    centre = commune_by_insee(insee)
    found = communes_within(centre, 15)
    assert found[0] == (centre.pk, 0.0)
    assert len(found) >= 5
    assert [km for _, km in found] == sorted(km for _, km in found)
    assert all(km <= 15 for _, km in found)


@pytest.mark.django_db
@pytest.mark.parametrize(("insee", "radius"), [("23096", 20.0), ("75104", 5.0), ("92051", 12.0), ("97411", 30.0)])
def test_radius_search_agrees_with_brute_force_over_the_table(
    demo_communes: ImportReport, insee: str, radius: float
) -> None:
    centre = commune_by_insee(insee)
    assert centre.latitude is not None and centre.longitude is not None
    expected = {
        c.pk
        for c in Commune.objects.exclude(latitude=None).exclude(commune_type=CommuneType.COMD)
        if haversine_km(centre.latitude, centre.longitude, c.latitude, c.longitude) <= radius  # type: ignore[arg-type]
    }
    assert {pk for pk, _ in communes_within(centre, radius)} == expected


@pytest.mark.django_db
def test_neuilly_plaisance_is_18_km_from_neuilly_sur_seine(demo_communes: ImportReport) -> None:
    seine, plaisance = resolve_commune("Neuilly-sur-Seine").unique, resolve_commune("Neuilly-Plaisance").unique
    assert seine is not None and plaisance is not None
    assert plaisance.pk not in dict(communes_within(seine, 15))
    assert dict(communes_within(seine, 20))[plaisance.pk] == pytest.approx(18.2, abs=0.5)


@pytest.mark.django_db
def test_given_commune_deleguee_as_centre_when_searching_then_its_own_point_is_used(
    demo_communes: ImportReport,
) -> None:
    delegated = resolve_commune("Neuilly-lès-Dijon").unique
    assert delegated is not None and delegated.commune_type == CommuneType.COMD
    found = communes_within(delegated, 5)
    assert commune_by_insee("21452").pk in dict(found)
    assert delegated.pk not in dict(found)  # communes déléguées are never results


@pytest.mark.django_db
def test_given_commune_without_coordinates_when_searching_then_clear_error(demo_communes: ImportReport) -> None:
    with pytest.raises(CommuneWithoutCoordinates) as info:
        communes_within(commune_by_insee("85165"), 10)
    assert info.value.error_id == "commune_without_coordinates"


@pytest.mark.django_db
def test_given_index_in_memory_when_import_moves_and_adds_communes_then_next_search_sees_them(
    tmp_path: Path,
) -> None:
    header = "insee_com,insee_reg,insee_dep,commune,commune_article,code_postal,commune_type,lat,lng,population_2021"
    path = tmp_path / "communes.csv"
    path.write_text(
        f"{header}\n23096,75,23,Guéret,Guéret,23000,COM,46.1717,1.871,12854\n"
        "23177,75,23,Sainte-Feyre,Sainte-Feyre,23000,COM,46.1392,1.9156,2422\n",
        encoding="utf-8",
    )
    import_communes(path)
    gueret = commune_by_insee("23096")
    assert len(communes_within(gueret, 10)) == 2
    # Sainte-Feyre "moves" 100 km away and a new commune appears next to Guéret.
    path.write_text(
        f"{header}\n23096,75,23,Guéret,Guéret,23000,COM,46.1717,1.871,12854\n"
        "23177,75,23,Sainte-Feyre,Sainte-Feyre,23000,COM,47.1392,1.9156,2422\n"
        "23176,75,23,Saint-Fiel,Saint-Fiel,23000,COM,46.2000,1.8800,1000\n",
        encoding="utf-8",
    )
    import_communes(path)
    assert [commune_by_insee(c).pk for c in ("23096", "23176")] == [pk for pk, _ in communes_within(gueret, 10)]


@pytest.mark.django_db
def test_given_commune_written_directly_when_marked_changed_then_search_sees_it(demo_communes: ImportReport) -> None:
    gueret = commune_by_insee("23096")
    before = dict(communes_within(gueret, 3))
    added = builders.commune("Hameau-de-Test", latitude=46.18, longitude=1.87)
    assert added.pk in dict(communes_within(gueret, 3)) and added.pk not in before
    Commune.objects.filter(pk=added.pk).update(latitude=47.5)
    mark_geodata_changed()
    assert added.pk not in dict(communes_within(gueret, 3))
