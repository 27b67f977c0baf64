"""Real rows for contacts tests: demo communes, providers around a commune, a programme with its staff."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from django.core.management import call_command
from stdnum import luhn

from plateau.directory.models import Activity, AreaKind, Provider, ProviderActivity, ServiceArea
from plateau.geo.access import commune_by_insee
from plateau.geo.models import Commune
from plateau.tenants.models import Programme, Role, User
from tests import factories

_seq = itertools.count(1)

NEUILLY_SUR_SEINE = "92051"
NEUILLY_PLAISANCE = "93049"
# Provider bases around Neuilly-sur-Seine (all within 15 km of it): Neuilly, Levallois-Perret, Courbevoie.
BASES_NEAR_NEUILLY = (NEUILLY_SUR_SEINE, "92044", "92026")


def demo_communes() -> None:
    call_command("load_demo_communes", verbosity=0)


def siret() -> str:
    """A fresh SIRET passing Luhn (never La Poste's SIREN)."""
    body = f"81{next(_seq):011d}"
    return body + luhn.calc_check_digit(body)


def provider(
    programme: Programme, base: Commune, *, activity: str = "SAP06", radius_km: float = 20.0, name: str = ""
) -> Provider:
    n = next(_seq)
    p = Provider.objects.create(
        programme=programme,
        siret=siret(),
        legal_name=name or f"Services Test {n}",
        phone=f"+3314{n:07d}",
        email=f"contact{n}@example.org",
        base_commune=base,
    )
    ProviderActivity.objects.create(provider=p, activity=Activity.objects.get(code=activity))
    ServiceArea.objects.create(provider=p, kind=AreaKind.RADIUS, radius_km=radius_km)
    return p


@dataclass
class Line:
    """A directory programme with one person per role, and house-cleaning providers near Neuilly-sur-Seine."""

    programme: Programme
    advisor: User
    supervisor: User
    manager: User
    provider_user: User
    providers: list[Provider]


def directory_line(*, providers: int = 3) -> Line:
    programme = factories.programme()
    bases = [commune_by_insee(code) for code in BASES_NEAR_NEUILLY]
    return Line(
        programme=programme,
        advisor=factories.advisor(programme),
        supervisor=factories.supervisor(programme),
        manager=factories.user((programme, Role.PROGRAMME_MANAGER)),
        provider_user=factories.user((programme, Role.PROVIDER_USER)),
        providers=[provider(programme, bases[i % len(bases)]) for i in range(providers)],
    )
