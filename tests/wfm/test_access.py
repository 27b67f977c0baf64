import datetime as dt

import pytest

from plateau.contacts.models import Direction
from plateau.domain.wfm.errors import InvalidParameter
from plateau.wfm.access import arrival_history, forecast_programme
from tests import factories
from tests.wfm import builders

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 3, 2)


def test_given_weekday_calls_when_reading_history_then_counts_per_interval_and_weekends_are_zero():
    programme = factories.programme()
    builders.weekly_history(programme, factories.advisor(programme), MONDAY, weeks=2)
    builders.calls(
        programme, factories.advisor(programme), [dt.datetime(2026, 2, 27, 9, 5)], direction=Direction.OUTBOUND
    )
    history, source = arrival_history(programme, weeks=2, until=MONDAY)
    assert source == "contacts"  # nothing in the routing journal for it
    assert history[dt.date(2026, 2, 27)][18] == 3 and history[dt.date(2026, 2, 27)][20] == 1
    assert history[dt.date(2026, 2, 28)].sum() == 0  # Saturday: open window, no call -> zero, not missing
    assert len(history) == 14


def test_given_another_programme_history_when_reading_then_not_counted():
    mine, other = factories.programme(), factories.programme()
    builders.weekly_history(other, factories.advisor(other), MONDAY)
    assert arrival_history(mine, until=MONDAY)[0] == {}
    with pytest.raises(InvalidParameter):
        forecast_programme(mine, [MONDAY])


def test_given_three_weeks_of_history_when_forecasting_monday_then_profile_and_backtest():
    programme = factories.programme()
    builders.weekly_history(programme, factories.advisor(programme), MONDAY, weeks=3)
    made = forecast_programme(programme, [MONDAY], weeks=2)
    forecast, check = made.forecast, made.backtest
    assert forecast[MONDAY][18] == pytest.approx(3.0) and forecast[MONDAY][20] == pytest.approx(1.0)
    assert forecast[MONDAY].sum() == pytest.approx(4.0)
    assert check is not None and check.wape == pytest.approx(0.0)


def test_given_programme_slug_when_cli_forecasts_then_history_read_from_contacts(capsys):
    from plateau.cli.wfm import main

    programme = factories.programme()
    builders.weekly_history(programme, factories.advisor(programme), MONDAY, weeks=3)
    assert main(["forecast", "--programme", programme.slug, "--dates", MONDAY.isoformat(), "--weeks", "2"]) == 0
    out = capsys.readouterr().out
    assert "09:00" in out and "3.0000" in out and "10:00" in out


def test_given_unknown_programme_when_cli_forecasts_then_error(capsys):
    from plateau.cli.wfm import main

    assert main(["forecast", "--programme", "nulle-part", "--dates", MONDAY.isoformat()]) == 2
    assert "programme inconnu" in capsys.readouterr().err
