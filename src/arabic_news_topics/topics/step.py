"""Steps of stage 4: the bag of words, the guided prior, topic-model fits, held-out
perplexity and the choice of K."""

from __future__ import annotations

import functools
import json
import logging
import shutil
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from ..corpus.step import document_details
from ..io import atomic_path, iter_tokens, read_table, write_npz, write_table, write_text
from ..normalize import core as normalize_core
from ..normalize.step import normalized_seed_words, read_display_forms
from . import curate, describe, engines, selection

LOGGER = logging.getLogger(__name__)


def build_lda_corpus(
    tokens: str, no_below: int | str, no_above: float, keep_n: int | None, folder: str
) -> None:
    """Build the LDA dictionary and bag-of-words corpus once, for every K (two passes over
    the tokens file, never all token lists at once)."""
    token_lists = (t for _, t in iter_tokens(tokens))
    dictionary = engines.build_dictionary(token_lists, no_below, no_above, keep_n)
    n_docs = engines.save_corpus(iter_tokens(tokens), dictionary, folder)
    LOGGER.info(
        "LDA corpus: %d documents, vocabulary of %d terms (each in at least %d documents: "
        "lda.no_below %s)",
        n_docs,
        len(dictionary),
        engines.resolve_no_below(no_below, n_docs),
        no_below,
    )


def vocabulary_of(dictionary) -> list[str]:
    return [dictionary[i] for i in range(len(dictionary))]


def build_guided_prior(
    themes_config: Mapping[str, Sequence[str]],
    settings: Mapping,
    strength: float,
    reporting_words: str,
    expressions: str,
    vocabulary_csv: str,
    dictionary: str,
    seed_words_csv: str,
    seed_words_md: str,
    prior: str,
) -> None:
    """Normalize the theme seeds for guided topics; report each seed's status in the LDA
    vocabulary (a missing one is logged, never ignored) and store the normalized seeds."""
    normalized, _ = normalized_seed_words(
        themes_config, settings, reporting_words, expressions, vocabulary_csv
    )
    from gensim.corpora import Dictionary

    vocabulary = vocabulary_of(Dictionary.load_from_text(dictionary))
    _, table = engines.guided_prior(
        normalized, themes_config, vocabulary, len(themes_config), strength
    )
    for row in table.itertuples():
        if row.status != "in_vocabulary":
            LOGGER.warning(
                "guided theme %s: seed word %r is %s %s",
                row.theme,
                row.seed_word,
                row.status,
                getattr(row, "missing_terms", ""),
            )
    write_table(table, seed_words_csv, seed_words_md)
    record = {"seed_words": dict(themes_config), "normalized": normalized, "strength": strength}
    write_text(prior, json.dumps(record, ensure_ascii=False, indent=1) + "\n")


def _prior_matrix(prior: str | None, vocabulary: Sequence[str], num_topics: int):
    """The topics-by-terms guided prior stored by :func:`build_guided_prior`, or None."""
    if not prior:
        return None
    record = json.loads(Path(prior).read_text(encoding="utf-8"))
    matrix, _ = engines.guided_prior(
        record["normalized"], record["seed_words"], vocabulary, num_topics, record["strength"]
    )
    return matrix


