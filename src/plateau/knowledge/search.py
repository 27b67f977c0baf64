"""French full-text search over the official sheets: one contract, two engines.

Both engines index the *same* normalised tokens (:mod:`plateau.domain.knowledge.text`: accents and case
folded, elisions and stop words removed, Snowball French stems), in three weighted fields — title, summary
(description), body — and receive the same expanded query (:func:`plateau.domain.knowledge.query.build_query`).

- SQLite: an FTS5 table ``knowledge_sheet_fts`` (rowid = sheet id), ranked by ``bm25`` with field weights.
- PostgreSQL: a table ``knowledge_sheet_tsv`` of ``tsvector`` (``simple`` configuration over our tokens, so
  the stems are ours and identical to SQLite's; weights A/B/D), GIN index, ranked by ``ts_rank``.

The engines return their best candidates; :func:`search` then orders them the same way on both: how many of
the advisor's words (and synonyms) the title and summary contain first, then the engine's score. The index
tables are not Django models (neither engine's table is expressible as one): :func:`ensure_index` creates
them if missing (migration ``knowledge 0002`` runs it; so does every indexing).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection

from plateau.domain.knowledge.query import SearchQuery, SynonymRule, build_query
from plateau.domain.knowledge.text import tokens

from .models import OfficialSheet

# Field weights (title, summary, body), the same intent on both engines.
SQLITE_WEIGHTS = (10.0, 4.0, 1.0)
CANDIDATES = 60
BODY_MAX_CHARS = 60_000


@dataclass(frozen=True)
class SearchHit:
    sheet: OfficialSheet
    rank: int
    score: float


@dataclass(frozen=True)
class SearchResult:
    query: SearchQuery
    hits: list[SearchHit]
    milliseconds: float


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def ensure_index() -> None:
    """Create the engine's index table if it is missing (idempotent)."""
    with connection.cursor() as cursor:
        if _is_postgres():
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS knowledge_sheet_tsv ("
                " sheet_id integer PRIMARY KEY REFERENCES knowledge_officialsheet(id) ON DELETE CASCADE,"
                " vector tsvector NOT NULL)"
            )
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS knowledge_sheet_tsv_gin ON knowledge_sheet_tsv USING gin (vector)"
            )
        else:
            cursor.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS knowledge_sheet_fts USING fts5("
                "title, description, body, tokenize='unicode61 remove_diacritics 0')"
            )


def _fields(sheet: OfficialSheet) -> tuple[str, str, str]:
    title = " ".join(tokens(f"{sheet.title} {sheet.subject_path}"))
    return title, " ".join(tokens(sheet.description)), " ".join(tokens(sheet.text[:BODY_MAX_CHARS]))


def index_sheets(sheets: Iterable[OfficialSheet]) -> int:
    """(Re)index these sheets; a withdrawn sheet leaves the index. Returns how many are searchable."""
    ensure_index()
    rows = []
    gone = []
    for sheet in sheets:
        if sheet.is_withdrawn:
            gone.append(sheet.pk)
        else:
            rows.append((sheet.pk, *_fields(sheet)))
    ids = [r[0] for r in rows] + gone
    with connection.cursor() as cursor:
        table, key = ("knowledge_sheet_tsv", "sheet_id") if _is_postgres() else ("knowledge_sheet_fts", "rowid")
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            cursor.execute(f"DELETE FROM {table} WHERE {key} IN ({', '.join(['%s'] * len(chunk))})", chunk)  # noqa: S608
        if _is_postgres():
            cursor.executemany(
                "INSERT INTO knowledge_sheet_tsv (sheet_id, vector) VALUES (%s, "
                "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B')"
                " || setweight(to_tsvector('simple', %s), 'D'))",
                rows,
            )
        else:
            cursor.executemany(
                "INSERT INTO knowledge_sheet_fts (rowid, title, description, body) VALUES (%s, %s, %s, %s)", rows
            )
    return len(rows)


def rebuild_index() -> int:
    ensure_index()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM knowledge_sheet_tsv" if _is_postgres() else "DELETE FROM knowledge_sheet_fts")
    return index_sheets(OfficialSheet.objects.filter(withdrawn_at__isnull=True).iterator(chunk_size=200))


