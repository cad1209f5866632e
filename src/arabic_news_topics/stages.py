"""One function per workflow step: read input files, call the stage modules, write outputs.

These are what the thin scripts in ``workflow/scripts/`` call, with paths and plain values
only; the science lives in the stage modules (:mod:`.corpus`, :mod:`.normalize`,
:mod:`.tfidf`, :mod:`.lda`, :mod:`.model_selection`, :mod:`.clusters`, :mod:`.themes`,
:mod:`.evaluation`, :mod:`.trends`).
"""

from __future__ import annotations

import json
import logging
import pickle
import shutil
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from . import clusters, corpus, evaluation, lda, model_selection, normalize, tfidf, themes
from .tables import read_jsonl, read_table, write_jsonl, write_table

LOGGER = logging.getLogger(__name__)


def _read_tokens(path: str) -> list[tuple[str, list[str]]]:
    return [(r["doc_id"], r["tokens"]) for r in read_jsonl(path)]


def read_corpus_step(
    sources: Sequence[Mapping],
    min_arabic_share: float,
    near_duplicates: Mapping,
    shard_size: int,
    shards: str,
    manifest: str,
    metadata: str,
    summary_csv: str,
    summary_md: str,
    lengths_csv: str,
    lengths_md: str,
) -> None:
    """Read the corpus, streaming; write the kept documents in shards of ``shard_size``, the
    manifest, the metadata of each document, and the count and length tables."""
    folder = Path(shards)
    folder.mkdir(parents=True, exist_ok=True)
    rows: list[dict] = []
    meta: list[dict] = []
    columns = ["doc_id", "date", "label", "source"]
    writer = _ShardWriter(folder, shard_size)

    def kept_documents() -> Iterator[dict]:
        for document, row in corpus.iter_records(sources, min_arabic_share, near_duplicates):
            rows.append(row)
            if document is None:
                LOGGER.warning("dropped %s (%s): %s", row["doc_id"], row["location"], row["reason"])
                continue
            writer.write(document)
            meta.append({c: document[c] for c in columns})
            yield document

    with writer:
        lengths = corpus.document_lengths(kept_documents())
    manifest_frame = pd.DataFrame(rows, columns=corpus.MANIFEST_COLUMNS)
    manifest_frame.to_csv(manifest, sep="\t", index=False, lineterminator="\n")
    if not meta:
        raise ValueError("no document of the corpus was kept; see the manifest " + manifest)
    meta_frame = pd.DataFrame(meta, columns=columns)
    meta_frame.to_csv(metadata, sep="\t", index=False, lineterminator="\n")
    summary = corpus.corpus_summary(manifest_frame, lengths, meta)
    write_table(summary, summary_csv, summary_md)
    write_table(lengths, lengths_csv, lengths_md)
    LOGGER.info(
        "kept %d of %d records, in %d shards", len(meta), len(manifest_frame), writer.shards
    )


class _ShardWriter:
    """Writes documents as JSON Lines, a new file every ``shard_size`` documents."""

    def __init__(self, folder: Path, shard_size: int):
        self.folder, self.shard_size = folder, shard_size
        self.shards, self.in_shard, self.handle = 0, 0, None

    def write(self, document: Mapping) -> None:
        if self.handle is None or self.in_shard == self.shard_size:
            self.close()
            self.shards += 1
            path = self.folder / shard_name(self.shards)
            self.handle = open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
            self.in_shard = 0
        self.handle.write(json.dumps(document, ensure_ascii=False) + "\n")
        self.in_shard += 1

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None

    def __enter__(self) -> _ShardWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def shard_name(number: int) -> str:
    """File name of the shard of documents with this number (1, 2, ...)."""
    return f"{number:05d}.jsonl"


def read_word_list(path: str | None) -> list[str]:
    """Lines of a shipped word or expression list, without blank lines and # comments."""
    if not path:
        return []
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def normalization_settings(
    settings: Mapping, multiword_list: str | None = None, reporting_words: str | None = None
) -> normalize.NormalizationSettings:
    """Settings of the normalize section, with the word lists it names read from their files."""
    section = dict(settings)
    section["multiword_list"] = read_word_list(multiword_list)
    section["reporting_words"] = read_word_list(reporting_words)
    return normalize.NormalizationSettings.from_config(section)


def _read_documents(shards: Sequence[str]) -> Iterator[dict]:
    for shard in shards:
        yield from read_jsonl(shard)


def _dump(value, path: str) -> None:
    # Intermediate files of the workflow itself, read back only by its own later jobs.
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)


def _load(path: str):
    with open(path, "rb") as handle:
        return pickle.load(handle)  # only files written by _dump in an earlier job


