"""Rule plot_group_effects: prevalence by source and over time with intervals, differences."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.trends.figures import plot_group_effects

log_to(snakemake.log[0])
plot_group_effects(**snakemake.input, **snakemake.output, period=snakemake.params.period)