def fit_topic_model(
    corpus_folder: str,
    engine: str,
    num_topics: int,
    random_seeds: Sequence[int],
    params: Mapping,
    model: Sequence[str],
    topics: Sequence[str],
    doc_topics: Sequence[str],
    topic_word: Sequence[str],
    scores: Sequence[str],
    prior: str | None = None,
    top_n: int = 10,
    heldout_shares: Sequence[float] | None = None,
    heldout_seed: int = 0,
    threads: int = 1,
) -> None:
    """Fit one topic model (an engine and prior) at K topics once per random seed: each
    run's model, topics, document mixtures, topic-word matrix, and its coherence (NPMI,
    c_v, UMass) and diversity (with the engine's own numbers of the fit,
    ``TopicModel.fit_scores``). The output arguments are lists aligned with
    ``random_seeds``.

    The seeds of one K share a job because on a small corpus a fit costs less than the
    process that runs it (Python and gensim's imports, about 2 CPU seconds): the five seed
    articles' twelve fits were twelve processes. With ``threads`` above 1 the seeds are
    fitted in that many processes; every fit uses one BLAS thread either way, so a run's
    files do not depend on ``threads``.

    A run whose ``heldout_shares`` entry is above 0 is fitted on the training documents of
    :func:`~arabic_news_topics.topics.engines.heldout_split` (``heldout_seed`` draws the
    split, so every fit given the same seed holds out the same documents), the held-out
    documents' mixtures are inferred, and its scores also hold the held-out perplexity of
    those documents (the fields of :func:`heldout_perplexity`): a stability fit that
    measures the held-out likelihood too, instead of one more fit per K."""
    shares = [0.0] * len(random_seeds) if heldout_shares is None else list(heldout_shares)
    outputs = (model, topics, doc_topics, topic_word, scores, shares)
    if any(len(files) != len(random_seeds) for files in outputs):
        raise ValueError(
            f"one output file and held-out share per random seed: {len(random_seeds)} seeds"
        )
    runs = [
        {
            "seed": int(seed),
            "heldout_share": float(share),
            "files": {"model": m, "topics": t, "doc_topics": d, "topic_word": w, "scores": s},
        }
        for seed, m, t, d, w, s, share in zip(random_seeds, *outputs, strict=True)
    ]
    fit_runs = functools.partial(
        _fit_runs, corpus_folder, engine, num_topics, params, prior, top_n, heldout_seed
    )
    processes = min(threads, len(runs))
    if processes > 1:
        # Each process takes every processes-th seed and reads the bag of words once.
        groups = [runs[i::processes] for i in range(processes)]
        LOGGER.info("%d random seeds in %d processes", len(runs), processes)
        with ProcessPoolExecutor(max_workers=processes) as pool:
            list(pool.map(fit_runs, groups))
    else:
        fit_runs(runs)


def _fit_runs(
    corpus_folder: str,
    engine: str,
    num_topics: int,
    params: Mapping,
    prior: str | None,
    top_n: int,
    heldout_seed: int,
    runs: Sequence[Mapping],
) -> None:
    """Fit ``runs`` (seed, held-out share and files, :func:`fit_topic_model`) one after the
    other on the bag of words, read once."""
    # Here, not at the top: it imports gensim, which only the fits need.
    from threadpoolctl import threadpool_limits

    from . import coherence

    dictionary, bow, doc_ids = engines.load_bow(corpus_folder)
    vocabulary = vocabulary_of(dictionary)
    matrix = _prior_matrix(prior, vocabulary, num_topics)
    token_ids = coherence.load_token_ids(corpus_folder)
    for run in runs:
        # One BLAS thread, whatever the job's threads: a fit's last bits must not depend on
        # how many processes share the job.
        with threadpool_limits(limits=1):
            _fit_run(
                bow,
                dictionary,
                doc_ids,
                vocabulary,
                token_ids,
                matrix,
                engine,
                num_topics,
                params,
                top_n,
                heldout_seed,
                **run,
            )


