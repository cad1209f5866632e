"""Rule fit_topic_model: one topic model (engine, K, seed), its tables and measures."""

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
    seed=int(snakemake.wildcards.seed),
    params=snakemake.params.lda,
    prior=snakemake.input.get("prior"),
    top_n=snakemake.params.top_n,
    heldout_share=snakemake.params.heldout_share,
    heldout_seed=snakemake.params.heldout_seed,
    **snakemake.output,
)
