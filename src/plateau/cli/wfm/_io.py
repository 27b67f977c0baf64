"""Input and output of the ``plateau wfm`` commands: agent ranges, CSV columns, tables, CSV export."""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from plateau import csvexport

if TYPE_CHECKING:
    pass

Row = dict[str, object]


def agents(spec: str) -> list[int]:
    """``25`` or ``20:30`` (inclusive range) or ``20,25,30``."""
    if ":" in spec:
        lo, hi = spec.split(":")
        return list(range(int(lo), int(hi) + 1))
    return [int(v) for v in spec.split(",")]


def read_column(path: str, names: Sequence[str]) -> list[str]:
    """One column of a CSV file: the first header among ``names``, else the first column (header optional)."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.reader(fh) if r]
    if not rows:
        return []
    header = [h.strip().lower() for h in rows[0]]
    for name in names:
        if name in header:
            index = header.index(name)
            return [r[index] for r in rows[1:]]
    try:
        float(rows[0][0])
    except ValueError:
        return [r[0] for r in rows[1:]]
    return [r[0] for r in rows]


def volumes(ns: argparse.Namespace) -> np.ndarray:
    if ns.volumes:
        return np.array([float(v) for v in read_column(ns.volumes, ["calls", "volume", "appels"])])
    return np.array([float(v) for v in ns.calls.split(",")])


def fmt(value: object) -> str:
    if isinstance(value, float | np.floating):
        return "-" if np.isnan(value) else f"{value:.4f}"
    return str(value)


def emit(rows: list[Row], csv_path: str | None) -> None:
    if not rows:
        return
    columns = list(rows[0])
    if csv_path:
        out = sys.stdout if csv_path == "-" else open(csv_path, "w", newline="", encoding="utf-8")  # noqa: SIM115
        try:
            writer = csvexport.DictWriter(out, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
        finally:
            if out is not sys.stdout:
                out.close()
        if csv_path == "-":
            return
    cells = [[fmt(r[c]) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    print("  ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True)))
    for row in cells:
        print("  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)))


def rate(calls: float | np.ndarray, interval_minutes: float) -> float | np.ndarray:
    return calls / (interval_minutes * 60.0)
