"""CSV import of providers: good rows kept, every rejected row reported with its line and reasons."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from plateau.directory.errors import InvalidImportFile
from plateau.directory.importing import MAX_CAPACITY_PER_WEEK
from plateau.directory.models import Provider, ProviderActivity, ServiceArea
from plateau.directory.services import import_providers
from plateau.domain.ids.siret import is_valid_siret
from plateau.tenants.models import AuditEntry
from tests import factories
from tests.directory import builders as b

pytestmark = pytest.mark.django_db
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "providers.csv"
HEADER = "siret,legal_name,insee_code,activities,phone,area_radius_km,sap_number"


@pytest.fixture
def communes() -> None:
    b.all_communes()


def _csv(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def test_given_the_documented_example_when_imported_twice_then_created_then_updated(communes: None) -> None:
    prog = factories.programme()
    report = import_providers(programme=prog, actor=None, data=EXAMPLE.read_bytes())
    assert (report.created, report.updated, report.rejected) == (4, 0, [])
    clair = Provider.objects.get(programme=prog, siret="80000001000010")
    assert (clair.siren, clair.phone, clair.sap_number, clair.capacity_per_week) == (
        "800000010",
        "+33555412010",
        "SAP800000010",
        40,
    )
    age = Provider.objects.get(programme=prog, siret="80000003600015")
    sap03 = ProviderActivity.objects.get(provider=age, activity__code="SAP03")
    assert (sap03.status, sap03.mode, sap03.department_code, sap03.valid_until) == (
        "autorisation",
        "prestataire",
        "87",
        dt.date(2035, 12, 31),
    )
    assert sorted(ServiceArea.objects.filter(provider=age).values_list("department_code", flat=True)) == ["23", "87"]
    assert not Provider.objects.get(siret="80000004400019").accepting_new_clients

    again = import_providers(programme=prog, actor=None, data=EXAMPLE.read_bytes())
    assert (again.created, again.updated, again.rejected) == (0, 4, [])
    assert Provider.objects.filter(programme=prog).count() == 4
    assert ProviderActivity.objects.filter(provider__programme=prog).count() == 8


def test_given_bad_rows_then_each_reported_with_line_and_reason_and_good_rows_kept(communes: None) -> None:
    prog = factories.programme()
    data = _csv(
        "80000001000010,Bon SARL,23096,SAP06,05 55 41 20 10,15,",  # line 2: good
        "80000001000011,Mauvais SIRET,23096,SAP06,,,",  # line 3
        "80000002800012,Activité inconnue,23096,SAP99|SAP06,,,",  # line 4
        "80000003600015,Commune inconnue,23999,SAP06,,,",  # line 5
        "80000004400019,Téléphone faux,23096,SAP06,12345,,",  # line 6
        "",  # blank line 7: skipped, not a row
        '80000005100014,"Multi, erreurs",ZZZ,,+33 6,abc,SAP123',  # line 8
        "80000001000010,Doublon,23096,SAP07,,,",  # line 9: same SIRET as line 2
        "80000006900016,Autorisation sans département,23096,SAP03:autorisation,,,",  # line 10
        "80000007700019,Bon aussi,23193,SAP07:declaration:prestataire,,,",  # line 11: good
    )
    report = import_providers(programme=prog, actor=None, data=data)
    assert (report.created, report.updated) == (2, 0)
    rejected = {r.line: r for r in report.rejected}
    assert sorted(rejected) == [3, 4, 5, 6, 8, 9, 10]
    assert "clé de contrôle" in rejected[3].reasons[0]
    assert rejected[4].reasons == ["Activités (activities) : code d'activité inconnu « SAP99 »"]
    assert rejected[5].reasons == ["Code INSEE de la commune (insee_code) : code INSEE de commune inconnu « 23999 »"]
    assert rejected[6].reasons[0].startswith("Téléphone (phone) : ")
    assert len(rejected[8].reasons) == 5  # commune, activities, phone, radius, SAP number — all said at once
    assert rejected[9].reasons == ["SIRET (siret) : déjà présent ligne 2 du même fichier"]
    assert "département" in rejected[10].reasons[0]
    assert rejected[3].siret == "80000001000011"
    assert set(Provider.objects.filter(programme=prog).values_list("legal_name", flat=True)) == {
        "Bon SARL",
        "Bon aussi",
    }
    audit = AuditEntry.objects.get(action="directory.import_providers", programme=prog)
    assert audit.data["created"] == 2 and len(audit.data["rejected"]) == 7


def test_given_same_siret_in_two_programmes_then_two_independent_providers(communes: None) -> None:
    org = factories.organisation()
    a, c = factories.programme(org), factories.programme(org)
    row = "80000001000010,Bon SARL,23096,SAP06,,,"
    assert import_providers(programme=a, actor=None, data=_csv(row)).created == 1
    assert import_providers(programme=c, actor=None, data=_csv(row)).created == 1
    assert Provider.objects.filter(siret="80000001000010").count() == 2


def test_given_missing_required_column_then_whole_file_refused(communes: None) -> None:
    with pytest.raises(InvalidImportFile) as exc:
        import_providers(programme=factories.programme(), actor=None, data=b"siret,legal_name\n1,2\n")
    assert "insee_code" in str(exc.value.message) and "activities" in str(exc.value.message)


def test_given_windows_spreadsheet_export_then_read(communes: None) -> None:
    prog = factories.programme()
    data = "siret;legal_name;insee_code;activities\r\n80000001000010;Société Générale de Ménage;23096;SAP06\r\n"
    report = import_providers(programme=prog, actor=None, data=data.encode("cp1252"))
    assert report.created == 1
    assert Provider.objects.get(programme=prog).legal_name == "Société Générale de Ménage"


def test_management_command_prints_the_report(communes: None, tmp_path: Path) -> None:
    prog = factories.programme()
    f = tmp_path / "p.csv"
    f.write_bytes(_csv("80000001000010,Bon SARL,23096,SAP06,,,", "80000001000011,Mauvais,23096,SAP06,,,"))
    out, err = StringIO(), StringIO()
    call_command("import_providers", prog.slug, str(f), stdout=out, stderr=err)
    assert "1 créé(s), 0 mis à jour, 1 ligne(s) rejetée(s)." in out.getvalue()
    assert "ligne 3 (SIRET 80000001000011) rejetée : SIRET (siret) : " in err.getvalue()


def _valid_sirets(n: int) -> list[str]:
    """The first ``n`` SIRETs of the 800000010 SIREN that pass the Luhn check (the tests must not hard-code them)."""
    return [s for s in (f"80000001{i:06d}" for i in range(10, 2000)) if is_valid_siret(s)][:n]


def test_given_a_file_a_reviewer_broke_then_every_bad_row_is_reported_and_the_import_finishes(communes: None) -> None:
    """The reproductions of the security review: none may stop the import half-way or reach the database."""
    prog = factories.programme()
    ok1, cap_sup, cap_huge, long_name, dept5, area5, nul, ok2 = _valid_sirets(8)
    header = "siret,legal_name,insee_code,activities,capacity_per_week,area_departments,trade_name"
    data = "\n".join(
        [
            header,
            f"{ok1},Premier,23096,SAP06,40,,",  # line 2: kept
            f"{cap_sup},Exposant,23096,SAP06,²,,",  # line 3: passes str.isdigit(), fails int()
            f"{cap_huge},Énorme,23096,SAP06,99999999999999999999999,,",  # line 4: past every integer column
            f"{long_name},{'N' * 300},23096,SAP06,,,{'T' * 201}",  # line 5: past the model's 200 characters
            f"{dept5},Département long,23096,SAP03:autorisation:prestataire:::23096,,,",  # line 6
            f"{area5},Zone longue,23096,SAP06,,23096,",  # line 7
            f"{nul},Nul\x00,23096,SAP06,,,",  # line 8: PostgreSQL refuses NUL in text
            f"{ok2},Dernier,23096,SAP06,,,",  # line 9: kept, after all the bad ones
        ]
    ).encode()
    report = import_providers(programme=prog, actor=None, data=data)
    assert (report.created, report.updated) == (2, 0)
    rejected = {r.line: r.reasons for r in report.rejected}
    assert sorted(rejected) == [3, 4, 5, 6, 7, 8]
    assert rejected[3] == [
        "Capacité par semaine (capacity_per_week) : « ² » n'est pas un nombre entier"
        f" entre 0 et {MAX_CAPACITY_PER_WEEK}"
    ]
    assert rejected[4][0].startswith("Capacité par semaine (capacity_per_week) : « 99999999999999999999999 »")
    assert rejected[5] == [
        "Raison sociale (legal_name) : 300 caractères, 200 au plus",
        "Nom commercial (trade_name) : 201 caractères, 200 au plus",
    ]
    assert rejected[6] == ["Activités (activities) : pour SAP03, « 23096 » n'est pas un code de département"]
    assert rejected[7] == ["Départements desservis (area_departments) : code(s) de département invalide(s) 23096"]
    assert rejected[8] == ["Raison sociale (legal_name) : caractère nul interdit"]
    assert set(Provider.objects.filter(programme=prog).values_list("legal_name", flat=True)) == {"Premier", "Dernier"}
    audit = AuditEntry.objects.get(action="directory.import_providers", programme=prog)
    assert (audit.data["created"], len(audit.data["rejected"])) == (2, 6)


def test_given_a_cell_past_the_csv_reader_limit_then_the_file_is_refused_with_a_clear_message(communes: None) -> None:
    data = _csv(f"80000001000010,{'x' * 200_000},23096,SAP06,,,")
    with pytest.raises(InvalidImportFile) as exc:
        import_providers(programme=factories.programme(), actor=None, data=data)
    assert str(exc.value.message).startswith("Fichier CSV illisible")
