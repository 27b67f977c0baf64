import csv
import io
from datetime import datetime, timedelta

import pytest

from plateau.cli import main as plateau_main
from plateau.cli.wfm import main


def test_given_erlang_c_command_when_run_then_table_with_unstable_rows(capsys):
    assert plateau_main(["wfm", "erlang-c", "--calls", "180", "--aht", "240", "--agents", "24:28"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["agents", "load_erl", "p_wait", "service_level", "asa_s", "occupancy"]
    assert "unstable" in out[1]
    assert out[5].split()[3] == "0.7613"


def test_given_staff_command_with_csv_output_when_run_then_agents_per_interval(capsys):
    assert main(["staff", "--calls", "0,180,360", "--aht", "240", "--sl", "0.8", "--csv", "-"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["agents"] for r in rows] == ["0", "29", "54"]


def test_given_erlang_a_staffing_from_a_volume_file_when_run_then_csv_written(tmp_path, capsys):
    volumes = tmp_path / "volumes.csv"
    volumes.write_text("calls\n100\n0\n")
    out = tmp_path / "staff.csv"
    args = ["staff", "--volumes", str(volumes), "--aht", "300", "--patience", "120", "--max-abandon", "0.05"]
    assert main([*args, "--csv", str(out)]) == 0
    rows = list(csv.DictReader(out.open()))
    assert int(rows[0]["agents"]) > 0 and rows[1]["agents"] == "0"
    assert "total agent-intervals" in capsys.readouterr().out


def test_given_an_impossible_target_when_staffing_then_clear_error_and_exit_2(capsys):
    assert main(["staff", "--calls", "100", "--aht", "240", "--sl", "1.0", "--answer-time", "0"]) == 2
    assert "wfm_infeasible_target" in capsys.readouterr().err


def test_given_a_requirement_file_when_scheduling_then_coverage_table(tmp_path, capsys):
    required = tmp_path / "need.csv"
    need = [0] * 48
    need[18:22] = [2, 2, 3, 3]
    required.write_text("agents\n" + "\n".join(map(str, need)) + "\n")
    args = ["schedule", "--required", str(required), "--advisors", "4", "--time-limit", "5"]
    assert main([*args, "--pattern", "matin,08:00,480,240,60", "--pattern", "court,09:00,240"]) == 0
    out = capsys.readouterr().out
    assert "under: 0" in out
    assert "court" in out


def test_given_arrival_timestamps_when_forecasting_then_calls_and_backtest(tmp_path, capsys):
    start = datetime(2026, 1, 5, 9, 0)
    stamps = [start + timedelta(days=d, minutes=m) for d in range(28) for m in (0, 10, 40)]
    arrivals = tmp_path / "arrivals.csv"
    arrivals.write_text("timestamp\n" + "\n".join(s.isoformat() for s in stamps) + "\n")
    args = ["forecast", "--arrivals", str(arrivals), "--dates", "2026-02-02", "--backtest-weeks", "2"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "09:00" in out and "2.0000" in out
    assert "WAPE over 2 weeks: 0.000" in out


def test_given_simulate_command_when_run_then_per_interval_ci_next_to_erlang(capsys):
    args = ["simulate", "--calls", "60,90", "--aht", "300", "--agents", "12,18", "--patience", "120"]
    assert main([*args, "--replications", "4", "--workers", "1", "--csv", "-"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["agents"] for r in rows] == ["12", "18"]
    for r in rows:
        assert 0 < float(r["sl_offered"]) <= 1 and float(r["sl_offered_ci"]) > 0
        assert abs(float(r["sl_offered"]) - float(r["sl_offered_erlang"])) < 0.3
        assert abs(float(r["p_wait"]) - float(r["p_wait_erlang"])) < 0.3 and float(r["p_wait_ci"]) > 0


def test_given_simulate_without_patience_when_run_then_day_summary_and_no_abandonment(capsys):
    args = ["simulate", "--calls", "50", "--intervals", "2", "--aht", "300", "--agents", "12"]
    assert main([*args, "--replications", "3", "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "abandon_rate 0.0000" in out and "3 replications" in out and "p_wait_answered 0." in out


def test_given_more_agents_per_interval_than_intervals_when_simulating_then_error(capsys):
    assert main(["simulate", "--calls", "50,60", "--aht", "300", "--agents", "1,2,3"]) == 2
    assert "erreur" in capsys.readouterr().err


def test_given_busy_hour_calls_when_sizing_trunks_then_lines_cover_menu_queue_and_talk(capsys):
    from plateau.domain.wfm.erlang_a import erlang_a
    from plateau.domain.wfm.trunks import lines_for_blocking

    args = ["trunks", "--calls", "500", "--talk", "240", "--ivr", "30", "--agents", "40", "--patience", "120"]
    assert main([*args, "--blocking", "0.01", "--csv", "-"]) == 0
    row = next(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    wait = float(erlang_a(40, 500 / 3600, 240.0, 120.0, 0.0).mean_wait)
    load = 500 / 3600 * (30 + wait + 240)
    assert float(row["load_erl"]) == pytest.approx(load)
    assert int(row["lines"]) == lines_for_blocking(load, 0.01) and float(row["blocking"]) <= 0.01


def test_given_lines_when_sizing_trunks_then_the_erlang_b_table_load_they_carry(capsys):
    assert main(["trunks", "--lines", "10,50", "--blocking", "0.01", "--talk", "240", "--csv", "-"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [round(float(r["max_load_erl"]), 3) for r in rows] == [4.461, 37.901]  # the published 1 % table
    assert float(rows[1]["max_calls"]) == pytest.approx(37.901 * 3600 / 240, rel=1e-4)


def test_given_an_impossible_blocking_target_when_sizing_trunks_then_french_error(capsys):
    assert main(["trunks", "--calls", "500", "--talk", "240", "--blocking", "0"]) == 2
    assert "blocage" in capsys.readouterr().err
    assert main(["trunks", "--talk", "240"]) == 2
