"""Import of the official sheets: idempotent, new / changed / removed reported, withdrawn never deleted."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from plateau.cli.main import main as plateau
from plateau.knowledge.demo import FIXTURE
from plateau.knowledge.errors import ImportRefused
from plateau.knowledge.importing import import_sheets
from plateau.knowledge.models import OfficialSheet, SheetImport
from plateau.knowledge.search import search

pytestmark = pytest.mark.django_db


def _rows() -> list[dict[str, object]]:
    with gzip.open(FIXTURE, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def _write(path: Path, rows: list[dict[str, object]], extra: str = "") -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows) + extra, encoding="utf-8")
    return path


def test_given_the_fixture_when_imported_twice_then_second_run_changes_nothing() -> None:
    first = import_sheets(FIXTURE)
    assert (first.total, first.new, first.changed, first.removed) == (55, 55, 0, 0)
    again = import_sheets(FIXTURE)
    assert (again.new, again.changed, again.removed, again.unchanged) == (0, 0, 0, 55)
    assert OfficialSheet.objects.count() == 55
    sheet = OfficialSheet.objects.get(sheet_id="F1344")
    assert sheet.title == "Carte d'identité d'un majeur : en cas de perte"
    assert sheet.subject == "Papiers - Citoyenneté"
    assert sheet.subject_path.startswith("Papiers - Citoyenneté \u203a ")
    assert sheet.url == "https://www.service-public.fr/particuliers/vosdroits/F1344"
    assert sheet.modified_on is not None


def test_given_a_later_file_when_reimported_then_new_changed_removed_and_withdrawn_kept(tmp_path: Path) -> None:
    rows = _rows()
    import_sheets(FIXTURE)
    later = [dict(r) for r in rows if r["id"] != "F1759"]  # withdrawn from the source
    for row in later:
        if row["id"] == "F1344":
            row["description"] = "Nouveau résumé : déclarez la perte en mairie."
    later.append({**rows[0], "id": "F99999", "title": "Fiche ajoutée aujourd'hui", "url": "https://example.org/x"})
    run = import_sheets(_write(tmp_path / "later.jsonl", later))
    assert (run.new, run.changed, run.removed, run.unchanged) == (1, 1, 1, 53)
    withdrawn = OfficialSheet.objects.get(sheet_id="F1759")
    assert withdrawn.withdrawn_at is not None  # kept: contacts it answered still point to it
    assert "F1759" not in {h.sheet.sheet_id for h in search("carte d'identité volée").hits}
    assert OfficialSheet.objects.get(sheet_id="F1344").description.startswith("Nouveau résumé")
    assert search("fiche ajoutée aujourd'hui").hits[0].sheet.sheet_id == "F99999"

    back = import_sheets(FIXTURE)  # the sheet comes back: changed, searchable again
    assert back.changed >= 2 and back.removed == 1  # F1344 restored, F1759 back; F99999 withdrawn
    assert OfficialSheet.objects.get(sheet_id="F1759").withdrawn_at is None
    assert "F1759" in {h.sheet.sheet_id for h in search("carte d'identité volée").hits}


def test_given_a_truncated_file_when_imported_then_refused_unless_forced_or_partial(tmp_path: Path) -> None:
    import_sheets(FIXTURE)
    short = _write(tmp_path / "short.jsonl", _rows()[:5])
    with pytest.raises(ImportRefused, match="retirerait 50 fiches sur 55"):
        import_sheets(short)
    assert OfficialSheet.objects.filter(withdrawn_at__isnull=False).count() == 0
    assert import_sheets(short, withdraw_missing=False).removed == 0
    assert import_sheets(short, force=True).removed == 50


def test_given_bad_lines_when_imported_then_good_ones_kept_and_bad_ones_reported(tmp_path: Path) -> None:
    rows = _rows()[:3]
    path = _write(tmp_path / "mixed.jsonl", [*rows, rows[0]], extra='{"id": "X", "title": "t"}\n{oops\n')
    run = import_sheets(path)
    assert run.new == 3
    reasons = [r["reason"] for r in run.rejected]
    assert any("en double" in r for r in reasons)
    assert any("identifiant de fiche invalide" in r for r in reasons)
    assert any("JSON illisible" in r for r in reasons)
    with pytest.raises(ImportRefused, match="Aucune fiche valide"):
        import_sheets(_write(tmp_path / "empty.jsonl", [], extra="{oops\n"))
    with pytest.raises(ImportRefused, match="Fichier illisible"):
        import_sheets(tmp_path / "absent.jsonl")


def test_given_the_cli_when_importing_then_counts_printed(capsys: pytest.CaptureFixture[str]) -> None:
    assert plateau(["knowledge", "import", str(FIXTURE)]) == 0
    assert "55 fiches lues" in capsys.readouterr().out
    assert plateau(["knowledge", "import", str(FIXTURE)]) == 0
    assert "0 nouvelles, 0 modifiées, 0 retirées, 55 inchangées" in capsys.readouterr().out
    assert SheetImport.objects.count() == 2
    assert plateau(["knowledge", "search", "passeport", "perdu"]) == 0
    assert "F21246" in capsys.readouterr().out


def test_given_a_source_file_when_building_the_fixture_then_chosen_sheets_written(tmp_path: Path) -> None:
    source = _write(tmp_path / "source.jsonl", _rows())
    out = tmp_path / "small.jsonl.gz"
    assert plateau(["knowledge", "fixture", str(source), str(out), "--ids", "F1344,N358", "--text-chars", "100"]) == 0
    with gzip.open(out, "rt", encoding="utf-8") as handle:
        written = [json.loads(line) for line in handle]
    assert [r["id"] for r in written] == ["F1344", "N358"]
    assert all(len(str(r["text"])) <= 100 for r in written)
    assert plateau(["knowledge", "fixture", str(source), str(out), "--ids", "F0"]) == 1
