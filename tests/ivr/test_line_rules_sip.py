"""Before the voice menu, through real SIP (sipp callers, rules loaded from the database by ``load_lines``):

- a caller a supervisor blocked hears the short message then our BYE, is never queued, and the call record
  says so (cause ``caller_blocked``, path ``appelant_bloque``); another number is queued as before; a mark that
  has expired by the gateway's clock blocks nobody;
- a number whose tariff in force on the call's date is *majoré* plays the price announcement (synthesised by
  espeak-ng from the tariff's price) before the menu; once the tariff's dates change so that a free tariff is in
  force that day, the running gateway reloads and the menu starts at once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from plateau.contacts import blocking
from plateau.domain.ivr import parse_flow
from plateau.domain.ivr.line_rules import BLOCKED_CAUSE, BLOCKED_PROMPT, BLOCKED_STEP, PRICE_STEP, LineRules
from plateau.ivr import services
from plateau.ivr.lines import Lines, announcement_name, load_lines
from plateau.services.sip import events as ev
from plateau.services.sip.calls import GatewayConfig
from plateau.services.sip.dialog import Registrar
from plateau.services.sip.gateway import Gateway
from plateau.services.sip.prompts import PromptStore
from plateau.services.sip.server import DatabaseFlows, national_line
from plateau.services.sip.transport import Timers
from plateau.tenants.models import CallerCost, NumberTariff
from tests.sip import harness
from tests.sip._isolated import run_isolated

from . import builders

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        harness.SIPP is None or shutil.which("sox") is None or shutil.which("espeak-ng") is None,
        reason="make test-system-deps",
    ),
]

QUEUE_FIRST = {"start": "file", "nodes": {"file": {"type": "queue", "queue": "appels"}}}
BLOCKED_SECONDS = 0.6
SIPP_CALLER = "0612345678"  # the From user of tests/sip/scenarios/*.xml


def published_line() -> builders.Line:
    line = builders.line("32 11")  # dialled as 3211, the number the sipp scenarios call
    services.save_flow_draft(actor=line.manager, programme=line.programme, data=QUEUE_FIRST)
    services.publish_flow(actor=line.manager, programme=line.programme)
    return line


def prompts() -> PromptStore:
    """The harness's tones, plus a recognisable 0.6 s blocked-caller message."""
    extra = {(BLOCKED_PROMPT, codec): harness.tone(BLOCKED_SECONDS, 0x55) for codec in ("PCMA", "PCMU")}
    return harness.tone_prompts().with_audio(extra)


async def with_gateway(
    lines: Lines, body: Callable[[Gateway, list[Any]], Any], clock: dt.datetime = harness.WEDNESDAY_10H
) -> list[Any]:  # fmt: skip
    events: list[Any] = []
    config = GatewayConfig(clock=lambda: clock, timers=Timers(t1=0.1, t2=0.4, t4=0.5))
    gateway = Gateway(lines.programmes, prompts().with_audio(lines.audio), config, Registrar(),
                      on_event=events.append, rules=lines.rules)  # fmt: skip
    await gateway.start()
    try:
        await body(gateway, events)
    finally:
        await asyncio.wait_for(gateway.close(), 5)
    return events


async def until(events: list[Any], kind: type, limit: float = 15) -> Any:
    async with asyncio.timeout(limit):
        while not any(isinstance(e, kind) for e in events):  # noqa: ASYNC110 (events come from callbacks)
            await asyncio.sleep(0.02)
    return next(e for e in events if isinstance(e, kind))


def call_and_hang_up_when_queued(tmp_path: Path, caller: str = SIPP_CALLER) -> Callable[[Gateway, list[Any]], Any]:
    """A sipp caller from ``caller`` (it presses 4, then waits for our BYE); once queued we hang up."""

    async def body(gateway: Gateway, events: list[Any]) -> None:
        sipp = await harness.sipp("caller_queue_wait_bye.xml", gateway.port, tmp=tmp_path,
                                  replace={"VOICE_WAV": harness.voice_wav(tmp_path / "voice.wav"),
                                           SIPP_CALLER: caller})  # fmt: skip
        queued_or_ended = asyncio.ensure_future(until(events, ev.CallQueued))
        ended = asyncio.ensure_future(until(events, ev.CallEnded))
        done, _ = await asyncio.wait({queued_or_ended, ended}, timeout=20, return_when=asyncio.FIRST_COMPLETED)
        if queued_or_ended in done:
            await until(events, ev.DigitReceived)  # the scenario's key, then it waits for our BYE
            gateway.hangup(queued_or_ended.result().call_id)
        await ended
        queued_or_ended.cancel()
        code, out = await sipp.result()
        assert code == 0, out

    return body


