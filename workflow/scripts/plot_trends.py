"""Rule plot_trends: topics and themes over time and by source."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.trends.figures import plot_trends

log_to(snakemake.log[0])
plot_trends(**snakemake.input, **snakemake.output, period=snakemake.params.period)
