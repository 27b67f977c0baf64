"""Search + fair rotation through the service, on the real database."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.test import TestCase

from plateau.directory.errors import InvalidRadius
from plateau.directory.events import ProvidersProposed, UnmetNeedRecorded
from plateau.directory.models import ProviderProposal, ProviderRotation, ProviderSearch, UnmetNeed
from plateau.directory.services import search_providers
from plateau.events import Event, subscribe
from plateau.tenants.models import AuditEntry
from tests import factories
from tests.directory import builders as b

pytestmark = pytest.mark.django_db
D = dt.date(2026, 6, 15)


def _search(programme, actor, commune, code="SAP06", radius=15.0, limit=5, on_date=D):  # type: ignore[no-untyped-def]
    return search_providers(
        programme=programme,
        actor=actor,
        activity=b.activity(code),
        commune=commune,
        radius_km=radius,
        on_date=on_date,
        limit=limit,
    )


def test_given_providers_around_gueret_when_searching_then_eligible_ones_ranked_by_distance_band() -> None:
    prog = factories.programme()
    adv = factories.advisor(prog)
    gueret, feyre, fiel, ahun, souterraine = (b.commune(c) for c in ("23096", "23193", "23195", "23001", "23176"))
    near = b.provider(prog, feyre, legal_name="Près")  # 3 km
    mid = b.provider(prog, fiel, legal_name="Moyen")  # 6 km
    b.provider(prog, ahun, legal_name="Ahun")  # 13.9 km: outside a 10 km search
    b.provider(prog, souterraine, legal_name="Loin")  # ~31 km
    b.provider(prog, gueret, activities=("SAP07",), legal_name="Jardin")  # other activity
    b.provider(prog, gueret, is_active=False, legal_name="Inactif")
    b.provider(prog, gueret, accepting_new_clients=False, legal_name="Complet")
    b.provider(prog, feyre, radius_km=2.0, legal_name="Petite zone")  # its area does not reach Guéret

    outcome = _search(prog, adv, gueret, radius=10)

    assert [(m.provider.legal_name, m.rank) for m in outcome.matches] == [("Près", 1), ("Moyen", 2)]
    assert outcome.matches[0].distance_km == pytest.approx(3.0, abs=0.2)
    assert outcome.matches[1].distance_km == pytest.approx(6.1, abs=0.2)
    assert outcome.unmet_need is None
    search = outcome.search
    assert (search.programme, search.actor, search.result_count, search.radius_km) == (prog, adv, 2, 10.0)
    assert list(ProviderProposal.objects.filter(search=search).values_list("provider_id", "rank")) == [
        (near.pk, 1),
        (mid.pk, 2),
    ]
    assert AuditEntry.objects.filter(action="directory.search", object_id=str(search.pk), actor=adv).exists()


def test_given_better_quality_in_same_band_then_it_comes_first() -> None:
    prog = factories.programme()
    gueret, feyre = b.commune("23096"), b.commune("23193")
    low = b.provider(prog, gueret, quality=40)
    high = b.provider(prog, feyre, quality=90)
    unknown = b.provider(prog, feyre)
    outcome = _search(prog, None, gueret)
    assert [m.provider for m in outcome.matches] == [high, unknown, low]


def test_given_k_equal_providers_when_searching_n_times_then_each_first_n_over_k_times() -> None:
    prog = factories.programme()
    adv = factories.advisor(prog)
    gueret = b.commune("23096")
    k, n = 4, 24
    providers = [b.provider(prog, gueret, quality=80) for _ in range(k)]
    firsts: Counter[int] = Counter()
    shown: Counter[int] = Counter()
    for _ in range(n):
        outcome = _search(prog, adv, gueret, limit=3)
        firsts[outcome.matches[0].provider.pk] += 1
        shown.update(m.provider.pk for m in outcome.matches)
    assert firsts == {p.pk: n // k for p in providers}
    assert all(abs(shown[p.pk] - n * 3 / k) <= 2 for p in providers)
    rotation = ProviderRotation.objects.get(provider=providers[0])
    assert rotation.first_count == n // k and rotation.proposal_count == shown[providers[0].pk]


def test_rotation_is_per_programme_and_activity() -> None:
    org = factories.organisation()
    a, other = factories.programme(org), factories.programme(org)
    gueret = b.commune("23096")
    pa = [b.provider(a, gueret, activities=("SAP06", "SAP07")) for _ in range(2)]
    b.provider(other, gueret)
    assert _search(a, None, gueret, "SAP06", limit=1).matches[0].provider == pa[0]
    # Another activity has its own queue: pa[0] was first for cleaning, not for gardening.
    assert _search(a, None, gueret, "SAP07", limit=1).matches[0].provider == pa[0]
    assert _search(a, None, gueret, "SAP06", limit=1).matches[0].provider == pa[1]
    # The other programme's provider is never proposed to programme a.
    for _ in range(3):
        assert {m.provider.programme_id for m in _search(a, None, gueret).matches} == {a.pk}


def test_given_no_match_when_searching_then_unmet_need_recorded() -> None:
    prog = factories.programme()
    adv = factories.advisor(prog)
    gueret = b.commune("23096")
    b.provider(prog, b.commune("23176"), activities=("SAP09",), radius_km=50)  # La Souterraine, 31 km
    outcome = _search(prog, adv, gueret, code="SAP09", radius=15)
    assert outcome.matches == []
    need = outcome.unmet_need
    assert need is not None
    assert UnmetNeed.objects.get() == need
    assert (need.programme, need.activity.code, need.commune, need.radius_km, need.on_date, need.source) == (
        prog,
        "SAP09",
        gueret,
        15,
        D,
        "search",
    )
    assert need.search == outcome.search and outcome.search.result_count == 0
    # Widening the radius finds it, and no new unmet need is recorded.
    assert len(_search(prog, adv, gueret, code="SAP09", radius=40).matches) == 1
    assert UnmetNeed.objects.count() == 1


def test_given_absent_on_date_then_not_proposed_that_day_only() -> None:
    prog = factories.programme()
    gueret = b.commune("23096")
    p = b.provider(prog, gueret)
    p.absences.create(start=dt.date(2026, 6, 10), end=dt.date(2026, 6, 20), reason="congés")
    assert _search(prog, None, gueret, on_date=D).matches == []
    assert [m.provider for m in _search(prog, None, gueret, on_date=dt.date(2026, 6, 21)).matches] == [p]


def test_given_agrement_activity_then_only_valid_agrement_holders() -> None:
    prog = factories.programme()
    gueret = b.commune("23096")
    ok = b.provider(
        prog,
        gueret,
        activities=("SAP01",),
        status="agrement",
        valid_from=dt.date(2022, 1, 1),
        valid_until=dt.date(2026, 12, 31),
    )
    b.provider(prog, gueret, activities=("SAP01",))  # declared only
    b.provider(
        prog,
        gueret,
        activities=("SAP01",),
        status="agrement",
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2025, 1, 1),
    )
    assert [m.provider for m in _search(prog, None, gueret, code="SAP01").matches] == [ok]


def test_given_elderly_care_then_autorisation_of_the_callers_departement_required() -> None:
    prog = factories.programme()
    gueret = b.commune("23096")
    aut23 = b.provider(prog, gueret, activities=("SAP03",), status="autorisation", department_code="23")
    b.provider(prog, gueret, activities=("SAP03",), status="autorisation", department_code="87")
    mandataire = b.provider(prog, gueret, activities=("SAP03",), status="agrement", mode="mandataire")
    b.provider(prog, gueret, activities=("SAP03",), status="agrement", mode="prestataire")
    assert {m.provider for m in _search(prog, None, gueret, code="SAP03").matches} == {aut23, mandataire}


@pytest.mark.parametrize("radius", [0, -5, 250])
def test_given_bad_radius_then_refused_and_nothing_recorded(radius: float) -> None:
    prog = factories.programme()
    with pytest.raises(InvalidRadius):
        _search(prog, None, b.commune("23096"), radius=radius)
    assert not ProviderSearch.objects.exists()


def test_given_commune_and_departement_areas_then_covered_only_there() -> None:
    prog = factories.programme()
    gueret, feyre = b.commune("23096"), b.commune("23193")
    listed = b.provider(prog, feyre, radius_km=None, legal_name="Liste")
    listed.areas.create(kind="commune", commune=gueret)
    dept = b.provider(prog, feyre, radius_km=None, legal_name="Département")
    dept.areas.create(kind="department", department_code="23")
    other_dept = b.provider(prog, feyre, radius_km=None, legal_name="Autre département")
    other_dept.areas.create(kind="department", department_code="87")
    b.provider(prog, feyre, radius_km=None, legal_name="Sans zone")  # base commune only
    names = {m.provider.legal_name for m in _search(prog, None, gueret).matches}
    assert names == {"Liste", "Département"}


def test_given_a_search_when_committed_then_providers_proposed_event_published() -> None:
    prog = factories.programme()
    gueret = b.commune("23096")
    p = b.provider(prog, gueret)
    received: list[Event] = []
    unsubscribe = subscribe(received.append)
    try:
        # pytest-django wraps the test in a transaction: on_commit callbacks run when captured and executed.
        with TestCase.captureOnCommitCallbacks(execute=True):
            outcome = _search(prog, None, gueret)
            _search(prog, None, gueret, code="SAP01")
    finally:
        unsubscribe()
    proposed = [e for e in received if isinstance(e, ProvidersProposed)]
    assert proposed[0] == ProvidersProposed(prog.pk, outcome.search.pk, "SAP06", "23096", (p.pk,))
    assert [e.activity_code for e in received if isinstance(e, UnmetNeedRecorded)] == ["SAP01"]
