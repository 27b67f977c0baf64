"""Import of the official sheets (``fiches-particuliers.jsonl``, plain or gzipped): idempotent, reports
new / changed / removed sheets. A sheet missing from a later file is marked withdrawn, never deleted (the
contacts it answered keep pointing to it); it comes back (« modifiée ») if a later file has it again."""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from plateau.domain.knowledge.sheets import SheetFormatError, SheetRecord, parse_line
from plateau.events import publish_on_commit

from .articles import flag_articles_to_recheck
from .errors import ImportRefused
from .events import SheetsImported
from .models import OfficialSheet, SheetImport
from .search import index_sheets

# A file that would withdraw more than this share of the current sheets is refused without --force
# (a truncated download must not empty the knowledge base).
MAX_WITHDRAWN_SHARE = 0.2
FIELDS = ["kind", "title", "subject", "subject_path", "description", "text", "url", "modified_on", "content_hash"]


def _lines(path: Path) -> Iterator[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        yield from handle


def read_sheets(path: Path) -> tuple[list[SheetRecord], list[dict[str, object]]]:
    """The valid records of the file and the rejected lines (line number, reason in French)."""
    records: dict[str, SheetRecord] = {}
    rejected: list[dict[str, object]] = []
    for number, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        try:
            record = parse_line(line)
        except SheetFormatError as exc:
            rejected.append({"line": number, "reason": str(exc)})
            continue
        if record.sheet_id in records:
            rejected.append({"line": number, "reason": f"fiche {record.sheet_id} en double (la première est gardée)"})
            continue
        records[record.sheet_id] = record
    return list(records.values()), rejected


def _apply(sheet: OfficialSheet, record: SheetRecord) -> None:
    for field in FIELDS:
        setattr(sheet, field, getattr(record, field))


def import_sheets(path: Path | str, *, withdraw_missing: bool = True, force: bool = False) -> SheetImport:
    """Import the file; returns the run with its counts. ``withdraw_missing=False`` for a partial file."""
    path = Path(path)
    started = time.perf_counter()
    now = timezone.now()
    try:
        records, rejected = read_sheets(path)
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise ImportRefused(f"Fichier illisible : {exc}") from exc
    if not records:
        raise ImportRefused("Aucune fiche valide dans ce fichier : rien n'est modifié.")
    with transaction.atomic():
        existing = {s.sheet_id: s for s in OfficialSheet.objects.select_for_update()}
        current = sum(1 for s in existing.values() if not s.is_withdrawn)
        seen = {r.sheet_id for r in records}
        to_withdraw = [s for sid, s in existing.items() if sid not in seen and not s.is_withdrawn]
        if not withdraw_missing:
            to_withdraw = []
        if current and len(to_withdraw) > MAX_WITHDRAWN_SHARE * current and not force:
            raise ImportRefused(
                f"Ce fichier retirerait {len(to_withdraw)} fiches sur {current} : fichier incomplet ? "
                "Relancez avec --force si c'est voulu, ou --partial pour ne rien retirer."
            )
        new: list[OfficialSheet] = []
        changed: list[OfficialSheet] = []
        for record in records:
            sheet = existing.get(record.sheet_id)
            if sheet is None:
                sheet = OfficialSheet(sheet_id=record.sheet_id, imported_at=now, changed_at=now)
                _apply(sheet, record)
                new.append(sheet)
            elif sheet.content_hash != record.content_hash or sheet.is_withdrawn:
                _apply(sheet, record)
                sheet.changed_at = now
                sheet.withdrawn_at = None
                changed.append(sheet)
        OfficialSheet.objects.bulk_create(new, batch_size=200)
        if not all(s.pk for s in new):  # backends without RETURNING ids on bulk insert
            ids = dict(
                OfficialSheet.objects.filter(sheet_id__in=[s.sheet_id for s in new]).values_list("sheet_id", "pk")
            )
            for sheet in new:
                sheet.pk = ids[sheet.sheet_id]
        OfficialSheet.objects.bulk_update(changed, [*FIELDS, "changed_at", "withdrawn_at"], batch_size=200)
        for sheet in to_withdraw:
            sheet.withdrawn_at = now
        OfficialSheet.objects.bulk_update(to_withdraw, ["withdrawn_at"], batch_size=500)
        index_sheets([*new, *changed, *to_withdraw])
        flagged = flag_articles_to_recheck() if changed or to_withdraw else 0
        run = SheetImport.objects.create(
            source=path.name,
            started_at=now,
            total=len(records),
            new=len(new),
            changed=len(changed),
            removed=len(to_withdraw),
            unchanged=len(records) - len(new) - len(changed),
            rejected=rejected[:200],
            articles_flagged=flagged,
            seconds=round(time.perf_counter() - started, 2),
        )
        publish_on_commit(SheetsImported(None, run.pk, run.new, run.changed, run.removed))
    return run
