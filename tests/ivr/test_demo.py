"""The demo publishes a voice menu for each programme: on the national line 1 goes to URSSAF, 2 to the queue;
closed on public holidays."""

from __future__ import annotations

import datetime as dt

import pytest

from plateau.domain.ivr import Interpreter
from plateau.domain.ivr.interpreter import HangUp, PlayPrompt, QueueCall, TransferCall
from plateau.ivr.demo import URSSAF, load_ivr_demo
from plateau.ivr.lines import load_lines
from plateau.ivr.models import FlowStatus, IvrFlow
from tests.routing.builders import demo_programmes

pytestmark = pytest.mark.django_db

WEDNESDAY_10H = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
CHRISTMAS_10H = dt.datetime(2026, 12, 25, 9, 0, tzinfo=dt.UTC)


def _after(flow, when: dt.datetime, digit: str) -> list[object]:
    """The caller presses ``digit`` during the first prompt; every later prompt plays to its end."""
    interp = Interpreter(flow, lambda: when)
    actions = [*interp.start(), *interp.digit(digit)]
    while not interp.finished and isinstance(actions[-1], PlayPrompt):
        actions += interp.prompt_done()
    return actions


def test_given_the_demo_then_every_programme_has_a_published_flow_and_the_national_line_has_its_menu():
    programmes = demo_programmes()
    assert load_ivr_demo(programmes) == 6
    assert load_ivr_demo(programmes) == 0  # idempotent
    assert IvrFlow.objects.filter(status=FlowStatus.PUBLISHED).count() == 6
    lines = load_lines()
    slug, national = lines.programmes["3211"]
    assert slug == "sap-national"
    transfer = [a for a in _after(national, WEDNESDAY_10H, "1") if isinstance(a, TransferCall)]
    assert [t.target for t in transfer] == [URSSAF]
    queued = [a for a in _after(national, WEDNESDAY_10H, "2") if isinstance(a, QueueCall)]
    assert [(q.queue, q.attributes) for q in queued] == [("appels", {"need": "provider"})]
    closed = Interpreter(national, lambda: CHRISTMAS_10H)
    assert [a.prompt for a in closed.start() if isinstance(a, PlayPrompt)] == ["closed"]
    assert closed.path == ["hours", "closed"]
    assert lines.programmes["0970809010"][0] == "teleassistance"  # open round the clock: straight to its queue
    actions = Interpreter(lines.programmes["0970809010"][1], lambda: CHRISTMAS_10H).start()
    assert [a.queue for a in actions if isinstance(a, QueueCall)] == ["alertes"]
    assert not any(isinstance(a, HangUp) for a in actions)


def test_given_the_demo_then_its_majore_number_announces_the_price_in_force_and_the_national_line_does_not(tmp_path):
    load_ivr_demo(demo_programmes())
    rules = load_lines(tmp_path / "prompts").rules
    now_80 = rules.price_announcement("0892681000", WEDNESDAY_10H)  # 0,80 €/min since 1 January 2026
    before_50 = rules.price_announcement("+33892681000", dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC))  # 0,50 €/min
    assert now_80 and before_50 and now_80 != before_50
    assert (tmp_path / "prompts" / f"{now_80}.al").stat().st_size > 8000
    assert rules.price_announcement("3211", WEDNESDAY_10H) is None
