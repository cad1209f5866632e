"""Figures of stage 7: metrics by method, confusion of gold labels.

Each function reads the tables it needs, draws one figure in the shared style of
:mod:`arabic_news_topics.plotting`, and saves it as PNG and PDF.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from ..io import read_table
from ..plotting import (
    heatmap,
    new_figure,
    no_data_figure,
    palette_colour,
    require_columns,
    save_figure,
)


def _column_prefix(columns: list[str], path: str) -> str:
    """The common prefix of ``<prefix>_<n>`` columns (``cluster``, ``topic`` …)."""
    prefixes = {c.rsplit("_", 1)[0] for c in columns if "_" in c and c.rsplit("_", 1)[1].isdigit()}
    if len(prefixes) != 1 or any(not c.rsplit("_", 1)[-1].isdigit() for c in columns):
        raise ValueError(
            f"{path}: expected columns <prefix>_1 .. <prefix>_n besides label and total, "
            f"got {', '.join(columns) or 'none'}"
        )
    return prefixes.pop()


def plot_confusion(confusion_csv: str, png: str, pdf: str, title: str) -> None:
    """Gold labels against clusters (or topics): counts, shaded by the share of the row."""
    table = read_table(confusion_csv, dtype={"label": str})
    require_columns(table, ["label"], confusion_csv)
    columns = [c for c in table.columns if c not in ("label", "total")]
    if table.empty or not columns:
        no_data_figure(title, "No document has a gold label: nothing to compare.", png, pdf)
        return
    prefix = _column_prefix(columns, confusion_csv)
    columns = sorted(columns, key=lambda c: int(c.rsplit("_", 1)[1]))
    counts = table[columns].fillna(0).astype(int)
    totals = counts.sum(axis=1)
    shares = counts.div(totals.where(totals > 0, 1), axis=0)
    names = [f"{label} ({total})" for label, total in zip(table["label"], totals, strict=True)]
    shares.index = names
    shares.columns = [c.rsplit("_", 1)[1] for c in columns]
    width_room = 0.3 if len(columns) <= 30 else 0.5
    fig, axes = new_figure(min(1.5 + width_room + 0.32 * len(table), 9.0))
    ax = axes[0, 0]
    image = heatmap(
        ax,
        shares,
        cmap="Blues",
        annotate=False,
        vmin=0,
        vmax=1,
        colorbar_label="share of the gold label's documents",
    )
    for label in ax.get_xticklabels():
        label.set(rotation=0, ha="center")
    if len(columns) > 25:
        ax.tick_params(axis="x", labelsize=6, labelrotation=90)
    # Counts are written where they fit in a cell (the axes are about 5 in wide).
    fontsize = 7 if len(columns) <= 12 else 5.5
    digits = len(str(int(counts.to_numpy().max(initial=0))))
    if digits * 0.6 * fontsize + 2 <= 5.0 * 72 / len(columns) and len(table) <= 40:
        for (i, j), count in np.ndenumerate(counts.to_numpy()):
            red, green, blue, _ = image.cmap(image.norm(shares.iat[i, j]))
            light_cell = 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.5
            ax.text(
                j,
                i,
                str(count),
                ha="center",
                va="center",
                fontsize=fontsize,
                color="black" if light_cell else "white",
            )
    ax.set_xlabel(prefix.replace("_", " "))
    ax.set_ylabel("gold label (documents)")
    ax.set_title(title)
    save_figure(fig, png, pdf)


#: (column stem, axis label) of the evaluation metrics.
EVALUATION_METRICS = (
    ("nmi", "NMI"),
    ("ari", "ARI"),
    ("v_measure", "V-measure"),
    ("purity", "purity"),
)


def _base_method(method: str) -> str:
    """``topics_dmm`` of ``topics_dmm_k4``: the method without its ``_k<n>`` suffix."""
    stem, _, suffix = method.rpartition("_k")
    return stem if stem and suffix.isdigit() else method


def plot_evaluation_metrics(summary_csv: str, png: str, pdf: str) -> None:
    """Agreement of each method with the gold labels: NMI, ARI, V-measure and purity."""
    table = read_table(summary_csv, dtype={"method": str})
    means = [f"{m}_mean" for m, _ in EVALUATION_METRICS]
    require_columns(table, ["method", *means], summary_csv)
    title = "Agreement with the gold labels"
    if table.empty:
        no_data_figure(title, "No method was evaluated against gold labels.", png, pdf)
        return
    n_methods = len(table)
    width = 0.8 / n_methods
    groups = np.arange(len(EVALUATION_METRICS))
    # Long method names ("topics_sklearn_lda_k4 (3 runs)"): at most three legend columns.
    legend_columns = min(n_methods, 4 if n_methods <= 4 else 3)
    legend_rows = -(-n_methods // legend_columns)
    fig, axes = new_figure(2.6 + 0.18 * legend_rows)
    ax = axes[0, 0]
    lowest, highest = 0.0, 1.0
    # A method scored at k = the number of labels (<method>_k<n>) takes its method's colour,
    # hatched, so that the two scorings of one method read as a pair.
    bases = list(dict.fromkeys(_base_method(m) for m in table["method"].astype(str)))
    # ... and stands next to it.
    order = table["method"].astype(str).map(lambda m: bases.index(_base_method(m)))
    table = table.iloc[np.argsort(order.to_numpy(), kind="stable")]
    for i, row in enumerate(table.itertuples(index=False)):
        row = row._asdict()
        base = _base_method(str(row["method"]))
        values = np.array([float(row[f"{m}_mean"]) for m, _ in EVALUATION_METRICS])
        errors = np.array([float(row.get(f"{m}_sd", np.nan)) for m, _ in EVALUATION_METRICS])
        positions = groups - 0.4 + width * (i + 0.5)
        runs = row.get("runs")
        label = str(row["method"])
        if runs is not None and not pd.isna(runs):
            label += f" ({int(runs)} run{'s' if int(runs) != 1 else ''})"
        ax.bar(
            positions,
            np.nan_to_num(values),
            width=width * 0.92,
            color=palette_colour(bases.index(base)),
            hatch="////" if base != str(row["method"]) else None,
            edgecolor="white",
            linewidth=0,
            label=label,
            yerr=None if np.isnan(errors).all() else errors,
            capsize=2,
            error_kw={"elinewidth": 0.8, "ecolor": "#333333"},
        )
        if n_methods <= 5:
            for x, value, error in zip(positions, values, errors, strict=True):
                if np.isnan(value):
                    continue
                end = value + (0 if np.isnan(error) else error) if value >= 0 else value
                ax.annotate(
                    f"{value:.2f}",
                    (x, max(end, 0)),
                    xytext=(0, 2),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=6,
                )
        finite = values[np.isfinite(values)] - np.nan_to_num(errors[np.isfinite(values)])
        if finite.size:
            lowest = min(lowest, float(finite.min()))
        highest = max(highest, float(np.nanmax(values + np.nan_to_num(errors), initial=0)))
    ax.set_xticks(groups, [label for _, label in EVALUATION_METRICS])
    ax.set_ylim(lowest - 0.05 if lowest < 0 else 0, max(1.0, highest) + 0.08)
    if lowest < 0:
        ax.axhline(0, color="#555555", linewidth=0.6)
    ax.set_ylabel("score (1 = perfect agreement)")
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.grid(axis="y", color="#e4e4e4", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.1),
        ncols=legend_columns,
        frameon=False,
        fontsize=7,
    )
    has_sd = any(
        f"{m}_sd" in table.columns and table[f"{m}_sd"].notna().any() for m, _ in EVALUATION_METRICS
    )
    ax.set_title(title + (": mean ± sd over runs" if has_sd else ""))
    save_figure(fig, png, pdf)


def plot_evaluation(
    summary: str,
    clusters: str,
    topics: str,
    metrics_png: str,
    metrics_pdf: str,
    clusters_png: str,
    clusters_pdf: str,
    topics_png: str,
    topics_pdf: str,
) -> None:
    """Rule plot_evaluation: metrics by method, gold label by cluster and by topic."""
    plot_evaluation_metrics(summary, metrics_png, metrics_pdf)
    plot_confusion(clusters, clusters_png, clusters_pdf, title="Gold label by cluster")
    plot_confusion(topics, topics_png, topics_pdf, title="Gold label by topic (argmax)")