def _fit_run(
    bow,
    dictionary,
    doc_ids: Sequence[str],
    vocabulary: Sequence[str],
    token_ids,
    matrix: np.ndarray | None,
    engine: str,
    num_topics: int,
    params: Mapping,
    top_n: int,
    heldout_seed: int,
    seed: int,
    heldout_share: float,
    files: Mapping[str, str],
) -> None:
    """One run of :func:`fit_topic_model`: fit, then write its ``files``."""
    from . import coherence

    train, test = engines.heldout_split(len(bow), heldout_share, heldout_seed)
    if not (len(train) and len(test)):
        train, test = np.arange(len(bow)), np.zeros(0, dtype=int)
    LOGGER.info(
        "%s K=%d seed=%d: %d documents%s%s",
        engine,
        num_topics,
        seed,
        len(train),
        ", guided" if matrix is not None else "",
        f", {len(test)} more held out (lda.heldout_share {heldout_share})" if len(test) else "",
    )
    heldout = {}
    if len(test):
        fitted, heldout = _fit_holding_out(
            bow, dictionary, num_topics, engine, seed, matrix, params, train, test
        )
    else:
        fitted = engines.fit_topic_model(
            bow, dictionary, num_topics, engine=engine, random_state=seed, prior=matrix, **params
        )
    fitted.save(files["model"])
    write_table(engines.topics_table(fitted.phi, vocabulary, top_n), files["topics"])
    # The fitted documents' own mixtures (tomotopy's sampled ones, gensim's inferred ones);
    # the held-out documents' inferred by the fitted model.
    theta = fitted.theta
    if len(test):
        theta = np.empty((len(bow), num_topics))
        theta[train] = fitted.theta
        theta[test] = fitted.transform(bow[test])
        LOGGER.info(
            "%s K=%d seed=%d: held-out perplexity %s on %d documents",
            engine,
            num_topics,
            seed,
            heldout["heldout_perplexity"],
            len(test),
        )
    write_table(engines.doc_topics_table(theta, doc_ids), files["doc_topics"])
    write_npz(files["topic_word"], phi=fitted.phi, vocabulary=np.array(vocabulary, dtype=str))
    measures, by_topic = coherence.coherence_by_topic(fitted.phi, token_ids, dictionary, bow, top_n)
    measures["diversity"] = selection.topic_diversity(fitted.phi)
    # Then what the engine reports of its fit (the DMM: every restart's log-likelihood), and
    # each topic's coherence (the topic-quality table of rule describe_topics).
    record = {
        "engine": engine,
        "num_topics": num_topics,
        "seed": seed,
        **measures,
        **{k: v for k, v in heldout.items() if k not in ("engine", "num_topics")},
        **fitted.fit_scores,
        "coherence_by_topic": by_topic,
    }
    write_text(files["scores"], json.dumps(record, indent=1) + "\n")
    LOGGER.info("%s K=%d seed=%d: %s", engine, num_topics, seed, measures)
    if fitted.fit_scores:
        LOGGER.info("%s K=%d seed=%d: %s", engine, num_topics, seed, fitted.fit_scores)


def _fit_holding_out(
    bow,
    dictionary,
    num_topics: int,
    engine: str,
    seed: int,
    matrix: np.ndarray | None,
    params: Mapping,
    train: np.ndarray,
    test: np.ndarray,
) -> tuple[engines.TopicModel, dict]:
    """Fit on the ``train`` documents of ``bow``, score the ``test`` ones: the model and its
    held-out record (:func:`_heldout_record`). Shared by the stability fits that hold
    documents out and the one more fit per K of :func:`heldout_perplexity`."""
    # MmCorpus is indexed: a list of positions streams those documents only.
    fitted = engines.fit_topic_model(
        bow[train], dictionary, num_topics, engine=engine, random_state=seed, prior=matrix, **params
    )
    value = fitted.perplexity(bow[test])
    return fitted, _heldout_record(engine, num_topics, value, len(train), len(test), params)


def _heldout_record(
    engine: str, num_topics: int, value: float, n_train: int, n_test: int, params: Mapping
) -> dict:
    """The held-out measures of one fit (:func:`heldout_perplexity` describes them)."""
    finite = bool(np.isfinite(value) and value > 0)
    return {
        "num_topics": num_topics,
        "engine": engine,
        "heldout_perplexity": float(value) if finite else None,
        "heldout_log_likelihood_per_word": -float(np.log(value)) if finite else None,
        "train_documents": n_train,
        "test_documents": n_test,
        # What the engine's updates take (a small last chunk spread over the others).
        "train_chunksize": (
            engines.update_chunksize(n_train, params["chunksize"])
            if "chunksize" in params
            else None
        ),
    }


