"""Rule fit_topic_model: one topic model (engine, prior) at one K, once per random seed,
each run's tables and measures."""

from pathlib import Path

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.topics.step import fit_topic_model

log_to(snakemake.log[0])
fit_topic_model(
    # The folder of the bag of words, every file of which is an input.
    corpus_folder=str(Path(snakemake.input.corpus).parent),
    engine=snakemake.wildcards.engine,
    num_topics=int(snakemake.wildcards.k),
    random_seeds=snakemake.params.random_seeds,
    params=snakemake.params.lda,
    prior=snakemake.input.get("prior"),
    top_n=snakemake.params.top_n,
    heldout_shares=snakemake.params.heldout_shares,
    heldout_seed=snakemake.params.heldout_seed,
    threads=snakemake.threads,
    # One list per kind of file, aligned with the random seeds.
    **{name: list(files) for name, files in snakemake.output.items()},
)
