"""French search on the shipped fixture, on SQLite (FTS5) and PostgreSQL (tsvector): the must-have questions
of the public-information line, asked as callers say them."""

from __future__ import annotations

import pytest

from plateau.knowledge.access import synonym_rules
from plateau.knowledge.search import search
from plateau.knowledge.services import set_synonym
from plateau.tenants.models import ProgrammeKind
from tests import factories

pytestmark = pytest.mark.usefixtures("sheets")

MUST_HAVE = [
    ("j'ai perdu ma carte d'identité", {"F1344", "N358"}),
    ("on m'a volé ma carte d'identité", {"F1759", "N358"}),
    ("ma CNI est périmée", {"F21089", "N358"}),
    ("combien coûte un passeport", {"F34752"}),
    ("aide pour payer ma femme de ménage", {"F12", "F2107", "F2912", "F245"}),
    ("c'est quoi l'APA", {"F10009"}),
    ("comment demander le RSA", {"N19775", "F19778"}),
    ("combien coûte une carte grise", {"F19211"}),
    ("ALS", {"F1280"}),
    ("j'ai perdu mes chèques cesu", {"F18653"}),
]


def _top3(text: str) -> list[str]:
    return [h.sheet.sheet_id for h in search(text, rules=synonym_rules(None), limit=3).hits]


@pytest.mark.parametrize(("question", "expected"), MUST_HAVE, ids=[q for q, _ in MUST_HAVE])
def test_given_a_caller_question_when_searching_then_the_right_sheet_in_the_top_three(
    question: str, expected: set[str]
) -> None:
    top = _top3(question)
    assert expected & set(top), f"{question!r}: {top}"


def test_given_no_accents_or_capitals_when_searching_then_same_results() -> None:
    assert _top3("J'AI PERDU MA CARTE D'IDENTITE") == _top3("j'ai perdu ma carte d'identité")


def test_given_a_word_being_typed_when_searching_then_prefix_matches() -> None:
    top = search("passep", limit=5).hits
    assert top and all("asseport" in h.sheet.title for h in top)
    assert search("passep ", limit=5).hits == []  # a finished word that is no word of the sheets


def test_given_title_and_body_matches_when_ranking_then_title_first() -> None:
    hits = search("carte vitale grise", limit=10).hits
    assert hits[0].sheet.sheet_id in {"N367", "F19211", "F12118", "F1050"}  # « carte grise » in their titles


def test_given_nothing_meaningful_when_searching_then_no_results() -> None:
    assert search("").hits == [] and search("le la les de").hits == []
    assert search("zzzyyyxxx").hits == []


def test_given_a_programme_synonym_when_searching_then_it_replaces_the_default() -> None:
    programme = factories.programme(kind=ProgrammeKind.PUBLIC_INFORMATION)
    supervisor = factories.supervisor(programme)
    assert "log" in search("ALS", rules=synonym_rules(programme)).query.terms
    set_synonym(programme, actor=supervisor, term="ALS", expansion="")  # switched off for this programme
    assert search("ALS", rules=synonym_rules(programme)).query.terms == ("al",)  # its own stem
    assert "log" in search("ALS", rules=synonym_rules(None)).query.terms  # other programmes keep it
    set_synonym(programme, actor=supervisor, term="papy", expansion="personne âgée autonomie")
    top = [h.sheet.sheet_id for h in search("aide pour papy", rules=synonym_rules(programme), limit=3).hits]
    assert "F10009" in top or "F245" in top
