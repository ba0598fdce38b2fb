"""PNG charts of a golden run, drawn with matplotlib's Agg canvas (no display, no GUI toolkit,
and no pyplot global state: each chart is its own ``Figure``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from eval.metrics import MetricValue
from eval.records import CaseResult

Slices = dict[str, dict[str, dict[str, MetricValue]]]


def hit5_by_slice(slices: Slices, path: Path) -> Path:
    """One bar panel per slice (site, role, doc type): doc-level hit@5 of each value."""
    fig = Figure(figsize=(4.2 * len(slices), 3.6))
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, len(slices), squeeze=False)
    for ax, (name, groups) in zip(axes[0], slices.items(), strict=True):
        labels = [v for v, m in groups.items() if m.get("hit@5") is not None]
        values = [float(groups[v]["hit@5"] or 0.0) for v in labels]
        bars = ax.bar(labels, values, color="#4C78A8")
        ax.bar_label(bars, labels=[f"{v:.2f}" for v in values], fontsize=8)
        ax.set_ylim(0, 1.1)
        ax.set_title(f"hit@5 by {name}")
        ax.tick_params(axis="x", labelrotation=30, labelsize=8)
        ax.axhline(0.9, color="#E45756", linestyle="--", linewidth=1)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path


def latency_histogram(results: Sequence[CaseResult], path: Path) -> Path:
    """Histograms of search and ask latency (ms) over the cases without errors."""
    ok = [r for r in results if r.error is None]
    fig = Figure(figsize=(6.4, 3.6))
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    series = (
        ("search", [r.search_ms for r in ok], "#4C78A8"),
        ("ask", [r.ask_ms for r in ok], "#F58518"),
    )
    every = [v for _, values, _ in series for v in values]
    bins: list[float] | int = np.histogram_bin_edges(every, bins=30).tolist() if every else 30
    for label, values, color in series:
        if values:
            ax.hist(values, bins=bins, alpha=0.6, label=label, color=color)
    ax.set_xlabel("latency (ms)")
    ax.set_ylabel("questions")
    ax.set_title("Search and ask latency")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path
