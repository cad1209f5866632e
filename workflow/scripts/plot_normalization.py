"""Rule plot_normalization: vocabulary size after each rule, and top terms."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.normalize.figures import plot_normalization

log_to(snakemake.log[0])
plot_normalization(**snakemake.input, **snakemake.output)
