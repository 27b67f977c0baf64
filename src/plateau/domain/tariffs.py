"""What a call costs the caller, in ARCEP's words, and the price announcement a surcharged number must play.

ARCEP's reform of value-added services (decision 2012-0856, in force since 2015) sorts every number into three
tariff families for the caller: **gratuit** (call and service free: 0800-0805, the free 3BPQ ranges),
**banalisé** (service free, the call at the price of a normal call: 0806-0809, geographic and mobile numbers,
the other 3BPQ) and **majoré** (normal call plus a service fee: 081x, 082x, 089x, some 3BPQ). A majoré number
must say its price at the start of the call, before any service, and that announcement is free for the caller.

Pure code: the tariff families, which family a number may have (by its kind in the national plan, see
:mod:`plateau.domain.ids.phone`), the written price notice ("Service 0,80 € / min + prix d'un appel") and the
text the voice menu speaks.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from plateau.domain.ids.phone import PhoneKind


class TariffFamily(StrEnum):
    FREE = "free"  # « gratuit »
    NORMAL = "normal"  # « banalisé »
    SURCHARGED = "surcharged"  # « majoré »


FAMILY_LABELS = {
    TariffFamily.FREE: "Gratuit",
    TariffFamily.NORMAL: "Banalisé (prix d'un appel normal)",
    TariffFamily.SURCHARGED: "Majoré (service payant + prix d'un appel)",
}

# The caller costs stored on a number's tariff (tenants.CallerCost) and their ARCEP family.
CALLER_COST_FAMILY = {
    "free": TariffFamily.FREE,
    "free_service": TariffFamily.NORMAL,
    "local_rate": TariffFamily.NORMAL,
    "surcharged": TariffFamily.SURCHARGED,
}

# Which families a number of each kind may have (ARCEP 2018-0881 as amended by 2022-1583).
_ALLOWED_FAMILIES: dict[PhoneKind, frozenset[TariffFamily]] = {
    PhoneKind.SPECIAL_FREE: frozenset({TariffFamily.FREE}),
    PhoneKind.SPECIAL_NORMAL: frozenset({TariffFamily.NORMAL}),
    PhoneKind.SPECIAL_SURCHARGED: frozenset({TariffFamily.SURCHARGED}),
    PhoneKind.SHORT_FREE: frozenset({TariffFamily.FREE}),
    PhoneKind.SHORT_OTHER: frozenset({TariffFamily.NORMAL, TariffFamily.SURCHARGED}),
    PhoneKind.GEOGRAPHIC: frozenset({TariffFamily.NORMAL}),
    PhoneKind.MOBILE: frozenset({TariffFamily.NORMAL}),
    PhoneKind.POLYVALENT: frozenset({TariffFamily.NORMAL}),
}

_WHY = {
    PhoneKind.SPECIAL_FREE: "un numéro 0800 à 0805 est gratuit pour l'appelant",
    PhoneKind.SPECIAL_NORMAL: "un numéro 0806 à 0809 est au prix d'un appel normal (service gratuit)",
    PhoneKind.SPECIAL_SURCHARGED: "un numéro 081, 082 ou 089 est majoré (service payant + prix d'un appel)",
    PhoneKind.SHORT_FREE: "ce numéro court est dans une tranche gratuite de l'ARCEP",
    PhoneKind.SHORT_OTHER: "un numéro court hors tranche gratuite est banalisé ou majoré",
    PhoneKind.GEOGRAPHIC: "un numéro géographique est au prix d'un appel normal",
    PhoneKind.MOBILE: "un numéro mobile est au prix d'un appel normal",
    PhoneKind.POLYVALENT: "un numéro 09 est au prix d'un appel normal",
}


def tariff_problems(kind: PhoneKind | None, family: TariffFamily, price_per_minute: Decimal | None) -> list[str]:
    """Every reason, in French, why this tariff cannot be the one of a number of ``kind`` (empty: valid)."""
    reasons = []
    allowed = _ALLOWED_FAMILIES.get(kind) if kind is not None else None
    if allowed is not None and family not in allowed:
        reasons.append(f"Famille tarifaire « {FAMILY_LABELS[family]} » impossible : {_WHY[kind]}.")  # type: ignore[index]
    if family == TariffFamily.SURCHARGED and (price_per_minute is None or price_per_minute <= 0):
        reasons.append("Un tarif majoré doit indiquer le prix du service par minute : il est annoncé à l'appelant.")
    if family == TariffFamily.FREE and price_per_minute:
        reasons.append("Un numéro gratuit ne peut pas avoir de prix par minute.")
    return reasons


def requires_price_announcement(family: TariffFamily) -> bool:
    """A majoré number says its price first, free for the caller (ARCEP 2012-0856)."""
    return family == TariffFamily.SURCHARGED


def _euros(price: Decimal) -> str:
    cents = price.quantize(Decimal("0.01"))
    return str(cents if cents == price else price.normalize())


def price_notice(family: TariffFamily, price_per_minute: Decimal | None) -> str:
    """The written notice (ARCEP's « cartouche »): "Service 0,80 € / min + prix d'un appel"."""
    if family == TariffFamily.FREE:
        return "Service & appel gratuits"
    if family == TariffFamily.NORMAL or not price_per_minute:
        return "Service gratuit + prix d'un appel"
    return f"Service {_euros(price_per_minute).replace('.', ',')} € / min + prix d'un appel"


def _spoken_euros(price: Decimal) -> str:
    """0.80 → "80 centimes", 1.50 → "1 euro et 50 centimes", 2 → "2 euros", 0.1234 → "0,1234 euro"."""
    hundredths = price * 100
    if hundredths != int(hundredths):
        return f"{str(price.normalize()).replace('.', ',')} euro"
    euros, cents = divmod(int(hundredths), 100)
    words = []
    if euros:
        words.append(f"{euros} euro" + ("s" if euros >= 2 else ""))
    if cents:
        words.append(f"{cents} centime" + ("s" if cents >= 2 else ""))
    return " et ".join(words)


def price_announcement(family: TariffFamily, price_per_minute: Decimal | None) -> str | None:
    """What the voice menu says first on a majoré number (spelled for speech synthesis), else ``None``."""
    if not requires_price_announcement(family) or not price_per_minute:
        return None
    amount = _spoken_euros(price_per_minute)
    return f"Ce service est facturé {amount} par minute, plus le prix d'un appel."
