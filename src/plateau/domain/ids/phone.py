"""Telephone numbers as advisors type them: normalised to E.164 and classified (ARCEP national plan).

The advisor keys in what the caller says ("06 12 34 56 78", "+33 6 12…", "0033…", "0692…" for La Réunion,
"3211"). :func:`parse_phone` returns a :class:`PhoneNumber` with its E.164 form (``None`` for short and
emergency numbers, which are not dialable from abroad) and its :class:`PhoneKind`; anything else raises
:class:`InvalidPhoneNumber` with a French message that tells the advisor what to fix.

Sources: ARCEP decision 2018-0881 as amended by 2022-1583 (08 and 3BPQ tariff ranges), the overseas
departments' prefixes of the same plan; validation of the digits is delegated to ``phonenumbers``
(Google libphonenumber metadata).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType, shortnumberinfo

from plateau.domain.errors import DomainError


class PhoneKind(StrEnum):
    GEOGRAPHIC = "geographic"  # 01-05 (and overseas fixed lines)
    MOBILE = "mobile"  # 06, 07
    POLYVALENT = "polyvalent"  # 09 (VoIP / boxes)
    SPECIAL_FREE = "special_free"  # 0800-0805: free service, free call
    SPECIAL_NORMAL = "special_normal"  # 0806-0809: free service, call at normal price
    SPECIAL_SURCHARGED = "special_surcharged"  # 081, 082, 089
    SHORT_FREE = "short_free"  # 3BPQ in the free ranges
    SHORT_OTHER = "short_other"  # other 3BPQ, 10XY, 118XYZ…
    EMERGENCY = "emergency"  # 15, 17, 18, 112, 114, 115, 119, 116xxx, 191, 196, 197
    FOREIGN = "foreign"  # a valid number of another country


class InvalidPhoneNumber(DomainError):
    error_id = "invalid_phone_number"


@dataclass(frozen=True)
class PhoneNumber:
    """A parsed number. ``e164`` is ``None`` only for short and emergency numbers."""

    raw: str
    e164: str | None
    kind: PhoneKind
    national: str  # how a French advisor reads it: "06 12 34 56 78", "0692 12 34 56", "3211"
    region: str  # ISO 3166-1 code of the territory: FR, RE, GP, YT…, or the foreign country

    @property
    def is_short(self) -> bool:
        return self.kind in (PhoneKind.SHORT_FREE, PhoneKind.SHORT_OTHER, PhoneKind.EMERGENCY)

    @property
    def international(self) -> str:
        """Readable international form ("+33 6 12 34 56 78"), or the short number itself."""
        if self.e164 is None:
            return self.national
        return phonenumbers.format_number(phonenumbers.parse(self.e164), PhoneNumberFormat.INTERNATIONAL)


# Country calling codes of France and its overseas territories: their numbers are French, not foreign.
FRENCH_COUNTRY_CODES = frozenset({33, 262, 508, 590, 594, 596, 681, 687, 689})

# Overseas departments keep 10-digit national numbers dialled from metropolitan France with a leading 0;
# their E.164 form uses the department's own country code (0692 12 34 56 → +262 692 12 34 56).
_OVERSEAS_PREFIXES: dict[str, str] = {
    "0262": "RE",
    "0263": "RE",
    "0692": "RE",
    "0693": "RE",
    "0269": "YT",
    "0639": "YT",
    "0590": "GP",
    "0690": "GP",
    "0691": "GP",
    "0594": "GF",
    "0694": "GF",
    "0596": "MQ",
    "0696": "MQ",
    "0697": "MQ",
}

# Emergency and urgent-help numbers (free, not E.164): phonenumbers only knows 15/17/18/112.
EMERGENCY_NUMBERS = frozenset(
    {"15", "17", "18", "112", "114", "115", "119", "191", "196", "197", "3114", "116000", "116006", "116117"}
)

# 3BPQ numbers that are free for the caller (ARCEP 2022-1583 §2.4.9).
_SHORT_FREE_RANGES = ((3000, 3007), (3009, 3169), (3180, 3199))

_ALLOWED = re.compile(r"^\+?[\d\s.\-/()]+$")
_TYPES_TO_KIND = {
    PhoneNumberType.FIXED_LINE: PhoneKind.GEOGRAPHIC,
    PhoneNumberType.FIXED_LINE_OR_MOBILE: PhoneKind.GEOGRAPHIC,
    PhoneNumberType.MOBILE: PhoneKind.MOBILE,
    PhoneNumberType.VOIP: PhoneKind.POLYVALENT,
    PhoneNumberType.TOLL_FREE: PhoneKind.SPECIAL_FREE,
    PhoneNumberType.SHARED_COST: PhoneKind.SPECIAL_NORMAL,
    PhoneNumberType.PREMIUM_RATE: PhoneKind.SPECIAL_SURCHARGED,
}


def parse_phone(raw: str) -> PhoneNumber:
    """Normalise and classify a number typed by an advisor; :class:`InvalidPhoneNumber` if it cannot exist."""
    text = raw.strip()
    if not text:
        raise InvalidPhoneNumber("Saisissez un numéro de téléphone.", field="phone")
    if not _ALLOWED.match(text):
        raise InvalidPhoneNumber(
            "Le numéro ne peut contenir que des chiffres, espaces, points, tirets et un « + » au début.",
            field="phone",
        )
    digits = re.sub(r"\D", "", text)
    if not digits:
        raise InvalidPhoneNumber("Saisissez un numéro de téléphone.", field="phone")
    international = text.startswith("+") or digits.startswith("00")
    if not international and not digits.startswith("0") and len(digits) <= 6:
        return _short_number(raw, digits)
    if not international and not digits.startswith("0") and len(digits) == 9:
        digits = "0" + digits  # "6 12 34 56 78": the trunk 0 was left out
    if not international:
        return _national_number(raw, digits)
    return _international_number(raw, "+" + (digits[2:] if digits.startswith("00") else digits))


def parse_caller_phone(raw: str) -> PhoneNumber:
    """Like :func:`parse_phone`, but only numbers a person can be called back on identify a caller."""
    number = parse_phone(raw)
    if number.e164 is None:
        raise InvalidPhoneNumber(
            f"« {number.national} » est un numéro court : il ne permet pas d'identifier ni de rappeler l'appelant.",
            field="phone",
        )
    return number


def is_short_free(number: int) -> bool:
    """Whether a 4-digit 3BPQ number is in one of ARCEP's free ranges."""
    return any(low <= number <= high for low, high in _SHORT_FREE_RANGES)


