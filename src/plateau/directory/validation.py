"""Field validation shared by the admin forms and the CSV import: French messages, normalised values."""

from __future__ import annotations

from collections.abc import Callable

import phonenumbers
from django.core.exceptions import ValidationError

from plateau.domain.errors import DomainError
from plateau.domain.ids.sap import normalize_sap_number
from plateau.domain.ids.siret import normalize_siret


class InvalidPhone(DomainError):
    error_id = "invalid_phone"


def phone_e164(raw: str) -> str:
    """``raw`` (French by default: ``01 23 45 67 89``, ``+33 1…``) as E.164; raises :class:`InvalidPhone`."""
    try:
        number = phonenumbers.parse(raw, "FR")
    except phonenumbers.NumberParseException as e:
        raise InvalidPhone(f"Le numéro de téléphone « {raw} » n'est pas un numéro valide.", value=raw) from e
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"Le numéro de téléphone « {raw} » n'est pas un numéro attribuable.", value=raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def django_validator(normalise: Callable[[str], str]) -> Callable[[str], None]:
    """A Django field validator from a domain normaliser (DomainError → ValidationError, same message)."""

    def validate(value: str) -> None:
        if not value:
            return
        try:
            normalise(value)
        except DomainError as e:
            raise ValidationError(e.message, code=e.error_id) from e

    return validate


validate_siret = django_validator(normalize_siret)
validate_sap_number = django_validator(normalize_sap_number)
validate_phone = django_validator(phone_e164)
