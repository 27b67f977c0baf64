"""CSV formula injection (issue 16, item 4): every export writes through plateau.csvexport, which turns a cell a
spreadsheet would evaluate (= + - @, tab, carriage return) into text; each export is fed such values."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from plateau import csvexport
from plateau.cli.wfm import _io as wfm_cli_io
from plateau.leads.coverage import GapRow, gaps_csv
from plateau.routing.report import to_csv
from tests import factories
from tests.leads import builders
from tests.leads.conftest import reference_data  # noqa: F401 (fixture)

SRC = Path(csvexport.__file__).parent
HOSTILE = ['=HYPERLINK("http://x","clic")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
# Every module that writes CSV, with how the test below reaches it. A new export must go through csvexport
# (test_no_module_writes_csv_without_the_helper) and be added here.
EXPORTS = {
    "plateau/leads/privacy_views.py": "test_privacy_export_neutralises_the_callers_name_and_notes",
    "plateau/wfm/views.py": "test_wfm_export_neutralises_what_the_user_typed",
    "plateau/leads/coverage.py": "test_coverage_gaps_and_routing_report_and_wfm_cli_neutralise_their_cells",
    "plateau/routing/report.py": "test_coverage_gaps_and_routing_report_and_wfm_cli_neutralise_their_cells",
    "plateau/cli/wfm/_io.py": "test_coverage_gaps_and_routing_report_and_wfm_cli_neutralise_their_cells",
    "plateau/eligibility/cards.py": "tests/eligibility/test_cards.py",
}
# Writes reference data built from the official communes file (no user input), kept byte-identical.
NOT_EXPORTS = {"plateau/geo/fixtures/build_demo.py"}


def _writes_csv(tree: ast.AST) -> bool:
    return any(
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "csv"
        and node.attr in ("writer", "DictWriter")
        for node in ast.walk(tree)
    )


def test_no_module_writes_csv_without_the_helper() -> None:
    offenders, users = [], set()
    for path in SRC.rglob("*.py"):
        name = str(path.relative_to(SRC.parent))
        source = path.read_text(encoding="utf-8")
        if name == "plateau/csvexport.py":
            continue
        if _writes_csv(ast.parse(source)) and name not in NOT_EXPORTS:
            offenders.append(name)
        if "csvexport." in source:
            users.add(name)
    assert offenders == [], f"CSV written without plateau.csvexport: {offenders}"
    assert users == set(EXPORTS), "an export was added or removed: update EXPORTS (and feed it hostile values)"


def test_neutralise_quotes_formulas_and_keeps_numbers_and_plain_text() -> None:
    assert [csvexport.neutralise(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    kept: list[object] = ["Mme Durand", "", "-12,5", "+33612345678", "-3", 42, -1.5, None, "a=b"]
    assert [csvexport.neutralise(v) for v in kept] == kept


def _cells(text: str, delimiter: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter) for cell in row]


def _assert_no_formula(cells: list[str], *expected: str) -> None:
    assert not [c for c in cells if c.startswith(csvexport.FORMULA_START) and not csvexport.PLAIN_NUMBER.match(c)]
    for value in expected:
        assert "'" + value in cells


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_data")
def test_privacy_export_neutralises_the_callers_name_and_notes() -> None:
    net = builders.network(providers=1)
    contact = builders.contact_with_need(net, name=HOSTILE[0])
    contact.notes = HOSTILE[1]
    contact.save(update_fields=["notes"])
    c = Client()
    c.force_login(net.manager)
    answer = c.post(reverse("leads:privacy", args=[net.programme.slug]), {"phone": "06 12 34 56 78", "action": "csv"})
    assert answer["Content-Type"].startswith("text/csv")
    _assert_no_formula(_cells(answer.content.decode(), ";"), HOSTILE[0], HOSTILE[1])


@pytest.mark.django_db
def test_wfm_export_neutralises_what_the_user_typed() -> None:
    programme = factories.programme()
    c = Client()
    c.force_login(factories.supervisor(programme))
    params = {"queues": "=cmd|calc 60 300 120\n@SUM 20 300 120", "groups": "g = =cmd|calc @SUM"}
    params |= {"interval_minutes": "30", "service_level": "80", "answer_time": "20", "replications": "3"}
    answer = c.get(reverse("wfm:multiskill", args=[programme.slug]), params | {"format": "csv"})
    assert answer["Content-Type"].startswith("text/csv"), answer.content.decode()[:300]
    _assert_no_formula(_cells(answer.content.decode(), ","), "=cmd|calc", "@SUM")


def test_coverage_gaps_and_routing_report_and_wfm_cli_neutralise_their_cells(tmp_path: Path) -> None:
    gaps = gaps_csv([GapRow("2026-06", HOSTILE[2], HOSTILE[4], 1, 2)])
    _assert_no_formula(_cells(gaps, ";"), HOSTILE[2], HOSTILE[4])

    from plateau.domain.routing.kpis import KPIS

    report = to_csv([{"interval": HOSTILE[1], **dict.fromkeys((k.key for k in KPIS), None)}])
    _assert_no_formula(_cells(report, ";"), HOSTILE[1])

    out = tmp_path / "out.csv"
    wfm_cli_io.emit([{"queue": HOSTILE[5], "calls": -1.5}], str(out))
    cells = _cells(out.read_text(encoding="utf-8"), ",")
    _assert_no_formula(cells, HOSTILE[5])
    assert "-1.5" in cells  # a negative number stays a number
