"""Cost to callers on the programme's report: answered minutes per number times the tariff in force that day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plateau.calls.costs import caller_costs
from plateau.calls.models import CallDetailRecord
from plateau.tenants.models import CallerCost, NumberTariff, ProgrammeNumber
from tests import factories

DAY = dt.date(2026, 3, 10)


def _call(programme, number: str, answered_at: dt.datetime | None, talk_s: float, i: int) -> None:  # type: ignore[no-untyped-def]
    start = answered_at or timezone.make_aware(dt.datetime.combine(DAY, dt.time(9)))
    CallDetailRecord.objects.create(
        programme=programme,
        call_id=f"c{i}",
        number=number,
        started_at=start,
        answered_at=answered_at,
        ended_at=start + dt.timedelta(seconds=talk_s),
    )


@pytest.mark.django_db
def test_given_a_surcharged_number_with_a_new_tariff_when_reporting_a_day_then_minutes_times_the_price_in_force() -> (
    None
):
    programme = factories.programme()
    number = ProgrammeNumber.objects.create(programme=programme, number="0899 10 20 30", e164="+33899102030")
    NumberTariff.objects.create(
        number=number, caller_cost=CallerCost.SURCHARGED, price_per_minute_eur=Decimal("0.80"),
        valid_from=dt.date(2025, 1, 1), valid_until=dt.date(2026, 3, 1),
    )  # fmt: skip
    NumberTariff.objects.create(
        number=number, caller_cost=CallerCost.SURCHARGED, price_per_minute_eur=Decimal("0.50"),
        valid_from=dt.date(2026, 3, 2),
    )  # fmt: skip
    free = ProgrammeNumber.objects.create(programme=programme, number="3999")
    NumberTariff.objects.create(number=free, caller_cost=CallerCost.FREE, valid_from=dt.date(2025, 1, 1))
    nine = timezone.make_aware(dt.datetime.combine(DAY, dt.time(9)))
    _call(programme, "0899102030", nine, 90, 1)  # dialled form without spaces
    _call(programme, "+33899102030", nine + dt.timedelta(hours=1), 150, 2)  # E.164 form
    _call(programme, "0899102030", None, 600, 3)  # never answered: costs nothing
    _call(programme, "0899102030", nine - dt.timedelta(days=1), 600, 4)  # another day
    _call(programme, "3999", nine, 300, 5)

    costs = {c.number: c for c in caller_costs(programme, DAY)}
    surcharged = costs["0899 10 20 30"]
    assert (surcharged.calls, surcharged.minutes, surcharged.cost_eur) == (2, Decimal("4.00"), Decimal("2.00"))
    assert surcharged.price_per_minute_eur == Decimal("0.50")
    assert surcharged.tariff == "Majoré : service payant + prix d'un appel"
    assert (costs["3999"].calls, costs["3999"].minutes, costs["3999"].cost_eur) == (1, Decimal("5.00"), None)

    client = Client()
    client.force_login(factories.supervisor(programme))
    page = client.get(reverse("web:report", args=[programme.slug]), {"jour": DAY.isoformat()}).content.decode()
    import re

    costs_table = page[page.index('id="caller-costs"') :]
    assert re.search(r"2[,.]00 €", costs_table), costs_table[:1500]
    assert "opérateur de l" in costs_table, costs_table[:2500]


@pytest.mark.django_db
def test_given_a_blocked_callers_call_stored_by_the_gateway_then_the_report_counts_it_apart_from_the_kpis() -> None:
    from plateau.calls.services import store_call_record
    from plateau.domain.ivr.line_rules import BLOCKED_CAUSE, BLOCKED_STEP, PRICE_STEP
    from plateau.services.sip.events import CallRecord

    programme = factories.programme()
    number = ProgrammeNumber.objects.create(programme=programme, number="0899 10 20 30")
    NumberTariff.objects.create(number=number, caller_cost=CallerCost.SURCHARGED, price_per_minute_eur=Decimal("0.80"),
                                valid_from=dt.date(2025, 1, 1))  # fmt: skip
    nine = timezone.make_aware(dt.datetime.combine(DAY, dt.time(9))).timestamp()
    store_call_record(CallRecord("blocked-1", programme.slug, "sip:0612345678@10.0.0.1", started_at=nine,
                                 answered_at=nine, announced_at=nine + 6, ended_at=nine + 9, cause=BLOCKED_CAUSE,
                                 ended_by="gateway", path=(PRICE_STEP, BLOCKED_STEP)), number="0899102030")  # fmt: skip
    cdr = CallDetailRecord.objects.get(call_id="blocked-1")
    assert (cdr.cause, cdr.path, cdr.queue, cdr.routing_contact_id) == (
        BLOCKED_CAUSE, [PRICE_STEP, BLOCKED_STEP], "", "")  # fmt: skip
    # a call of 60 s whose first 6 s announced the price: the caller pays 54 s at 0,80 €/min
    store_call_record(CallRecord("paid-1", programme.slug, "sip:0698765432@10.0.0.1", started_at=nine + 10,
                                 answered_at=nine + 10, announced_at=nine + 16, ended_at=nine + 70,
                                 cause="hangup", ended_by="caller"), number="0899102030")  # fmt: skip
    (cost,) = caller_costs(programme, DAY)
    assert (cost.calls, cost.minutes, cost.cost_eur) == (2, Decimal("0.95"), Decimal("0.76"))  # (3 + 54) s

    client = Client()
    client.force_login(factories.supervisor(programme))
    page = client.get(reverse("web:report", args=[programme.slug]), {"jour": DAY.isoformat()}).content.decode()
    assert "1 appel d'un numéro bloqué ce jour-là" in page
    assert "Service 0,80 € / min + prix d" in page
