"""Parsing one line of ``fiches-particuliers.jsonl`` (service-public.fr sheets flattened to plain text)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_SPACES = re.compile(r"\s+")
PATH_SEPARATOR = " \u203a "  # a right-pointing angle quotation mark
SOURCE_URL = "https://www.service-public.fr/particuliers/vosdroits/{sheet_id}"


class SheetFormatError(ValueError):
    """A line that is not a sheet: the message says why, in French (it is shown in the import report)."""


@dataclass(frozen=True)
class SheetRecord:
    sheet_id: str
    kind: str
    title: str
    subject: str
    subject_path: str
    description: str
    text: str
    url: str
    modified_on: dt.date | None

    @property
    def content_hash(self) -> str:
        """What decides « modifiée » at re-import: every field the desk shows or the search reads."""
        payload = "\x1f".join(
            [self.kind, self.title, self.subject, self.subject_path, self.description, self.text, self.url]
        )
        payload += "\x1f" + (self.modified_on.isoformat() if self.modified_on else "")
        return hashlib.sha256(payload.encode()).hexdigest()


def _clean(value: str) -> str:
    return _SPACES.sub(" ", value.replace("\xa0", " ")).strip()


def subject_path(subject: str, title: str, text: str) -> str:
    """The breadcrumb of the sheet (« Papiers - Citoyenneté », « Carte d'identité », joined by
    PATH_SEPARATOR), read from the head of the flattened text: the lines between « Accueil particuliers »
    and the sheet's title."""
    lines = [_clean(line) for line in text.split("\n", 30)[:30]]
    clean_title = _clean(title)
    try:
        start = lines.index("Accueil particuliers") + 1
        end = lines.index(clean_title, start)
    except ValueError:
        return subject
    path = [line for line in lines[start:end] if line]
    return PATH_SEPARATOR.join(path) if path else subject


def parse_line(line: str) -> SheetRecord:
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        raise SheetFormatError(f"JSON illisible ({exc.msg}, colonne {exc.colno})") from exc
    if not isinstance(raw, dict):
        raise SheetFormatError("la ligne n'est pas un objet JSON")
    sheet_id = str(raw.get("id") or "").strip()
    title = _clean(str(raw.get("title") or ""))
    url = str(raw.get("url") or "").strip()
    if not re.fullmatch(r"[A-Z]{1,3}\d{1,8}", sheet_id):
        raise SheetFormatError(f"identifiant de fiche invalide : « {sheet_id[:30]} »")
    if not title:
        raise SheetFormatError(f"fiche {sheet_id} sans titre")
    if not url:  # a few sheets of the package have no address: service-public.fr's one for the id
        url = SOURCE_URL.format(sheet_id=sheet_id)
    if not url.startswith("https://"):
        raise SheetFormatError(f"fiche {sheet_id} : adresse source invalide")
    match = _DATE.search(str(raw.get("modified") or ""))
    modified = None
    if match:
        try:
            modified = dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            modified = None
    subject = _clean(str(raw.get("subject") or ""))
    text = str(raw.get("text") or "").replace("\xa0", " ")
    return SheetRecord(
        sheet_id=sheet_id,
        kind=_clean(str(raw.get("type") or "")),
        title=title[:500],
        subject=subject[:200],
        subject_path=subject_path(subject, title, text)[:1000],
        description=_clean(str(raw.get("description") or "")),
        text=text,
        url=url[:500],
        modified_on=modified,
    )
