"""Rule build_normalizer: every normalization rule once per distinct form of the corpus."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.normalize.step import build_normalizer

log_to(snakemake.log[0])
build_normalizer(
    counts=snakemake.input.counts,
    settings=snakemake.params.settings,
    multiword_list=snakemake.input.multiword_list,
    reporting_words=snakemake.input.reporting_words,
    recurring=snakemake.input.recurring,
    normalizer=snakemake.output.normalizer,
)
