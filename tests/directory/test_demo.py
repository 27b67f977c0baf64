"""The demo provider population: realistic, reproducible, searchable."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from plateau.directory.demo import NETWORKS, generate_providers
from plateau.directory.models import Provider, ProviderActivity
from plateau.directory.services import search_providers
from plateau.domain.ids.siret import is_valid_siret
from plateau.tenants.models import ProgrammeKind
from tests import factories
from tests.directory import builders as b

pytestmark = pytest.mark.django_db


def test_given_real_communes_when_generating_then_plausible_population() -> None:
    communes = b.all_communes()
    prog = factories.programme()
    providers = generate_providers(prog, communes, 400, seed=7)
    assert Provider.objects.filter(programme=prog).count() == 400
    assert all(is_valid_siret(p.siret) and p.siren == p.siret[:9] for p in providers)
    assert len({p.siret for p in providers}) == 400
    by_commune = Counter(p.base_commune.insee_code for p in providers)
    # Density follows population: Limoges (130 k inhabitants) hosts more than Guéret (13 k), more than Ahun (1.4 k).
    assert by_commune["87085"] > by_commune["23096"] > by_commune["23001"]
    mix = Counter(ProviderActivity.objects.filter(provider__programme=prog).values_list("activity__code", flat=True))
    assert mix["SAP06"] > mix["SAP07"] > mix["SAP09"] > mix["SAP16"] > mix["SAP08"] > 0


def test_given_same_seed_then_same_population() -> None:
    communes = b.all_communes()
    a, c = factories.programme(), factories.programme()
    names_a = [p.legal_name for p in generate_providers(a, communes, 30, seed=3)]
    names_c = [p.legal_name for p in generate_providers(c, communes, 30, seed=3)]
    assert names_a == names_c


def test_given_lead_dispatch_programme_then_every_provider_belongs_to_a_network() -> None:
    prog = factories.programme(kind=ProgrammeKind.LEAD_DISPATCH)
    providers = generate_providers(prog, b.all_communes(), 60, seed=1)
    assert {p.network for p in providers} <= set(NETWORKS)
    assert len({p.network for p in providers}) == len(NETWORKS)


def test_generated_population_is_searchable() -> None:
    communes = b.all_communes()
    prog = factories.programme()
    generate_providers(prog, communes, 300, seed=11)
    outcome = search_providers(
        programme=prog,
        actor=None,
        activity=b.activity("SAP06"),
        commune=b.commune("87085"),
        radius_km=15,
        on_date=dt.date(2026, 1, 5),
    )
    assert len(outcome.matches) == 5