def recurring_lines_step(shards: Sequence[str], settings: Mapping, recurring: str) -> None:
    """Pass 1 of normalization: recurring boilerplate lines per source, over all shards."""
    config = normalization_settings(settings)
    found = normalize.recurring_lines_by_source(_read_documents(shards), config)
    table = {source: sorted(lines) for source, lines in found.items()}
    Path(recurring).write_text(json.dumps(table, ensure_ascii=False, indent=1) + "\n")
    LOGGER.info("recurring lines: %d in %d sources", sum(map(len, table.values())), len(table))


def _read_recurring(path: str) -> dict[str, frozenset[str]]:
    return {k: frozenset(v) for k, v in json.loads(Path(path).read_text()).items()}


def count_shard_step(shard: str, settings: Mapping, recurring: str, counts: str) -> None:
    """Pass 2, one shard: token counts after the document rules."""
    config = normalization_settings(settings)
    result = normalize.count_shard(read_jsonl(shard), config, _read_recurring(recurring))
    _dump(result, counts)
    LOGGER.info("%d documents, %d distinct forms", result.documents, len(result.tokens))


def build_normalizer_step(
    counts: Sequence[str],
    settings: Mapping,
    multiword_list: str,
    reporting_words: str,
    recurring: str,
    normalizer: str,
) -> None:
    """Pass 2, all shards: run every rule once per distinct form of the corpus."""
    config = normalization_settings(settings, multiword_list, reporting_words)
    total = normalize.ShardCounts()
    for path in counts:
        total = total + _load(path)
    built = normalize.build_normalizer(total, config, _read_recurring(recurring))
    _dump(built, normalizer)
    LOGGER.info("%d distinct forms in %d documents", len(built.final), total.documents)


def tokenize_shard_step(shard: str, normalizer: str, tokens: str, joined: str) -> None:
    """Pass 3, one shard: the tokens of each document, and the listed expressions joined."""
    built = _load(normalizer)
    joiner = built.joiner()
    records = ({"doc_id": d, "tokens": t} for d, t in built.tokenize(read_jsonl(shard), joiner))
    written = write_jsonl(records, tokens)
    Path(joined).write_text(json.dumps(dict(sorted(joiner.joined.items())), ensure_ascii=False))
    LOGGER.info("%d documents tokenized", written)


class _ShardTokens:
    """The token lists of all shards, in order, read again at each iteration."""

    def __init__(self, paths: Sequence[str]):
        self.paths = paths

    def __iter__(self) -> Iterator[list[str]]:
        for path in self.paths:
            for record in read_jsonl(path):
                yield record["tokens"]


def normalize_step(
    shard_tokens: Sequence[str],
    joined: Sequence[str],
    normalizer: str,
    corpus_manifest: str,
    min_document_tokens: int,
    tokens: str,
    manifest: str,
    steps_csv: str,
    steps_md: str,
    top_terms_csv: str,
    top_terms_md: str,
    removed_csv: str,
    removed_md: str,
    examples_csv: str,
    examples_md: str,
    expressions_csv: str,
    expressions_md: str,
    vocabulary: str,
    top_n: int = 30,
) -> None:
    """Pass 3, all shards: merge the tokens (joining learned collocations), drop documents
    with fewer than ``min_document_tokens`` tokens, and write the tables of every rule."""
    built = _load(normalizer)
    joined_total: Counter[str] = Counter()
    for path in joined:
        joined_total.update(json.loads(Path(path).read_text()))
    manifest_frame = pd.read_csv(corpus_manifest, sep="\t", dtype=str, keep_default_na=False)
    kept_ids = manifest_frame.loc[manifest_frame["status"] == "kept", "doc_id"]
    sequences = _ShardTokens(shard_tokens)
    phrases, _, tables = normalize.finish_corpus(
        built, sequences, joined_total, documents=len(kept_ids)
    )
    too_short: dict[str, int] = {}

    def kept_records() -> Iterator[dict]:
        for path in shard_tokens:
            for record in read_jsonl(path):
                if phrases is not None:
                    record["tokens"] = phrases[record["tokens"]]
                if len(record["tokens"]) < min_document_tokens:
                    too_short[record["doc_id"]] = len(record["tokens"])
                    continue
                yield record

    counts: Counter[str] = Counter()
    doc_freq: Counter[str] = Counter()

    def counted(records: Iterator[dict]) -> Iterator[dict]:
        for record in records:
            counts.update(record["tokens"])
            doc_freq.update(set(record["tokens"]))
            yield record

    written = write_jsonl(counted(kept_records()), tokens)
    if not written:
        raise ValueError(
            f"no document has {min_document_tokens} tokens or more after normalization "
            "(normalize.min_document_tokens)"
        )
    for doc_id, n in too_short.items():
        LOGGER.warning("dropped %s: %d tokens after normalization (too_short)", doc_id, n)
    dropped = manifest_frame["doc_id"].isin(too_short) & (manifest_frame["status"] == "kept")
    manifest_frame.loc[dropped, "status"] = "dropped"
    manifest_frame.loc[dropped, "reason"] = "too_short"
    manifest_frame.to_csv(manifest, sep="\t", index=False, lineterminator="\n")
    steps = tables["steps"]
    if too_short:
        row = {
            "step": "min_document_tokens",
            "tokens": sum(counts.values()),
            "vocabulary": len(counts),
        }
        steps = pd.concat([steps, pd.DataFrame([row])], ignore_index=True)
    frequencies = normalize.frequency_table(counts, doc_freq)
    write_table(tables["expressions"], expressions_csv, expressions_md)
    write_table(steps, steps_csv, steps_md)
    write_table(frequencies.head(top_n), top_terms_csv, top_terms_md)
    write_table(frequencies, vocabulary)
    write_table(tables["removed_lines"], removed_csv, removed_md)
    write_table(tables["examples"], examples_csv, examples_md)
    LOGGER.info("%d documents kept, %d too short", written, len(too_short))


