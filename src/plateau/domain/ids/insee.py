"""French territorial identifiers: INSEE commune codes (COG) and La Poste postal codes.

An INSEE commune code is 5 characters: the département (2 digits, "2A"/"2B" for Corsica, or 3 digits 971-976
overseas) followed by the commune's number within it (3 digits, or 2 overseas). A postal code is 5 digits and
is a different thing: one commune may have several, and one postal code may serve several communes.
"""

from __future__ import annotations

import re

from plateau.domain.errors import DomainError

_METRO = re.compile(r"^(0[1-9]|1[0-9]|2[1-9]|[3-8][0-9]|9[0-5]|2A|2B)(\d{3})$")
_OVERSEAS = re.compile(r"^(97[1-6])(\d{2})$")
_DEPARTMENT = re.compile(r"^(0[1-9]|1[0-9]|2[1-9]|[3-8][0-9]|9[0-5]|2A|2B|97[1-6])$")
_POSTAL = re.compile(r"^\d{5}$")


class InvalidInseeCode(DomainError):
    error_id = "invalid_insee_code"


class InvalidPostalCode(DomainError):
    error_id = "invalid_postal_code"


class InvalidDepartmentCode(DomainError):
    error_id = "invalid_department_code"


def _clean(code: str) -> str:
    return "".join(code.split()).upper()


def validate_insee_code(code: str) -> str:
    """Return the INSEE commune code in canonical form ("2a004" → "2A004") or raise :class:`InvalidInseeCode`."""
    value = _clean(code)
    if not value:
        raise InvalidInseeCode("Le code INSEE est vide.", code=code)
    if len(value) != 5:
        raise InvalidInseeCode(
            f"Le code INSEE « {code} » doit compter 5 caractères (ex. 92051, 2A004, 97411).", code=code
        )
    match = _METRO.match(value) or _OVERSEAS.match(value)
    if match is None:
        raise InvalidInseeCode(
            f"Le code INSEE « {code} » ne correspond à aucun département : il commence par 01 à 95, "
            "2A ou 2B (Corse) ou 971 à 976 (outre-mer).",
            code=code,
        )
    if int(match.group(2)) == 0:
        raise InvalidInseeCode(f"Le code INSEE « {code} » n'a pas de numéro de commune (…000).", code=code)
    return value


def department_of_insee(code: str) -> str:
    """The département code of a valid INSEE commune code ("92051" → "92", "2A004" → "2A", "97411" → "974")."""
    value = validate_insee_code(code)
    return value[:3] if value.startswith("97") else value[:2]


def validate_department_code(code: str) -> str:
    """Return the département code in canonical form ("2a" → "2A", "1" is refused) or raise."""
    value = _clean(code)
    if not _DEPARTMENT.match(value):
        raise InvalidDepartmentCode(
            f"Département « {code} » inconnu : attendu 01 à 95, 2A, 2B ou 971 à 976.", code=code
        )
    return value


def is_insee_code(code: str) -> bool:
    try:
        validate_insee_code(code)
    except InvalidInseeCode:
        return False
    return True


def validate_postal_code(code: str) -> str:
    """Return the 5-digit postal code (spaces removed) or raise :class:`InvalidPostalCode` with a French message."""
    value = "".join(code.split())
    if not value:
        raise InvalidPostalCode("Le code postal est vide.", code=code)
    if not value.isdigit() or not value.isascii():
        raise InvalidPostalCode(f"Le code postal « {code} » ne doit contenir que des chiffres (ex. 92200).", code=code)
    if not _POSTAL.match(value):
        hint = f" Vouliez-vous dire 0{value} ?" if len(value) == 4 else ""
        raise InvalidPostalCode(
            f"Le code postal « {code} » doit compter 5 chiffres (ex. 92200).{hint}", code=code, length=len(value)
        )
    if value.startswith("00"):
        raise InvalidPostalCode(f"Le code postal « {code} » n'existe pas : il ne peut pas commencer par 00.", code=code)
    return value
