"""Rule plot_topic_quality: coherence against exclusivity, per topic and per K."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.topics.figures import plot_topic_quality

log_to(snakemake.log[0])
plot_topic_quality(quality_csv=snakemake.input.quality, **snakemake.output)
