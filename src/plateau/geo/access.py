"""Reads of the geo app: commune resolution, lookup by INSEE code, radius search.

Geodata is reference data shared by every programme (not tenant-owned), so these reads need no tenant check.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext as _

from plateau.domain.errors import DomainError
from plateau.domain.geo import normalise_commune_name
from plateau.domain.ids.insee import validate_department_code, validate_insee_code, validate_postal_code
from plateau.errors import NotFound

from .catalogue import Catalogue, Entry, catalogue
from .errors import CommuneWithoutCoordinates
from .models import Commune, CommuneType, Department

__all__ = ["CommuneResolution", "commune_by_insee", "communes_within", "resolve_commune"]

# How the candidates were found, best first; only "exact" and "code" can yield a unique commune.
MATCH_CODE = "code"
MATCH_EXACT = "exact"
MATCH_PREFIX = "prefix"
MATCH_CONTAINS = "contains"
MATCH_FUZZY = "fuzzy"
MATCH_NONE = "none"

_QUALIFIED = re.compile(r"^(?P<name>.*?)[\s,]*\(\s*(?P<qualifier>[^()]*?)\s*\)\s*$")
_NAME_THEN_POSTAL = re.compile(r"^(?P<name>.*?\D)[\s,]+(?P<postal>\d{5})$")
_POSTAL_THEN_NAME = re.compile(r"^(?P<postal>\d{5})[\s,]+(?P<name>\D.*)$")
_NAME_THEN_DEPARTMENT = re.compile(r"^(?P<name>.*?\D)[\s,]+(?P<department>\d{2}|2[AaBb]|97\d)$")
_CODE_LIKE = re.compile(r"^(?:[0-9][0-9 ]*|2[A-Za-z]\d{3})$")


@dataclass
class CommuneResolution:
    """Outcome of :func:`resolve_commune`.

    ``candidates`` are ranked (exact name or code first, then name prefix, then other words, then look-alikes;
    larger population first within a tier). ``unique`` is set only when the input designates exactly one
    commune unambiguously; an ambiguous name is never resolved for the advisor. ``error`` is a French message
    when the input is invalid or matches nothing.
    """

    query: str
    candidates: list[Commune] = field(default_factory=list)
    unique: Commune | None = None
    error: str | None = None
    match: str = MATCH_NONE


def resolve_commune(text: str, *, limit: int = 10) -> CommuneResolution:
    """Turn what a caller says into communes: postal code, INSEE code, name, "name (dép.)", "name postal code".

    A name matching exactly one commune resolves to it unless a longer-named commune starting with the same
    words is more populous ("Aix" is not resolved to the village of Aix, Corrèze: Aix-en-Provence is listed).
    """
    raw = " ".join(text.split())
    if not raw:
        return CommuneResolution(text, error=_("Saisissez une commune : nom, code postal ou code INSEE."))
    if _CODE_LIKE.match(raw):
        return _resolve_code(text, raw.replace(" ", "").upper(), limit)
    cat = catalogue()
    name, where = raw, None
    if m := _QUALIFIED.match(raw):
        name, where = m["name"], _qualifier_filter(m["qualifier"])
    elif m := (_NAME_THEN_POSTAL.match(raw) or _POSTAL_THEN_NAME.match(raw)):
        name, where = m["name"], _postal_filter(m["postal"])
    elif (m := _NAME_THEN_DEPARTMENT.match(raw)) and normalise_commune_name(raw) not in cat.by_name:
        # "Saint-Denis 93"; but "Paris 15" or "Marseille 8" are names of arrondissements, tried first.
        name, where = m["name"], _qualifier_filter(m["department"])
    if where is not None and where.error:
        return CommuneResolution(text, error=where.error)
    found = _resolve_name(text, name, where, cat, limit)
    if where is None or found.candidates or found.error is None:
        return found
    # Nothing with this name there: say so, and offer the communes of that name elsewhere and those of the
    # postal code, since callers misremember one or the other.
    anywhere = _resolve_name(text, name, None, cat, limit)
    others = [c for c in where.communes() if c.pk not in {a.pk for a in anywhere.candidates}]
    return CommuneResolution(
        text,
        [*anywhere.candidates, *others][:limit],
        None,
        _("« %(name)s » ne correspond à aucune commune %(where)s.") % {"name": name, "where": where.label},
        anywhere.match,
    )


def commune_by_insee(code: str) -> Commune:
    """The commune (or arrondissement) with this INSEE code; raises :class:`~plateau.errors.NotFound`.

    An invalid code raises :class:`~plateau.domain.ids.insee.InvalidInseeCode`. A commune déléguée shares the
    code of its commune nouvelle: the commune nouvelle is returned.
    """
    value = validate_insee_code(code)
    found = _prefer_communes(Commune.objects.filter(insee_code=value))
    if not found:
        raise NotFound(_("Aucune commune n'a le code INSEE « %(code)s ».") % {"code": value}, insee_code=value)
    return found[0]


def communes_within(commune: Commune, radius_km: float) -> list[tuple[int, float]]:
    """``(commune pk, distance km)`` of the communes and arrondissements within ``radius_km``, nearest first.

    The centre is the commune's own point, so it comes first at 0 km (communes déléguées are never listed, but
    one can be the centre). Raises :class:`CommuneWithoutCoordinates` for a commune without coordinates.
    """
    if commune.latitude is None or commune.longitude is None:
        raise CommuneWithoutCoordinates(insee_code=commune.insee_code)
    return catalogue().index.within(commune.latitude, commune.longitude, radius_km)


# --- internals -------------------------------------------------------------------------------------------


def _prefer_communes(qs: Iterable[Commune]) -> list[Commune]:
    rows = list(qs)
    main = [c for c in rows if c.commune_type != CommuneType.COMD]
    return main or rows


def _resolve_code(text: str, code: str, limit: int) -> CommuneResolution:
    if not code.isdigit():  # Corsica: 2A/2B can only be an INSEE code
        try:
            commune = commune_by_insee(code)
        except DomainError as exc:
            return CommuneResolution(text, error=exc.message)
        except NotFound as exc:
            return CommuneResolution(text, error=str(exc.message))
        commune = Commune.objects.prefetch_related("postal_codes").get(pk=commune.pk)
        return CommuneResolution(text, [commune], commune, match=MATCH_CODE)
    try:
        postal = validate_postal_code(code)
    except DomainError as exc:
        return CommuneResolution(text, error=exc.message)
    with_codes = Commune.objects.prefetch_related("postal_codes")
    by_postal = _prefer_communes(with_codes.filter(postal_codes__code=postal).distinct())
    by_insee = _prefer_communes(with_codes.filter(insee_code=postal))
    if not by_insee:
        # Paris (75056), Lyon (69123) and Marseille (13055) exist only as their arrondissements in the file.
        by_insee = list(with_codes.filter(parent_insee_code=postal, commune_type=CommuneType.ARM))
    found = {c.pk: c for c in [*by_postal, *by_insee]}
    if not found:
        return CommuneResolution(
            text, error=_("Aucune commune n'a le code postal ou le code INSEE « %(code)s ».") % {"code": postal}
        )
    ranked = sorted(found.values(), key=lambda c: (-(c.population or 0), c.name))
    unique = ranked[0] if len(ranked) == 1 else None
    return CommuneResolution(text, ranked[:limit], unique, match=MATCH_CODE)


@dataclass
class _Filter:
    """Where the commune must be: a département or a postal code (as the caller said it)."""

    label: str = ""
    department: str | None = None
    pks: frozenset[int] | None = None
    error: str | None = None

    def accepts(self, entry: Entry) -> bool:
        if self.department is not None and entry.department_code != self.department:
            return False
        return self.pks is None or entry.pk in self.pks

    def communes(self) -> list[Commune]:
        if self.pks is None:
            return []
        return list(Commune.objects.filter(pk__in=self.pks).prefetch_related("postal_codes").order_by("name"))


def _qualifier_filter(qualifier: str) -> _Filter:
    """What is in the parentheses: a postal code, a département code or a département name."""
    q = qualifier.strip()
    if q.isdigit() and len(q) == 5:
        return _postal_filter(q)
    try:
        dept = validate_department_code(q)
    except DomainError as exc:
        wanted = normalise_commune_name(q)
        names = {normalise_commune_name(n): c for c, n in Department.objects.values_list("code", "name")}
        if wanted not in names:
            return _Filter(error=exc.message)
        dept = names[wanted]
    return _Filter(label=_("du département %(code)s") % {"code": dept}, department=dept)


def _postal_filter(code: str) -> _Filter:
    try:
        postal = validate_postal_code(code)
    except DomainError as exc:
        return _Filter(error=exc.message)
    pks = frozenset(Commune.objects.filter(postal_codes__code=postal).values_list("pk", flat=True))
    if not pks:
        return _Filter(error=_("Aucune commune n'a le code postal « %(code)s ».") % {"code": postal})
    return _Filter(label=_("du code postal %(code)s") % {"code": postal}, pks=pks)


def _resolve_name(text: str, name: str, where: _Filter | None, cat: Catalogue, limit: int) -> CommuneResolution:
    q = normalise_commune_name(name)
    if not q:
        return CommuneResolution(text, error=_("Saisissez un nom de commune."))

    def pick(names: Iterable[str]) -> list[Entry]:
        entries = [cat.entries[pk] for n in names for pk in cat.by_name.get(n, ())]
        return [e for e in entries if where is None or where.accepts(e)]

    exact = _drop_delegated_twins(pick([q]))
    longer = pick(n for n in cat.with_prefix(q + " "))
    if len(exact) == 1 and all(e.population <= exact[0].population for e in longer):
        commune = _load([exact[0]])[0]
        return CommuneResolution(text, [commune], commune, match=MATCH_EXACT)
    tiers: list[tuple[str, list[Entry]]] = [(MATCH_EXACT, exact)]
    tiers.append((MATCH_PREFIX, pick(n for n in cat.with_prefix(q) if n != q)))
    if not any(t for _m, t in tiers):
        needle = f" {q}"
        tiers.append((MATCH_CONTAINS, pick(n for n in cat.names if needle in n)))
    if not any(t for _m, t in tiers):
        pool = cat.names if where is None else sorted({e.search_name for e in cat.entries.values() if where.accepts(e)})
        # Callers rarely get the first letter wrong: try those names first (10x faster), then all of them.
        close = difflib.get_close_matches(q, [n for n in pool if n[:1] == q[:1]], n=limit, cutoff=0.75)
        close = close or difflib.get_close_matches(q, pool, n=limit, cutoff=0.75)
        rank = {n: i for i, n in enumerate(close)}
        tiers.append((MATCH_FUZZY, sorted(pick(close), key=lambda e: rank[e.search_name])))
    ranked: list[Entry] = []
    seen: set[int] = set()
    match = MATCH_NONE
    for tier_match, tier in tiers:
        ordered = tier if tier_match == MATCH_FUZZY else sorted(tier, key=_rank)
        for entry in _drop_delegated_twins(ordered):
            if entry.pk not in seen:
                seen.add(entry.pk)
                ranked.append(entry)
                match = match if match != MATCH_NONE else tier_match
    if not ranked:
        return CommuneResolution(text, error=_("Aucune commune ne correspond à « %(name)s ».") % {"name": name})
    return CommuneResolution(text, _load(ranked[:limit]), None, match=match)


def _rank(entry: Entry) -> tuple[int, int, str]:
    return (entry.commune_type == CommuneType.COMD, -entry.population, entry.search_name)


def _drop_delegated_twins(entries: list[Entry]) -> list[Entry]:
    """A commune déléguée named like its own commune nouvelle is the same place: keep the commune nouvelle."""
    main = {(e.insee_code, e.search_name) for e in entries if e.commune_type != CommuneType.COMD}
    return [e for e in entries if e.commune_type != CommuneType.COMD or (e.insee_code, e.search_name) not in main]


def _load(entries: list[Entry]) -> list[Commune]:
    order = Case(*(When(pk=e.pk, then=Value(i)) for i, e in enumerate(entries)), output_field=IntegerField())
    return list(Commune.objects.filter(pk__in=[e.pk for e in entries]).prefetch_related("postal_codes").order_by(order))
