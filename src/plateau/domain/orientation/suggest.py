"""Which level-2 destinations fit the caller's theme and commune, most specific first.

A destination is competent for a theme everywhere (national), or only for some départements or communes,
always given by their COG codes (never by name). For a caller in commune C (département D), a destination
listing C comes first, then one listing D, then the national ones. When the caller's commune is unknown the
local destinations are still offered, last, flagged « compétence locale » for the advisor to check.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum
from typing import Generic, TypeVar

from plateau.domain.errors import DomainError
from plateau.domain.ids.insee import department_of_insee

T = TypeVar("T")

# sip:user@host[:port][;params] (or sips:); the host is a name, an IPv4 address or a bracketed IPv6 address.
_SIP_URI = re.compile(
    r"sips?:[A-Za-z0-9\-_.!~*'()&=+$,;?/%]+@(?:[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?(?:;[^\s<>\"]*)?"
)


class InvalidSipUri(DomainError):
    error_id = "invalid_sip_uri"


def validate_sip_uri(text: str) -> str:
    """A SIP address to transfer a call to: ``sip:service@host`` (port and parameters allowed)."""
    value = text.strip()
    if not _SIP_URI.fullmatch(value):
        raise InvalidSipUri(
            f"Adresse SIP « {value[:80]} » illisible : attendu sip:service@hôte "
            "(par exemple sip:accueil@192.0.2.10:5060).",
            field="sip_uri",
        )
    return value


class Scope(IntEnum):
    """How precisely a destination fits the caller's place (the order of the suggestions)."""

    COMMUNE = 0
    DEPARTMENT = 1
    NATIONAL = 2
    LOCAL_UNCHECKED = 3  # competent somewhere only, the caller's commune unknown


@dataclass(frozen=True)
class Candidate(Generic[T]):
    """What the ordering needs of a destination; ``item`` is the caller's own object, handed back."""

    item: T
    name: str
    themes: frozenset[str]
    communes: frozenset[str] = frozenset()
    departments: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Suggestion(Generic[T]):
    item: T
    scope: Scope


def _scope(candidate: Candidate[T], commune: str | None, department: str | None) -> Scope | None:
    local = bool(candidate.communes or candidate.departments)
    if not local:
        return Scope.NATIONAL
    if commune is None:
        return Scope.LOCAL_UNCHECKED
    if commune in candidate.communes:
        return Scope.COMMUNE
    if department is not None and department in candidate.departments:
        return Scope.DEPARTMENT
    return None


def suggest(candidates: Iterable[Candidate[T]], theme: str, commune_insee: str | None = None) -> list[Suggestion[T]]:
    """The candidates competent for ``theme`` and the caller's commune (INSEE code), most specific first, then
    by name. An invalid commune code is treated as unknown (never guessed)."""
    department: str | None = None
    commune = commune_insee or None
    if commune is not None:
        try:
            department = department_of_insee(commune)
        except DomainError:
            commune = None
    found = [
        (scope, c.name.casefold(), i, c.item)
        for i, c in enumerate(candidates)
        if theme in c.themes and (scope := _scope(c, commune, department)) is not None
    ]
    return [Suggestion(item, scope) for scope, _name, _i, item in sorted(found, key=lambda f: f[:3])]
