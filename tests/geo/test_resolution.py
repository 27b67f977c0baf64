"""What a caller says → communes: codes, names, "name (département)", "name postal code"; never a silent guess."""

from __future__ import annotations

import pytest

from plateau.geo.access import commune_by_insee, resolve_commune
from tests.geo import builders

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_communes_module")]


def _codes(text: str, limit: int = 10) -> list[str]:
    return [c.insee_code for c in resolve_commune(text, limit=limit).candidates]


@pytest.mark.parametrize(
    ("text", "insee"),
    [
        ("92051", "92051"),  # INSEE code
        ("Neuilly-sur-Seine", "92051"),
        ("neuilly sur seine", "92051"),
        ("NEUILLY SUR SEINE", "92051"),
        ("Neuilly-Plaisance", "93049"),
        ("neuilly plaisance", "93049"),
        ("Neuilly-sur-Marne", "93050"),
        ("St Etienne", "42218"),
        ("Saint-Étienne", "42218"),
        ("Saint-Denis (974)", "97411"),
        ("Saint-Denis (93)", "93066"),
        ("Saint-Denis (Seine-Saint-Denis)", "93066"),
        ("Guéret", "23096"),
        ("gueret", "23096"),
        ("Guéret (23)", "23096"),
        ("92200", "92051"),  # a postal code that serves one commune
        ("Neuilly-sur-Seine 92200", "92051"),
        ("92200 Neuilly-sur-Seine", "92051"),
        ("Neuilly-sur-Seine (92200)", "92051"),
        ("2A004", "2A004"),  # Ajaccio
        ("2a004", "2A004"),
        ("75015", "75115"),  # PLM: postal code of an arrondissement
        ("Paris 15e", "75115"),
        ("paris 15eme arrondissement", "75115"),
        ("Lyon 3e", "69383"),
        ("Neuilly-lès-Dijon", "21452"),  # a commune déléguée keeps its own name
        ("Saint Denis 93", "93066"),  # département without parentheses
        ("Neuilly sur Seine 92", "92051"),
        ("Marseille 8", "13208"),  # ... but "8" is first read as part of the arrondissement name
        ("Nantes", "44109"),  # Nantes-en-Ratier exists elsewhere, Nantes is far larger
    ],
)
def test_given_unambiguous_input_when_resolving_then_unique_commune(text: str, insee: str) -> None:
    r = resolve_commune(text)
    assert r.error is None
    assert r.unique is not None, r.candidates
    assert r.unique.insee_code == insee
    assert [c.insee_code for c in r.candidates] == [insee]


def test_neuilly_sur_seine_is_never_confused_with_neuilly_plaisance() -> None:
    seine, plaisance = resolve_commune("Neuilly-sur-Seine").unique, resolve_commune("Neuilly-Plaisance").unique
    assert seine is not None and plaisance is not None
    assert (seine.insee_code, plaisance.insee_code) == ("92051", "93049")
    assert seine.department_code == "92" and plaisance.department_code == "93"


def test_given_bare_neuilly_when_resolving_then_several_candidates_and_no_unique() -> None:
    r = resolve_commune("Neuilly", limit=30)
    assert r.unique is None and r.error is None
    codes = [c.insee_code for c in r.candidates]
    # Communes named exactly "Neuilly" first, then the Neuilly-… by population.
    assert set(codes[:2]) == {"27429", "58191"}
    assert {"92051", "93049", "93050"} <= set(codes)
    assert codes.index("92051") < codes.index("93049")  # 60,000 inhabitants before 20,000


def test_given_name_shared_by_several_communes_when_resolving_then_all_exact_first_and_no_unique() -> None:
    r = resolve_commune("Saint-Denis")
    assert r.unique is None and r.match == "exact"
    codes = [c.insee_code for c in r.candidates]
    assert codes[:2] == ["97411", "93066"]  # the two largest exact homonyms, by population
    assert all(c.name.startswith("Saint-Denis") for c in r.candidates)


def test_given_name_and_departement_matching_two_when_resolving_then_both_and_no_unique() -> None:
    r = resolve_commune("Neuilly (93)")
    assert r.unique is None
    assert sorted(_codes("Neuilly (93)")) == ["93049", "93050"]


def test_given_postal_code_shared_by_several_communes_when_resolving_then_candidates_and_no_unique() -> None:
    r = resolve_commune("23000")
    assert r.unique is None and r.error is None and r.match == "code"
    codes = [c.insee_code for c in r.candidates]
    assert codes[0] == "23096"  # Guéret, the most populous
    assert len(codes) >= 5 and len(codes) == len(set(codes))
    assert all("23000" in {p.code for p in c.postal_codes.all()} for c in r.candidates)


