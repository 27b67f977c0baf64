import dataclasses
import datetime as dt

import pytest

from plateau.domain.ivr import Interpreter, parse_flow
from plateau.domain.ivr.interpreter import (
    FALLBACK_QUEUE,
    HangUp,
    PlayPrompt,
    QueueCall,
    RecordVoicemail,
    RequestCallback,
    StartTimer,
    StopPrompt,
    TransferCall,
)

from .builders import national_line

PARIS = dt.timezone(dt.timedelta(hours=1))  # November: CET
WEDNESDAY_10H = dt.datetime(2026, 11, 25, 10, 0, tzinfo=PARIS)


def run(script, now=WEDNESDAY_10H, flow=None):
    """Feed events (``"done"``, a digit, ``"timeout"``); returns the actions of every step."""
    interp = Interpreter(parse_flow("national", flow or national_line()), clock=lambda: now)
    steps = [interp.start()]
    for event in script:
        if event == "done":
            steps.append(interp.prompt_done())
        elif event == "timeout":
            timer = next(a.timer for s in reversed(steps) for a in s if isinstance(a, StartTimer))
            steps.append(interp.timeout(timer))
        else:
            steps.append(interp.digit(event))
    return interp, steps


def test_given_open_hours_when_the_call_starts_then_the_welcome_menu_plays_with_barge_in():
    interp, steps = run([])
    assert steps == [[PlayPrompt("welcome", barge_in=True)]]
    assert interp.path == ["hours", "tag", "menu"]


@pytest.mark.parametrize(
    ("now", "why"),
    [
        (dt.datetime(2026, 11, 25, 18, 0, tzinfo=PARIS), "closing time is exclusive"),
        (dt.datetime(2026, 11, 28, 10, 0, tzinfo=PARIS), "saturday"),
        (dt.datetime(2026, 12, 26, 10, 0, tzinfo=PARIS), "Saint-Étienne in Alsace-Moselle"),
        (dt.datetime(2026, 4, 3, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))), "Good Friday"),
        (dt.datetime(2026, 11, 25, 7, 0, tzinfo=dt.UTC), "08:00 Paris is before 08:30"),
    ],
)
def test_given_closed_hours_then_the_closed_prompt_plays_and_the_call_ends(now, why):
    interp, steps = run(["done"], now=now)
    assert steps == [[PlayPrompt("closed")], [HangUp()]], why
    assert interp.finished


def test_given_the_menu_when_1_is_pressed_during_the_prompt_then_the_prompt_stops_and_the_call_is_transferred():
    _interp, steps = run(["1", "done"])
    assert steps[1] == [StopPrompt(), PlayPrompt("transfer")]
    assert steps[2] == [TransferCall("sip:urssaf@127.0.0.1", "refer", {"line": "national"})]


def test_given_the_menu_when_2_is_pressed_after_the_prompt_then_the_call_is_queued_with_its_attributes():
    _, steps = run(["done", "2"])
    assert steps[1] == [StartTimer(1, 5.0)]
    assert steps[2] == [QueueCall("directory", {"line": "national"}, "music", True, 30.0)]


def test_given_a_wrong_digit_then_the_invalid_prompt_then_the_menu_plays_again():
    _, steps = run(["done", "7", "done"])
    assert steps[2] == [PlayPrompt("invalid", barge_in=True)]
    assert steps[3] == [PlayPrompt("welcome", barge_in=True)]


def test_given_no_input_twice_then_the_fallback_offers_a_callback_which_is_accepted():
    interp, steps = run(["done", "timeout", "done", "done", "timeout", "1", "done"])
    assert steps[2] == [PlayPrompt("no_input", barge_in=True)]
    assert steps[5] == [PlayPrompt("callback_offer", barge_in=True)]
    assert steps[6] == [StopPrompt(), RequestCallback({"line": "national"}), PlayPrompt("callback_ok")]
    assert steps[7] == [HangUp()]
    assert interp.finished


def test_given_the_callback_offer_declined_then_voicemail_records():
    _, steps = run(["done", "timeout", "done", "done", "timeout", "done", "timeout", "done"])
    assert steps[-2] == [PlayPrompt("voicemail")]
    assert steps[-1] == [RecordVoicemail(60, {"line": "national"})]


def test_given_a_digit_that_arrived_first_when_the_old_timer_fires_then_it_is_ignored():
    interp = Interpreter(parse_flow("national", national_line()), clock=lambda: WEDNESDAY_10H)
    interp.start()
    (timer,) = interp.prompt_done()
    assert isinstance(timer, StartTimer)
    interp.digit("7")
    assert interp.timeout(timer.timer) == []


def test_given_a_flow_without_fallback_when_retries_are_exhausted_then_it_hangs_up():
    flow = national_line()
    del flow["nodes"]["menu"]["fallback"]
    for name in ("callback", "voicemail"):
        del flow["nodes"][name]
    _, steps = run(["done", "9", "done", "9"], flow=flow)
    assert steps[-1] == [StopPrompt(), HangUp("no_choice")]


def test_given_a_set_loop_in_the_data_then_the_interpreter_hangs_up_instead_of_spinning():
    flow = {"start": "a", "nodes": {"a": {"type": "set", "values": {}, "next": "b"},
                                    "b": {"type": "set", "values": {}, "next": "a"}}}  # fmt: skip
    _interp, steps = run([], flow=flow)
    assert steps == [[HangUp("loop")]]


def test_given_a_flow_that_fails_at_run_time_then_the_interpreter_queues_the_caller_and_reports_instead_of_raising():
    valid = parse_flow("national", national_line())
    broken_hours = dataclasses.replace(valid.nodes["hours"], timezone="Invalid/Zone")
    broken = dataclasses.replace(valid, nodes={**valid.nodes, "hours": broken_hours})
    failures: list[tuple[str, str]] = []
    interp = Interpreter(
        broken, clock=lambda: WEDNESDAY_10H, on_failure=lambda s, e: failures.append((s, type(e).__name__))
    )
    assert interp.start() == [QueueCall(FALLBACK_QUEUE, {}, "music", True, 30.0)]
    assert failures == [("hours", "ZoneInfoNotFoundError")]
    assert interp.finished and interp.failure is not None and interp.failure.startswith("ZoneInfoNotFoundError")
    assert (interp.digit("1"), interp.prompt_done(), interp.timeout(1)) == ([], [], [])  # never raises afterwards
