"""A voice menu must never break the line: a published flow that fails during a call sends the caller to the
fallback queue (with its "queued" prompt) and logs an alert, instead of raising in the gateway."""

from __future__ import annotations

import asyncio
import dataclasses
import logging

import pytest

from plateau.domain.ivr import Flow, parse_flow
from plateau.domain.ivr.flow import Hours
from plateau.domain.ivr.interpreter import FALLBACK_QUEUE
from plateau.services.sip import events as ev
from tests.sip._isolated import run_isolated

from .harness import gateway
from .test_router_port import raw_call


def _flow_stored_before_timezones_were_checked() -> Flow:
    """A flow whose hours step names a zone the database does not have (saved before the validation refused it)."""
    valid = parse_flow(
        "national",
        {
            "start": "hours",
            "nodes": {
                "hours": {"type": "hours", "weekly": {"wed": [["08:00", "18:00"]]}, "open": "menu", "closed": "bye"},
                "menu": {"type": "menu", "prompt": "welcome", "options": {"1": "bye"}},
                "bye": {"type": "hangup", "prompt": "goodbye"},
            },
        },
    )
    hours = valid.nodes["hours"]
    assert isinstance(hours, Hours)
    return dataclasses.replace(
        valid, nodes={**valid.nodes, "hours": dataclasses.replace(hours, timezone="Invalid/Zone")}
    )


def test_given_a_published_flow_that_fails_when_a_caller_dials_then_they_are_queued_and_an_alert_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def scenario() -> ev.CallQueued:
        async with gateway(_flow_stored_before_timezones_were_checked()) as gw:
            await raw_call(gw.gateway.port, call_id="broken-1")
            (queued,) = await gw.wait_for(ev.CallQueued, limit=30)
            assert not gw.of(ev.CallEnded)  # the line holds
            return queued

    with caplog.at_level(logging.ERROR, logger="plateau.services.sip.gateway"):
        queued = run_isolated(asyncio.wait_for(scenario(), 60))
    assert (queued.call_id, queued.queue) == ("broken-1", FALLBACK_QUEUE)
    alerts = [r for r in caplog.records if r.getMessage().startswith("ivr.flow_failed")]
    assert len(alerts) == 1 and "step=hours" in alerts[0].getMessage()
