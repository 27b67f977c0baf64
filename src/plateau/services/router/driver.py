"""A tiny router process over a SQLite journal: JSON-lines events in on stdin, decisions out on stdout.

``python -m plateau.services.router.driver --journal PATH`` answers each input line (an event in the journal
format) with ``{"seq": n, "decisions": [...]}`` once the event is durably appended. ``--dump`` recovers,
prints ``{"seq": n, "snapshot": {...}}`` and exits. The crash test SIGKILLs it under traffic.
"""

from __future__ import annotations

import argparse
import json
import sys

from plateau.domain.routing.codec import event_from_dict, event_to_dict
from plateau.domain.routing.snapshot import take_snapshot
from plateau.services.router.journal_sqlite import SqliteJournal
from plateau.services.router.journaled import JournaledRouter


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--journal", required=True)
    parser.add_argument("--snapshot-every", type=int, default=10_000)
    parser.add_argument("--dump", action="store_true", help="recover, print the state and exit")
    ns = parser.parse_args(argv)
    router = JournaledRouter(SqliteJournal(ns.journal), snapshot_every=ns.snapshot_every)
    out = sys.stdout
    if ns.dump:
        out.write(json.dumps({"seq": router.seq, "snapshot": take_snapshot(router.engine)}) + "\n")
        return 0
    out.write(json.dumps({"ready": router.seq}) + "\n")
    out.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        decisions = router.handle(event_from_dict(json.loads(line)))
        out.write(json.dumps({"seq": router.seq, "decisions": [event_to_dict(d) for d in decisions]}) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
