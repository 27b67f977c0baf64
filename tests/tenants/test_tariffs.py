"""A number's tariffs as platform admins edit them (the admin calls ``full_clean``): ARCEP's family must fit the
number (0800 free, 089 majoré…), a majoré tariff needs its price (it is announced), one tariff per day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from plateau.tenants.models import CallerCost, NumberTariff, ProgrammeNumber
from tests import factories

pytestmark = pytest.mark.django_db


def _tariff(number: ProgrammeNumber, cost: str, price: str | None, start: dt.date, end: dt.date | None = None):  # type: ignore[no-untyped-def]
    return NumberTariff(number=number, caller_cost=cost, price_per_minute_eur=Decimal(price) if price else None,
                        valid_from=start, valid_until=end)  # fmt: skip


def test_given_a_0800_number_then_only_a_free_tariff_is_accepted() -> None:
    number = ProgrammeNumber.objects.create(programme=factories.programme(), number="0800 12 34 56")
    with pytest.raises(ValidationError) as exc:
        _tariff(number, CallerCost.SURCHARGED, "0.80", dt.date(2026, 1, 1)).full_clean()
    assert "0800 à 0805 est gratuit" in str(exc.value)
    _tariff(number, CallerCost.FREE, None, dt.date(2026, 1, 1)).full_clean()


def test_given_a_majore_tariff_then_its_family_notice_and_announcement_come_from_its_price() -> None:
    number = ProgrammeNumber.objects.create(programme=factories.programme(), number="0892 12 34 56")
    with pytest.raises(ValidationError) as exc:
        _tariff(number, CallerCost.SURCHARGED, None, dt.date(2026, 1, 1)).full_clean()
    assert "prix du service par minute" in str(exc.value)
    tariff = _tariff(number, CallerCost.SURCHARGED, "0.80", dt.date(2026, 1, 1))
    tariff.full_clean()
    assert tariff.family_label == "Majoré (service payant + prix d'un appel)"
    assert tariff.notice == "Service 0,80 € / min + prix d'un appel"
    assert tariff.announcement_text == "Ce service est facturé 80 centimes par minute, plus le prix d'un appel."


def test_given_a_tariff_then_a_period_overlapping_it_is_refused_and_the_next_one_is_accepted() -> None:
    number = ProgrammeNumber.objects.create(programme=factories.programme(), number="3211")
    _tariff(number, CallerCost.SURCHARGED, "0.15", dt.date(2026, 1, 1), dt.date(2026, 6, 30)).save()
    with pytest.raises(ValidationError) as exc:
        _tariff(number, CallerCost.FREE_SERVICE, None, dt.date(2026, 6, 1)).full_clean()
    assert "chevauche le tarif du 01/01/2026 au 30/06/2026" in str(exc.value)
    _tariff(number, CallerCost.FREE_SERVICE, None, dt.date(2026, 7, 1)).full_clean()
    assert number.tariff_on(dt.date(2026, 6, 30)).announcement_text  # type: ignore[union-attr]