def _iter_tokens(path: str) -> Iterator[tuple[str, list[str]]]:
    """(doc_id, tokens) of each document of a tokens file, one at a time."""
    return ((r["doc_id"], r["tokens"]) for r in read_jsonl(path))


def tfidf_step(
    tokens: str,
    params: Mapping,
    matrix: str,
    top_terms_csv: str,
    top_terms_md: str,
    similarity_csv: str,
    similarity_md: str,
    similar_csv: str,
    similar_md: str,
    similar_documents: int = 10,
    max_documents: int = 40,
    random_state: int = 42,
    top_n: int = 10,
) -> None:
    """Fit TF-IDF; write the matrix, the top terms per document, the most similar documents
    of every document, and the cosine similarities of the documents the figure shows."""
    weights, doc_ids, terms = tfidf.compute_tfidf(_iter_tokens(tokens), **params)
    tfidf.save_matrix(weights, doc_ids, terms, matrix)
    LOGGER.info("TF-IDF matrix: %d documents x %d terms", *weights.shape)
    write_table(
        tfidf.top_terms_per_document(weights, doc_ids, terms, top_n), top_terms_csv, top_terms_md
    )
    shown = tfidf.sample_positions(len(doc_ids), max_documents, random_state)
    write_table(
        tfidf.cosine_similarity_table(weights[shown], [doc_ids[i] for i in shown]),
        similarity_csv,
        similarity_md,
    )
    write_table(
        tfidf.similar_documents(weights, doc_ids, similar_documents), similar_csv, similar_md
    )


def lda_corpus_step(
    tokens: str, no_below: int, no_above: float, keep_n: int | None, folder: str
) -> None:
    """Build the LDA dictionary and bag-of-words corpus once, for every K (two passes over
    the tokens file, never all token lists at once)."""
    token_lists = (t for _, t in _iter_tokens(tokens))
    dictionary = lda.build_dictionary(token_lists, no_below, no_above, keep_n)
    n_docs = lda.save_corpus(_iter_tokens(tokens), dictionary, folder)
    LOGGER.info("LDA corpus: %d documents, vocabulary of %d terms", n_docs, len(dictionary))


def _normalized_seeds(
    themes_config: Mapping[str, Sequence[str]],
    settings: Mapping,
    reporting_words: str,
    expressions: str,
    vocabulary_csv: str,
) -> tuple[dict[str, list[list[str]]], dict[str, int]]:
    """The theme seeds normalized exactly like the corpus, and the corpus's term counts."""
    config = normalization_settings(settings, reporting_words=reporting_words)
    frequencies = read_table(vocabulary_csv)
    term_counts = dict(zip(frequencies["term"], frequencies["count"], strict=True))
    stopwords = normalize.normalized_stopwords(config, term_counts)
    # Seeds are joined by the expressions the corpus was joined by, listed and learned.
    joiner = normalize.MultiwordJoiner(
        tuple(e.split("_")) for e in read_table(expressions)["expression"].astype(str)
    )
    normalized = {
        name: [
            list(t)
            for t in normalize.normalize_terms(seeds, config, term_counts, stopwords, joiner)
        ]
        for name, seeds in themes_config.items()
    }
    return normalized, term_counts


def _vocabulary(dictionary) -> list[str]:
    return [dictionary[i] for i in range(len(dictionary))]


