"""``plateau knowledge ...``: the official sheets of the knowledge base.

``plateau knowledge import FILE``      import ``fiches-particuliers.jsonl`` (or .jsonl.gz): new / changed / removed
``plateau knowledge reindex``          rebuild the search index from the sheets in the database
``plateau knowledge search TEXT``      what the desk would propose (ranks, milliseconds)
``plateau knowledge fixture SRC OUT``  write a small gzipped fixture of chosen sheets (tests and demo)
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

from ._django import setup_django

# The sheets of the shipped fixture (src/plateau/knowledge/data/fiches-demo.jsonl.gz): identity papers,
# passports, vehicle registration, CESU, APA, RSA, housing and family help — what the demo desks are asked.
FIXTURE_IDS = (
    # identity card and passport
    "N358",
    "F1341",
    "F1342",
    "F1344",
    "F1759",
    "F1153",
    "F1794",
    "F21089",
    "F21090",
    "F21224",
    "F10774",
    "N360",
    "F14929",
    "F21091",
    "F21246",
    "F21247",
    "F1373",
    "F34752",
    "F1709",
    "F10619",
    "F14807",
    "F18704",
    "F34757",
    # vehicle registration
    "N367",
    "F19211",
    "F12118",
    "F1050",
    # CESU, employing someone at home
    "F2912",
    "F2107",
    "F13607",
    "F18653",
    "F12",
    "F12202",
    "F1692",
    "F245",
    # elderly, autonomy, disability
    "F10009",
    "F1229",
    "F763",
    "F16871",
    "F12242",
    "F34049",
    # RSA and other benefits
    "N19775",
    "F19778",
    "F1971",
    "F20218",
    "F2882",
    "F10027",
    # housing, family, civil status, justice
    "F12006",
    "F1280",
    "F13132",
    "F1427",
    "F961",
    "F1618",
    "F1420",
    "F1367",
)
FIXTURE_TEXT_CHARS = 3000


def cmd_import(ns: argparse.Namespace) -> int:
    from plateau.knowledge.errors import ImportRefused
    from plateau.knowledge.importing import import_sheets

    try:
        run = import_sheets(Path(ns.file), withdraw_missing=not ns.partial, force=ns.force)
    except ImportRefused as exc:
        print(f"Import refusé : {exc.message}", file=sys.stderr)
        return 1
    print(
        f"{run.total} fiches lues en {run.seconds:.1f} s : {run.new} nouvelles, {run.changed} modifiées, "
        f"{run.removed} retirées, {run.unchanged} inchangées, {len(run.rejected)} lignes rejetées."
    )
    for reject in run.rejected[:20]:
        print(f"  ligne {reject['line']} : {reject['reason']}")
    return 0


def cmd_reindex(ns: argparse.Namespace) -> int:
    from plateau.knowledge.search import rebuild_index

    print(f"{rebuild_index()} fiches indexées.")
    return 0


def cmd_search(ns: argparse.Namespace) -> int:
    from plateau.knowledge.access import synonym_rules
    from plateau.knowledge.search import search

    result = search(" ".join(ns.text), rules=synonym_rules(None), limit=ns.limit)
    print(
        f"termes : {' '.join(result.query.terms)}{' · préfixe ' + result.query.prefix if result.query.prefix else ''}"
    )
    for hit in result.hits:
        print(f"{hit.rank:>2}. {hit.sheet.sheet_id:<7} {hit.score:6.2f}  {hit.sheet.title}")
    print(f"{result.milliseconds:.1f} ms")
    return 0


def cmd_fixture(ns: argparse.Namespace) -> int:
    """Copy the chosen sheets from the source file, texts cut to ``--text-chars`` (a compact fixture)."""
    wanted = list(dict.fromkeys(ns.ids.split(",") if ns.ids else FIXTURE_IDS))
    found: dict[str, dict[str, object]] = {}
    with open(ns.source, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row.get("id") in wanted:
                row["text"] = str(row.get("text", ""))[: ns.text_chars]
                found[row["id"]] = row
    missing = [i for i in wanted if i not in found]
    if missing:
        print(f"Fiches absentes du fichier source : {', '.join(missing)}", file=sys.stderr)
        return 1
    with gzip.open(ns.out, "wt", encoding="utf-8", compresslevel=9) as out:
        for sheet_id in wanted:
            out.write(json.dumps(found[sheet_id], ensure_ascii=False) + "\n")
    print(f"{len(wanted)} fiches écrites dans {ns.out}.")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="plateau knowledge", description="Knowledge base: official sheets")
    sub = parser.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="import fiches-particuliers.jsonl (new / changed / removed sheets)")
    imp.add_argument("file")
    imp.add_argument("--partial", action="store_true", help="a partial file: withdraw no missing sheet")
    imp.add_argument("--force", action="store_true", help="withdraw the missing sheets even if they are many")
    imp.set_defaults(func=cmd_import, django=True)
    sub.add_parser("reindex", help="rebuild the search index").set_defaults(func=cmd_reindex, django=True)
    se = sub.add_parser("search", help="search as the desk does")
    se.add_argument("text", nargs="+")
    se.add_argument("--limit", type=int, default=5)
    se.set_defaults(func=cmd_search, django=True)
    fx = sub.add_parser("fixture", help="write a small gzipped fixture of chosen sheets")
    fx.add_argument("source", help="fiches-particuliers.jsonl")
    fx.add_argument("out", help="output .jsonl.gz")
    fx.add_argument("--ids", default="", help="comma-separated sheet ids (default: the demo's list)")
    fx.add_argument("--text-chars", type=int, default=FIXTURE_TEXT_CHARS, help="keep this much of each text")
    fx.set_defaults(func=cmd_fixture, django=False)
    return parser


def main(argv: list[str]) -> int:
    ns = build_parser().parse_args(argv)
    if ns.django:
        setup_django()
    return int(ns.func(ns))