def ended_record(events: list[Any]) -> ev.CallRecord:
    (ended,) = [e for e in events if isinstance(e, ev.CallEnded)]
    return ended.record


def test_given_a_blocked_number_when_it_calls_in_any_form_then_it_hears_the_message_and_our_bye_and_is_never_queued(
    tmp_path,
):
    line = published_line()
    blocking.block_caller(actor=line.supervisor, programme=line.programme, phone="+33 6 12 34 56 78", days=7,
                          reason="Insultes répétées")  # fmt: skip
    lines = load_lines(tmp_path / "prompts")

    events = run_isolated(asyncio.wait_for(with_gateway(lines, call_and_hang_up_when_queued(tmp_path)), 60))
    record = ended_record(events)
    assert not [e for e in events if isinstance(e, ev.CallQueued)]
    assert (record.cause, record.ended_by, record.path) == (BLOCKED_CAUSE, "gateway", (BLOCKED_STEP,))
    assert record.answered_at is not None and record.ended_at is not None
    # the whole message (its last 20 ms frame leaves 20 ms before it has played), then the BYE
    assert record.ended_at - record.answered_at >= BLOCKED_SECONDS - 0.02


def test_given_a_blocked_number_when_another_number_calls_then_it_is_queued_as_before(tmp_path):
    line = published_line()
    blocking.block_caller(actor=line.supervisor, programme=line.programme, phone="06 12 34 56 78", days=7,
                          reason="Appels muets")  # fmt: skip
    lines = load_lines(tmp_path / "prompts")

    body = call_and_hang_up_when_queued(tmp_path, caller="0033698765432")
    events = run_isolated(asyncio.wait_for(with_gateway(lines, body), 60))
    record = ended_record(events)
    assert [e.queue for e in events if isinstance(e, ev.CallQueued)] == ["appels"]
    assert record.path == ("file",) and record.cause != BLOCKED_CAUSE and record.announced_at is None


def test_given_a_mark_expired_by_the_gateways_clock_when_the_number_calls_then_it_is_queued(tmp_path):
    line = published_line()
    mark = blocking.block_caller(actor=line.supervisor, programme=line.programme, phone="0612345678", days=1,
                                 reason="Canular")  # fmt: skip
    lines = load_lines(tmp_path / "prompts")  # loaded while the mark was in force: the clock decides at each call
    assert lines.rules.blocked[line.programme.slug]

    after = mark.expires_at + dt.timedelta(minutes=1)
    events = run_isolated(asyncio.wait_for(with_gateway(lines, call_and_hang_up_when_queued(tmp_path), after), 60))
    assert [e.queue for e in events if isinstance(e, ev.CallQueued)] == ["appels"]
    assert ended_record(events).path == ("file",)


def surcharged(line: builders.Line, until: dt.date | None) -> NumberTariff:
    number = line.programme.numbers.get()
    return NumberTariff.objects.create(number=number, caller_cost=CallerCost.SURCHARGED,
                                       price_per_minute_eur=Decimal("0.80"), valid_from=dt.date(2026, 1, 1),
                                       valid_until=until)  # fmt: skip


def test_given_a_majore_tariff_in_force_then_the_caller_hears_the_price_announcement_before_the_menu(tmp_path):
    line = published_line()
    tariff = surcharged(line, until=None)
    lines = load_lines(tmp_path / "prompts")
    name = announcement_name("Ce service est facturé 80 centimes par minute, plus le prix d'un appel.")
    assert tariff.announcement_text and announcement_name(tariff.announcement_text) == name
    announcement = lines.audio[(name, "PCMA")]
    assert len(announcement) > 8000  # espeak-ng spoke more than a second of it

    events = run_isolated(asyncio.wait_for(with_gateway(lines, call_and_hang_up_when_queued(tmp_path)), 60))
    record = ended_record(events)
    assert record.path == (PRICE_STEP, "file")
    assert record.queued_at is not None and record.answered_at is not None
    # the menu (here straight to the queue) starts only once the whole announcement has played
    assert record.queued_at - record.answered_at >= len(announcement) / 8000 - 0.02
    # the caller pays from the end of the announcement (free, ARCEP): the report bills from announced_at
    assert record.announced_at is not None and record.answered_at < record.announced_at <= record.queued_at


