"""Normalisation of French commune names, so that what a caller says compares with the official name.

"Saint-Étienne", "st etienne", "ST-ETIENNE" and "Saint Etienne" all become ``"saint etienne"``; "L'Haÿ-les-Roses"
and "Hay les Roses" both become ``"hay les roses"``; "Paris 15e Arrondissement" and "paris 15eme" become
``"paris 15"``.
"""

from __future__ import annotations

import re
import unicodedata

# Abbreviations callers and files use for the saints and a few frequent words.
_ABBREVIATIONS = {
    "st": "saint",
    "ste": "sainte",
    "sts": "saints",
    "stes": "saintes",
}
# Leading articles: the official "commune" column has none, the "commune_article" column has one; callers mix.
_LEADING_ARTICLES = {"le", "la", "les", "l"}
_ORDINAL = re.compile(r"^(\d{1,2})(?:er|re|e|eme|em|ieme|nd|nde)$")
_ARRONDISSEMENT_WORDS = {"arrondissement", "arrondissements", "arr", "arrdt", "ardt"}
# Apostrophes come typed (') or typographic (\u2019, \u2018, \u00b4); all separate words like hyphens.
_SEPARATORS = re.compile("[\\s\\-_'\u2019\u2018`\u00b4.,;:/()\"«»]+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})


def strip_accents(text: str) -> str:
    """Remove diacritics ("Guéret" → "Gueret") and expand the œ/æ ligatures; keeps case."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_commune_name(text: str) -> str:
    """Canonical form of a commune name for comparisons (never for display).

    Lower case, no accents, hyphens/apostrophes/dots as single spaces, "St"/"Ste" expanded, the leading article
    dropped ("Le", "La", "Les", "L'"), arrondissement ordinals reduced to their number ("15e arr." → "15").
    """
    words = [w for w in _SEPARATORS.split(strip_accents(text).lower()) if w]
    words = [_ABBREVIATIONS.get(w, w) for w in words]
    if len(words) > 1 and words[0] in _LEADING_ARTICLES:
        words = words[1:]
    out: list[str] = []
    for w in words:
        ordinal = _ORDINAL.match(w)
        if ordinal:
            out.append(str(int(ordinal.group(1))))
        elif w not in _ARRONDISSEMENT_WORDS or not out:
            out.append(w)
    return " ".join(out)