def test_given_postal_code_of_a_commune_nouvelle_when_resolving_then_not_its_commune_deleguee() -> None:
    # 21800 serves Neuilly-Crimolois and, inside it, the commune déléguée Neuilly-lès-Dijon: one place.
    r = resolve_commune("21800")
    assert r.unique is not None
    assert (r.unique.insee_code, r.unique.commune_type) == ("21452", "COM")


def test_given_commune_with_several_postal_codes_when_resolving_any_then_same_commune() -> None:
    saint_denis = commune_by_insee("97411")
    postal_codes = sorted(p.code for p in saint_denis.postal_codes.all())
    assert postal_codes == ["97400", "97417", "97490"]
    for code in postal_codes:
        r = resolve_commune(code)
        assert r.unique == saint_denis
    toulouse = resolve_commune("Toulouse").unique
    assert toulouse is not None and toulouse.postal_codes.count() >= 4


def test_given_paris_when_resolving_then_arrondissements_as_candidates_and_no_unique() -> None:
    r = resolve_commune("Paris", limit=20)
    assert r.unique is None
    assert len(r.candidates) == 20
    assert {c.commune_type for c in r.candidates} == {"ARM"}
    assert r.candidates[0].insee_code == "75115"  # the most populous arrondissement first


def test_given_insee_code_of_paris_when_resolving_then_its_arrondissements() -> None:
    r = resolve_commune("75056", limit=20)
    assert r.unique is None and r.match == "code"
    assert sorted(c.insee_code for c in r.candidates) == [f"751{n:02d}" for n in range(1, 21)]


def test_given_typo_when_resolving_then_close_suggestions_and_no_unique() -> None:
    r = resolve_commune("Neuily sur Seine")
    assert r.unique is None and r.match == "fuzzy"
    assert r.candidates[0].insee_code == "92051"


def test_given_unknown_name_when_resolving_then_french_error_and_nothing() -> None:
    r = resolve_commune("Xyzzyville-sur-Mer")
    assert r.unique is None and r.candidates == []
    assert r.error is not None and "Aucune commune" in r.error


def test_given_second_word_only_when_resolving_then_communes_containing_it() -> None:
    r = resolve_commune("Plaisance (93)")
    assert r.match == "contains" and r.unique is None
    assert [c.insee_code for c in r.candidates] == ["93049"]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Saisissez"),
        ("   ", "Saisissez"),
        ("9220", "5 chiffres"),
        ("922000", "5 chiffres"),
        ("00100", "00"),
        ("99999", "Aucune commune"),
        ("2C004", "département"),
        ("2A999", "Aucune commune"),
        ("Neuilly (99)", "Département « 99 » inconnu"),
        ("Neuilly 99999", "Aucune commune"),
        ("Neuilly (Atlantide)", "inconnu"),
    ],
)
def test_given_invalid_input_when_resolving_then_french_error(text: str, fragment: str) -> None:
    r = resolve_commune(text)
    assert r.unique is None and r.candidates == []
    assert r.error is not None and fragment in r.error


def test_given_postal_code_of_another_commune_when_resolving_then_error_and_both_offered() -> None:
    r = resolve_commune("Neuilly-Plaisance 92200")
    assert r.unique is None
    assert r.error is not None and "code postal 92200" in r.error
    assert [c.insee_code for c in r.candidates] == ["93049", "92051"]


def test_given_departement_without_that_name_when_resolving_then_error_and_the_name_elsewhere() -> None:
    r = resolve_commune("Neuilly-Plaisance (92)")
    assert r.unique is None
    assert r.error is not None and "département 92" in r.error
    assert [c.insee_code for c in r.candidates] == ["93049"]


def test_given_exact_small_commune_and_larger_longer_name_when_resolving_then_not_resolved() -> None:
    # As "Aix" (a village in Corrèze) versus Aix-en-Provence: the caller may well mean the city.
    village = builders.commune("Testbourg", population=300)
    city = builders.commune("Testbourg-sur-Mer", population=50_000)
    r = resolve_commune("Testbourg")
    assert r.unique is None
    assert [c.pk for c in r.candidates] == [village.pk, city.pk]  # exact first, as the caller said it


def test_limit_caps_candidates() -> None:
    assert len(resolve_commune("Paris", limit=3).candidates) == 3


def test_commune_by_insee_prefers_the_commune_nouvelle_over_its_commune_deleguee() -> None:
    c = commune_by_insee("21452")
    assert c.commune_type == "COM" and c.name == "Neuilly-Crimolois"
