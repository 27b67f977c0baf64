"""Builders of geo rows for tests (real rows; the demo fixture is the usual starting point)."""

from __future__ import annotations

import itertools
from typing import Any

from plateau.domain.geo import normalise_commune_name
from plateau.geo.catalogue import mark_geodata_changed
from plateau.geo.models import Commune, PostalCode

_seq = itertools.count(1)


def commune(
    name: str = "Testville", *, department_code: str = "23", postal_codes: tuple[str, ...] = (), **fields: Any
) -> Commune:
    """A commune with a fresh INSEE code in ``department_code``; tells the in-memory indexes about it."""
    n = next(_seq)
    fields.setdefault("insee_code", f"{department_code}{900 + n % 99:03d}")
    c = Commune.objects.create(
        name=name, search_name=normalise_commune_name(name), department_code=department_code, **fields
    )
    for code in postal_codes:
        PostalCode.objects.create(commune=c, code=code)
    mark_geodata_changed()
    return c
