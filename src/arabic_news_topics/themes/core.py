"""Stage 6: themes defined by seed words, matched to topics, clusters and documents.

A theme is a name and a list of seed words or phrases in Arabic. Seeds are normalized exactly
like the corpus. The match of a theme to a word distribution (an LDA topic, or a cluster's
TF-IDF centroid scaled to sum to one) is the probability mass of the theme's seeds in it; a
multiword seed counts with the mass of its rarest word, so that a generic word inside a
phrase ("روسيا" in "مجلس روسيا الناتو") does not make the whole phrase match everywhere.
A document's theme score is the same mass in its word distribution, smoothed by what its
topic mixture predicts (see :func:`document_theme_scores`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

NO_THEME = "none"


#: How a theme's seed word finds the corpus terms it stands for (``themes.seed_matching``).
SEED_MATCHING = ("exact", "light_stem")
#: Endings :func:`matching_stem` takes off, longest first: plurals, duals, the nisba
#: adjective (اقتصادي، اقتصاديه) and the feminine (taa marbuta folded to ه).
MATCHING_SUFFIXES = ("يات", "يين", "يون", "ات", "ون", "ين", "ان", "يه", "ي", "ه")


def matching_stem(term: str, min_length: int = 3) -> str:
    """The stem by which seed words match corpus terms: one plural, dual, nisba or feminine
    ending taken off while ``min_length`` letters remain (اقتصادي, اقتصاديه and اقتصادات
    all give اقتصاد; قمه stays). Multiword terms are kept whole.

    Written here rather than taken from NLTK: its ARLSTem stemmers also strip letters of
    the word itself and stem اقتصاد and اقتصادي differently (قتصد, قتصاد), and ISRI roots
    merge unrelated words; the corpus's own normalization already took off the proclitics.
    """
    if "_" in term:
        return term
    for suffix in MATCHING_SUFFIXES:
        if term.endswith(suffix) and len(term) - len(suffix) >= min_length:
            return term[: -len(suffix)]
    return term


def match_seed_terms(
    normalized: Mapping[str, Sequence[Sequence[str]]],
    term_counts: Mapping[str, int],
    rule: str = "light_stem",
) -> dict[str, list[list[tuple[str, int]]]]:
    """The corpus terms each seed stands for, with their counts, most frequent first.

    A seed of one term matches, by ``light_stem``, every corpus term of the same
    :func:`matching_stem` (by ``exact``, only itself); a seed of several terms (not joined
    into one expression) matches only itself, all its terms being needed.
    """
    if rule not in SEED_MATCHING:
        raise ValueError(f"themes.seed_matching {rule!r} is not one of {', '.join(SEED_MATCHING)}")
    by_stem: dict[str, list[str]] = {}
    if rule == "light_stem":
        for term in term_counts:
            by_stem.setdefault(matching_stem(term), []).append(term)
    matched = {}
    for theme, seeds in normalized.items():
        matched[theme] = []
        for seed in seeds:
            if len(seed) == 1 and rule == "light_stem":
                terms = set(by_stem.get(matching_stem(seed[0]), ())) | {seed[0]}
            else:
                terms = set(seed) if all(term_counts.get(t, 0) for t in seed) else set()
            found = [(t, int(term_counts.get(t, 0))) for t in terms if term_counts.get(t, 0)]
            matched[theme].append(sorted(found, key=lambda tn: (-tn[1], tn[0])))
    return matched


def expand_seed_words(
    normalized: Mapping[str, Sequence[Sequence[str]]],
    matched: Mapping[str, Sequence[Sequence[tuple[str, int]]]],
) -> dict[str, list[list[str]]]:
    """Each theme's seed words, every single-term one replaced by the terms it matched
    (:func:`match_seed_terms`), each term once per theme: a theme's score is then the
    probability of all the inflections of its seed words."""
    expanded = {}
    for theme, seeds in normalized.items():
        terms: list[list[str]] = []
        seen: set[str] = set()
        for seed, found in zip(seeds, matched[theme], strict=True):
            if len(seed) != 1:
                terms.append(list(seed))
                continue
            for term in [seed[0], *(t for t, _ in found)]:
                if term not in seen:
                    seen.add(term)
                    terms.append([term])
        expanded[theme] = terms
    return expanded


def seed_word_table(
    themes: Mapping[str, Sequence[str]],
    normalized: Mapping[str, Sequence[Sequence[str]]],
    term_counts: Mapping[str, int],
    matched: Mapping[str, Sequence[Sequence[tuple[str, int]]]] | None = None,
    displays: Mapping[str, str] | None = None,
    topic_vocabulary: Collection[str] | None = None,
) -> pd.DataFrame:
    """One row per seed word (``seed_word``, as the config writes it): its normalized terms,
    whether the corpus has all of them, and the corpus terms it matched with their counts
    (:func:`match_seed_terms`), in their display forms when ``displays`` (``term ->
    display``) is given; ``matched_count_in_topics`` counts only the matched terms of
    ``topic_vocabulary`` (the topic models' vocabulary, which ``lda.no_below`` and
    ``no_above`` filter): the occurrences that the topics' and the documents' theme scores
    see (all of them when it is None).

    Parameters
    ----------
    themes : mapping of theme name to seed words
    normalized : mapping of theme name to the normalized token list of each seed
    term_counts : mapping of term to its corpus count
    matched : mapping of theme name to each seed's matched terms and counts, optional
    displays : mapping of term to its display form, optional
    topic_vocabulary : collection of terms, optional
    """
    rows = []
    for theme, seed_words in themes.items():
        found_terms = matched[theme] if matched is not None else [None] * len(seed_words)
        written = zip(seed_words, normalized[theme], found_terms, strict=False)
        for seed_word, terms, found in written:
            counts = [int(term_counts.get(t, 0)) for t in terms]
            if not terms:
                status = "removed_by_normalization"
            elif min(counts) == 0 and not found:
                status = "not_in_corpus"
            else:
                status = "found"
            found = found if found is not None else []
            rows.append(
                {
                    "theme": theme,
                    "seed_word": seed_word,
                    "normalized": " ".join(terms),
                    "corpus_count": min(counts) if counts else 0,
                    "status": status,
                    "matched_terms": "; ".join(
                        f"{(displays or {}).get(t, t)} ({n})" for t, n in found
                    ),
                    "matched_count": sum(n for _, n in found),
                    "matched_count_in_topics": sum(
                        n for t, n in found if topic_vocabulary is None or t in topic_vocabulary
                    ),
                }
            )
    columns = ["theme", "seed_word", "normalized", "corpus_count", "status"]
    matches = ["matched_terms", "matched_count", "matched_count_in_topics"]
    return pd.DataFrame(rows, columns=[*columns, *matches])


def _seed_terms(vocabulary: Sequence[str], normalized: Mapping[str, Sequence[Sequence[str]]]):
    """The distinct seed terms found in ``vocabulary``, and their column there."""
    index = {term: j for j, term in enumerate(vocabulary)}
    terms = sorted({t for seeds in normalized.values() for s in seeds for t in s if t in index})
    return terms, [index[t] for t in terms]


def _scores_from_columns(
    columns: np.ndarray, terms: Sequence[str], normalized: Mapping[str, Sequence[Sequence[str]]]
) -> pd.DataFrame:
    """Theme scores from the probabilities of the seed terms (one column per term)."""
    position = {t: i for i, t in enumerate(terms)}
    scores = {}
    for theme, seeds in normalized.items():
        score = np.zeros(columns.shape[0])
        for seed in seeds:
            if seed and all(t in position for t in seed):
                score += columns[:, [position[t] for t in seed]].min(axis=1)
        scores[theme] = score
    return pd.DataFrame(scores, columns=list(normalized))


def theme_scores(
    distributions: np.ndarray,
    vocabulary: Sequence[str],
    normalized: Mapping[str, Sequence[Sequence[str]]],
) -> pd.DataFrame:
    """Score every row of ``distributions`` (word distributions over ``vocabulary``) per theme.

    Returns a frame with one column per theme, in the order of ``normalized``.
    """
    terms, cols = _seed_terms(vocabulary, normalized)
    return _scores_from_columns(np.asarray(distributions)[:, cols], terms, normalized)


def best_theme(scores: pd.DataFrame, min_score: float = 0.0) -> tuple[list[str], list[float]]:
    """Best-matching theme of each row and its score; ``none`` when the best score is zero or
    below ``min_score`` (a sports topic whose seed-word mass is 0.001 matches no theme)."""
    values = scores.to_numpy(dtype=float)
    if values.shape[1] == 0:
        return [NO_THEME] * len(scores), [0.0] * len(scores)
    # The first theme with the highest score, as idxmax gives it.
    best = values.argmax(axis=1)
    top = values[np.arange(len(values)), best]
    columns = np.asarray([str(c) for c in scores.columns], dtype=object)
    names = np.where((top > 0) & (top >= min_score), columns[best], NO_THEME)
    return names.tolist(), top.tolist()


def document_theme_scores(
    doc_ids: Sequence[str],
    counts: sp.csr_matrix,
    theta: np.ndarray,
    phi: np.ndarray,
    vocabulary: Sequence[str],
    normalized: Mapping[str, Sequence[Sequence[str]]],
    topic_weight: float = 0.5,
    min_score: float = 0.0,
) -> pd.DataFrame:
    """Theme scores of documents; adds ``dominant_theme`` (``none`` below ``min_score``).

    A document's word distribution is its own relative term frequencies mixed with what its
    topic mixture predicts, ``(1 - w) * counts / length + w * theta @ phi`` with
    ``w = topic_weight`` (an LDA-based document model in the manner of Wei and Croft, 2006):
    the document's own words keep a short text on its subject, the topics fill in words it
    happens not to use. Only the seed-term columns are ever computed.

    Parameters
    ----------
    doc_ids : sequence of str
    counts : scipy.sparse.csr_matrix
        Documents by ``vocabulary`` term counts.
    theta : ndarray
        Documents by topics (rows sum to one).
    phi : ndarray
        Topics by ``vocabulary`` (rows sum to one).
    vocabulary : sequence of str
    normalized : mapping of theme to normalized seeds
    topic_weight : float
        0 scores the documents' own words only, 1 their topic mixtures only.
    min_score : float
        Documents whose best score is below this have the dominant theme ``none``.
    """
    terms, cols = _seed_terms(vocabulary, normalized)
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    lengths[lengths == 0] = 1
    own = counts[:, cols].toarray() / lengths[:, None]
    predicted = np.asarray(theta) @ np.asarray(phi)[:, cols]
    columns = (1 - topic_weight) * own + topic_weight * predicted
    scores = _scores_from_columns(columns, terms, normalized)
    dominant, _ = best_theme(scores, min_score)
    scores.insert(0, "doc_id", list(doc_ids))
    scores["dominant_theme"] = dominant
    return scores


def theme_prevalence(doc_themes: pd.DataFrame, themes: Sequence[str]) -> pd.DataFrame:
    """Per theme: documents it dominates, their share, and the mean document score."""
    n_docs = max(len(doc_themes), 1)
    rows = []
    for theme in [*themes, NO_THEME]:
        dominant = int((doc_themes["dominant_theme"] == theme).sum())
        mean = float(doc_themes[theme].mean()) if theme in doc_themes else float("nan")
        if theme == NO_THEME and dominant == 0:
            continue
        rows.append(
            {"theme": theme, "documents": dominant, "share": dominant / n_docs, "mean_score": mean}
        )
    return pd.DataFrame(rows, columns=["theme", "documents", "share", "mean_score"])


def topic_summary(topics: pd.DataFrame, topic_themes: pd.DataFrame, top_n: int = 8) -> pd.DataFrame:
    """One row per topic: its top words (``top_words`` in their display forms when
    ``topics`` has a ``display`` column, ``top_terms`` as normalized) and best-matching
    theme with the score."""
    matches = topic_themes.set_index("topic")
    shown = "display" if "display" in topics.columns else "term"
    rows = []
    for topic, group in topics.groupby("topic", sort=True):
        first = group.sort_values("rank").head(top_n)
        rows.append(
            {
                "topic": int(topic),
                "top_words": "، ".join(first[shown].astype(str)),
                "top_terms": "، ".join(first["term"].astype(str)),
                "theme": matches.loc[topic, "best_theme"],
                "score": float(matches.loc[topic, "best_score"]),
            }
        )
    return pd.DataFrame(rows, columns=["topic", "top_words", "top_terms", "theme", "score"])