def _short_number(raw: str, digits: str) -> PhoneNumber:
    if digits in EMERGENCY_NUMBERS or phonenumbers.is_emergency_number(digits, "FR"):
        return PhoneNumber(raw, None, PhoneKind.EMERGENCY, digits, "FR")
    if len(digits) == 4 and digits.startswith("3"):
        kind = PhoneKind.SHORT_FREE if is_short_free(int(digits)) else PhoneKind.SHORT_OTHER
        return PhoneNumber(raw, None, kind, digits, "FR")
    if shortnumberinfo.is_valid_short_number_for_region(phonenumbers.parse(digits, "FR"), "FR"):
        return PhoneNumber(raw, None, PhoneKind.SHORT_OTHER, digits, "FR")
    raise InvalidPhoneNumber(
        f"« {digits} » n'est ni un numéro court connu ni un numéro à 10 chiffres (ex. 06 12 34 56 78).",
        field="phone",
    )


def _national_number(raw: str, digits: str) -> PhoneNumber:
    if len(digits) != 10:
        raise InvalidPhoneNumber(
            f"Un numéro français compte 10 chiffres (ex. 06 12 34 56 78) ; {len(digits)} ont été saisis.",
            field="phone",
        )
    region = _OVERSEAS_PREFIXES.get(digits[:4], "FR")
    parsed = phonenumbers.parse(digits, region)
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhoneNumber(
            f"Le numéro {_group(digits)} n'existe pas dans le plan de numérotation : vérifiez les chiffres.",
            field="phone",
        )
    return _classified(raw, parsed)


def _international_number(raw: str, plus_digits: str) -> PhoneNumber:
    try:
        parsed = phonenumbers.parse(plus_digits, None)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and parsed.country_code == 33:
        # "+33 6 12…" and "+33 (0)6…" are national numbers; so is "+33 262…", really a +262 number.
        return _national_number(raw, "0" + str(parsed.national_number))
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise InvalidPhoneNumber(
            "Numéro international invalide : vérifiez l'indicatif du pays et le nombre de chiffres.",
            field="phone",
        )
    return _classified(raw, parsed)


def _classified(raw: str, parsed: phonenumbers.PhoneNumber) -> PhoneNumber:
    e164 = phonenumbers.format_number(parsed, PhoneNumberFormat.E164)
    region = phonenumbers.region_code_for_number(parsed) or "ZZ"
    national = phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL)
    if parsed.country_code not in FRENCH_COUNTRY_CODES:
        return PhoneNumber(raw, e164, PhoneKind.FOREIGN, national, region)
    if parsed.country_code == 33:
        kind = _metropolitan_kind(str(parsed.national_number))
    else:
        kind = _TYPES_TO_KIND.get(phonenumbers.number_type(parsed), PhoneKind.GEOGRAPHIC)
    return PhoneNumber(raw, e164, kind, national, region)


def _metropolitan_kind(nsn: str) -> PhoneKind:
    """Kind of a +33 number from its 9-digit national significant number (ARCEP plan)."""
    first = nsn[0]
    if first in "12345":
        return PhoneKind.GEOGRAPHIC
    if first in "67":
        return PhoneKind.MOBILE
    if first == "9":
        return PhoneKind.POLYVALENT
    prefix = int(nsn[:3])
    if 800 <= prefix <= 805:
        return PhoneKind.SPECIAL_FREE
    if 806 <= prefix <= 809:
        return PhoneKind.SPECIAL_NORMAL
    if nsn[:2] in ("81", "82", "89"):
        return PhoneKind.SPECIAL_SURCHARGED
    return PhoneKind.SPECIAL_NORMAL


def _group(digits: str) -> str:
    return " ".join(digits[i : i + 2] for i in range(0, len(digits), 2))
