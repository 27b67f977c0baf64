"""Which destinations fit a theme and the caller's commune: commune, then département, then national."""

from __future__ import annotations

import pytest

from plateau.domain.orientation import Candidate, Scope, suggest, validate_sip_uri
from plateau.domain.orientation.suggest import InvalidSipUri

NEUILLY_PLAISANCE, MONTREUIL, LYON_1ER = "93049", "93048", "69381"
DESTINATIONS = [
    Candidate("ants", "ANTS", frozenset({"titres"})),
    Candidate("prefecture-93", "Préfecture 93", frozenset({"titres"}), departments=frozenset({"93"})),
    Candidate("prefecture-69", "Préfecture 69", frozenset({"titres"}), departments=frozenset({"69"})),
    Candidate(
        "mairie-neuilly",
        "Mairie de Neuilly-Plaisance",
        frozenset({"titres", "etat-civil"}),
        communes=frozenset({NEUILLY_PLAISANCE}),
    ),
    Candidate("caf", "CAF", frozenset({"caf"})),
    Candidate(
        "accueil-93",
        "Accueil 93",
        frozenset({"titres"}),
        communes=frozenset({MONTREUIL}),
        departments=frozenset({"93"}),
    ),
]


@pytest.mark.parametrize(
    ("theme", "commune", "expected"),
    [
        (
            "titres",
            NEUILLY_PLAISANCE,
            [("mairie-neuilly", Scope.COMMUNE), ("accueil-93", Scope.DEPARTMENT), ("prefecture-93", Scope.DEPARTMENT),
             ("ants", Scope.NATIONAL)],
        ),
        (
            "titres",
            MONTREUIL,
            [("accueil-93", Scope.COMMUNE), ("prefecture-93", Scope.DEPARTMENT), ("ants", Scope.NATIONAL)],
        ),
        ("titres", LYON_1ER, [("prefecture-69", Scope.DEPARTMENT), ("ants", Scope.NATIONAL)]),
        (
            "titres",
            None,
            [("ants", Scope.NATIONAL), ("accueil-93", Scope.LOCAL_UNCHECKED),
             ("mairie-neuilly", Scope.LOCAL_UNCHECKED), ("prefecture-69", Scope.LOCAL_UNCHECKED),
             ("prefecture-93", Scope.LOCAL_UNCHECKED)],
        ),
        ("etat-civil", LYON_1ER, []),
        ("caf", "not-a-code", [("caf", Scope.NATIONAL)]),
        ("unknown-theme", NEUILLY_PLAISANCE, []),
    ],
)  # fmt: skip
def test_given_a_theme_and_a_commune_then_competent_destinations_most_specific_first(
    theme: str, commune: str | None, expected: list[tuple[str, Scope]]
) -> None:
    assert [(s.item, s.scope) for s in suggest(DESTINATIONS, theme, commune)] == expected


def test_given_an_invalid_commune_code_then_local_destinations_are_not_guessed() -> None:
    found = suggest(DESTINATIONS, "titres", "9304")
    assert {s.scope for s in found} == {Scope.NATIONAL, Scope.LOCAL_UNCHECKED}


@pytest.mark.parametrize(
    "uri", ["sip:urssaf@127.0.0.1:5070", "sips:accueil@example.org", "sip:+33123456789@[2001:db8::1]:5060;user=phone"]
)
def test_given_a_sip_address_then_accepted(uri: str) -> None:
    assert validate_sip_uri(f"  {uri} ") == uri


@pytest.mark.parametrize("uri", ["urssaf@127.0.0.1", "sip:127.0.0.1", "http://example.org", "sip:a b@host", ""])
def test_given_a_malformed_sip_address_then_a_french_error_on_the_field(uri: str) -> None:
    with pytest.raises(InvalidSipUri) as refused:
        validate_sip_uri(uri)
    assert "Adresse SIP" in refused.value.message and refused.value.details["field"] == "sip_uri"
