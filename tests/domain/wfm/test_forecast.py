from datetime import date, datetime, timedelta

import numpy as np
import pytest

from plateau.domain.wfm.errors import InvalidParameter
from plateau.domain.wfm.forecast import backtest, bin_arrivals, forecast_days, wape

MONDAY = date(2026, 1, 5)
PROFILE = np.array([0, 0, 5, 10, 20, 10, 5, 0], dtype=float)  # 3-hour intervals


def weeks_of(n: int, scale=lambda day: 1.0) -> dict[date, np.ndarray]:
    days = {}
    for i in range(7 * n):
        d = MONDAY + timedelta(days=i)
        days[d] = PROFILE * (0.5 if d.weekday() >= 5 else 1.0) * scale(d)
    return days


def test_given_timestamps_when_binning_then_counts_per_day_and_interval():
    stamps = [datetime(2026, 1, 5, 9, 5), datetime(2026, 1, 5, 9, 29), datetime(2026, 1, 5, 10, 0)]
    days = bin_arrivals(stamps, 30)
    assert days[date(2026, 1, 5)][18] == 2
    assert days[date(2026, 1, 5)][20] == 1
    assert days[date(2026, 1, 5)].sum() == 3


def test_given_a_stable_weekly_pattern_when_forecasting_then_exact_and_zero_wape():
    history = weeks_of(6)
    target = MONDAY + timedelta(days=42 + 5)  # a Saturday
    assert np.allclose(forecast_days(history, [target])[target], PROFILE * 0.5)
    assert backtest(history, test_weeks=3).wape == pytest.approx(0.0)


def test_given_growth_when_forecasting_then_recent_weeks_weigh_more():
    history = weeks_of(4, scale=lambda d: 1.0 + (d - MONDAY).days // 7)  # x1, x2, x3, x4
    target = MONDAY + timedelta(days=28)
    level = forecast_days(history, [target], decay=0.5)[target].sum() / PROFILE.sum()
    assert 3.0 < level < 4.0  # closer to the last week (4) than the plain mean (2.5)
    assert forecast_days(history, [target], decay=1.0)[target].sum() / PROFILE.sum() == pytest.approx(2.5)


def test_given_special_days_when_forecasting_then_excluded_from_profiles_and_forecast_by_label():
    history = weeks_of(3)
    holiday = MONDAY + timedelta(days=7)
    history[holiday] = PROFILE * 0.1
    special = {holiday: "férié", MONDAY + timedelta(days=21): "férié"}
    ordinary = MONDAY + timedelta(days=28)
    out = forecast_days(history, [ordinary, MONDAY + timedelta(days=21)], special_days=special)
    assert np.allclose(out[ordinary], PROFILE)
    assert np.allclose(out[MONDAY + timedelta(days=21)], PROFILE * 0.1)


def test_given_noise_when_backtesting_then_wape_reported_per_week():
    rng = np.random.default_rng(6)
    history = {d: rng.poisson(v * 10).astype(float) for d, v in weeks_of(8).items()}
    result = backtest(history, test_weeks=2)
    assert len(result.weekly_wape) == 2
    assert 0.0 < result.wape < 0.2


def test_given_wape_then_weighted_by_volume():
    assert wape(np.array([10.0, 0.0]), np.array([5.0, 5.0])) == 1.0
    assert np.isnan(wape(np.zeros(2), np.ones(2)))


def test_given_bad_history_when_forecasting_then_invalid():
    with pytest.raises(InvalidParameter):
        forecast_days({}, [MONDAY])
    with pytest.raises(InvalidParameter):
        forecast_days({MONDAY: -PROFILE}, [MONDAY + timedelta(days=7)])
