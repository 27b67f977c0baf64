"""French text normalisation shared by the index and the query (the same function on both sides).

Steps: lower case, ligatures (œ, æ), elisions removed (« l'identité » → « identité », « qu'est-ce »), accents
folded (« coûte » → « coute »), words of letters and digits, French stop words dropped, Snowball French stem.
Accents are folded *before* stemming so that a caller who types without accents (« identite ») gets the same
stem as the sheet (« identité »): both become ``identit``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer

# Elided articles and pronouns: l', d', j', m', t', s', n', c', qu', jusqu', lorsqu', puisqu'.
_ELISION = re.compile(r"\b(?:l|d|j|m|t|s|n|c|qu|jusqu|lorsqu|puisqu)['\u2019\u2018`\u00b4]", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "\u2019": "'", "ß": "ss"})

# Words that carry no meaning for a search, as callers say them (folded). Kept short: « carte », « aide »,
# « droit » or « faire » stay searchable.
STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "cet",
        "cette",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "elles",
        "en",
        "et",
        "eux",
        "il",
        "ils",
        "je",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "lui",
        "ma",
        "mais",
        "me",
        "meme",
        "mes",
        "moi",
        "mon",
        "ne",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "y",
        "est",
        "sont",
        "ai",
        "as",
        "avons",
        "avez",
        "ont",
        "suis",
        "es",
        "etes",
        "etait",
        "etre",
        "avoir",
        "fait",
        "a-t-il",
        "comment",
        "quoi",
        "quel",
        "quelle",
        "quels",
        "quelles",
        "combien",
        "ou",
        "est-ce",
        "estce",
        "alors",
        "donc",
        "si",
        "car",
        "ni",
        "bien",
        "tres",
        "plus",
        "moins",
        "cela",
        "ca",
        "ceci",
        "celui",
        "celle",
        "ceux",
        "celles",
        "dont",
        "lequel",
        "laquelle",
        "lesquels",
        "peut",
        "peux",
        "puis",
        "veux",
        "voudrais",
        "voudrait",
        "faut",
        "dois",
        "doit",
        "svp",
        "bonjour",
        "merci",
        "madame",
        "monsieur",
        "besoin",
        "savoir",
        "aimerais",
    ]
)

# Numbers said in words are written in digits by the sheets (« famille de 2 enfants »).
NUMBER_WORDS = {
    "deux": "2", "trois": "3", "quatre": "4", "cinq": "5", "six": "6", "sept": "7", "huit": "8", "neuf": "9",
    "dix": "10", "premier": "1er", "premiere": "1er",
}  # fmt: skip

_stemmer = snowballstemmer.stemmer("french")


def fold(text: str) -> str:
    """Lower case, ligatures expanded, accents removed (NFKD without combining marks)."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_FEMININE_PARTICIPLE = re.compile(r"(?<=...)ees?$")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball French stem of a folded word (memoised: a sheet repeats its words). Folding turned
    « périmée » into « perimee », which Snowball no longer recognises as « périmé »: the feminine ending is
    reduced first, so « périmée », « périmées » and « périmé » share a stem."""
    return str(_stemmer.stemWord(_FEMININE_PARTICIPLE.sub("e", word)))


def words(text: str) -> list[str]:
    """Folded words without elisions, stop words kept (used to match multi-word synonyms)."""
    return _WORD.findall(fold(_ELISION.sub(" ", text.translate(_LIGATURES))))


def tokens(text: str) -> list[str]:
    """The index/query tokens of ``text``: folded, elisions and stop words removed, stemmed."""
    return [NUMBER_WORDS.get(w) or stem(w) for w in words(text) if w not in STOP_WORDS]


def token_text(text: str) -> str:
    """``tokens`` joined by spaces: what the full-text index stores for a field."""
    return " ".join(tokens(text))


def unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)
