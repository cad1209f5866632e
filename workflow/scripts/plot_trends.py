"""Rule plot_trends: topics and themes over time and by source."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.figures import (
    plot_themes_by_source,
    plot_themes_over_time,
    plot_topics_by_source,
    plot_topics_over_time,
)
from arabic_news_topics.logs import log_to

log_to(snakemake.log[0])
plot_topics_over_time(
    snakemake.input.topics_time,
    snakemake.input.topic_summary,
    snakemake.input.coverage,
    snakemake.output.topics_time_png,
    snakemake.output.topics_time_pdf,
    period=snakemake.params.period,
)
plot_themes_over_time(
    snakemake.input.themes_time,
    snakemake.input.coverage,
    snakemake.output.themes_time_png,
    snakemake.output.themes_time_pdf,
    period=snakemake.params.period,
)
plot_topics_by_source(
    snakemake.input.topics_source,
    snakemake.input.topic_summary,
    snakemake.input.coverage,
    snakemake.output.topics_source_png,
    snakemake.output.topics_source_pdf,
)
plot_themes_by_source(
    snakemake.input.themes_source,
    snakemake.input.coverage,
    snakemake.output.themes_source_png,
    snakemake.output.themes_source_pdf,
)