def heldout_perplexity(
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
    measure on those (the split and the fit use ``seed``, so every K is measured on the same
    documents), in chunks as the grid's fits
    (:func:`~arabic_news_topics.topics.engines.update_chunksize`).

    Writes ``num_topics``, ``engine``, ``heldout_perplexity`` (the engine's, exp of minus the
    log-likelihood per held-out token in nats), ``heldout_log_likelihood_per_word`` (minus
    its log: the mean log-likelihood per held-out token, higher is better; for the
    variational engines a lower bound, the topics' own term spread over the training
    documents), ``train_documents``, ``test_documents`` and ``train_chunksize`` (null for
    engines without chunks); null where the engine has none (NMF) or nothing was held
    out."""
    dictionary, bow, _ = engines.load_bow(corpus_folder)
    train, test = engines.heldout_split(len(bow), share, seed)
    matrix = _prior_matrix(prior, vocabulary_of(dictionary), num_topics)
    if len(test) and len(train):
        _, record = _fit_holding_out(
            bow, dictionary, num_topics, engine, seed, matrix, params, train, test
        )
    else:
        record = _heldout_record(engine, num_topics, np.nan, len(train), len(test), params)
    write_text(perplexity, json.dumps(record, indent=1) + "\n")
    LOGGER.info(
        "%s K=%d: held-out perplexity %s on %d documents",
        engine,
        num_topics,
        record["heldout_perplexity"],
        len(test),
    )


def top_words(
    phi: np.ndarray,
    vocabulary: Sequence[str],
    n_words: int = 4,
    displays: Mapping[str, str] | None = None,
) -> list[str]:
    """Each topic's ``n_words`` most probable words, space-separated: their display forms
    when ``displays`` (``term -> display``, :func:`read_display_forms`) is given."""
    table = normalize_core.with_display(engines.topics_table(phi, vocabulary, n_words), displays)
    column = "display" if "display" in table.columns else "term"
    return [" ".join(group[column]) for _, group in table.groupby("topic", sort=True)]


def load_phi(path: str | Path) -> tuple[np.ndarray, list[str]]:
    with np.load(path, allow_pickle=False) as stored:
        return stored["phi"], stored["vocabulary"].tolist()


def _heldout_values(
    heldout_files: Sequence[str], records: Sequence[Mapping] = ()
) -> tuple[dict[int, float], dict[int, float], dict[int, float]]:
    """Held-out perplexity, log-likelihood per word and its sd by K, from
    :func:`heldout_perplexity`'s files (the log-likelihood derived from the perplexity in
    files without it) and from the score records of fits that held documents out
    (:func:`fit_topic_model`). Where a K has several, its log-likelihood is their mean, its
    sd theirs (NaN with one), and its perplexity exp(-mean), the geometric mean of theirs;
    NaN where any lacks a value."""
    values: dict[int, list[float]] = {}
    for record in [json.loads(Path(path).read_text()) for path in heldout_files]:
        k = int(record["num_topics"])
        value = record.get("heldout_log_likelihood_per_word")
        if "heldout_log_likelihood_per_word" not in record:
            perplexity = record.get("heldout_perplexity")
            value = -float(np.log(perplexity)) if perplexity and perplexity > 0 else None
        values.setdefault(k, []).append(np.nan if value is None else float(value))
    for record in records:
        if "heldout_log_likelihood_per_word" in record:
            value = record["heldout_log_likelihood_per_word"]
            k = int(record["num_topics"])
            values.setdefault(k, []).append(np.nan if value is None else float(value))
    log_likelihood = {
        k: float(np.mean(v)) if np.isfinite(v).all() else np.nan for k, v in values.items()
    }
    sd = {
        k: float(np.std(v, ddof=1)) if len(v) > 1 and np.isfinite(v).all() else np.nan
        for k, v in values.items()
    }
    perplexity = {k: float(np.exp(-v)) for k, v in log_likelihood.items()}
    return perplexity, log_likelihood, sd


def _prevalence(doc_topics_csv: str, num_topics: int) -> np.ndarray:
    """The topic prevalence (:func:`selection.topic_prevalence`) of one run's documents."""
    table = read_table(doc_topics_csv)
    columns = [f"topic_{k}" for k in range(1, num_topics + 1)]
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{doc_topics_csv} lacks the columns {', '.join(missing)}")
    if table.empty:
        return np.full(num_topics, np.nan)
    return selection.topic_prevalence(table[columns].to_numpy(dtype=np.float64))


