"""SIREN and SIRET: the INSEE identifiers of a company and of one of its establishments.

SIREN = 9 digits with a Luhn check digit; SIRET = SIREN + 5-digit NIC, Luhn over the 14 digits, except for
La Poste (SIREN 356000000) whose establishments use "sum of digits divisible by 5" — the checks are those
of python-stdnum; this module adds normalisation and French messages with stable error ids.
"""

from __future__ import annotations

from stdnum import exceptions as stdnum_exc
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

from plateau.domain.errors import DomainError

LA_POSTE_SIREN = "356000000"


class InvalidSiret(DomainError):
    """A SIRET that is malformed, has the wrong length or a wrong check digit."""

    error_id = "invalid_siret"


class InvalidSiren(DomainError):
    """A SIREN that is malformed, has the wrong length or a wrong check digit."""

    error_id = "invalid_siren"


def _compact(raw: str) -> str:
    # Callers and spreadsheets write "732 829 320 00074", "732.829.320.00074" or with non-breaking spaces.
    return "".join(ch for ch in raw if ch not in " .\u00a0\u202f\t-")


def _explain(raw: str, number: str, length: int, label: str, exc: type[DomainError]) -> str:
    # InvalidLength is a subclass of InvalidFormat in stdnum: catch it first.
    try:
        return stdnum_siret.validate(number) if length == 14 else stdnum_siren.validate(number)
    except stdnum_exc.InvalidLength as e:
        raise exc(f"Le {label} doit comporter {length} chiffres (reçu : {len(number)} chiffres).", value=raw) from e
    except stdnum_exc.InvalidFormat as e:
        raise exc(f"Le {label} ne doit contenir que des chiffres (reçu : « {raw} »).", value=raw) from e
    except stdnum_exc.ValidationError as e:
        raise exc(f"Le {label} « {raw} » est invalide : la clé de contrôle ne correspond pas.", value=raw) from e


def normalize_siret(raw: str) -> str:
    """The 14 digits of ``raw`` without separators, validated; raises :class:`InvalidSiret`."""
    number = _compact(raw.strip())
    if not number:
        raise InvalidSiret("Le SIRET est obligatoire.", value=raw)
    return _explain(raw, number, 14, "SIRET", InvalidSiret)


def normalize_siren(raw: str) -> str:
    """The 9 digits of ``raw`` without separators, validated; raises :class:`InvalidSiren`."""
    number = _compact(raw.strip())
    if not number:
        raise InvalidSiren("Le SIREN est obligatoire.", value=raw)
    return _explain(raw, number, 9, "SIREN", InvalidSiren)


def is_valid_siret(raw: str) -> bool:
    try:
        normalize_siret(raw)
    except InvalidSiret:
        return False
    return True


def siren_of(siret: str) -> str:
    """The SIREN (first 9 digits) of a valid SIRET."""
    return normalize_siret(siret)[:9]


def format_siret(siret: str) -> str:
    """``732 829 320 00074``: the usual printed form."""
    n = normalize_siret(siret)
    return f"{n[:3]} {n[3:6]} {n[6:9]} {n[9:]}"
