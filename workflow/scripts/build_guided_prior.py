"""Rule build_guided_prior: the theme seed words, normalized, for guided topics."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.topics.step import build_guided_prior

log_to(snakemake.log[0])
build_guided_prior(
    themes_config=snakemake.params.themes,
    settings=snakemake.params.settings,
    strength=snakemake.params.strength,
    reporting_words=snakemake.input.reporting_words,
    expressions=snakemake.input.expressions,
    vocabulary_csv=snakemake.input.vocabulary,
    dictionary=snakemake.input.dictionary,
    **snakemake.output,
)
