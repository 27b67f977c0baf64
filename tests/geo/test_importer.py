"""Import of the official CSV format: counts, idempotence, updates, bad rows reported with their reason."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from plateau.geo.errors import GeoImportError
from plateau.geo.importing import ImportReport
from plateau.geo.models import Commune, Department, PostalCode, Region
from plateau.geo.services import DEMO_COMMUNES_CSV, DEMO_FIXTURE_DIR, import_communes, load_demo_communes
from plateau.tenants.models import AuditEntry

HEADER = (
    "insee_com,insee_reg,insee_dep,commune,commune_article,code_postal,commune_type,insee_parente,lat,lng,"
    "superficie_km2,population_2021"
)


def _write(tmp_path: Path, *rows: str, name: str = "communes.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _fixture_rows() -> int:
    with DEMO_COMMUNES_CSV.open(encoding="utf-8") as f:
        return sum(1 for _ in csv.DictReader(f))


@pytest.mark.django_db
def test_given_empty_tables_when_loading_demo_then_every_row_is_imported_or_reported(
    demo_communes: ImportReport,
) -> None:
    r = demo_communes
    assert r.rows_read == _fixture_rows()
    assert r.skipped == []
    assert r.communes_created == Commune.objects.count() > 300
    assert PostalCode.objects.count() == r.postal_codes_created == r.rows_read  # one row per (commune, postal code)
    assert Department.objects.filter(code="23", name="Creuse", region_code="75").exists()
    assert Region.objects.filter(code="11", name="Île-de-France").exists()
    # L'Oie (85165) has no coordinates in the official file: kept, flagged, out of radius searches.
    assert [(i.insee_code, "sans coordonnées" in i.reason) for i in r.flagged] == [("85165", True)]
    oie = Commune.objects.get(insee_code="85165")
    assert oie.latitude is None and not oie.has_coordinates
    assert AuditEntry.objects.filter(action="geo.communes_imported").count() == 1


@pytest.mark.django_db
def test_given_demo_loaded_when_loading_again_then_nothing_changes(demo_communes: ImportReport) -> None:
    ids = dict(Commune.objects.values_list("insee_code", "pk"))
    again = load_demo_communes()
    assert (again.communes_created, again.communes_updated) == (0, 0)
    assert again.communes_unchanged == demo_communes.communes_created
    assert (again.postal_codes_created, again.postal_codes_deleted) == (0, 0)
    assert dict(Commune.objects.values_list("insee_code", "pk")) == ids


@pytest.mark.django_db
def test_given_changed_file_when_reimporting_then_rows_updated_and_postal_codes_synced(tmp_path: Path) -> None:
    first = _write(
        tmp_path,
        "23096,75,23,Guéret,Guéret,23000,COM,,46.1717,1.871,26.17,12854",
        "23096,75,23,Guéret,Guéret,23001,COM,,46.1717,1.871,26.17,12854",
        "23177,75,23,Sainte-Feyre,Sainte-Feyre,23000,COM,,46.1392,1.9156,43.38,2422",
    )
    assert import_communes(first).communes_created == 2
    second = _write(
        tmp_path,
        "23096,75,23,Guéret,Guéret,23000,COM,,46.1717,1.871,26.17,13000",
        "23177,75,23,Sainte-Feyre,Sainte-Feyre,23000,COM,,46.1392,1.9156,43.38,2422",
        name="second.csv",
    )
    r = import_communes(second)
    assert (r.communes_created, r.communes_updated, r.communes_unchanged) == (0, 1, 1)
    assert (r.postal_codes_created, r.postal_codes_deleted) == (0, 1)
    gueret = Commune.objects.get(insee_code="23096")
    assert gueret.population == 13000
    assert [p.code for p in gueret.postal_codes.all()] == ["23000"]


@pytest.mark.django_db
def test_given_bad_rows_when_importing_then_good_rows_kept_and_each_bad_row_reported(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "23096,75,23,Guéret,Guéret,23000,COM,,46.1717,1.871,26.17,12854",  # line 2: good
        "2C004,94,2C,Nulle-Part,Nulle-Part,20000,COM,,41.9,8.7,1,1",  # 3: invalid INSEE code
        "23177,75,23,Sainte-Feyre,Sainte-Feyre,2300,COM,,46.1392,1.9156,43.38,2422",  # 4: invalid postal code
        "23178,75,23,Truc,Truc,23000,XYZ,,46.1,1.9,1,1",  # 5: unknown type
        "23179,75,23,,,23000,COM,,46.1,1.9,1,1",  # 6: empty name
        "23096,75,23,Guéret-Autre,Guéret-Autre,23001,COM,,46.1717,1.871,26.17,12854",  # 7: contradicts line 2
        "23180,75,87,Mauvais-Dép,Mauvais-Dép,23000,COM,,46.1,1.9,1,1",  # 8: département does not match code
        "23181,75,23,Sans-Point,Sans-Point,23000,COM,,,,1,1",  # 9: kept, no coordinates
        "23182,75,23,Loin,Loin,23000,COM,,146.1,1.9,1,1",  # 10: kept, coordinates out of range
        "23183,75,23,Illisible,Illisible,23000,COM,,abc,1.9,1,1",  # 11: kept, coordinates unreadable
    )
    r = import_communes(path)
    assert r.rows_read == 10
    skipped = {i.line: i.reason for i in r.skipped}
    assert sorted(skipped) == [3, 4, 5, 6, 7, 8]
    assert "département" in skipped[3]
    assert "5 chiffres" in skipped[4]
    assert "type de commune inconnu" in skipped[5]
    assert "nom de commune vide" in skipped[6]
    assert "contredit la ligne 2" in skipped[7]
    assert "incohérent" in skipped[8]
    flagged = {i.line: i.reason for i in r.flagged}
    assert sorted(flagged) == [9, 10, 11]
    assert "sans coordonnées" in flagged[9] and "hors limites" in flagged[10] and "illisibles" in flagged[11]
    assert set(Commune.objects.values_list("insee_code", flat=True)) == {"23096", "23181", "23182", "23183"}
    assert Commune.objects.get(insee_code="23096").name == "Guéret"
    assert not Commune.objects.get(insee_code="23182").has_coordinates
    summary = "\n".join(r.summary_lines())
    assert "Lignes ignorées : 6" in summary and "ligne 4 (23177)" in summary


@pytest.mark.django_db
def test_given_semicolon_file_with_bom_when_importing_then_read_like_the_official_one(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_text(
        "\ufeff" + HEADER.replace(",", ";") + "\n2A004;94;2A;Ajaccio;Ajaccio;20000;COM;;41,9266;8,7369;82,03;73615\n",
        encoding="utf-8",
    )
    r = import_communes(path)
    assert r.communes_created == 1 and r.skipped == []
    assert Commune.objects.get(insee_code="2A004").latitude == pytest.approx(41.9266)


@pytest.mark.django_db
def test_given_missing_columns_or_source_when_importing_then_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("insee_com,commune\n92051,Neuilly-sur-Seine\n", encoding="utf-8")
    with pytest.raises(GeoImportError, match=r"Colonnes manquantes.*code_postal"):
        import_communes(bad)
    with pytest.raises(GeoImportError, match="introuvable"):
        import_communes(tmp_path / "absent.csv")
    with pytest.raises(GeoImportError, match=r"Aucun fichier communes\.csv"):
        import_communes(tmp_path)
    assert Commune.objects.count() == 0


@pytest.mark.django_db
def test_commands_load_the_demo_and_report_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("load_demo_communes")
    out = capsys.readouterr().out
    assert "Communes créées" in out and "Lignes ignorées : 0" in out
    call_command("import_communes", "--file", str(DEMO_COMMUNES_CSV))
    assert "créées : 0, mises à jour : 0" in capsys.readouterr().out
    # The official folder layout: communes.csv beside departements.csv and regions.csv.
    for name in ("departements.csv", "regions.csv"):
        shutil.copy(DEMO_FIXTURE_DIR / name, tmp_path / name)
    shutil.copy(DEMO_COMMUNES_CSV, tmp_path / "communes.csv")
    call_command("import_communes", "--dir", str(tmp_path))
    assert "Départements :" in capsys.readouterr().out


FULL_DATA = Path(settings.SHARED_DATA_DIR) / "fr-geo"


@pytest.mark.django_db
@pytest.mark.skipif(
    not (FULL_DATA / "communes.csv").is_file(),
    reason=f"official geodata absent from {FULL_DATA} (settings.SHARED_DATA_DIR, env PLATEAU_SHARED_DATA)",
)
def test_given_official_files_when_importing_then_whole_country_imported() -> None:
    # The time budget (< 30 s on SQLite) is measured by bench/geo_import.py, not asserted on a shared machine.
    r = import_communes()
    assert r.skipped == []
    assert r.communes_created > 34_000
    assert Commune.objects.filter(commune_type="ARM").count() == 20 + 9 + 16  # Paris, Lyon, Marseille
    # Three communes (one with its commune déléguée) have no coordinates: kept and reported.
    assert {i.insee_code for i in r.flagged} == {"60694", "85165", "85212"}
