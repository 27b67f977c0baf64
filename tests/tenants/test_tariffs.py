"""A number's tariffs as platform admins edit them (the admin calls ``full_clean``): ARCEP's family must fit the
number (0800 free, 089 majoré…), a majoré tariff needs its price (it is announced), one tariff per day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from plateau.tenants.models import CallerCost, NumberTariff, ProgrammeNumber, overlapping_periods
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


def test_given_tariff_periods_then_two_sharing_a_day_are_refused() -> None:
    jan, jun30, jul1 = dt.date(2026, 1, 1), dt.date(2026, 6, 30), dt.date(2026, 7, 1)
    assert overlapping_periods([(jul1, None), (jan, jun30)]) == []
    (reason,) = overlapping_periods([(jan, jun30), (dt.date(2026, 6, 1), None)])
    assert reason == "Deux tarifs s'appliquent le 01/06/2026 (du 01/01/2026 et du 01/06/2026) : un seul tarif par jour."
    assert len(overlapping_periods([(jan, None), (jul1, None)])) == 1
    assert len(overlapping_periods([(jan, None), (jan, jun30)])) == 1  # the same start, one open-ended


def test_given_a_platform_admin_then_the_numbers_page_shows_each_tariffs_family_and_refuses_a_wrong_one() -> None:
    from django.test import Client
    from django.urls import reverse

    number = ProgrammeNumber.objects.create(programme=factories.programme(), number="0892 12 34 56")
    _tariff(number, CallerCost.SURCHARGED, "0.80", dt.date(2026, 1, 1)).save()
    admin = factories.user(platform_admin=True)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    url = reverse("admin:tenants_programmenumber_change", args=[number.pk])
    page = client.get(url).content.decode()
    assert "Service 0,80 € / min + prix d" in page and "Majoré (service payant" in page
    tariff = number.tariffs.get()
    data = {
        "programme": number.programme_id, "number": number.number, "e164": "", "label": "",
        "tariffs-TOTAL_FORMS": 2, "tariffs-INITIAL_FORMS": 1,
        "tariffs-0-id": tariff.pk, "tariffs-0-number": number.pk, "tariffs-0-caller_cost": "surcharged",
        "tariffs-0-price_per_minute_eur": "0.80", "tariffs-0-valid_from": "2026-01-01",
        "tariffs-0-valid_until": "2026-06-30",
        "tariffs-1-number": number.pk, "tariffs-1-caller_cost": "free", "tariffs-1-valid_from": "2026-07-01",
    }  # fmt: skip
    refused = client.post(url, data)
    assert refused.status_code == 200 and "081, 082 ou 089 est majoré" in refused.content.decode()
    assert number.tariffs.count() == 1
    data.update({"tariffs-1-caller_cost": "surcharged", "tariffs-1-price_per_minute_eur": "0.50",
                 "tariffs-0-valid_until": ""})  # fmt: skip
    overlap = client.post(url, data)
    assert overlap.status_code == 200 and "un seul tarif par jour" in overlap.content.decode()
    data["tariffs-0-valid_until"] = "2026-06-30"
    assert client.post(url, data).status_code == 302
    assert [t.price_per_minute_eur for t in number.tariffs.order_by("valid_from")] == [Decimal("0.80"), Decimal("0.50")]
