"""Figures of stage 4: top words, document topics, measures by K, stability, similarity.

Each function reads the tables it needs, draws one figure in the shared style of
:mod:`arabic_news_topics.plotting`, and saves it as PNG and PDF.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from ..io import read_table
from ..plotting import (
    CHOSEN_COLOUR,
    barh,
    chosen_values,
    document_labels,
    heatmap,
    integer_axis,
    mark_chosen,
    new_figure,
    no_data_figure,
    palette_colour,
    require_columns,
    sample_rows,
    sampled_note,
    save_figure,
    shown_terms,
    topic_label,
)


def plot_topic_words(
    topics_csv: str,
    png: str,
    pdf: str,
    top_n: int = 10,
    prevalence: Mapping[int, tuple[float, bool]] | None = None,
) -> None:
    """Top words of each topic with their weights (the chosen K), on one shared x axis so
    that topics compare; with ``prevalence`` (topic -> (mean share, near zero)), each title
    gives the topic's prevalence, and a topic of near-zero prevalence is drawn grey and
    says so."""
    topics = read_table(topics_csv)
    ids = sorted(topics["topic"].unique())
    ncols = min(3, len(ids))
    nrows = math.ceil(len(ids) / ncols)
    fig, axes = new_figure(0.4 + 2.1 * nrows, ncols=ncols, nrows=nrows, sharex=True)
    for ax in axes.ravel()[len(ids) :]:
        ax.set_axis_off()
    for i, (ax, topic) in enumerate(zip(axes.ravel(), ids, strict=False)):
        rows = topics[topics["topic"] == topic].head(top_n)
        share, low = (prevalence or {}).get(int(topic), (None, False))
        colour = UNRATED_COLOUR if low else palette_colour(i)
        barh(ax, shown_terms(rows), rows["weight"], color=colour)
        title = f"Topic {topic}"
        if share is not None:
            title += f", {share:.1%} of the corpus" + (" (near zero)" if low else "")
        ax.set_title(title, fontsize=8, color="#6b6b6b" if low else "black")
        ax.tick_params(axis="x", labelsize=6, labelbottom=True)
    fig.suptitle(f"Top {top_n} words of each of the {len(ids)} topics (one scale: p(word | topic))")
    save_figure(fig, png, pdf)


def chosen_prevalence(stability_csv: str, num_topics: int) -> dict[int, tuple[float, bool]]:
    """Topic -> (prevalence, near zero) of the chosen K, from the stability table (empty
    where the table has no prevalence)."""
    table = read_table(stability_csv, dtype={"top_words": str})
    if "prevalence" not in table.columns:
        return {}
    rows = table[table["num_topics"].astype(int) == int(num_topics)]
    low = rows["low_prevalence"].astype(str).str.lower() == "true"
    return {
        int(t): (float(p), bool(flag))
        for t, p, flag in zip(rows["topic"], rows["prevalence"], low, strict=True)
    }


def plot_document_topics(
    doc_topics_csv: str,
    png: str,
    pdf: str,
    max_documents: int = 40,
    random_state: int = 42,
    titles_csv: str | None = None,
) -> None:
    """Document-by-topic heatmap of the topic proportions (documents by title where the
    corpus has titles, ``titles_csv``)."""
    table = read_table(doc_topics_csv).set_index("doc_id")
    matrix, _ = sample_rows(table, max_documents, random_state)
    matrix.index = document_labels(matrix.index, titles_csv)
    matrix.columns = [c.replace("topic_", "Topic ") for c in matrix.columns]
    fig, axes = new_figure(min(1.6 + 0.3 * len(matrix), 9.0))
    heatmap(axes[0, 0], matrix, cmap="Blues", vmin=0, vmax=1, colorbar_label="topic proportion")
    axes[0, 0].set_title(
        "Topic proportions of each document" + sampled_note(len(matrix), len(table), newline=True)
    )
    save_figure(fig, png, pdf)


#: (column, panel title, y label) of the model-selection panels; ``_mean``/``_sd`` columns
#: for the first four, one value per K for the last two. The held-out measure is the log-
#: likelihood per held-out token (minus the log of the perplexity): on a linear scale, where
#: perplexities of different K differ by orders of magnitude.
SELECTION_PANELS = (
    ("c_npmi", "NPMI coherence (higher is better)", "NPMI"),
    ("c_v", "c_v coherence (higher is better)", "c_v"),
    ("u_mass", "UMass coherence (higher is better)", "UMass"),
    ("diversity", "Topic diversity (higher is better)", "share of distinct top words"),
    (
        "heldout_log_likelihood_per_word",
        "Held-out log-likelihood per word (higher is better)",
        "nats per held-out token",
    ),
    ("stability", "Stability across seeds (higher is better)", "matched-topic similarity"),
)

#: How the legend names the rule that chose K (``rule_applied`` of ``chosen_k.json``).
RULE_NAMES = {"one_se": "one-SE rule", "best": "best mean"}

#: Colour of the one-standard-error threshold and of the best K, when it is not the chosen.
THRESHOLD_COLOUR = "#6b6b6b"
#: Colour of topics of near-zero prevalence, which are not rated for stability.
UNRATED_COLOUR = "#9a9a9a"


def _runs_note(runs: pd.Series) -> str:
    counts = sorted({int(r) for r in runs.dropna()})
    if not counts or counts == [1]:
        return "one seed per K (no standard deviation)"
    if len(counts) == 1:
        return f"mean ± sd over {counts[0]} seeds per K"
    return f"mean ± sd over {counts[0]}-{counts[-1]} seeds per K"


def _finite(value) -> float | None:
    return float(value) if value is not None and np.isfinite(float(value)) else None


def plot_model_selection(
    selection_csv: str, png: str, pdf: str, choice: Mapping | None = None
) -> None:
    """Each quality measure against the number of topics K, the chosen K marked.

    One panel per measure: NPMI, c_v and UMass coherence and topic diversity (mean over
    seeds, standard deviation as error bars), then the held-out log-likelihood per word and
    stability when the table has values for them (panels left out otherwise). ``choice``,
    the record of ``chosen_k.json`` (``selected_by``, ``best_num_topics``, ``threshold``),
    adds to the panel of the measure that chose K the one-standard-error threshold (a
    dotted line) and the best K (an open circle) when it is not the chosen one.
    """
    table = read_table(selection_csv).sort_values("num_topics", kind="stable")
    means = [f"{m}_mean" for m, _, _ in SELECTION_PANELS[:4]]
    require_columns(table, ["num_topics", "chosen", *means], selection_csv)
    if "heldout_log_likelihood_per_word" not in table.columns and "heldout_perplexity" in (
        table.columns
    ):
        # A table of an older run: the log-likelihood from the perplexity.
        perplexity = table["heldout_perplexity"].astype(float)
        table["heldout_log_likelihood_per_word"] = -np.log(perplexity.where(perplexity > 0))
    choice = dict(choice or {})
    select_by = choice.get("selected_by")
    threshold = _finite(choice.get("threshold"))
    best_k = choice.get("best_num_topics")
    title = "Choosing the number of topics K"
    if table.empty:
        no_data_figure(title, "The model-selection table is empty: no fitted model.", png, pdf)
        return
    panels = []
    for measure, panel_title, ylabel in SELECTION_PANELS:
        column = f"{measure}_mean" if f"{measure}_mean" in table.columns else measure
        if column in table.columns and (column in means or table[column].notna().any()):
            panels.append((measure, column, panel_title, ylabel))
    ks = table["num_topics"].astype(int)
    chosen = chosen_values(table, "num_topics")
    ncols = 2 if len(panels) == 4 else 3
    nrows = math.ceil(len(panels) / ncols)
    fig, axes = new_figure(0.9 + 1.95 * nrows, ncols=ncols, nrows=nrows)
    for ax in axes.ravel()[len(panels) :]:
        ax.set_axis_off()
    for ax, (measure, column, panel_title, ylabel) in zip(axes.ravel(), panels, strict=False):
        values = table[column].astype(float)
        sd_column = f"{measure}_sd"
        errors = table[sd_column].astype(float) if sd_column in table.columns else None
        if errors is not None and errors.isna().all():
            errors = None
        for k in chosen:
            mark_chosen(ax, k)
        ax.errorbar(
            ks,
            values,
            yerr=errors,
            color=palette_colour(0),
            marker="o",
            markersize=4,
            capsize=2.5,
            linewidth=1.2,
            elinewidth=0.9,
        )
        for k in chosen:
            value = values[ks == k]
            if len(value) and np.isfinite(value.iloc[0]):
                ax.plot([k], [value.iloc[0]], marker="*", markersize=11, color=CHOSEN_COLOUR, ls="")
        if measure == select_by:
            if threshold is not None:
                ax.axhline(
                    threshold, color=THRESHOLD_COLOUR, linestyle=":", linewidth=1.1, gid="one_se"
                )
            value = values[ks == best_k]
            if best_k not in chosen and len(value) and np.isfinite(value.iloc[0]):
                ax.plot(
                    [best_k],
                    [value.iloc[0]],
                    marker="o",
                    markersize=9,
                    markerfacecolor="none",
                    markeredgecolor=THRESHOLD_COLOUR,
                    markeredgewidth=1.3,
                    ls="",
                    gid="best",
                )
        if values.isna().all():
            ax.text(0.5, 0.5, "not computed", ha="center", va="center", transform=ax.transAxes)
        integer_axis(ax, ks)
        ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
        ax.tick_params(labelsize=7)
        # Measure on one line, direction on the next: three panels a row leave ~2 in each.
        ax.set_title(panel_title.replace(" (", "\n("), fontsize=8)
        ax.set_ylabel(ylabel, fontsize=7)
        ax.set_xlabel("number of topics K", fontsize=7)
    handles = [
        Line2D([], [], color=palette_colour(0), marker="o", markersize=4, linewidth=1.2),
    ]
    labels = [_runs_note(table["runs"]) if "runs" in table.columns else "mean over seeds"]
    if chosen:
        handles.append(
            Line2D([], [], color=CHOSEN_COLOUR, marker="*", markersize=9, linestyle="--")
        )
        rule = RULE_NAMES.get(choice.get("rule_applied"))
        labels.append(
            f"chosen K = {', '.join(str(k) for k in chosen)}" + (f" ({rule})" if rule else "")
        )
    measure_names = {m: t.split(" (")[0].replace(" coherence", "") for m, t, _ in SELECTION_PANELS}
    if select_by in measure_names and threshold is not None:
        handles.append(Line2D([], [], color=THRESHOLD_COLOUR, linestyle=":", linewidth=1.1))
        labels.append(f"best {measure_names[select_by]} − 1 SE")
    if select_by in measure_names and best_k is not None and best_k not in chosen:
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                markersize=7,
                markerfacecolor="none",
                markeredgecolor=THRESHOLD_COLOUR,
                linestyle="",
            )
        )
        labels.append(f"best mean, K = {best_k}")
    fig.legend(
        handles,
        labels,
        loc="outside lower center",
        # Four entries do not fit on one line of the figure: two lines of two.
        ncols=len(handles) if len(handles) <= 3 else 2,
        frameon=False,
        fontsize=8,
    )
    fig.suptitle(f"{title}: quality of the LDA models by K")
    save_figure(fig, png, pdf)


def plot_topic_stability(
    stability_csv: str, png: str, pdf: str, num_topics: int, n_words: int = 4
) -> None:
    """How well each topic of the chosen K comes back with other seeds.

    A bar per topic: its mean similarity (1 - Jensen-Shannon distance) to the topic matched
    with it in each other seed's run; a dot per other seed. Only the rows of ``num_topics``.
    A topic flagged ``low_prevalence`` is not rated: a grey hatched row, its label grey, and
    its prevalence written in the row.
    """
    table = read_table(stability_csv, dtype={"top_words": str})
    require_columns(table, ["num_topics", "topic", "mean_similarity"], stability_csv)
    title = f"Topic stability across seeds, K = {num_topics}"
    rows = table[table["num_topics"].astype(int) == int(num_topics)].sort_values("topic")
    if rows.empty and not table.empty:
        ks = ", ".join(str(k) for k in sorted(table["num_topics"].astype(int).unique()))
        raise ValueError(f"{stability_csv} has no rows for K = {num_topics} (it has K = {ks})")
    # Seeds with a similarity anywhere: those of a topic not rated (low prevalence) are NaN.
    seeds = [
        c for c in table.columns if c.startswith("similarity_seed_") and table[c].notna().any()
    ]
    if rows.empty or not seeds:
        no_data_figure(
            title,
            "The topics were fitted with one seed only, so there is no other run to\n"
            "match them against: list more seeds in lda.random_seeds to measure stability.",
            png,
            pdf,
        )
        return
    words = rows["top_words"] if "top_words" in rows.columns else [None] * len(rows)
    labels = [topic_label(t, w, n_words) for t, w in zip(rows["topic"], words, strict=True)]
    positions = np.arange(len(rows))
    if "low_prevalence" in rows.columns:
        unrated = (rows["low_prevalence"].astype(str).str.lower() == "true").to_numpy()
    else:
        unrated = np.zeros(len(rows), dtype=bool)
    fig, axes = new_figure(1.3 + 0.27 * len(rows))
    ax = axes[0, 0]
    if unrated.any():
        ax.barh(
            positions[unrated],
            1.0,
            height=0.7,
            color="none",
            edgecolor=UNRATED_COLOUR,
            hatch="///",
            linewidth=0,
            label="not rated: near-zero prevalence",
            gid="unrated",
        )
        prevalence = rows["prevalence"] if "prevalence" in rows.columns else None
        for i in np.flatnonzero(unrated):
            share = "" if prevalence is None else f", prevalence {prevalence.iloc[i]:.2%}"
            ax.text(
                0.02,
                positions[i],
                f"not rated{share}",
                va="center",
                ha="left",
                fontsize=7,
                color="#4d4d4d",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0},
            )
    ax.barh(
        positions,
        rows["mean_similarity"].astype(float),
        height=0.7,
        color=palette_colour(0),
        alpha=0.35,
        label="mean over the other seeds",
    )
    for i, column in enumerate(seeds):
        ax.plot(
            rows[column].astype(float),
            positions,
            linestyle="",
            marker="o",
            markersize=3.5,
            color=palette_colour(i + 1),
            label=f"seed {column.removeprefix('similarity_seed_')}",
        )
    ax.set_yticks(positions, labels)
    for label, grey in zip(ax.get_yticklabels(), unrated, strict=True):
        if grey:
            label.set_color(UNRATED_COLOUR)
    ax.invert_yaxis()
    ax.set_ylim(len(rows) - 0.4, -0.6)
    ax.set_xlim(0, 1)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_xlabel("similarity to the matched topic of another seed (1 − Jensen-Shannon distance)")
    ax.set_ylabel("topic: top words")
    ax.grid(axis="x", color="#e4e4e4", linewidth=0.6)
    ax.set_axisbelow(True)
    handles, names = ax.get_legend_handles_labels()
    # The bar (mean) first, then the seeds, then the unrated topics.
    order = sorted(
        range(len(names)), key=lambda i: (not names[i].startswith("mean"), "not" in names[i])
    )
    fig.legend(
        [handles[i] for i in order],
        [names[i] for i in order],
        loc="outside lower center",
        ncols=min(len(handles), 6),
        frameon=False,
        fontsize=7,
    )
    others = f"{len(seeds)} other seed{'s' if len(seeds) > 1 else ''}"
    ax.set_title(f"{title}\nsimilarity of each topic to its matched topic in {others}")
    save_figure(fig, png, pdf)


def plot_topic_similarity(similarity_csv: str, png: str, pdf: str, n_words: int = 4) -> None:
    """Topic-by-topic similarity (1 - Jensen-Shannon distance) of the chosen model."""
    table = read_table(similarity_csv, dtype={"top_words": str})
    require_columns(table, ["topic"], similarity_csv)
    columns = sorted(
        (c for c in table.columns if c.startswith("topic_") and c[6:].isdigit()),
        key=lambda c: int(c[6:]),
    )
    title = "Similarity between topics"
    if table.empty or not columns:
        no_data_figure(title, "The topic similarity table is empty.", png, pdf)
        return
    table = table.sort_values("topic")
    words = table["top_words"] if "top_words" in table.columns else [None] * len(table)
    matrix = table[columns].astype(float)
    # A topic with itself (always 1) is left blank, so the colours span the pairs.
    values = matrix.to_numpy(copy=True)
    topics = table["topic"].astype(int).tolist()
    for i, topic in enumerate(topics):
        if f"topic_{topic}" in columns:
            values[i, columns.index(f"topic_{topic}")] = np.nan
    matrix = pd.DataFrame(
        values,
        index=[topic_label(t, w, n_words) for t, w in zip(topics, words, strict=True)],
        columns=[c[6:] for c in columns],
    )
    top = float(np.nanmax(values)) if np.isfinite(values).any() else 1.0
    fig, axes = new_figure(min(1.3 + 0.3 * len(matrix), 9.0))
    ax = axes[0, 0]
    heatmap(
        ax,
        matrix,
        cmap="magma",
        vmin=0,
        vmax=top if top > 0 else 1.0,
        annotate=len(columns) <= 15,
        colorbar_label="similarity (1 − Jensen-Shannon distance)",
    )
    for text in ax.texts:
        if text.get_text() == "nan":
            text.remove()
    for label in ax.get_xticklabels():
        label.set(rotation=0, ha="center")
    ax.tick_params(axis="y", labelsize=7)
    if len(columns) > 25:
        ax.tick_params(axis="x", labelsize=6)
    ax.set_xlabel("topic")
    ax.set_ylabel("topic: top words")
    ax.set_title(f"{title} ({len(columns)} topics; a topic with itself left blank)")
    save_figure(fig, png, pdf)


def plot_lda(
    topics: str,
    doc_topics: str,
    selection: str,
    stability: str,
    similarity: str,
    chosen: str,
    topics_png: str,
    topics_pdf: str,
    doc_topics_png: str,
    doc_topics_pdf: str,
    selection_png: str,
    selection_pdf: str,
    stability_png: str,
    stability_pdf: str,
    similarity_png: str,
    similarity_pdf: str,
    top_n: int,
    max_documents: int,
    random_state: int,
    titles: str | None = None,
) -> None:
    """Rule plot_lda: top words, document topics, measures by K, stability, similarity."""
    num_topics = int(json.loads(Path(chosen).read_text())["num_topics"])
    plot_topic_words(
        topics,
        topics_png,
        topics_pdf,
        top_n=top_n,
        prevalence=chosen_prevalence(stability, num_topics),
    )
    plot_document_topics(
        doc_topics,
        doc_topics_png,
        doc_topics_pdf,
        max_documents=max_documents,
        random_state=random_state,
        titles_csv=titles,
    )
    choice = json.loads(Path(chosen).read_text())
    plot_model_selection(selection, selection_png, selection_pdf, choice=choice)
    plot_topic_stability(stability, stability_png, stability_pdf, num_topics=choice["num_topics"])
    plot_topic_similarity(similarity, similarity_png, similarity_pdf)


def plot_topic_quality(quality_csv: str, quality_png: str, quality_pdf: str) -> None:
    """Coherence against exclusivity (stm's topicQuality and searchK pictures).

    Left: the chosen K's topics, marker area proportional to prevalence, each labelled by
    its number and first words; a topic of near-zero prevalence is a hollow marker. Right:
    every K's topics (small points) and each K's mean (large, labelled): a K whose topics
    are both coherent and exclusive lies up and to the right.
    """
    table = read_table(quality_csv, dtype={"top_words": str})
    require_columns(table, ["num_topics", "topic", "coherence", "exclusivity"], quality_csv)
    title = "Topic coherence and exclusivity"
    finite = table[np.isfinite(table["coherence"]) & np.isfinite(table["exclusivity"])]
    if finite.empty:
        no_data_figure(
            title,
            "No topic has a finite coherence (too few documents to count co-occurrences).",
            quality_png,
            quality_pdf,
        )
        return
    chosen = finite[finite["chosen"].astype(str).str.lower() == "true"]
    fig, axes = new_figure(3.6, ncols=2)
    ax = axes[0, 0]
    prevalence = chosen["prevalence"] if "prevalence" in chosen else pd.Series(1.0, chosen.index)
    low = (
        chosen["low_prevalence"].astype(str).str.lower() == "true"
        if "low_prevalence" in chosen
        else pd.Series(False, chosen.index)
    )
    sizes = 20 + 900 * prevalence.to_numpy(dtype=float) / max(prevalence.max(), 1e-12)
    colour = CHOSEN_COLOUR
    ax.scatter(
        chosen.loc[~low, "coherence"],
        chosen.loc[~low, "exclusivity"],
        s=sizes[~low.to_numpy()],
        color=colour,
        alpha=0.55,
        edgecolor="white",
    )
    if low.any():
        ax.scatter(
            chosen.loc[low, "coherence"],
            chosen.loc[low, "exclusivity"],
            s=30,
            facecolor="none",
            edgecolor=UNRATED_COLOUR,
            label="near-zero prevalence",
        )
        ax.legend(loc="lower right", fontsize=7, frameon=False)
    words = chosen["top_words"] if "top_words" in chosen else [None] * len(chosen)
    for row, top in zip(chosen.itertuples(), words, strict=True):
        ax.annotate(
            topic_label(row.topic, top, 2),
            (row.coherence, row.exclusivity),
            fontsize=6.5,
            xytext=(4, 3),
            textcoords="offset points",
        )
    k = int(chosen["num_topics"].iloc[0]) if not chosen.empty else None
    ax.margins(0.18)
    ax.set_title(f"The chosen K = {k} (area: prevalence)", fontsize=9)
    ax.set_xlabel("coherence (NPMI of the top words)")
    ax.set_ylabel("exclusivity (sum of FREX of the top words)")
    ax = axes[0, 1]
    ks = sorted(finite["num_topics"].astype(int).unique())
    for i, k_value in enumerate(ks):
        rows = finite[finite["num_topics"].astype(int) == k_value]
        ax.scatter(rows["coherence"], rows["exclusivity"], s=8, color=palette_colour(i), alpha=0.4)
        x, y = rows["coherence"].mean(), rows["exclusivity"].mean()
        edge = "black" if k_value == k else "white"
        ax.scatter([x], [y], s=90, color=palette_colour(i), edgecolor=edge, zorder=3)
        # Alternate above and below, so that Ks with close means stay readable.
        offset = (5, 4) if i % 2 == 0 else (5, -10)
        ax.annotate(f"K = {k_value}", (x, y), fontsize=7, xytext=offset, textcoords="offset points")
    ax.margins(0.12)
    ax.set_title("Every K: topics, their mean (outlined: chosen)", fontsize=9)
    ax.set_xlabel("coherence (NPMI of the top words)")
    fig.suptitle(title)
    save_figure(fig, quality_png, quality_pdf)
