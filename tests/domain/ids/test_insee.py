from __future__ import annotations

import pytest

from plateau.domain.errors import DomainError
from plateau.domain.ids.insee import (
    InvalidDepartmentCode,
    InvalidInseeCode,
    InvalidPostalCode,
    department_of_insee,
    is_insee_code,
    validate_department_code,
    validate_insee_code,
    validate_postal_code,
)


@pytest.mark.parametrize(
    ("code", "canonical", "department"),
    [
        ("92051", "92051", "92"),  # Neuilly-sur-Seine
        ("01001", "01001", "01"),
        ("75115", "75115", "75"),  # Paris 15e (arrondissement)
        ("2A004", "2A004", "2A"),  # Ajaccio
        ("2b033", "2B033", "2B"),  # Bastia, lower case accepted
        (" 23096 ", "23096", "23"),  # Guéret, spaces trimmed
        ("97411", "97411", "974"),  # Saint-Denis (La Réunion)
        ("97101", "97101", "971"),
        ("97611", "97611", "976"),  # Mamoudzou
        ("95690", "95690", "95"),
    ],
)
def test_valid_insee_codes_are_canonicalised_with_their_departement(code: str, canonical: str, department: str) -> None:
    assert validate_insee_code(code) == canonical
    assert department_of_insee(code) == department
    assert is_insee_code(code)


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("", "vide"),
        ("9205", "5 caractères"),
        ("920511", "5 caractères"),
        ("20004", "département"),  # Corsica is 2A/2B since 1976
        ("2C004", "département"),
        ("00001", "département"),
        ("96001", "département"),
        ("97701", "département"),  # Saint-Barthélemy is not a département
        ("98735", "département"),
        ("92000", "numéro de commune"),
        ("97400", "numéro de commune"),
        ("ABCDE", "département"),
    ],
)
def test_invalid_insee_codes_get_a_french_message(code: str, fragment: str) -> None:
    with pytest.raises(InvalidInseeCode) as info:
        validate_insee_code(code)
    assert fragment in info.value.message
    assert info.value.error_id == "invalid_insee_code"
    assert isinstance(info.value, DomainError)
    assert not is_insee_code(code)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("92200", "92200"),
        ("01000", "01000"),
        ("20000", "20000"),
        ("97400", "97400"),
        (" 75 015 ", "75015"),
        ("98000", "98000"),
    ],
)
def test_valid_postal_codes(code: str, expected: str) -> None:
    assert validate_postal_code(code) == expected


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("", "vide"),
        ("9220", "5 chiffres"),
        ("922000", "5 chiffres"),
        ("92A00", "que des chiffres"),
        ("00100", "00"),
        ("٩٢٢٠٠", "que des chiffres"),  # Arabic-Indic digits are digits for Python, not for La Poste
    ],
)
def test_invalid_postal_codes_get_a_french_message(code: str, fragment: str) -> None:
    with pytest.raises(InvalidPostalCode) as info:
        validate_postal_code(code)
    assert fragment in info.value.message
    assert info.value.error_id == "invalid_postal_code"


def test_four_digit_postal_code_suggests_the_leading_zero() -> None:
    with pytest.raises(InvalidPostalCode, match="Vouliez-vous dire 01000"):
        validate_postal_code("1000")


@pytest.mark.parametrize(("code", "expected"), [("92", "92"), ("2a", "2A"), ("974", "974"), ("01", "01")])
def test_valid_department_codes(code: str, expected: str) -> None:
    assert validate_department_code(code) == expected


@pytest.mark.parametrize("code", ["1", "20", "99", "977", "2C", "", "abc"])
def test_invalid_department_codes(code: str) -> None:
    with pytest.raises(InvalidDepartmentCode, match="inconnu"):
        validate_department_code(code)