def select_num_topics(
    runs: Sequence[Sequence[int]],
    score_files: Sequence[str],
    topic_word_files: Sequence[str],
    topics_files: Sequence[str],
    doc_topics_files: Sequence[str],
    heldout_files: Sequence[str],
    random_seeds: Sequence[int],
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
    select_rule: str = "one_se",
    min_relative_prevalence: float = selection.MIN_RELATIVE_PREVALENCE,
    vocabulary_csv: str | None = None,
    engine_choice: Sequence[str] = (),
) -> None:
    """Tabulate every measure by K (mean, sd and standard error over random seeds), the
    stability of each K's topics across random seeds, choose K by ``select_rule``
    (:func:`selection.num_topics_choice`), and copy the chosen model's tables to the stage
    folder.

    ``runs`` are the (K, seed) of the fits, one per item of ``score_files``,
    ``topic_word_files``, ``topics_files`` and ``doc_topics_files`` (each fit's own files);
    ``heldout_files`` hold one K's held-out perplexity each. The model of the first seed is
    the reference: its topics are matched (Hungarian) to those of every other seed, and it is
    the model later stages use. Its topics whose prevalence is below
    ``min_relative_prevalence / K`` are flagged ``low_prevalence`` and not rated for
    stability. ``chosen`` records the choice (:meth:`selection.KChoice.record`) and the
    chosen model's low-prevalence topics; each of :meth:`selection.KChoice.warnings` is
    logged as a warning. Words are shown in their display forms (``vocabulary_csv``, stage
    2's vocabulary table); ``topics.csv`` has both the term and its display form.
    ``engine_choice``, the engine of the runs and why (:func:`engines.resolve_engine`), is
    recorded in ``chosen`` too."""
    displays = read_display_forms(vocabulary_csv)
    keys = [(int(k), int(seed)) for k, seed in runs]
    files = {
        key: {"topic_word": w, "topics": t, "doc_topics": d}
        for key, w, t, d in zip(keys, topic_word_files, topics_files, doc_topics_files, strict=True)
    }
    records = [json.loads(Path(f).read_text()) for f in score_files]
    for (k, seed), record, path in zip(keys, records, score_files, strict=True):
        if (int(record["num_topics"]), int(record["seed"])) != (k, seed):
            raise ValueError(
                f"{path} holds the scores of K={record['num_topics']}, seed {record['seed']}, "
                f"not of the run it is given for (K={k}, seed {seed})"
            )
    # One row per run: its topic-by-topic lists are for rule describe_topics.
    runs_table = pd.DataFrame(
        [{k: v for k, v in r.items() if k != "coherence_by_topic"} for r in records]
    )
    reference = random_seeds[0]
    stability_parts, stability_by_k, low_by_k = [], {}, {}
    for k in sorted(runs_table["num_topics"].unique()):
        k = int(k)
        phi, vocabulary = load_phi(files[k, reference]["topic_word"])
        others = {s: load_phi(files[k, s]["topic_word"])[0] for s in random_seeds[1:]}
        prevalence = _prevalence(files[k, reference]["doc_topics"], k)
        part = selection.stability_table(
            phi,
            others,
            top_words(phi, vocabulary, displays=displays),
            prevalence,
            min_relative_prevalence,
        )
        part.insert(0, "num_topics", k)
        stability_parts.append(part)
        # The mean over the rated topics (a low-prevalence topic's similarity is NaN).
        stability_by_k[k] = float(part["mean_similarity"].mean()) if others else np.nan
        low_by_k[k] = int(part["low_prevalence"].sum())
    stability = pd.concat(stability_parts, ignore_index=True)
    write_table(stability, stability_csv, stability_md)
    runs_table["stability"] = runs_table["num_topics"].map(stability_by_k)
    runs_table["low_prevalence_topics"] = runs_table["num_topics"].map(low_by_k)
    perplexity, log_likelihood, spread = _heldout_values(heldout_files, records)
    runs_table["heldout_perplexity"] = runs_table["num_topics"].map(perplexity).astype(float)
    runs_table["heldout_log_likelihood_per_word"] = (
        runs_table["num_topics"].map(log_likelihood).astype(float)
    )
    runs_table["heldout_log_likelihood_per_word_sd"] = (
        runs_table["num_topics"].map(spread).astype(float)
    )
    table = selection.model_selection_table(runs_table, measure, select_rule)
    write_table(table, selection_csv, selection_md)
    choice = selection.num_topics_choice(table, measure, select_rule)
    chosen_k = choice.num_topics
    rows = stability[stability["num_topics"] == chosen_k]
    low = rows.loc[rows["low_prevalence"], "topic"].astype(int).tolist()
    record = {
        **choice.record(),
        "seed": reference,
        "min_relative_prevalence": min_relative_prevalence,
        "low_prevalence_topics": low,
    }
    if engine_choice:
        record["engine"], record["engine_rule"] = engine_choice
    write_text(chosen, json.dumps(record) + "\n")
    model = files[chosen_k, reference]
    phi, vocabulary = load_phi(model["topic_word"])
    words = top_words(phi, vocabulary, displays=displays)
    similarity = pd.DataFrame(
        selection.topic_similarity(phi, phi),
        columns=[f"topic_{k + 1}" for k in range(len(phi))],
    )
    similarity.insert(0, "top_words", words)
    similarity.insert(0, "topic", range(1, len(phi) + 1))
    write_table(similarity, similarity_csv, similarity_md)
    topics_table = read_table(model["topics"], dtype={"term": str})
    if "display" not in topics_table.columns:
        topics_table = normalize_core.with_display(topics_table, displays)
    write_table(topics_table, topics_csv, topics_md)
    chosen_doc_topics = read_table(model["doc_topics"])
    write_table(chosen_doc_topics, doc_topics_csv, doc_topics_md)
    with atomic_path(topic_word) as temporary:
        shutil.copyfile(model["topic_word"], temporary)
    se = f" ± {choice.best_se:.4g} (SE)" if np.isfinite(choice.best_se) else ""
    LOGGER.info(
        "chose K=%d by lda.select_rule %s (applied: %s) on the mean %s over %d random seeds: "
        "the best is K=%d, %.6g%s; Ks within one SE: %s",
        chosen_k,
        select_rule,
        choice.rule_applied,
        measure,
        len(random_seeds),
        choice.best_num_topics,
        choice.best_mean,
        se,
        list(choice.within_one_se),
    )
    for message in choice.warnings(documents=len(chosen_doc_topics)):
        LOGGER.warning(message)
    if low:
        shares = rows.loc[rows["low_prevalence"], "prevalence"].round(4).tolist()
        LOGGER.warning(
            "the chosen model (K=%d) has topics of near-zero prevalence, below %g / K "
            "(lda.min_relative_prevalence): topics %s, prevalence %s; they are not rated "
            "for stability",
            chosen_k,
            min_relative_prevalence,
            low,
            shares,
        )


