"""SIRET / SIREN / SAP number validation tables."""

from __future__ import annotations

import pytest
from stdnum import luhn

from plateau.domain.ids.sap import InvalidSapNumber, normalize_sap_number, sap_number_for_siren
from plateau.domain.ids.siret import (
    InvalidSiren,
    InvalidSiret,
    format_siret,
    is_valid_siret,
    normalize_siren,
    normalize_siret,
    siren_of,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("73282932000074", "73282932000074"),
        ("732 829 320 00074", "73282932000074"),
        ("732.829.320.00074", "73282932000074"),
        ("\u00a0732\u00a0829\u00a0320\u00a000074 ", "73282932000074"),
        # La Poste head office passes Luhn.
        ("35600000000048", "35600000000048"),
        # A La Poste establishment: not Luhn, but the sum of its digits (45) is a multiple of 5.
        ("35600000049837", "35600000049837"),
    ],
)
def test_given_valid_siret_when_normalised_then_fourteen_digits(raw: str, expected: str) -> None:
    assert normalize_siret(raw) == expected
    assert is_valid_siret(raw)


def test_la_poste_establishment_is_valid_only_through_the_exception() -> None:
    assert not luhn.is_valid("35600000049837")
    # Same digits but sum 46: neither Luhn nor the La Poste rule.
    assert not is_valid_siret("35600000049838")


@pytest.mark.parametrize(
    ("raw", "message_part"),
    [
        ("73282932000079", "clé de contrôle"),
        ("7328293200007", "14 chiffres"),
        ("732829320000745", "14 chiffres"),
        ("7328293200007A", "que des chiffres"),
        ("", "obligatoire"),
        ("   ", "obligatoire"),
        ("35600000000049", "clé de contrôle"),
    ],
)
def test_given_invalid_siret_when_normalised_then_french_message_and_stable_id(raw: str, message_part: str) -> None:
    with pytest.raises(InvalidSiret) as exc:
        normalize_siret(raw)
    assert exc.value.error_id == "invalid_siret"
    assert message_part in exc.value.message


def test_siren_and_format_of_a_siret() -> None:
    assert siren_of("732 829 320 00074") == "732829320"
    assert format_siret("73282932000074") == "732 829 320 00074"


@pytest.mark.parametrize(
    ("raw", "ok"), [("732829320", True), ("732 829 320", True), ("732829321", False), ("73282932", False)]
)
def test_siren_table(raw: str, ok: bool) -> None:
    if ok:
        assert normalize_siren(raw) == raw.replace(" ", "")
    else:
        with pytest.raises(InvalidSiren) as exc:
            normalize_siren(raw)
        assert exc.value.error_id == "invalid_siren"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("SAP732829320", "SAP732829320"), ("sap 732 829 320", "SAP732829320"), (" SAP732829320 ", "SAP732829320")],
)
def test_given_valid_sap_number_then_normalised(raw: str, expected: str) -> None:
    assert normalize_sap_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message_part"),
    [
        ("732829320", "commencer par « SAP »"),
        ("SAP73282932", "9 chiffres"),
        ("SAP7328293200", "9 chiffres"),
        ("SAP732829321", "clé de contrôle"),
        ("SAPABCDEFGHI", "9 chiffres"),
    ],
)
def test_given_invalid_sap_number_then_french_message(raw: str, message_part: str) -> None:
    with pytest.raises(InvalidSapNumber) as exc:
        normalize_sap_number(raw)
    assert exc.value.error_id == "invalid_sap_number"
    assert message_part in exc.value.message


def test_sap_number_for_siren() -> None:
    assert sap_number_for_siren("732 829 320") == "SAP732829320"
