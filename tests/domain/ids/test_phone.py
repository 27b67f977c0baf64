"""Phone numbers as advisors type them: tables of inputs → E.164 and kind, and refusals with French messages."""

from __future__ import annotations

import pytest

from plateau.domain.ids.phone import InvalidPhoneNumber, PhoneKind, parse_caller_phone, parse_phone

K = PhoneKind


@pytest.mark.parametrize(
    ("typed", "e164", "kind", "national"),
    [
        ("06 12 34 56 78", "+33612345678", K.MOBILE, "06 12 34 56 78"),
        ("06.12.34.56.78", "+33612345678", K.MOBILE, "06 12 34 56 78"),
        ("06-12-34-56-78", "+33612345678", K.MOBILE, "06 12 34 56 78"),
        ("+33612345678", "+33612345678", K.MOBILE, "06 12 34 56 78"),
        ("+33 (0)6 12 34 56 78", "+33612345678", K.MOBILE, "06 12 34 56 78"),
        ("+33 06 12 34 56 78", "+33612345678", K.MOBILE, "06 12 34 56 78"),
        ("0033 6 12 34 56 78", "+33612345678", K.MOBILE, "06 12 34 56 78"),
        ("6 12 34 56 78", "+33612345678", K.MOBILE, "06 12 34 56 78"),
        ("07 81 23 45 67", "+33781234567", K.MOBILE, "07 81 23 45 67"),
        ("01 42 76 40 40", "+33142764040", K.GEOGRAPHIC, "01 42 76 40 40"),
        ("05 55 52 12 34", "+33555521234", K.GEOGRAPHIC, "05 55 52 12 34"),
        ("09 70 80 90 00", "+33970809000", K.POLYVALENT, "09 70 80 90 00"),
        ("0800 12 34 56", "+33800123456", K.SPECIAL_FREE, "0 800 12 34 56"),
        ("0805 12 34 56", "+33805123456", K.SPECIAL_FREE, "0 805 12 34 56"),
        ("0806 00 00 00", "+33806000000", K.SPECIAL_NORMAL, "0 806 00 00 00"),
        ("0810 00 00 00", "+33810000000", K.SPECIAL_SURCHARGED, "0 810 00 00 00"),
        ("0892 00 00 00", "+33892000000", K.SPECIAL_SURCHARGED, "0 892 00 00 00"),
        # Overseas departments: dialled nationally with a 0, E.164 under their own country code.
        ("0262 21 21 21", "+262262212121", K.GEOGRAPHIC, "0262 21 21 21"),
        ("0692 12 34 56", "+262692123456", K.MOBILE, "0692 12 34 56"),
        ("+262 692 12 34 56", "+262692123456", K.MOBILE, "0692 12 34 56"),
        ("+33 692 12 34 56", "+262692123456", K.MOBILE, "0692 12 34 56"),
        ("0269 61 12 34", "+262269611234", K.GEOGRAPHIC, "0269 61 12 34"),
        ("0639 69 12 34", "+262639691234", K.MOBILE, "0639 69 12 34"),
        ("0590 12 34 56", "+590590123456", K.GEOGRAPHIC, "0590 12 34 56"),
        ("+590 690 12 34 56", "+590690123456", K.MOBILE, "0690 12 34 56"),
        ("0594 29 00 00", "+594594290000", K.GEOGRAPHIC, "0594 29 00 00"),
        ("0694 20 12 34", "+594694201234", K.MOBILE, "0694 20 12 34"),
        ("0696 12 34 56", "+596696123456", K.MOBILE, "0696 12 34 56"),
        ("+508 41 23 45", "+508412345", K.GEOGRAPHIC, "041 23 45"),
        ("+44 20 7946 0958", "+442079460958", K.FOREIGN, "020 7946 0958"),
        ("0032 2 555 12 34", "+3225551234", K.FOREIGN, "02 555 12 34"),
    ],
)
def test_given_typed_number_when_parsed_then_e164_and_kind(
    typed: str, e164: str, kind: PhoneKind, national: str
) -> None:
    number = parse_phone(typed)
    assert (number.e164, number.kind, number.national) == (e164, kind, national)
    assert number.raw == typed


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("3000", K.SHORT_FREE),
        ("3007", K.SHORT_FREE),
        ("3008", K.SHORT_OTHER),
        ("3009", K.SHORT_FREE),
        ("3169", K.SHORT_FREE),
        ("3170", K.SHORT_OTHER),
        ("3180", K.SHORT_FREE),
        ("3199", K.SHORT_FREE),
        ("3211", K.SHORT_OTHER),
        ("3230", K.SHORT_OTHER),
        ("39 39", K.SHORT_OTHER),
        ("3646", K.SHORT_OTHER),
        ("1014", K.SHORT_OTHER),
        ("118 712", K.SHORT_OTHER),
        ("15", K.EMERGENCY),
        ("17", K.EMERGENCY),
        ("18", K.EMERGENCY),
        ("112", K.EMERGENCY),
        ("114", K.EMERGENCY),
        ("115", K.EMERGENCY),
        ("119", K.EMERGENCY),
        ("3114", K.EMERGENCY),
        ("116000", K.EMERGENCY),
    ],
)
def test_given_short_number_when_parsed_then_no_e164_and_tariff_kind(typed: str, kind: PhoneKind) -> None:
    number = parse_phone(typed)
    assert (number.e164, number.kind, number.is_short) == (None, kind, True)


@pytest.mark.parametrize(
    ("typed", "message_part"),
    [
        ("", "Saisissez un numéro"),
        ("   ", "Saisissez un numéro"),
        ("06 12 34 56", "10 chiffres"),
        ("06 12 34 56 78 9", "10 chiffres"),
        ("06 12 AB 56 78", "que des chiffres"),
        ("06 12 34 56 78 poste 12", "que des chiffres"),
        ("07 00 00 00 00", "n'existe pas"),
        ("+999 1234 5678", "indicatif"),
        ("+44 1", "indicatif"),
        ("9876", "numéro court"),
    ],
)
def test_given_impossible_number_when_parsed_then_french_message(typed: str, message_part: str) -> None:
    with pytest.raises(InvalidPhoneNumber) as raised:
        parse_phone(typed)
    assert message_part in raised.value.message
    assert raised.value.error_id == "invalid_phone_number"
    assert raised.value.details == {"field": "phone"}


@pytest.mark.parametrize("typed", ["3211", "15", "112"])
def test_given_short_number_when_identifying_caller_then_refused(typed: str) -> None:
    with pytest.raises(InvalidPhoneNumber, match="numéro court"):
        parse_caller_phone(typed)


def test_given_mobile_when_identifying_caller_then_accepted_with_international_form() -> None:
    number = parse_caller_phone("06 12 34 56 78")
    assert number.e164 == "+33612345678"
    assert number.international == "+33 6 12 34 56 78"