def describe_topics(
    runs: Sequence[Sequence[int]],
    score_files: Sequence[str],
    topic_word_files: Sequence[str],
    random_seeds: Sequence[int],
    stability: str,
    chosen: str,
    topic_word: str,
    doc_topics: str,
    vocabulary_csv: str,
    shards: Sequence[str],
    words_csv: str,
    words_md: str,
    quality_csv: str,
    quality_md: str,
    documents_csv: str,
    documents_md: str,
    top_n: int = 10,
    frex_weight: float = describe.FREX_WEIGHT,
    relevance_lambda: float = describe.RELEVANCE_LAMBDA,
    representative_documents: int = 5,
    snippet_characters: int = 300,
) -> None:
    """What each topic of the chosen model is: its words by probability, FREX, lift and
    relevance (``words``); every K's topics with their coherence (NPMI of the top words),
    exclusivity, prevalence and stability (``quality``, stm's topicQuality); and each
    topic's representative articles with title, date, source, share and the start of the
    text (``documents``; :func:`describe.representative_documents`).

    ``runs``, ``score_files`` and ``topic_word_files`` are every run of the main model, as
    for :func:`select_num_topics`; the reference seed's (the first of ``random_seeds``) are
    described. ``shards`` are stage 1's documents (titles and texts)."""
    frequencies_table = read_table(vocabulary_csv, dtype={"term": str, "display": str})
    counts = dict(zip(frequencies_table["term"], frequencies_table["count"], strict=True))
    displays = read_display_forms(vocabulary_csv)
    phi, vocabulary = load_phi(topic_word)
    frequencies = describe.word_frequencies([counts.get(t, 0) for t in vocabulary])
    display = normalize_core.display_terms(vocabulary, displays)
    words = describe.word_rankings(
        phi, vocabulary, frequencies, display, top_n, frex_weight, relevance_lambda
    )
    write_table(words, words_csv, words_md)

    chosen_k = int(json.loads(Path(chosen).read_text())["num_topics"])
    rated = read_table(stability, dtype={"top_words": str})
    reference = int(random_seeds[0])
    rows = []
    for (k, seed), scores, matrix in zip(runs, score_files, topic_word_files, strict=True):
        if int(seed) != reference:
            continue
        exclusivity = describe.topic_exclusivity(load_phi(matrix)[0], top_n, frex_weight)
        record = json.loads(Path(scores).read_text())
        coherence = record.get("coherence_by_topic", {}).get("c_npmi", [np.nan] * int(k))
        part = rated[rated["num_topics"] == int(k)].set_index("topic")
        for topic in range(1, int(k) + 1):
            rows.append(
                {
                    "num_topics": int(k),
                    "topic": topic,
                    "chosen": int(k) == chosen_k,
                    "coherence": float(coherence[topic - 1]),
                    "exclusivity": float(exclusivity[topic - 1]),
                    **{
                        column: part.at[topic, column]
                        for column in ("prevalence", "low_prevalence", "mean_similarity")
                        if column in part.columns
                    },
                    "top_words": part.at[topic, "top_words"] if "top_words" in part else "",
                }
            )
    write_table(pd.DataFrame(rows), quality_csv, quality_md)

    theta_table = read_table(doc_topics, dtype={"doc_id": str})
    doc_ids = theta_table["doc_id"].tolist()
    theta = theta_table.drop(columns="doc_id").to_numpy(dtype=np.float64)
    chosen_documents = describe.representative_documents(theta, doc_ids, representative_documents)
    details = document_details(shards, chosen_documents["doc_id"], snippet_characters)
    documents = chosen_documents.join(details, on="doc_id")
    write_table(documents, documents_csv, documents_md)
    LOGGER.info(
        "described %d topics: %d ranked words, %d representative documents",
        len(phi),
        len(words),
        len(documents),
    )


