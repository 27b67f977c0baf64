"""French normalisation and query building (pure domain: plain tables of inputs and outputs)."""

from __future__ import annotations

import pytest

from plateau.domain.knowledge.query import SynonymRule, build_query
from plateau.domain.knowledge.sheets import SheetFormatError, parse_line
from plateau.domain.knowledge.synonyms import DEFAULT_SYNONYMS
from plateau.domain.knowledge.text import fold, tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Carte d'identité", ["cart", "identit"]),
        ("CARTE D\u2019IDENTITE", ["cart", "identit"]),  # case, typographic apostrophe, no accents
        ("l'allocation qu'elle touche", ["alloc", "touch"]),  # elisions and stop words
        ("Combien coûte un passeport ?", ["cout", "passeport"]),
        ("famille de deux enfants", ["famill", "2", "enfant"]),  # numbers in words as the sheets write them
        ("les cœurs", ["coeur"]),
    ],
)
def test_given_french_text_when_tokenised_then_folded_elided_and_stemmed(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


def test_given_accented_and_plain_spellings_when_tokenised_then_same_tokens() -> None:
    assert tokens("périmée, renouvelée") == tokens("perimee renouvelee")
    assert tokens("périmée périmées volée") == tokens("périmé périmés volé")  # feminine participles, folded
    assert fold("Œuvre à Noël") == "oeuvre a noel"


def test_given_an_abbreviation_when_building_the_query_then_synonym_words_added_and_last_word_a_prefix() -> None:
    query = build_query("ma CNI est perdue", DEFAULT_SYNONYMS)
    assert {"cni", "cart", "national", "identit", "pert"} <= set(query.terms)
    assert query.typed == ("cni", "perdu")
    assert query.prefix == "perdue"
    assert build_query("ma CNI est perdue ", DEFAULT_SYNONYMS).prefix == ""  # a finished word


def test_given_a_multi_word_synonym_when_its_words_are_inflected_then_it_still_applies() -> None:
    rules = [SynonymRule("femme de ménage", "salarié à domicile")]
    assert "salar" in build_query("des femmes de ménage", rules).terms
    assert "salar" not in build_query("ménage de la femme", rules).terms  # the phrase, not the words anywhere


def test_given_a_sheet_line_when_parsed_then_breadcrumb_date_and_default_address() -> None:
    line = (
        '{"id": "F9", "type": "Fiche d\'information", "title": "Titre\\u00a0utile", "subject": "Argent",'
        ' "description": "Résumé.", "modified": "modified 2020-01-31", "url": null,'
        ' "text": "Fiche pratique\\nParticuliers\\nwww.service-public.fr\\nAccueil\\u00a0particuliers\\nArgent\\n'
        'Impôts\\nTitre utile\\nArgent\\nRésumé.\\nCorps"}'
    )
    record = parse_line(line)
    assert record.title == "Titre utile"
    assert record.subject_path == "Argent \u203a Impôts"
    assert record.modified_on is not None and record.modified_on.isoformat() == "2020-01-31"
    assert record.url == "https://www.service-public.fr/particuliers/vosdroits/F9"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{pas du json", "JSON illisible"),
        ('{"id": "", "title": "x", "url": "https://a"}', "identifiant de fiche invalide"),
        ('{"id": "F1", "title": "", "url": "https://a"}', "sans titre"),
        ('{"id": "F1", "title": "x", "url": "http://a"}', "adresse source invalide"),
        ("[1, 2]", "pas un objet"),
    ],
)
def test_given_a_bad_line_when_parsed_then_refused_in_french(line: str, message: str) -> None:
    with pytest.raises(SheetFormatError, match=message):
        parse_line(line)