def guided_prior_step(
    themes_config: Mapping[str, Sequence[str]],
    settings: Mapping,
    strength: float,
    reporting_words: str,
    expressions: str,
    vocabulary_csv: str,
    corpus_folder: str,
    seeds_csv: str,
    seeds_md: str,
    prior: str,
) -> None:
    """Normalize the theme seeds for guided topics; report each seed's status in the LDA
    vocabulary (a missing one is logged, never ignored) and store the normalized seeds."""
    normalized, _ = _normalized_seeds(
        themes_config, settings, reporting_words, expressions, vocabulary_csv
    )
    dictionary, _, _ = lda.load_bow(corpus_folder)
    _, table = lda.guided_prior(
        normalized, themes_config, _vocabulary(dictionary), len(themes_config), strength
    )
    for row in table.itertuples():
        if row.status != "in_vocabulary":
            LOGGER.warning(
                "guided theme %s: seed %r is %s %s",
                row.theme,
                row.seed,
                row.status,
                getattr(row, "missing_terms", ""),
            )
    write_table(table, seeds_csv, seeds_md)
    record = {"seeds": dict(themes_config), "normalized": normalized, "strength": strength}
    Path(prior).write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", "utf-8")


def _prior_matrix(prior: str | None, vocabulary: Sequence[str], num_topics: int):
    """The topics-by-terms guided prior stored by :func:`guided_prior_step`, or None."""
    if not prior:
        return None
    record = json.loads(Path(prior).read_text(encoding="utf-8"))
    matrix, _ = lda.guided_prior(
        record["normalized"], record["seeds"], vocabulary, num_topics, record["strength"]
    )
    return matrix


def fit_topic_model_step(
    corpus_folder: str,
    engine: str,
    num_topics: int,
    seed: int,
    params: Mapping,
    model: str,
    topics: str,
    doc_topics: str,
    topic_word: str,
    scores: str,
    prior: str | None = None,
    top_n: int = 10,
) -> None:
    """Fit one topic model (an engine, K and seed); write the model, its topics, document
    mixtures, topic-word matrix, and its coherence (NPMI, c_v, UMass) and diversity."""
    dictionary, bow, doc_ids = lda.load_bow(corpus_folder)
    vocabulary = _vocabulary(dictionary)
    matrix = _prior_matrix(prior, vocabulary, num_topics)
    LOGGER.info(
        "%s K=%d seed=%d: %d documents%s",
        engine,
        num_topics,
        seed,
        len(bow),
        ", guided" if matrix is not None else "",
    )
    fitted = lda.fit_topic_model(
        bow, dictionary, num_topics, engine=engine, random_state=seed, prior=matrix, **params
    )
    fitted.save(model)
    write_table(lda.topics_table(fitted.phi, vocabulary, top_n), topics)
    # The fitted documents' own mixtures (tomotopy's sampled ones, gensim's inferred ones).
    write_table(lda.doc_topics_table(fitted.theta, doc_ids), doc_topics)
    np.savez_compressed(topic_word, phi=fitted.phi, vocabulary=np.array(vocabulary, dtype=str))
    measures = lda.coherence_scores(
        fitted.phi, lda.load_token_ids(corpus_folder), dictionary, bow, top_n
    )
    measures["diversity"] = model_selection.topic_diversity(fitted.phi)
    record = {"engine": engine, "num_topics": num_topics, "seed": seed, **measures}
    Path(scores).write_text(json.dumps(record, indent=1) + "\n")
    LOGGER.info("%s K=%d seed=%d: %s", engine, num_topics, seed, measures)


def heldout_step(
    corpus_folder: str,
    engine: str,
    num_topics: int,
    seed: int,
    params: Mapping,
    share: float,
    perplexity: str,
    prior: str | None = None,
) -> None:
    """Held-out perplexity of K topics: fit on all but a random ``share`` of the documents,
    measure on those (the split and the fit use ``seed``)."""
    dictionary, bow, _ = lda.load_bow(corpus_folder)
    train, test = lda.heldout_split(len(bow), share, seed)
    matrix = _prior_matrix(prior, _vocabulary(dictionary), num_topics)
    value = float("nan")
    if len(test) and len(train):
        # MmCorpus is indexed: a list of positions streams those documents only.
        fitted = lda.fit_topic_model(
            bow[train],
            dictionary,
            num_topics,
            engine=engine,
            random_state=seed,
            prior=matrix,
            **params,
        )
        value = fitted.perplexity(bow[test])
    record = {
        "num_topics": num_topics,
        "heldout_perplexity": value if np.isfinite(value) else None,
        "train_documents": len(train),
        "test_documents": len(test),
    }
    Path(perplexity).write_text(json.dumps(record, indent=1) + "\n")
    LOGGER.info(
        "%s K=%d: held-out perplexity %s on %d documents", engine, num_topics, value, len(test)
    )


