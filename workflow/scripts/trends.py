"""Rule trends: topic and theme prevalence per period and per source."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.io import log_to
from arabic_news_topics.trends.step import trends

log_to(snakemake.log[0])
trends(
    metadata=snakemake.input.metadata,
    doc_topics=snakemake.input.doc_topics,
    doc_themes=snakemake.input.doc_themes,
    period=snakemake.params.period,
    **snakemake.output,
)
