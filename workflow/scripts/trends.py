"""Rule trends: topic and theme prevalence per period and per source."""

import add_src_to_path  # noqa: F401 (makes arabic_news_topics importable)

from arabic_news_topics.logs import log_to
from arabic_news_topics.stages import trends_step

log_to(snakemake.log[0])
trends_step(
    metadata=snakemake.input.metadata,
    doc_topics=snakemake.input.doc_topics,
    doc_themes=snakemake.input.doc_themes,
    period=snakemake.params.period,
    **snakemake.output,
)