def _top_words(phi: np.ndarray, vocabulary: Sequence[str], n_words: int = 4) -> list[str]:
    table = lda.topics_table(phi, vocabulary, n_words)
    return [" ".join(group["term"]) for _, group in table.groupby("topic", sort=True)]


def _load_phi(path: str | Path) -> tuple[np.ndarray, list[str]]:
    with np.load(path, allow_pickle=False) as stored:
        return stored["phi"], stored["vocabulary"].tolist()


def select_topics_step(
    score_files: Sequence[str],
    heldout_files: Sequence[str],
    seeds: Sequence[int],
    measure: str,
    selection_csv: str,
    selection_md: str,
    stability_csv: str,
    stability_md: str,
    similarity_csv: str,
    similarity_md: str,
    chosen: str,
    topics_csv: str,
    topics_md: str,
    doc_topics_csv: str,
    doc_topics_md: str,
    topic_word: str,
) -> None:
    """Tabulate every measure by K (mean and sd over seeds), the stability of each K's
    topics across seeds, choose K, and copy the chosen model's tables to the stage folder.

    The model of the first seed is the reference: its topics are matched (Hungarian) to
    those of every other seed, and it is the model later stages use."""
    runs = pd.DataFrame([json.loads(Path(f).read_text()) for f in score_files])
    folders = {
        (int(r.num_topics), int(r.seed)): Path(f).parent
        for f, r in zip(score_files, runs.itertuples(), strict=True)
    }
    reference = seeds[0]
    stability_parts, stability_by_k = [], {}
    for k in sorted(runs["num_topics"].unique()):
        phi, vocabulary = _load_phi(folders[k, reference] / "topic_word.npz")
        others = {s: _load_phi(folders[k, s] / "topic_word.npz")[0] for s in seeds[1:]}
        part = model_selection.stability_table(phi, others, _top_words(phi, vocabulary))
        part.insert(0, "num_topics", int(k))
        stability_parts.append(part)
        stability_by_k[int(k)] = float(part["mean_similarity"].mean()) if others else np.nan
    stability = pd.concat(stability_parts, ignore_index=True)
    write_table(stability, stability_csv, stability_md)
    runs["stability"] = runs["num_topics"].map(stability_by_k)
    heldout = {}
    for path in heldout_files:
        record = json.loads(Path(path).read_text())
        value = record["heldout_perplexity"]
        heldout[int(record["num_topics"])] = np.nan if value is None else float(value)
    runs["heldout_perplexity"] = runs["num_topics"].map(heldout).astype(float)
    table = model_selection.model_selection_table(runs, measure)
    write_table(table, selection_csv, selection_md)
    best = int(table.loc[table["chosen"], "num_topics"].iloc[0])
    Path(chosen).write_text(
        json.dumps({"num_topics": best, "selected_by": measure, "seed": reference}) + "\n"
    )
    folder = folders[best, reference]
    phi, vocabulary = _load_phi(folder / "topic_word.npz")
    words = _top_words(phi, vocabulary)
    similarity = pd.DataFrame(
        model_selection.topic_similarity(phi, phi),
        columns=[f"topic_{k + 1}" for k in range(len(phi))],
    )
    similarity.insert(0, "top_words", words)
    similarity.insert(0, "topic", range(1, len(phi) + 1))
    write_table(similarity, similarity_csv, similarity_md)
    write_table(read_table(folder / "topics.csv"), topics_csv, topics_md)
    write_table(read_table(folder / "doc_topics.csv"), doc_topics_csv, doc_topics_md)
    shutil.copyfile(folder / "topic_word.npz", topic_word)
    LOGGER.info("chose K=%d by the mean %s over %d seeds", best, measure, len(seeds))


