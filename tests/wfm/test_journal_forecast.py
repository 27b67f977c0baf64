"""Forecasts read from the routing journal of a demo programme: profiles, public holidays, WAPE, page and CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plateau.domain.routing import events as ev
from plateau.domain.wfm.errors import InvalidParameter
from plateau.routing.configuration import build_config
from plateau.services.router import runtime
from plateau.services.router.journal_sqlite import SqliteJournal
from plateau.services.router.journaled import JournaledRouter
from plateau.wfm.access import forecast_programme
from tests import factories
from tests.routing.builders import demo_programmes
from tests.wfm import builders

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 5, 11)  # after Friday 1 May and Friday 8 May (public holidays); Thursday 14 May: Ascension
ASCENSION = dt.date(2026, 5, 14)


def _at(day: dt.date, hour: int, minute: int) -> float:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone()).timestamp()


@pytest.fixture
def journal(tmp_path: Path, monkeypatch: Any):
    """Three weeks of calls entering the demo queues through the journaled router (as the live router does).

    sap-national's call queue: every ordinary weekday 3 calls between 09:00 and 09:30 and 1 at 10:05; nobody on
    public holidays (the line is closed). Another programme's queue gets calls at 14:00 that must not count.
    """
    programmes = demo_programmes()
    path = tmp_path / "journal.sqlite3"
    monkeypatch.setattr(runtime, "open_journal", lambda: SqliteJournal(path))
    router = JournaledRouter(SqliteJournal(path))
    first = MONDAY - dt.timedelta(weeks=3)
    router.handle(ev.ConfigurationApplied("cfg", _at(first, 0, 0), build_config()))
    n = 0
    day = first
    while day < MONDAY:
        if day.weekday() < 5 and day not in (dt.date(2026, 5, 1), dt.date(2026, 5, 8)):
            for hour, minute, queue in ((9, 1, "sap-national"), (9, 10, "sap-national"), (9, 20, "sap-national")):
                n += 1
                router.handle(ev.ContactArrived(f"e{n}", _at(day, hour, minute), f"c{n}", f"{queue}.appels"))
            n += 1
            router.handle(ev.ContactArrived(f"e{n}", _at(day, 10, 5), f"c{n}", "sap-national.appels"))
            n += 1
            router.handle(ev.ContactArrived(f"e{n}", _at(day, 14, 0), f"c{n}", "teleassistance.appels"))
        day += dt.timedelta(days=1)
    return programmes


def test_given_a_journal_when_forecasting_a_monday_and_a_holiday_then_weekday_profile_and_holiday_profile(journal):
    made = forecast_programme(journal["sap-national"], [MONDAY, ASCENSION], weeks=3, backtest_weeks=1)

    assert made.source == "journal"
    monday = made.forecast[MONDAY]
    assert (monday[18], monday[20], monday.sum()) == (pytest.approx(3.0), pytest.approx(1.0), pytest.approx(4.0))
    assert made.special_days[ASCENSION] == "férié" and made.special_days[dt.date(2026, 5, 1)] == "férié"
    assert made.forecast[ASCENSION].sum() == 0  # forecast from past holidays (closed), not from Thursdays
    assert made.backtest is not None and made.backtest.wape == pytest.approx(0.0)
    # Without the holiday calendar, the closed Fridays drag the Friday profile down.
    friday = dt.date(2026, 5, 15)
    plain = forecast_programme(journal["sap-national"], [friday], weeks=3, calendar="none", backtest_weeks=1)
    assert forecast_programme(journal["sap-national"], [friday], weeks=3).forecast[friday].sum() == pytest.approx(4.0)
    assert plain.forecast[friday].sum() < 2.0


def test_given_journal_arrivals_of_two_programmes_when_forecasting_one_then_only_its_queues_count(journal):
    made = forecast_programme(journal["teleassistance"], [MONDAY], weeks=3)
    assert made.forecast[MONDAY][28] == pytest.approx(1.0) and made.forecast[MONDAY].sum() == pytest.approx(1.0)
    with pytest.raises(InvalidParameter):
        forecast_programme(journal["teleassistance"], [MONDAY], source="journal", queue="nulle-part")


def test_given_a_programme_with_contacts_only_when_forecasting_automatically_then_contacts_are_read(journal):
    programme = factories.programme()
    with pytest.raises(InvalidParameter):  # neither journal arrivals nor contacts: no forecast from nothing
        forecast_programme(programme, [MONDAY])
    builders.weekly_history(programme, factories.advisor(programme), MONDAY, weeks=3)
    made = forecast_programme(programme, [MONDAY], weeks=2)
    assert made.source == "contacts" and made.forecast[MONDAY].sum() == pytest.approx(4.0)
    with pytest.raises(InvalidParameter):  # the journal holds nothing for it
        forecast_programme(programme, [MONDAY], source="journal")


def test_given_a_supervisor_when_opening_the_forecast_page_then_journal_forecast_profiles_and_wape(journal):
    programme = journal["sap-national"]
    client = Client()
    client.force_login(factories.supervisor(programme))
    params = {"day": MONDAY.isoformat(), "source": "journal", "interval_minutes": "30", "weeks": "3"}
    params |= {"backtest_weeks": "1", "calendar": "france"}
    response = client.get(reverse("wfm:forecast", args=[programme.slug]), params)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<td>09:00</td>" in page and "<td>3</td>" in page and "<svg" in page
    assert "journal de routage" in page and "WAPE" in page and "0.0 %" in page
    assert "lundi 4 (" in page  # weekly profile: 4 calls on an average Monday
    csv = client.get(reverse("wfm:forecast", args=[programme.slug]), params | {"format": "csv"}).content.decode()
    assert csv.splitlines()[0] == "time,calls,share" and "09:00,3.0,0.75" in csv


def test_given_a_programme_slug_when_the_cli_forecasts_from_the_journal_then_table_profile_and_wape(journal, capsys):
    from plateau.cli.wfm import main

    argv = ["forecast", "--programme", "sap-national", "--dates", f"{MONDAY},{ASCENSION}", "--weeks", "3"]
    assert main([*argv, "--source", "journal", "--backtest-weeks", "1"]) == 0
    out = capsys.readouterr().out
    assert "2026-05-11  09:00" in out.replace("   ", "  ") or "09:00" in out
    assert "sap-national, journal" in out and "2026-05-14: 0.0 calls (special day: férié)" in out
    assert "lun 4.0" in out and "backtest WAPE over 1 weeks: 0.000" in out