def publish_tariff_change(tariff: NumberTariff) -> None:
    try:
        tariff.valid_until = dt.date(2026, 11, 20)  # the majoré tariff ends before the call's date (2026-11-25)…
        tariff.save()
        NumberTariff.objects.create(number=tariff.number, caller_cost=CallerCost.FREE, valid_from=dt.date(2026, 11, 21))
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_given_the_tariffs_dates_change_then_the_running_gateway_stops_announcing_on_the_calls_date(tmp_path):
    line = published_line()
    tariff = surcharged(line, until=None)
    builtin = {"9999": ("national", parse_flow("national", national_line("sip:urssaf@127.0.0.1:5070")))}
    source = DatabaseFlows(builtin, prompts(), tmp_path / "prompts")
    programmes, store = source.load()
    paths: list[tuple[str, ...]] = []

    async def scenario() -> None:
        config = GatewayConfig(clock=lambda: harness.WEDNESDAY_10H, timers=Timers(t1=0.1, t2=0.4, t4=0.5))
        events: list[Any] = []
        gateway = Gateway(programmes, store, config, Registrar(), on_event=events.append, rules=source.rules)
        await gateway.start()
        watcher = asyncio.get_running_loop().create_task(source.watch(gateway, 0.1))
        try:
            await call_and_hang_up_when_queued(tmp_path)(gateway, events)
            paths.append(ended_record(events).path)
            before = gateway.rules
            await asyncio.to_thread(publish_tariff_change, tariff)
            async with asyncio.timeout(10):
                while gateway.rules is before:  # noqa: ASYNC110 (reloaded by the watcher)
                    await asyncio.sleep(0.05)
            events.clear()
            await call_and_hang_up_when_queued(tmp_path)(gateway, events)
            paths.append(ended_record(events).path)
        finally:
            watcher.cancel()
            await asyncio.wait_for(gateway.close(), 5)

    run_isolated(asyncio.wait_for(scenario(), 90))
    assert paths == [(PRICE_STEP, "file"), ("file",)]


def test_given_a_blocked_caller_on_a_majore_number_then_the_price_is_announced_before_the_short_message(tmp_path):
    line = published_line()
    surcharged(line, until=None)
    blocking.block_caller(actor=line.supervisor, programme=line.programme, phone="0612345678", days=7,
                          reason="Insultes")  # fmt: skip
    lines = load_lines(tmp_path / "prompts")

    events = run_isolated(asyncio.wait_for(with_gateway(lines, call_and_hang_up_when_queued(tmp_path)), 60))
    record = ended_record(events)
    assert (record.path, record.cause) == ((PRICE_STEP, BLOCKED_STEP), BLOCKED_CAUSE)
    assert not [e for e in events if isinstance(e, ev.CallQueued)]


class BrokenRules(LineRules):
    def is_blocked(self, programme: str, caller: str, now: dt.datetime) -> bool:
        raise RuntimeError("a bug in the rules")


def test_given_rules_that_fail_then_the_caller_still_gets_the_menu_and_an_alert_is_logged(tmp_path, caplog):
    line = published_line()
    lines = load_lines(tmp_path / "prompts")
    lines.rules = BrokenRules()
    with caplog.at_level(logging.ERROR, logger="plateau.services.sip.gateway"):
        events = run_isolated(asyncio.wait_for(with_gateway(lines, call_and_hang_up_when_queued(tmp_path)), 60))
    assert [e.queue for e in events if isinstance(e, ev.CallQueued)] == ["appels"]
    assert any(r.getMessage().startswith("line rules failed") for r in caplog.records)
    assert line.programme.slug == ended_record(events).programme
