"""Rule build_normalizer: every normalization rule once per distinct form of the corpus."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.logs import log_to
from arabic_news_topics.stages import build_normalizer_step

log_to(snakemake.log[0])
build_normalizer_step(
    counts=snakemake.input.counts,
    settings=snakemake.params.settings,
    multiword_list=snakemake.input.multiword_list,
    reporting_words=snakemake.input.reporting_words,
    recurring=snakemake.input.recurring,
    normalizer=snakemake.output.normalizer,
)