def curate_topics(
    doc_topics: str,
    topic_word: str,
    vocabulary_csv: str,
    curated_doc_topics: str,
    curated_topic_word: str,
    topics_csv: str,
    topics_md: str,
    members_csv: str,
    members_md: str,
    merge: Sequence[Sequence[int]] = (),
    drop: Sequence[int] = (),
    top_n: int = 10,
) -> None:
    """The chosen model with ``topics.merge`` and ``topics.drop`` applied
    (:func:`curate.curate`): the document topics, topic-word matrix and top words that
    stages 6 to 8 use, and which original topics each curated topic holds. Without merges
    or drops, the same model numbered the same."""
    theta_table = read_table(doc_topics, dtype={"doc_id": str})
    phi, vocabulary = load_phi(topic_word)
    theta = theta_table.drop(columns="doc_id").to_numpy(dtype=np.float64)
    curated = curate.curate(theta, phi, merge, drop)
    if curated.emptied:
        LOGGER.warning(
            "topics.drop: %d documents had all their share in dropped topics; they keep "
            "equal shares of the other topics",
            curated.emptied,
        )
    write_table(engines.doc_topics_table(curated.theta, theta_table["doc_id"]), curated_doc_topics)
    write_npz(curated_topic_word, phi=curated.phi, vocabulary=np.array(vocabulary, dtype=str))
    displays = read_display_forms(vocabulary_csv)
    words = normalize_core.with_display(
        engines.topics_table(curated.phi, vocabulary, top_n), displays
    )
    write_table(words, topics_csv, topics_md)
    members = curated.table.copy()
    members["prevalence"] = selection.topic_prevalence(curated.theta)
    members["top_words"] = top_words(curated.phi, vocabulary, displays=displays)
    write_table(members, members_csv, members_md)
    LOGGER.info(
        "curated topics: %d of the model's %d (%d merged groups, %d dropped)",
        len(members),
        len(phi),
        len(merge),
        len(drop),
    )


def label_topics(members_csv: str, labels: Mapping, labels_csv: str, labels_md: str) -> None:
    """Each curated topic's name (``topics.labels``, else its top words), for the tables
    and figures that name topics: a label edit reruns only them."""
    members = read_table(members_csv, dtype={"members": str, "top_words": str})
    members["label"] = curate.topic_labels(members["members"], labels, members["top_words"])
    named = {int(topic) for topic in labels}
    members["labelled"] = [any(int(t) in named for t in m.split("+")) for m in members["members"]]
    columns = ["topic", "label", "labelled", "members", "prevalence", "top_words"]
    write_table(members[columns], labels_csv, labels_md)