def cluster_step(
    matrix: str,
    settings: Mapping,
    random_state: int,
    assignments_csv: str,
    assignments_md: str,
    top_terms_csv: str,
    top_terms_md: str,
    sizes_csv: str,
    sizes_md: str,
    silhouette_csv: str,
    silhouette_md: str,
    coordinates: str,
    linkage: str,
    max_documents: int = 40,
    top_n: int = 10,
) -> None:
    """Cluster the documents (TF-IDF or LSA features); choose k by silhouette when several
    are given; write assignments, top terms, silhouettes, the map and the linkage.

    The linkage (the dendrogram's tree) is that of the documents the figure shows: all of
    them up to ``max_documents``, otherwise the sample every per-document figure shows."""
    weights, doc_ids, terms = tfidf.load_matrix(matrix)
    features = _cluster_features(weights, settings, random_state)
    ks = clusters.k_grid(settings["k"], settings["k_range"]["min"], settings["k_range"]["max"])
    if len(ks) > 1:
        too_many = [k for k in ks if k >= len(doc_ids)]
        if too_many:
            LOGGER.warning(
                "cluster.k: %s left out (the corpus has %d documents)", too_many, len(doc_ids)
            )
        ks = [k for k in ks if k < len(doc_ids)] or [min(ks)]
    silhouettes = clusters.silhouette_by_k(features, ks, settings["method"], random_state)
    write_table(silhouettes, silhouette_csv, silhouette_md)
    k = clusters.choose_k(silhouettes)
    LOGGER.info("%d clusters (%s on %s)", k, settings["method"], settings["features"])
    labels = clusters.cluster_documents(features, k, settings["method"], random_state)
    assignments = pd.DataFrame({"doc_id": doc_ids, "cluster": labels})
    write_table(assignments, assignments_csv, assignments_md)
    write_table(
        clusters.cluster_top_terms(weights, labels, terms, top_n), top_terms_csv, top_terms_md
    )
    sizes = assignments.groupby("cluster").size().rename("documents").reset_index()
    write_table(sizes, sizes_csv, sizes_md)
    coords = clusters.document_map(weights, random_state, method=settings["map"])
    write_table(
        pd.DataFrame({"doc_id": doc_ids, "x": coords[:, 0], "y": coords[:, 1], "cluster": labels}),
        coordinates,
    )
    tree = clusters.ward_linkage(
        weights[tfidf.sample_positions(len(doc_ids), max_documents, random_state)]
    )
    write_table(pd.DataFrame(tree, columns=["left", "right", "distance", "size"]), linkage)


def _cluster_features(weights, settings: Mapping, random_state: int):
    return clusters.cluster_features(
        weights, settings["features"], settings["lsa_components"], random_state
    )


def themes_step(
    themes_config: Mapping[str, Sequence[str]],
    settings: Mapping,
    topic_weight: float,
    min_score: float,
    reporting_words: str,
    expressions: str,
    vocabulary_csv: str,
    lda_corpus: str,
    topics: str,
    doc_topics: str,
    topic_word: str,
    matrix: str,
    assignments: str,
    seeds_csv: str,
    seeds_md: str,
    topic_themes_csv: str,
    topic_themes_md: str,
    topic_summary_csv: str,
    topic_summary_md: str,
    cluster_themes_csv: str,
    cluster_themes_md: str,
    doc_themes_csv: str,
    doc_themes_md: str,
    prevalence_csv: str,
    prevalence_md: str,
    topic_map_csv: str,
    topic_map_md: str,
    random_state: int = 42,
) -> None:
    """Match themes to topics, clusters and documents; write the theme tables and the
    intertopic distance map (Jensen-Shannon distances by MDS, labelled by theme)."""
    normalized, term_counts = _normalized_seeds(
        themes_config, settings, reporting_words, expressions, vocabulary_csv
    )
    seeds = themes.seed_table(themes_config, normalized, term_counts)
    for row in seeds.itertuples():
        if row.status != "found":
            LOGGER.warning("theme %s: seed %r is %s", row.theme, row.seed, row.status)
    write_table(seeds, seeds_csv, seeds_md)
    names = list(themes_config)

    phi, vocabulary = _load_phi(topic_word)
    topic_scores = themes.theme_scores(phi, vocabulary, normalized)
    topic_table = _write_best(
        topic_scores, "topic", range(1, len(phi) + 1), topic_themes_csv, topic_themes_md, min_score
    )
    write_table(
        themes.topic_summary(read_table(topics), topic_table), topic_summary_csv, topic_summary_md
    )

    weights, _, terms = tfidf.load_matrix(matrix)
    labels = read_table(assignments)["cluster"].to_numpy()
    cluster_ids, centroids = clusters.cluster_centroids(weights, labels)
    centroids = centroids / np.maximum(centroids.sum(axis=1, keepdims=True), 1e-12)
    cluster_scores = themes.theme_scores(centroids, terms, normalized)
    _write_best(
        cluster_scores, "cluster", cluster_ids, cluster_themes_csv, cluster_themes_md, min_score
    )

    _, _, doc_ids = lda.load_bow(lda_corpus)
    counts = lda.bow_matrix(lda_corpus)
    theta = read_table(doc_topics).drop(columns="doc_id").to_numpy(dtype=float)
    doc_themes = themes.document_theme_scores(
        doc_ids, counts, theta, phi, vocabulary, normalized, topic_weight, min_score
    )
    write_table(doc_themes, doc_themes_csv, doc_themes_md)
    write_table(themes.theme_prevalence(doc_themes, names), prevalence_csv, prevalence_md)
    coords = model_selection.topic_map_coordinates(phi, random_state)
    topic_map = pd.DataFrame(
        {
            "topic": range(1, len(phi) + 1),
            "x": coords[:, 0],
            "y": coords[:, 1],
            "prevalence": model_selection.topic_prevalence(theta),
            "top_words": _top_words(phi, vocabulary, 3),
            "theme": topic_table["best_theme"].to_numpy(),
        }
    )
    write_table(topic_map, topic_map_csv, topic_map_md)


