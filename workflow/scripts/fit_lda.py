"""Rule fit_lda: one LDA model with K topics, its tables and coherence."""

from pathlib import Path

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.logs import log_to
from arabic_news_topics.stages import fit_lda_step

log_to(snakemake.log[0])
fit_lda_step(
    corpus_folder=str(Path(snakemake.input.dictionary).parent),
    num_topics=int(snakemake.wildcards.k),
    params=snakemake.params.lda,
    top_n=snakemake.params.top_n,
    **snakemake.output,
)
