"""Server-side SVG charts (matplotlib, Agg-free SVG backend): inline in the pages, no JavaScript.

Each function returns an ``<svg>`` element as text. Text stays text (``svg.fonttype = none``) so the charts
are small and readable by screen readers; every chart has a ``<title>``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib import rcParams
from matplotlib.figure import Figure

rcParams["svg.fonttype"] = "none"
_COLOURS = ("#000091", "#e1000f", "#18753c", "#b34000", "#6a6af4")  # DSFR blue, red, green, orange, purple


def _svg(fig: Figure, title: str) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    text = buffer.getvalue()
    start = text.index("<svg")
    head_end = text.index(">", start) + 1
    safe_title = title.replace("&", "&amp;").replace("<", "&lt;")
    return f"{text[start:head_end]}<title>{safe_title}</title>{text[head_end:]}".replace(
        "<svg ", '<svg role="img" style="max-width:100%;height:auto" ', 1
    )


def curves(
    labels: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    title: str,
    ylabel: str,
    bands: Mapping[str, tuple[Sequence[float], Sequence[float]]] | None = None,
    steps: bool = True,
) -> str:
    """Lines (as steps per interval by default) with optional shaded bands (confidence intervals)."""
    fig = Figure(figsize=(9, 3.4), dpi=96)
    ax = fig.add_subplot()
    x = np.arange(len(labels))
    for i, (name, values) in enumerate(series.items()):
        colour = _COLOURS[i % len(_COLOURS)]
        y = np.asarray(values, dtype=float)
        if steps:  # interval i spans [i, i + 1): a flat segment over each interval
            ax.step(np.append(x, len(x)), np.append(y, y[-1:]), where="post", label=name, color=colour, linewidth=1.8)
        else:
            ax.plot(x, y, label=name, color=colour, linewidth=1.8, marker="o", markersize=3)
        if bands and name in bands:
            low, high = (np.asarray(v, dtype=float) for v in bands[name])
            if steps:
                ax.fill_between(
                    np.append(x, len(x)),
                    np.append(low, low[-1:]),
                    np.append(high, high[-1:]),
                    color=colour,
                    alpha=0.18,
                    step="post",
                    linewidth=0,
                )
            else:
                ax.fill_between(x, low, high, color=colour, alpha=0.18, linewidth=0)
    every = max(1, len(labels) // 12)
    ax.set_xticks(x[::every], [labels[i] for i in range(0, len(labels), every)], fontsize=8)
    ax.set_ylabel(ylabel, fontsize=9)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return _svg(fig, title)


def bars_and_line(
    labels: Sequence[str], bars: Sequence[float], line: Sequence[float], *, title: str, bar_label: str, line_label: str
) -> str:
    """Scheduled advisors as bars against the requirement as a step line (residual gaps stand out)."""
    fig = Figure(figsize=(9, 3.4), dpi=96)
    ax = fig.add_subplot()
    x = np.arange(len(labels))
    ax.bar(x + 0.5, bars, color="#cacafb", label=bar_label, width=0.9)
    ax.step(np.append(x, len(x)), np.append(line, line[-1:]), where="post", color="#e1000f", label=line_label)
    every = max(1, len(labels) // 12)
    ax.set_xticks(x[::every], [labels[i] for i in range(0, len(labels), every)], fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return _svg(fig, title)
