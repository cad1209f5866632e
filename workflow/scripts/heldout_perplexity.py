"""Rule heldout_perplexity: perplexity of K topics on documents held out of the fit."""

from pathlib import Path

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.topics.step import heldout_perplexity

log_to(snakemake.log[0])
heldout_perplexity(
    # The folder of the bag of words, every file of which load_bow reads is an input.
    corpus_folder=str(Path(snakemake.input.corpus).parent),
    engine=snakemake.wildcards.engine,
    num_topics=int(snakemake.wildcards.k),
    seed=snakemake.params.seed,
    params=snakemake.params.lda,
    share=snakemake.params.share,
    prior=snakemake.input.get("prior"),
    perplexity=snakemake.output.perplexity,
)
