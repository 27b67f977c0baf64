"""The WFM pages through Django's test client: numbers on the page, CSV export, tenant isolation."""

import csv
import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from plateau.domain.wfm.staffing import Target, staff_erlang_a
from plateau.tenants.models import Role
from tests import factories
from tests.wfm import builders

pytestmark = pytest.mark.django_db
TEXTBOOK = {"volumes": "180 0 90", "opening": "08:00", "interval_minutes": "30", "aht": "240"}
TEXTBOOK |= {"service_level": "80", "answer_time": "20", "patience": "120"}


@pytest.fixture
def programme():
    return factories.programme()


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _get(user: object, name: str, programme, params: dict[str, str] | None = None):
    return _client(user).get(reverse(f"wfm:{name}", args=[programme.slug]), params or {})


def test_given_supervisor_when_staffing_textbook_volumes_then_erlang_c_and_a_curves_with_svg(programme):
    response = _get(factories.supervisor(programme), "staffing", programme, TEXTBOOK)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<td>29</td>" in page  # 180 calls / 30 min, 240 s, 80 % in 20 s: the textbook 29 agents
    assert "<svg" in page and "Conseillers nécessaires par intervalle" in page
    assert "Erlang A" in page and "08:30" in page
    # Figures as a French reader reads them: service levels as percentages with a decimal comma.
    cells = re.findall(r"<td>([^<]*)</td>", page)
    assert any(re.fullmatch(r"\d{1,3},\d\u00a0%", c) for c in cells)
    assert not any(re.fullmatch(r"0\.\d+", c) for c in cells)  # no "0.812" fraction left


def test_given_staffing_page_when_exporting_csv_then_one_row_per_interval(programme):
    response = _get(factories.supervisor(programme), "staffing", programme, TEXTBOOK | {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["time"] for r in rows] == ["08:00", "08:30", "09:00"]
    assert rows[0]["agents_c"] == "29" and rows[1]["agents_a"] == "0"


@pytest.mark.parametrize("page", ["staffing", "whatif", "simulation", "schedule"])
def test_given_supervisor_of_another_programme_when_opening_wfm_page_then_404(programme, page):
    stranger = factories.supervisor(factories.programme())
    assert _get(stranger, page, programme, TEXTBOOK).status_code == 404


def test_given_advisor_of_the_programme_when_opening_wfm_page_then_404(programme):
    assert _get(factories.advisor(programme), "staffing", programme, TEXTBOOK).status_code == 404


def test_given_programme_manager_when_opening_empty_form_then_page_without_table(programme):
    manager = factories.user((programme, Role.PROGRAMME_MANAGER))
    response = _get(manager, "staffing", programme)
    assert response.status_code == 200 and "<table" not in response.content.decode()


def test_given_bad_volumes_when_staffing_then_french_error_on_the_form(programme):
    response = _get(factories.supervisor(programme), "staffing", programme, TEXTBOOK | {"volumes": "12 abc"})
    assert "Saisissez des nombres." in response.content.decode()


def test_given_launch_day_when_comparing_scenarios_then_pooled_team_for_two_percent_lost(programme):
    params = {"calls": "80000", "hours": "10", "advisors": "80", "aht": "300", "patience": "120"}
    params |= {"answer_time": "20", "max_lost": "2"}
    response = _get(factories.supervisor(programme), "whatif", programme, params)
    page = response.content.decode()
    pooled = int(staff_erlang_a(80000 / 36000, 300, 120, Target(max_abandon=0.02)))
    assert f"<td>{pooled}</td>" in page
    assert "instable (N ≤ A)" in page  # 80 advisors for 667 erlangs: Erlang C has no answer
    rows = list(
        csv.DictReader(
            io.StringIO(
                _get(factories.supervisor(programme), "whatif", programme, params | {"format": "csv"}).content.decode()
            )
        )
    )
    assert float(rows[0]["abandon"]) > 0.85 and int(rows[1]["advisors"]) == pooled


def test_given_small_day_when_simulating_then_confidence_intervals_next_to_erlang_a(programme):
    params = TEXTBOOK | {"volumes": "40 60", "aht": "300", "replications": "3"}
    response = _get(factories.supervisor(programme), "simulation", programme, params)
    page = response.content.decode()
    assert response.status_code == 200
    assert "IC 95" in page and "moteur de routage réel" in page and "<svg" in page
    rows = list(
        csv.DictReader(
            io.StringIO(
                _get(
                    factories.supervisor(programme), "simulation", programme, params | {"format": "csv"}
                ).content.decode()
            )
        )
    )
    assert len(rows) == 2 and all(0 <= float(r["sl"]) <= 1 for r in rows)
    # P(wait > 0), simulated next to Erlang A's, in the page's table and note and in the CSV
    assert all(0 <= float(r["p_wait"]) <= 1 and 0 < float(r["p_wait_erlang"]) < 1 for r in rows)
    assert "Appels en attente Erlang A" in page and "appels ayant attendu" in page


def test_given_volumes_when_scheduling_then_coverage_and_residual_gaps(programme):
    params = TEXTBOOK | {"volumes": " ".join(["60"] * 16), "advisors": "20"}
    response = _get(factories.supervisor(programme), "schedule", programme, params)
    page = response.content.decode()
    assert response.status_code == 200
    assert "vacations pour 20 conseillers" in page and "Manque total" in page


def test_given_history_when_staffing_from_forecast_then_forecast_volumes_used(programme):
    monday = dt.date(2026, 3, 2)
    builders.weekly_history(programme, factories.advisor(programme), monday, weeks=3)
    params = TEXTBOOK | {"volumes": "", "forecast_date": monday.isoformat(), "opening": "09:00", "format": "csv"}
    rows = list(
        csv.DictReader(
            io.StringIO(_get(factories.supervisor(programme), "staffing", programme, params).content.decode())
        )
    )
    assert [(r["time"], float(r["calls"])) for r in rows] == [("09:00", 3.0), ("09:30", 0.0), ("10:00", 1.0)]


def test_given_too_many_calls_when_simulating_in_the_page_then_refused_with_a_reason(programme):
    params = TEXTBOOK | {"volumes": "30000 30000", "replications": "10"}
    page = _get(factories.supervisor(programme), "simulation", programme, params).content.decode()
    assert "Trop d&#x27;appels à simuler" in page and "<table" not in page
