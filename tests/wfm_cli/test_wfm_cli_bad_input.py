"""Bad input on the command line: a clear French error with its id and exit code 2, never a wrong number."""

import pytest

from plateau.cli.wfm import main


@pytest.mark.parametrize(
    ("args", "error_id"),
    [
        (["staff", "--calls", "-5", "--aht", "240", "--sl", "0.8"], "wfm_invalid_parameter"),  # negative rate
        (["staff", "--calls", "100", "--aht", "0", "--sl", "0.8"], "wfm_invalid_parameter"),  # zero AHT
        (["erlang-a", "--calls", "100", "--aht", "240", "--patience", "0", "--agents", "5"], "wfm_invalid_parameter"),
        (
            ["erlang-a", "--calls", "100", "--aht", "240", "--patience", "120", "--agents", "-2"],
            "wfm_invalid_parameter",
        ),
        (["staff", "--calls", "100", "--aht", "240", "--sl", "1.0", "--answer-time", "0"], "wfm_infeasible_target"),
        (
            ["staff", "--calls", "100", "--aht", "240", "--patience", "120", "--max-abandon", "0"],
            "wfm_infeasible_target",
        ),
        (
            ["staff", "--calls", "100", "--aht", "240", "--sl", "0.8", "--breaks", "0.6", "--absence", "0.5"],
            "wfm_invalid_parameter",
        ),
        (["simulate", "--calls", "-10", "--aht", "300", "--agents", "5"], "wfm_invalid_parameter"),
        (["simulate", "--calls", "10", "--aht", "0", "--agents", "5"], "wfm_invalid_parameter"),
        (["multiskill", "--queue", "fr,-5", "--group", "a=fr", "--sl", "0.8"], "wfm_invalid_parameter"),
        (
            ["multiskill", "--queue", "fr,5", "--group", "a=fr", "--sl", "1", "--answer-time", "0"],
            "wfm_infeasible_target",
        ),
        (
            ["multiskill", "--queue", "fr,5", "--queue", "en,5", "--group", "a=fr", "--sl", "0.8"],
            "wfm_infeasible_target",
        ),
    ],
)
def test_given_bad_input_when_running_a_wfm_command_then_error_id_and_exit_2(args, error_id, capsys):
    assert main(args) == 2
    captured = capsys.readouterr()
    assert f"erreur ({error_id})" in captured.err and captured.out == ""


def test_given_n_not_above_the_load_when_erlang_c_then_rows_say_unstable_instead_of_numbers(capsys):
    assert main(["erlang-c", "--calls", "180", "--aht", "240", "--agents", "0:24", "--csv", "-"]) == 0
    lines = capsys.readouterr().out.splitlines()[1:]
    assert len(lines) == 25 and all("unstable" in line for line in lines)  # N <= A = 24 erlangs


def test_given_queues_and_skill_groups_when_multiskill_then_pooled_team_below_separate_teams(capsys):
    args = ["multiskill", "--queue", "fr,60,300,120", "--queue", "en,20,300,120", "--group", "fr=fr"]
    args += ["--group", "en=en", "--group", "bi=fr+en", "--sl", "0.8", "--intervals", "3", "--replications", "4"]
    assert main([*args, "--workers", "1", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    separate = int(out.split("(Erlang A per queue, then simulated): ")[1].split(" = ")[1].split()[0])
    pooled = int(out.split("(simulated): ")[1].split(" = ")[1].split()[0])
    assert pooled < separate and "teams simulated" in out