def _candidates(query: SearchQuery, limit: int) -> list[tuple[int, float]]:
    """(sheet id, engine score — higher is better) of the engine's best ``limit`` matches."""
    if query.empty:
        return []
    with connection.cursor() as cursor:
        if _is_postgres():
            parts = [*query.terms, *([f"{query.prefix}:*"] if query.prefix else [])]
            cursor.execute(
                "SELECT sheet_id, ts_rank(vector, q) AS score FROM knowledge_sheet_tsv, to_tsquery('simple', %s) q"
                " WHERE vector @@ q ORDER BY score DESC, sheet_id LIMIT %s",
                [" | ".join(parts), limit],
            )
        else:
            parts = [f'"{t}"' for t in query.terms] + ([f'"{query.prefix}"*'] if query.prefix else [])
            cursor.execute(
                "SELECT rowid, -bm25(knowledge_sheet_fts, %s, %s, %s) AS score FROM knowledge_sheet_fts"
                " WHERE knowledge_sheet_fts MATCH %s ORDER BY score DESC, rowid LIMIT %s",
                [*SQLITE_WEIGHTS, " OR ".join(parts), limit],
            )
        return [(int(r[0]), float(r[1])) for r in cursor.fetchall()]


# Interactive guides and theme pages of service-public.fr are not answers an advisor reads out.
NAVIGATION_KINDS = frozenset({"Recherche guidée", "Theme"})


@lru_cache(maxsize=20_000)
def _sheet_tokens(pk: int, content_hash: str, title: str, description: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """The title's and summary's tokens of one version of a sheet (keyed by its hash: a changed sheet is
    tokenised again). Re-ranking reads them for every candidate of every search."""
    return tuple(tokens(title)), frozenset(tokens(description))


def _coverage(query: SearchQuery, sheet: OfficialSheet) -> float:
    """How well the title and summary say what was asked: typed words count double, synonyms once, the
    title above the summary, and a title made only of what was asked (« Carte Vitale ») above a longer
    one that also speaks of something else (« … d'un mineur »). The engines agree on this part."""
    title_tokens, summary = _sheet_tokens(sheet.pk, sheet.content_hash, sheet.title, sheet.description)
    title = set(title_tokens)
    typed = set(query.typed)
    asked = set(query.terms)
    score = 0.0
    for term in query.terms:
        weight = 2.0 if term in typed else 1.0
        if term in title:
            score += 2.0 * weight
        elif term in summary:
            score += 1.0 * weight
    prefix_hit = bool(query.prefix) and any(t.startswith(query.prefix) for t in title)
    if prefix_hit:
        score += 1.0
    if title:
        said = sum(1 for t in title if t in asked or (prefix_hit and t.startswith(query.prefix)))
        score += 4.0 * said / len(title)
    if sheet.kind in NAVIGATION_KINDS:
        score -= 3.0
    return score


def search(
    text: str,
    *,
    rules: Sequence[SynonymRule] = (),
    limit: int = 10,
    subject: str = "",
    prefix_last: bool = True,
) -> SearchResult:
    """The best ``limit`` current sheets for what the advisor typed (optionally within one theme)."""
    started = time.perf_counter()
    query = build_query(text, rules, prefix_last=prefix_last)
    found = _candidates(query, CANDIDATES)
    sheets = OfficialSheet.objects.defer("text").filter(pk__in=[pk for pk, _ in found], withdrawn_at__isnull=True)
    if subject:
        sheets = sheets.filter(subject=subject)
    by_id = {s.pk: s for s in sheets}
    top = max((score for _, score in found), default=1.0) or 1.0
    scored = sorted(
        ((_coverage(query, by_id[pk]) + 3.0 * score / top, pk) for pk, score in found if pk in by_id),
        key=lambda item: (-item[0], item[1]),
    )
    hits = [SearchHit(by_id[pk], rank, score) for rank, (score, pk) in enumerate(scored[:limit], start=1)]
    return SearchResult(query, hits, (time.perf_counter() - started) * 1000)
