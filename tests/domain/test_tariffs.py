"""ARCEP tariff families: which family a number of each kind may have, the written notice and the spoken price
announcement of a majoré number (pure tables)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plateau.domain.ids.phone import PhoneKind, parse_phone
from plateau.domain.tariffs import (
    CALLER_COST_FAMILY,
    TariffFamily,
    price_announcement,
    price_notice,
    requires_price_announcement,
    tariff_problems,
)

FREE, NORMAL, MAJORE = TariffFamily.FREE, TariffFamily.NORMAL, TariffFamily.SURCHARGED


@pytest.mark.parametrize(
    ("number", "family", "price", "reason"),
    [
        ("0800 12 34 56", FREE, None, ""),
        ("0800 12 34 56", MAJORE, Decimal("0.80"), "0800 à 0805 est gratuit"),
        ("0806 12 34 56", NORMAL, None, ""),
        ("0806 12 34 56", FREE, None, "0806 à 0809 est au prix d'un appel normal"),
        ("0892 12 34 56", MAJORE, Decimal("0.80"), ""),
        ("0892 12 34 56", NORMAL, None, "081, 082 ou 089 est majoré"),
        ("0892 12 34 56", MAJORE, None, "doit indiquer le prix du service par minute"),
        ("0820 12 34 56", MAJORE, Decimal("0"), "doit indiquer le prix du service par minute"),
        ("3020", FREE, None, ""),
        ("3020", NORMAL, None, "tranche gratuite"),
        ("3211", NORMAL, None, ""),
        ("3211", MAJORE, Decimal("0.15"), ""),
        ("3211", FREE, None, "hors tranche gratuite"),
        ("01 73 60 32 11", NORMAL, None, ""),
        ("01 73 60 32 11", MAJORE, Decimal("0.80"), "géographique"),
        ("3020", FREE, Decimal("0.10"), "gratuit ne peut pas avoir de prix"),
    ],
)
def test_tariff_families_follow_the_numbering_plan(number: str, family: TariffFamily, price, reason: str) -> None:  # type: ignore[no-untyped-def]
    problems = tariff_problems(parse_phone(number).kind, family, price)
    if reason:
        assert len(problems) == 1 and reason in problems[0], problems
    else:
        assert problems == []


def test_an_unknown_number_kind_only_checks_the_price() -> None:
    assert tariff_problems(None, MAJORE, Decimal("0.5")) == []
    assert tariff_problems(PhoneKind.FOREIGN, NORMAL, None) == []


@pytest.mark.parametrize(
    ("price", "notice", "spoken"),
    [
        (Decimal("0.80"), "Service 0,80 € / min + prix d'un appel", "80 centimes par minute"),
        (Decimal("0.05"), "Service 0,05 € / min + prix d'un appel", "5 centimes par minute"),
        (Decimal("0.01"), "Service 0,01 € / min + prix d'un appel", "1 centime par minute"),
        (Decimal("1.50"), "Service 1,50 € / min + prix d'un appel", "1 euro et 50 centimes par minute"),
        (Decimal("3.0000"), "Service 3,00 € / min + prix d'un appel", "3 euros par minute"),
        (Decimal("0.1234"), "Service 0,1234 € / min + prix d'un appel", "0,1234 euro par minute"),
    ],
)
def test_a_majore_tariff_has_its_notice_and_announcement(price: Decimal, notice: str, spoken: str) -> None:
    assert price_notice(MAJORE, price) == notice
    text = price_announcement(MAJORE, price)
    assert text == f"Ce service est facturé {spoken}, plus le prix d'un appel."


def test_only_majore_tariffs_announce_their_price() -> None:
    assert [f for f in TariffFamily if requires_price_announcement(f)] == [MAJORE]
    assert price_announcement(FREE, None) is None and price_announcement(NORMAL, Decimal("0.078")) is None
    assert price_notice(FREE, None) == "Service & appel gratuits"
    assert price_notice(NORMAL, None) == "Service gratuit + prix d'un appel"
    assert set(CALLER_COST_FAMILY.values()) == set(TariffFamily)
