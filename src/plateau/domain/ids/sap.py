"""SAP declaration numbers: ``SAP`` followed by the 9-digit SIREN of the declared organisation.

No official specification was found (see docs domain §2): we accept ``SAP`` + 9 digits whose SIREN passes
Luhn, case-insensitive, with spaces tolerated (``sap 898 228 705``), and store ``SAP898228705``.
"""

from __future__ import annotations

from plateau.domain.errors import DomainError

from .siret import InvalidSiren, normalize_siren


class InvalidSapNumber(DomainError):
    """A declaration number that is not ``SAP`` + a valid SIREN."""

    error_id = "invalid_sap_number"


def normalize_sap_number(raw: str) -> str:
    """``SAP`` + 9 digits, validated; raises :class:`InvalidSapNumber` with a French message."""
    compact = "".join(raw.split()).upper()
    if not compact.startswith("SAP"):
        raise InvalidSapNumber(
            "Le numéro de déclaration SAP doit commencer par « SAP » suivi des 9 chiffres du SIREN "
            f"(reçu : « {raw} »).",
            value=raw,
        )
    digits = compact[3:]
    if len(digits) != 9 or not digits.isdigit():
        raise InvalidSapNumber(
            f"Le numéro de déclaration SAP doit comporter « SAP » puis 9 chiffres (reçu : « {raw} »).", value=raw
        )
    try:
        normalize_siren(digits)
    except InvalidSiren as e:
        raise InvalidSapNumber(
            f"Le numéro de déclaration SAP « {raw} » est invalide : la clé de contrôle du SIREN ne correspond pas.",
            value=raw,
        ) from e
    return f"SAP{digits}"


def sap_number_for_siren(siren: str) -> str:
    """The declaration number of the organisation with this SIREN."""
    return f"SAP{normalize_siren(siren)}"
