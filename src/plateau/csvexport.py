"""The one CSV writer of the project: every export goes through it, so no cell becomes a live formula.

A spreadsheet evaluates a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and tab or carriage return can hide
such a start): a caller named ``=HYPERLINK(…)`` or a note ``=cmd|' /C calc'!A0`` would run in the reader's
spreadsheet. As OWASP advises, such a text cell is prefixed with a single quote, which shows it as text.
Numbers (``int``/``float``, and texts that are plain numbers such as ``-12,5``) are left as they are.
``tests/test_csv_exports.py`` checks that no other module writes CSV by itself.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")


class _Writable(Protocol):
    def write(self, s: str, /) -> Any: ...


def neutralise(value: object) -> object:
    """``value`` safe for a CSV cell: a text that a spreadsheet would read as a formula gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


class Writer:
    """``csv.writer`` whose cells are neutralised."""

    def __init__(self, out: _Writable, *, delimiter: str = ";", lineterminator: str = "\r\n") -> None:
        self._writer = csv.writer(out, delimiter=delimiter, lineterminator=lineterminator)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([neutralise(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


class DictWriter:
    """``csv.DictWriter`` whose values are neutralised (the header is ours)."""

    def __init__(self, out: _Writable, fieldnames: Sequence[str], *, delimiter: str = ",") -> None:
        self._writer = csv.DictWriter(out, fieldnames=fieldnames, delimiter=delimiter)

    def writeheader(self) -> None:
        self._writer.writeheader()

    def writerows(self, rows: Iterable[Mapping[str, object]]) -> None:
        for row in rows:
            self._writer.writerow({k: neutralise(v) for k, v in row.items()})