def _write_best(
    scores: pd.DataFrame, key: str, ids, csv_path: str, md_path: str, min_score: float = 0.0
) -> pd.DataFrame:
    best, best_score = themes.best_theme(scores, min_score)
    scores = scores.copy()
    scores.insert(0, key, list(ids))
    scores["best_theme"] = best
    scores["best_score"] = best_score
    write_table(scores, csv_path, md_path)
    return scores


def trends_step(
    metadata: str,
    doc_topics: str,
    doc_themes: str,
    period: str,
    coverage_csv: str,
    coverage_md: str,
    topics_time_csv: str,
    topics_time_md: str,
    themes_time_csv: str,
    themes_time_md: str,
    topics_source_csv: str,
    topics_source_md: str,
    themes_source_csv: str,
    themes_source_md: str,
) -> None:
    """Topic and theme prevalence per period and per source; write the coverage and trends."""
    from . import trends

    meta = read_table(metadata, dtype=str)
    topics_frame = read_table(doc_topics, dtype={"doc_id": str})
    themes_frame = read_table(doc_themes, dtype={"doc_id": str, "dominant_theme": str})
    described = trends.document_metadata(topics_frame["doc_id"], meta)
    for status in (trends.NO_DATE, trends.UNREADABLE_DATE):
        ids = described.loc[described["date_status"] == status, "doc_id"].tolist()
        if ids:
            LOGGER.warning(
                "documents with %s, left out of the trends over time: %d, such as %s",
                status,
                len(ids),
                ", ".join(ids[:5]),
            )
    missing = described.loc[~described["in_metadata"], "doc_id"].tolist()
    if missing:
        LOGGER.warning(
            "documents not in %s: %d, such as %s", metadata, len(missing), ", ".join(missing[:5])
        )
    without_source = int(described["source"].isna().sum())
    if without_source:
        LOGGER.warning(
            "documents without a source, left out of the trends by source: %d", without_source
        )
    write_table(trends.coverage(topics_frame["doc_id"], meta), coverage_csv, coverage_md)
    write_table(
        trends.topics_over_time(topics_frame, meta, period), topics_time_csv, topics_time_md
    )
    write_table(
        trends.themes_over_time(themes_frame, meta, period), themes_time_csv, themes_time_md
    )
    write_table(trends.topics_by_source(topics_frame, meta), topics_source_csv, topics_source_md)
    write_table(trends.themes_by_source(themes_frame, meta), themes_source_csv, themes_source_md)
    dated = described["date"].dropna()
    if len(dated):
        LOGGER.info("dates from %s to %s, by %s", dated.min().date(), dated.max().date(), period)


def compare_guided_step(
    prior: str,
    lda_corpus: str,
    guided_topic_word: str,
    guided_doc_themes: str,
    guided_scores: str,
    unguided_topic_word: str,
    unguided_doc_topics: str,
    unguided_scores: str,
    topic_weight: float,
    min_score: float,
    themes_csv: str,
    themes_md: str,
    measures_csv: str,
    measures_md: str,
    doc_themes_csv: str,
    doc_themes_md: str,
) -> None:
    """Compare the guided model with the unguided one of the same engine, K and seed: how
    strongly each theme's topic holds its seed words, coherence and diversity, and the
    dominant theme of every document under each.

    The guided model is the one stage 6 used, so its documents' themes are read from
    ``guided_doc_themes`` (stage 6's table); only the unguided model's are computed."""
    normalized = json.loads(Path(prior).read_text(encoding="utf-8"))["normalized"]
    names = list(normalized)
    _, _, doc_ids = lda.load_bow(lda_corpus)
    runs = {
        "guided": (guided_topic_word, guided_doc_themes, guided_scores),
        "unguided": (unguided_topic_word, unguided_doc_topics, unguided_scores),
    }
    rows = {name: {"theme": name} for name in names}
    measures, dominant = {}, {}
    for run, (topic_word, documents, scores) in runs.items():
        phi, vocabulary = _load_phi(topic_word)
        words = _top_words(phi, vocabulary)
        topic_scores = themes.theme_scores(phi, vocabulary, normalized)
        for number, name in enumerate(names):
            # The guided model's topic of theme i is topic i + 1; the unguided model's is
            # whichever topic holds the most of the theme's seed words.
            topic = number if run == "guided" else int(topic_scores[name].to_numpy().argmax())
            rows[name] |= {
                f"{run}_topic": topic + 1,
                f"{run}_top_words": words[topic],
                f"{run}_score": float(topic_scores[name].iloc[topic]),
            }
        record = json.loads(Path(scores).read_text())
        measures[run] = {m: record[m] for m in (*lda.COHERENCE_MEASURES, "diversity")}
        if run == "guided":
            table = read_table(documents, dtype={"doc_id": str}).set_index("doc_id")
            dominant[run] = table["dominant_theme"].reindex(doc_ids).to_numpy()
        else:
            theta = read_table(documents).drop(columns="doc_id").to_numpy(dtype=float)
            dominant[run] = themes.document_theme_scores(
                doc_ids,
                lda.bow_matrix(lda_corpus),
                theta,
                phi,
                vocabulary,
                normalized,
                topic_weight,
                min_score,
            )["dominant_theme"].to_numpy()
        for name in [*names, themes.NO_THEME]:
            measures[run][f"documents_{name}"] = int((dominant[run] == name).sum())
    write_table(pd.DataFrame(list(rows.values())), themes_csv, themes_md)
    table = pd.DataFrame(measures).rename_axis("measure").reset_index()
    write_table(table, measures_csv, measures_md)
    documents = pd.DataFrame(
        {
            "doc_id": doc_ids,
            "guided_theme": dominant["guided"],
            "unguided_theme": dominant["unguided"],
        }
    )
    documents["same"] = documents["guided_theme"] == documents["unguided_theme"]
    write_table(documents, doc_themes_csv, doc_themes_md)


