"""From what an advisor typed to the terms a search backend ranks: synonyms expanded, the last word a prefix.

A synonym maps what callers say (« cni », « perdu », « femme de ménage ») to the words the official sheets
use (« carte nationale d'identité », « perte », « salarié à domicile cesu »). Both sides are normalised with
:mod:`.text`, so the list is written in plain French and matches with or without accents.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .text import STOP_WORDS, tokens, unique, words


@dataclass(frozen=True)
class SynonymRule:
    """``term`` (one or several words as callers say them) adds the words of ``expansion`` to a query."""

    term: str
    expansion: str


@dataclass(frozen=True)
class SearchQuery:
    """What a backend ranks: ``terms`` (stems, any of them may match), ``prefix`` (the last word being typed,
    matched as a prefix), ``typed`` (the stems the advisor typed, before synonyms)."""

    terms: tuple[str, ...]
    prefix: str
    typed: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.terms and not self.prefix


def _phrase_in(needle: list[str], haystack: list[str]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


@lru_cache(maxsize=4096)
def _term_tokens(term: str) -> tuple[str, ...]:
    return tuple(tokens(term))


def build_query(text: str, rules: Iterable[SynonymRule], *, prefix_last: bool = True) -> SearchQuery:
    """Normalise ``text``, add the expansions of the synonyms it contains, keep the last word as a prefix.

    The last word is a prefix only while it is being typed (the text does not end with a space) and has at
    least two letters; it is also kept whole (stemmed) so that a finished word still ranks as a word.
    """
    typed_words = words(text)
    typed = tokens(text)
    expanded: list[str] = list(typed)
    for rule in rules:
        # Matched on stems: « perdue », « perdu » and « perdus » all trigger the rule written « perdu ».
        if _phrase_in(list(_term_tokens(rule.term)), typed):
            expanded.extend(tokens(rule.expansion))
    prefix = ""
    if prefix_last and typed_words and not text[-1:].isspace():
        last = typed_words[-1]
        if len(last) >= 2 and last not in STOP_WORDS:
            # Indexed words are stems: a finished word matches by its stem (in ``terms``), a word being
            # typed (« passep ») by this prefix of the stems (« passeport »).
            prefix = last
    return SearchQuery(terms=tuple(unique(expanded)), prefix=prefix, typed=tuple(unique(typed)))
