"""The applicant's identity as API Particulier's identity pivot wants it, the scheme's territory, and the
application number a caller quotes.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from stdnum import luhn

from plateau.domain.errors import DomainError
from plateau.domain.ids.insee import InvalidInseeCode, department_of_insee, validate_insee_code

# Île-de-France Mobilités serves the eight départements of Île-de-France.
TERRITORY_DEPARTMENTS = frozenset({"75", "77", "78", "91", "92", "93", "94", "95"})
FRANCE_COUNTRY_CODE = "99100"
_COUNTRY = re.compile(r"^99\d{3}$")
_NAME = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿ' -]+$")
SEXES = ("F", "M")


class InvalidIdentity(DomainError):
    error_id = "invalid_identity"


class OutsideTerritory(DomainError):
    error_id = "outside_territory"


class InvalidApplicationNumber(DomainError):
    error_id = "invalid_application_number"


def _upper_plain(text: str) -> str:
    """Upper case as civil status registers write names ("Lagaffe" → "LAGAFFE"); accents kept off the pivot."""
    return " ".join(text.split()).upper()


def ascii_upper(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


@dataclass(frozen=True)
class IdentityPivot:
    """What API Particulier needs to find a person without FranceConnect."""

    birth_name: str
    first_names: tuple[str, ...]
    birth_date: dt.date
    sex: str  # "F" or "M"
    birth_commune_insee: str  # COG code of the birth commune, "" when born abroad
    birth_country_code: str  # INSEE country code, 99100 for France

    def query_params(self) -> list[tuple[str, str]]:
        """The identity-pivot query parameters (``prenoms[]`` repeated), in the API's spelling."""
        params = [("nomNaissance", ascii_upper(self.birth_name))]
        params += [("prenoms[]", ascii_upper(p)) for p in self.first_names]
        params += [
            ("anneeDateNaissance", str(self.birth_date.year)),
            ("moisDateNaissance", str(self.birth_date.month)),
            ("jourDateNaissance", str(self.birth_date.day)),
            ("sexeEtatCivil", self.sex),
        ]
        if self.birth_commune_insee:
            params.append(("codeCogInseeCommuneNaissance", self.birth_commune_insee))
        params.append(("codeCogInseePaysNaissance", self.birth_country_code))
        return params


def make_identity(
    *,
    birth_name: str,
    first_names: str,
    birth_date: dt.date,
    sex: str,
    birth_commune_insee: str = "",
    birth_country_code: str = FRANCE_COUNTRY_CODE,
    today: dt.date,
) -> IdentityPivot:
    """Validate an identity pivot; every refusal names its field and says why in French."""
    name = _upper_plain(birth_name)
    if not name or not _NAME.match(name):
        raise InvalidIdentity("Saisissez le nom de naissance (lettres, espaces, tirets).", field="birth_name")
    # "Samuel, Jean" or "Samuel Jean": one first name per item, compound ones keep their hyphen.
    parts = first_names.split(",") if "," in first_names else first_names.split()
    names = tuple(_upper_plain(p) for p in parts if p.strip())
    if not names or not all(_NAME.match(p) for p in names):
        raise InvalidIdentity("Saisissez le ou les prénoms (dans l'ordre de l'état civil).", field="first_names")
    if birth_date > today or birth_date.year < today.year - 130:
        raise InvalidIdentity("La date de naissance n'est pas plausible.", field="birth_date")
    if sex not in SEXES:
        raise InvalidIdentity("Indiquez le sexe à l'état civil (F ou M).", field="sex")
    country = "".join(birth_country_code.split()) or FRANCE_COUNTRY_CODE
    if not _COUNTRY.match(country):
        raise InvalidIdentity(
            "Le pays de naissance est un code INSEE à 5 chiffres commençant par 99 (99100 pour la France).",
            field="birth_country_code",
        )
    commune = ""
    if country == FRANCE_COUNTRY_CODE:
        try:
            commune = validate_insee_code(birth_commune_insee)
        except InvalidInseeCode as exc:
            raise InvalidIdentity(
                f"Commune de naissance : {exc.message} Choisissez-la dans la liste (code INSEE).",
                field="birth_commune",
            ) from exc
    elif birth_commune_insee.strip():
        raise InvalidIdentity(
            "Une personne née à l'étranger n'a pas de commune de naissance : laissez-la vide.",
            field="birth_commune",
        )
    return IdentityPivot(name, names, birth_date, sex, commune, country)


def check_territory(commune_insee: str) -> str:
    """The département of a residence commune inside the scheme's territory, else :class:`OutsideTerritory`."""
    department = department_of_insee(validate_insee_code(commune_insee))
    if department not in TERRITORY_DEPARTMENTS:
        raise OutsideTerritory(
            "Cette commune n'est pas en Île-de-France : la tarification Solidarité Transport ne s'y applique pas.",
            field="commune",
            department=department,
        )
    return department


# Application numbers: two digits of the year, six of a sequence, one Luhn check digit ("26-000123-5"): digits
# only, so that a caller can key it on the phone, and a mistyped digit is caught.
_NUMBER = re.compile(r"^(\d{2})-?(\d{6})-?(\d)$")


def application_number(year: int, sequence: int) -> str:
    if not 0 < sequence < 1_000_000:
        raise ValueError("sequence out of range")
    body = f"{year % 100:02d}{sequence:06d}"
    return f"{body[:2]}-{body[2:]}-{luhn.calc_check_digit(body)}"


def parse_application_number(text: str) -> str:
    """Canonical form of a number typed or keyed by a caller, or :class:`InvalidApplicationNumber`."""
    m = _NUMBER.match("".join(text.split()).replace(".", "-"))
    if not m or not luhn.is_valid(m[1] + m[2] + m[3]):
        raise InvalidApplicationNumber(
            "Ce numéro de dossier n'est pas valide (9 chiffres, par exemple 26-000123-5).", field="number"
        )
    return f"{m[1]}-{m[2]}-{m[3]}"
