"""Rule plot_normalization: vocabulary size after each rule, and top terms."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.figures import plot_top_terms, plot_vocabulary_by_step
from arabic_news_topics.logs import log_to

log_to(snakemake.log[0])
plot_vocabulary_by_step(
    snakemake.input.steps, snakemake.output.steps_png, snakemake.output.steps_pdf
)
plot_top_terms(
    snakemake.input.top_terms,
    snakemake.output.top_terms_png,
    snakemake.output.top_terms_pdf,
)
