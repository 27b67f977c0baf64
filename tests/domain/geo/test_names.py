from __future__ import annotations

import pytest

from plateau.domain.geo import normalise_commune_name, strip_accents


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Neuilly-sur-Seine", "neuilly sur seine"),
        ("  NEUILLY  sur   seine ", "neuilly sur seine"),
        ("Saint-Étienne", "saint etienne"),
        ("St Etienne", "saint etienne"),
        ("st-étienne", "saint etienne"),
        ("ST. ETIENNE", "saint etienne"),
        ("Ste-Foy-lès-Lyon", "sainte foy les lyon"),
        ("Sainte Foy les Lyon", "sainte foy les lyon"),
        ("Saintes", "saintes"),
        ("L'Haÿ-les-Roses", "hay les roses"),
        ("L\u2019Haÿ-les-Roses", "hay les roses"),  # typographic apostrophe
        ("Haÿ-les-Roses", "hay les roses"),
        ("Le Mans", "mans"),
        ("La Rochelle", "rochelle"),
        ("Les Lilas", "lilas"),
        ("Lilas", "lilas"),
        ("Villeneuve-la-Garenne", "villeneuve la garenne"),  # only a leading article is dropped
        ("La", "la"),  # a lone word is a name, not an article
        ("Œuilly", "oeuilly"),
        ("Paris 15e Arrondissement", "paris 15"),
        ("paris 15eme", "paris 15"),
        ("Paris 1er", "paris 1"),
        ("Lyon 1er Arrondissement", "lyon 1"),
        ("Marseille 13e arr.", "marseille 13"),
        ("Neuilly (93)", "neuilly 93"),
        ("", ""),
    ],
)
def test_normalised_names_compare_equal_whatever_the_spelling(text: str, expected: str) -> None:
    assert normalise_commune_name(text) == expected


def test_strip_accents_keeps_case_and_letters() -> None:
    assert strip_accents("Guéret Île-d'Yeu Œ") == "Gueret Ile-d'Yeu oe"