def evaluation_step(
    metadata: str,
    matrix: str,
    assignments: str,
    silhouette: str,
    doc_topics: Sequence[str],
    settings: Mapping,
    seeds: Sequence[int],
    main_variant: str,
    metrics_csv: str,
    metrics_md: str,
    summary_csv: str,
    summary_md: str,
    clusters_csv: str,
    clusters_md: str,
    topics_csv: str,
    topics_md: str,
) -> None:
    """Agreement of clusters and argmax topics with the gold labels (NMI, ARI, V-measure,
    purity), for every seed and every engine, and the label-by-group confusion tables.

    Only labelled documents count; how many were left out is logged. The clustering is
    rerun with each seed (k as the clustering stage chose it); ``doc_topics`` are the
    ``runs/<variant>/k_<K>/seed_<seed>/doc_topics.csv`` files of the chosen K."""
    weights, doc_ids, _ = tfidf.load_matrix(matrix)
    meta = read_table(metadata, dtype=str).fillna("").set_index("doc_id")
    gold = meta["label"].reindex(doc_ids).fillna("").to_numpy()
    kept = evaluation.labelled_positions(gold)
    if len(kept) < len(gold):
        LOGGER.warning("%d of %d documents have no gold label", len(gold) - len(kept), len(gold))
    gold = gold[kept]
    rows = []
    chosen = read_table(silhouette)
    k = int(chosen.loc[chosen["chosen"].astype(str) == "True", "k"].iloc[0])
    method = f"{settings['method']}_{settings['features']}"
    for seed in seeds:
        features = _cluster_features(weights, settings, seed)
        predicted = clusters.cluster_documents(features, k, settings["method"], seed)
        rows.append({"method": method, "seed": seed, **_scores(gold, predicted[kept])})
    position = {doc_id: i for i, doc_id in enumerate(doc_ids)}
    reference = None
    for path in doc_topics:
        run = Path(path).parent
        variant, seed = run.parent.parent.name, int(run.name.removeprefix("seed_"))
        table = read_table(path)
        theta = np.zeros((len(doc_ids), table.shape[1] - 1))
        # Topic models drop no document, but their ids are matched, not assumed in order.
        theta[[position[d] for d in table["doc_id"].astype(str)]] = table.drop(
            columns="doc_id"
        ).to_numpy(dtype=float)
        topics = evaluation.argmax_topics(theta)
        rows.append({"method": f"topics_{variant}", "seed": seed, **_scores(gold, topics[kept])})
        if variant == main_variant and seed == seeds[0]:
            reference = topics
    metrics = pd.DataFrame(rows)
    write_table(metrics, metrics_csv, metrics_md)
    write_table(evaluation.metrics_summary(metrics), summary_csv, summary_md)
    stage = read_table(assignments, dtype={"doc_id": str}).set_index("doc_id")["cluster"]
    write_table(
        evaluation.confusion_table(gold, stage.reindex(doc_ids).to_numpy()[kept], "cluster"),
        clusters_csv,
        clusters_md,
    )
    write_table(evaluation.confusion_table(gold, reference[kept], "topic"), topics_csv, topics_md)
    LOGGER.info("evaluated %d labelled documents, %d runs", len(gold), len(metrics))


def _scores(gold, predicted) -> dict:
    return {"documents": len(gold), **evaluation.label_scores(gold, predicted)}
